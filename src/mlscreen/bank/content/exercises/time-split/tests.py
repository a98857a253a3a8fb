"""Hidden tests of the time-split exercise; the expected split is computed here from known frames."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mlscreen.grader import check

PROPERTY = settings(
    max_examples=20, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
START = pd.Timestamp("2024-03-01")


def _expected(df, time_col, valid_size=0.2, gap="0s", group_col=None):
    times = df[time_col]
    ordered = sorted(t for t in times if pd.notna(t))
    cutoff = ordered[len(ordered) - max(1, int(valid_size * len(ordered)))]
    valid = {label for label, t in times.items() if pd.notna(t) and t >= cutoff}
    train = {label for label, t in times.items() if pd.notna(t) and t < cutoff - pd.Timedelta(gap)}
    if group_col is not None:
        entities = {df.loc[label, group_col] for label in valid}
        train = {label for label in train if df.loc[label, group_col] not in entities}
    return train, valid


def _events(n=50, seed=0, shuffle=True, hours=None):
    rng = np.random.default_rng(seed)
    offsets = rng.integers(0, 60 * 24, n) if hours is None else hours
    frame = pd.DataFrame(
        {
            "ts": START + pd.to_timedelta(np.asarray(offsets), unit="h"),
            "user": rng.choice([f"u{i}" for i in range(12)], n),
            "amount": rng.normal(50, 10, n).round(2),
        },
        index=pd.Index(rng.permutation(np.arange(1000, 1000 + n)), name="event_id"),
    )
    return frame.sample(frac=1.0, random_state=seed) if shuffle else frame.sort_values("ts")


def _sets(got):
    assert isinstance(got, dict)
    train, valid = got.get("train"), got.get("valid")
    assert isinstance(train, list) and isinstance(valid, list)
    assert len(set(train)) == len(train) and len(set(valid)) == len(valid)
    return set(train), set(valid)


@check(id="split-by-time", kind="core", message="time_split must put the latest valid_size share of rows (by "
       "time) in validation and the earlier rows in training.")
def split_by_time(sub):
    frame = _events(seed=1, shuffle=False)
    assert _sets(sub.call("time_split", frame, time_col="ts")) == _expected(frame, "ts")
    assert _sets(sub.call("time_split", frame, time_col="ts", valid_size=0.3)) == _expected(frame, "ts", 0.3)


@check(id="index-labels", kind="core", message="time_split must return the frame's index labels (not row "
       "positions), whatever the index holds.")
def index_labels(sub):
    frame = _events(n=30, seed=2, shuffle=False)
    frame.index = [f"evt-{i}" for i in frame["amount"].rank(method="first").astype(int)]
    assert _sets(sub.call("time_split", frame, time_col="ts", valid_size=0.25)) == _expected(frame, "ts", 0.25)


@check(id="unsorted-input", kind="edge", message="Rows are not sorted by time: the split must depend on the "
       "timestamps, not on the row order.")
def unsorted_input(sub):
    frame = _events(seed=3, shuffle=True)
    expected = _expected(frame, "ts", 0.2)
    assert _sets(sub.call("time_split", frame, time_col="ts")) == expected
    assert _sets(sub.call("time_split", frame.iloc[::-1], time_col="ts")) == expected


@check(id="missing-timestamps", kind="edge", message="Rows without a timestamp (NaT) belong to neither set, and "
       "must not shift the cut-off; with no timestamp at all both sets are empty.")
def missing_timestamps(sub):
    frame = _events(seed=4)
    frame.loc[frame.index[::7], "ts"] = pd.NaT
    assert _sets(sub.call("time_split", frame, time_col="ts")) == _expected(frame, "ts")
    frame["ts"] = pd.NaT  # no timestamp at all: both sets are empty
    assert _sets(sub.call("time_split", frame, time_col="ts")) == (set(), set())


@check(id="invalid-valid-size", kind="edge", message="valid_size outside (0, 1) must raise ValueError instead of "
       "returning an empty or full validation set.")
def invalid_valid_size(sub):
    frame = _events(n=10, seed=5)
    for size in (0.0, 1.0, 1.5, -0.2):
        assert "ValueError" in sub.raises("time_split", frame, time_col="ts", valid_size=size), size


@check(id="input-unchanged", kind="edge", message="time_split must leave the frame it is given unchanged (no "
       "in-place sorting or new columns).")
def input_unchanged(sub):
    frame = _events(seed=6)
    outcome = sub.call_full("time_split", frame, time_col="ts", gap="1D", group_col="user")
    pd.testing.assert_frame_equal(outcome.args[0], frame, check_dtype=False, check_column_type=False,
                                  check_index_type=False)


@check(id="gap-respected", kind="ml", message="With a gap, every validation timestamp must be more than `gap` "
       "after every training timestamp: rows inside the gap are dropped, not trained on.")
def gap_respected(sub):
    frame = _events(n=80, seed=7)
    for gap in ("2D", "36h"):
        train, valid = _sets(sub.call("time_split", frame, time_col="ts", gap=gap))
        assert (train, valid) == _expected(frame, "ts", gap=gap)
        assert frame.loc[list(valid), "ts"].min() - frame.loc[list(train), "ts"].max() > pd.Timedelta(gap)


@check(id="ties-at-boundary", kind="ml", message="Rows sharing the cut-off timestamp must all land on the same "
       "side (validation); splitting a timestamp between the sets leaks same-time information.")
def ties_at_boundary(sub):
    hours = [0, 5, 10, 10, 10, 20, 20, 20, 20, 30]
    frame = _events(n=10, seed=8, hours=hours)
    train, valid = _sets(sub.call("time_split", frame, time_col="ts", valid_size=0.3))
    assert (train, valid) == _expected(frame, "ts", 0.3)
    assert frame.loc[list(train), "ts"].max() < frame.loc[list(valid), "ts"].min()


@check(id="grouped-no-overlap", kind="ml", message="With group_col, no entity may appear in both sets: an entity "
       "seen at or after the cut-off is a validation entity and none of its rows may be trained on.")
def grouped_no_overlap(sub):
    frame = _events(n=60, seed=9)
    train, valid = _sets(sub.call("time_split", frame, time_col="ts", group_col="user", gap="12h"))
    assert (train, valid) == _expected(frame, "ts", gap="12h", group_col="user")
    assert not set(frame.loc[list(train), "user"]) & set(frame.loc[list(valid), "user"])


@check(id="random-frames", kind="property", message="For any frame: the sets are disjoint, validation is the "
       "latest rows, every validation time is more than the gap after every training time, and grouped splits "
       "share no entity.")
def random_frames(sub):
    @PROPERTY
    @given(st.integers(0, 10_000), st.integers(2, 60), st.sampled_from([0.1, 0.2, 0.25, 0.5]),
           st.sampled_from(["0s", "6h", "3D"]), st.booleans())
    def holds(seed, n, valid_size, gap, grouped):
        frame = _events(n=n, seed=seed, hours=np.random.default_rng(seed).integers(0, 96, n))
        group_col = "user" if grouped else None
        got = _sets(sub.call("time_split", frame, time_col="ts", valid_size=valid_size, gap=gap, group_col=group_col))
        assert got == _expected(frame, "ts", valid_size, gap, group_col)
        train, valid = got
        assert valid and not train & valid
        if train:
            assert frame.loc[list(valid), "ts"].min() - frame.loc[list(train), "ts"].max() > pd.Timedelta(gap)

    holds()
