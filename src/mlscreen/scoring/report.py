"""Evaluation reports as text, and as Markdown tables beside published figures in the docs."""

from __future__ import annotations

import re
from pathlib import Path

from mlscreen.scoring.evaluation import CurvePoint, Report

# Published figures on the full datasets (our development subsets differ, so they are indicative only).
PUBLISHED: dict[str, list[tuple[str, str]]] = {
    "mohler": [
        ("Mohler, Bunescu & Mihalcea 2011", "r = 0.518"),
        ("Ramachandran et al. 2015", "r = 0.610"),
        ("Magooda et al. 2016", "r = 0.550"),
        ("Roy et al. 2016", "r = 0.564"),
        ("Sultan et al. 2016", "r = 0.592, RMSE 0.887 (0.630 in some sources)"),
        ("BERT / ELMo / GPT-2 cosine (Gaddipati et al. 2020)", "r = 0.318 / 0.485 / 0.311"),
        ("human grader vs human grader", "r = 0.597"),
        ("TF-IDF cosine, fitted on the answers", "r = 0.461"),
    ],
    "semeval": [
        ("best system, SciEntsBank 2-way unseen answers (Riordan et al. 2017, Table 4)", "weighted F1 = 0.773"),
        ("best system, Beetle 2-way unseen answers (Riordan et al. 2017, Table 4)", "weighted F1 = 0.845"),
    ],
    "saf": [("Filighera et al. 2022 report feedback-generation figures, not a comparable r", "-")],
}


def render(report: Report) -> str:
    """Return the report as plain text lines."""
    lines = [f"{report.dataset}: {report.rows} answers, {report.groups} question groups (left out one at a time)"]
    for name, m in report.regression.items():
        lines.append(f"  {name}: Pearson {m['pearson']:.3f}  Spearman {m['spearman']:.3f}  RMSE {m['rmse']:.3f}")
    for name, m in report.classification.items():
        lines.append(
            f"  {name}: AUC {m['auc']:.3f}  weighted F1 {m['weighted_f1']:.3f}  macro F1 {m['macro_f1']:.3f}  "
            f"accuracy {m['accuracy']:.3f}"
        )
    return "\n".join(lines)


def markdown(report: Report, key: str, command: str) -> str:
    """Return a Markdown table of our figures followed by the published ones."""
    rows = ["| system | figures |", "|---|---|"]
    for name, m in report.regression.items():
        rows.append(
            f"| mlscreen: {name} | r = {m['pearson']:.3f}, Spearman {m['spearman']:.3f}, RMSE {m['rmse']:.3f} |"
        )
    for name, m in report.classification.items():
        rows.append(
            f"| mlscreen: {name} | AUC = {m['auc']:.3f}, weighted F1 {m['weighted_f1']:.3f}, "
            f"macro F1 {m['macro_f1']:.3f}, accuracy {m['accuracy']:.3f} |"
        )
    for name, figure in PUBLISHED.get(key.split("-")[0], []):
        rows.append(f"| {name} | {figure} |")
    head = f"{report.dataset}: {report.rows} answers, {report.groups} groups. Command: `{command}`."
    return head + "\n\n" + "\n".join(rows)


def update_docs(path: Path, key: str, report: Report, *, command: str) -> None:
    """Replace (or append) the section between `<!-- results:KEY -->` markers of the Markdown file at `path`."""
    update_section(path, f"results:{key}", markdown(report, key, command))


def _curve_figures(point: CurvePoint, *, shipped: bool = False) -> str:
    m = point.shipped if shipped else point.metrics
    if "pearson" in m:
        return f"r = {m['pearson']:.3f}, Spearman {m['spearman']:.3f}, RMSE {m['rmse']:.3f}"
    return f"AUC = {m['auc']:.3f}, weighted F1 {m['weighted_f1']:.3f}, accuracy {m['accuracy']:.3f}"


def render_curve(dataset: str, curve: list[CurvePoint]) -> str:
    """Return the learning curve as plain text lines."""
    lines = [f"{dataset}: agreement after n graded answers per question"]
    lines.extend(
        f"  n = {p.examples:>2} (mean used {p.used:.1f}): {_curve_figures(p)}; "
        f"shipped pull: {_curve_figures(p, shipped=True)}"
        for p in curve
    )
    return "\n".join(lines)


def curve_markdown(dataset: str, curve: list[CurvePoint], command: str) -> str:
    """Return the learning curve as a Markdown table headed by the command that produced it."""
    rows = [
        "| graded answers per question | mean used | pull fitted for n on the other groups | shipped pull (the app) |",
        "|---|---|---|---|",
    ]
    rows.extend(
        f"| {p.examples} | {p.used:.1f} | {_curve_figures(p)} | {_curve_figures(p, shipped=True)} |" for p in curve
    )
    return f"{dataset}. Command: `{command}`.\n\n" + "\n".join(rows)


def update_section(path: Path, key: str, body: str) -> None:
    """Replace (or append) the section between `<!-- KEY -->` and `<!-- /KEY -->` of the Markdown file at `path`."""
    begin, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    block = f"{begin}\n{body}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
