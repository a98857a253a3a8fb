"""Measure each exercise's similarity threshold on its corpus; print the table, and with --write store it.

python scripts/calibrate_similarity.py           # print the calibration table
python scripts/calibrate_similarity.py --write   # also write src/mlscreen/integrity/similarity_calibration.json
"""

import sys

from mlscreen.bank import load_bank
from mlscreen.integrity.calibration import (
    CALIBRATION_FILE,
    calibrate,
    calibration_document,
    calibration_table,
    default_threshold,
)

found = calibrate(load_bank(packaged=True))
print(calibration_table(found), end="")
if "--write" in sys.argv[1:]:
    CALIBRATION_FILE.write_text(calibration_document(found, default=default_threshold()), encoding="utf-8")
    print(f"wrote {CALIBRATION_FILE.name}")
