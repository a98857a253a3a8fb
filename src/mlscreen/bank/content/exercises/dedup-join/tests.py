"""Hidden tests of the dedup-join exercise; expected frames are computed here from known inputs."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mlscreen.grader import check

PROPERTY = settings(
    max_examples=20, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
DAY = pd.Timestamp("2024-05-01")
EVENT_COLUMNS = ["user_id", "event", "ts", "value"]


def _events():
    rows = [
        (" Alice", "Click", 3, 1.0),
        ("alice", "click ", 5, 2.0),
        ("ALICE ", "CLICK", 4, 3.0),
        ("bob", "view", 1, 4.0),
        ("Bob ", "View", 1, 5.0),
        ("carol", "buy", 2, 6.0),
        ("alice", "buy", 7, 7.0),
        (None, "view", 9, 8.0),
        ("dave", "view", 6, 9.0),
    ]
    return pd.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "event": [r[1] for r in rows],
            "ts": [DAY + pd.Timedelta(hours=r[2]) for r in rows],
            "value": [r[3] for r in rows],
        },
        index=pd.Index([17, 3, 8, 1, 12, 5, 9, 2, 30]),
    )


def _users():
    return pd.DataFrame(
        {
            "user_id": ["alice", " Bob", "bob", "carol", None, "erin"],
            "country": ["NO", "PE", "IN", "FR", "DE", "US"],
            "age": np.array([31, 40, 41, 28, 50, 22], dtype="int64"),
            "updated_at": [DAY - pd.Timedelta(days=d) for d in (3, 5, 1, 2, 0, 4)],
        }
    )


def _expected_dedup(events):
    kept = {}
    for position, (user, event, ts, value) in enumerate(events[EVENT_COLUMNS].itertuples(index=False)):
        if not isinstance(user, str) or not isinstance(event, str):
            continue
        key = (user.strip().lower(), event.strip().lower())
        if key not in kept or ts >= kept[key][0]:
            kept[key] = (ts, value, position)
    return [(k[0], k[1], v[0], v[1]) for k, v in sorted(kept.items())]


def _rows(frame, columns=EVENT_COLUMNS):
    assert isinstance(frame, pd.DataFrame)
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


@check(id="dedup-keeps-latest", kind="core", message="dedup_events must keep, for each (user_id, event), the row "
       "with the latest timestamp, and return the rows sorted by user_id then event.")
def dedup_keeps_latest(sub):
    events = _events()
    out = sub.call("dedup_events", events)
    assert list(out.columns) == EVENT_COLUMNS
    assert _rows(out) == _expected_dedup(events)


@check(id="keys-normalised", kind="core", message="Keys must be compared after trimming whitespace and "
       "lower-casing, and returned in that normalised form.")
def keys_normalised(sub):
    out = sub.call("dedup_events", _events())
    assert isinstance(out, pd.DataFrame)
    assert sorted(zip(out["user_id"], out["event"])) == [
        ("alice", "buy"), ("alice", "click"), ("bob", "view"), ("carol", "buy"), ("dave", "view"),
    ]


@check(id="enrich-one-row-per-event", kind="core", message="enrich must return exactly one row per deduplicated "
       "event, even when the user table repeats a user: a join must never multiply rows.")
def enrich_one_row_per_event(sub):
    out = sub.call("enrich", _events(), _users())
    assert isinstance(out, pd.DataFrame) and len(out) == len(_expected_dedup(_events()))
    assert _rows(out) == _expected_dedup(_events())


@check(id="enrich-latest-user", kind="core", message="Each event must get the attributes of the user's latest "
       "row (by updated_at), matched on the normalised user_id.")
def enrich_latest_user(sub):
    out = sub.call("enrich", _events(), _users())
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [*EVENT_COLUMNS, "country", "age", "updated_at"]
    by_user = {u: (c, a) for u, c, a in zip(out["user_id"], out["country"], out["age"]) if pd.notna(c)}
    assert by_user == {"alice": ("NO", 31), "bob": ("IN", 41), "carol": ("FR", 28)}


@check(id="unmatched-events-kept", kind="edge", message="Events whose user is missing from the table must be "
       "kept (left join) with missing attributes; integer attributes must stay integers (nullable Int64).")
def unmatched_events_kept(sub):
    out = sub.call("enrich", _events(), _users())
    assert isinstance(out, pd.DataFrame)
    dave = out[out["user_id"] == "dave"]
    assert len(dave) == 1 and pd.isna(dave["country"].iloc[0]) and pd.isna(dave["age"].iloc[0])
    assert str(out["age"].dtype) == "Int64"


@check(id="dtypes-kept", kind="edge", message="Timestamps must stay datetime64 and values float64 in both outputs.")
def dtypes_kept(sub):
    for out in (sub.call("dedup_events", _events()), sub.call("enrich", _events(), _users())):
        assert isinstance(out, pd.DataFrame)
        assert pd.api.types.is_datetime64_any_dtype(out["ts"])
        assert str(out["value"].dtype) == "float64"
    assert pd.api.types.is_datetime64_any_dtype(out["updated_at"])


@check(id="timestamp-ties", kind="edge", message="When duplicates share the latest timestamp, keep the one that "
       "comes last in the input.")
def timestamp_ties(sub):
    events = _events()
    out = sub.call("dedup_events", events)
    bob = out[out["user_id"] == "bob"]
    assert len(bob) == 1 and bob["value"].iloc[0] == 5.0


_TIES = np.random.default_rng(19).integers(0, 3, 300)  # three distinct times, a hundred rows sharing each


def _tied_events():
    """Hundreds of rows of one key at three distinct times: only input order picks the survivor among the latest
    (an unstable sort does reorder ties at this scale)."""
    return pd.DataFrame(
        {
            "user_id": ["ann"] * len(_TIES),
            "event": ["view"] * len(_TIES),
            "ts": [DAY + pd.Timedelta(hours=int(h)) for h in _TIES],
            "value": np.arange(len(_TIES), dtype=float),
        },
        index=pd.Index(np.arange(len(_TIES)) * 7 + 3),
    )


@check(id="many-timestamp-ties", kind="edge", message="When hundreds of duplicates share the latest timestamp (events "
       "or user rows), the one that comes last in the input must still win.")
def many_timestamp_ties(sub):
    events = _tied_events()
    users = pd.DataFrame(
        {
            "user_id": ["ann"] * len(_TIES),
            "score": np.arange(len(_TIES), dtype="int64"),
            "updated_at": [DAY - pd.Timedelta(days=int(d)) for d in _TIES[::-1]],
        }
    )
    last_latest_event = int(np.flatnonzero(_TIES == _TIES.max())[-1])
    last_latest_user = int(np.flatnonzero(_TIES[::-1] == _TIES.min())[-1])
    out = sub.call("enrich", events, users)
    assert isinstance(out, pd.DataFrame) and len(out) == 1
    assert out["value"].iloc[0] == float(last_latest_event) and out["score"].iloc[0] == last_latest_user


@check(id="other-gaps-kept", kind="edge", message="Only a missing user_id or event drops a row: a missing value, "
       "attribute or timestamp does not, and a missing timestamp counts as earlier than any other.")
def other_gaps_kept(sub):
    events = pd.DataFrame(
        {
            "user_id": ["ann", "ann", "bo", "bo"],
            "event": ["view", "view", "buy", "buy"],
            "ts": [DAY, pd.NaT, DAY + pd.Timedelta(hours=2), DAY],
            "value": [1.0, 2.0, np.nan, 4.0],
        }
    )
    users = pd.DataFrame(
        {
            "user_id": ["ann", "ann", "bo"],
            "country": ["NO", "PE", None],
            "age": np.array([31, 32, 30], dtype="int64"),
            "updated_at": [DAY, pd.NaT, DAY],
        }
    )
    out = sub.call("enrich", events, users)
    assert isinstance(out, pd.DataFrame)
    assert out["user_id"].tolist() == ["ann", "bo"] and out["event"].tolist() == ["view", "buy"]
    assert out["value"].iloc[0] == 1.0 and pd.isna(out["value"].iloc[1])  # ann's NaT row is the earlier one
    assert out["country"].iloc[0] == "NO" and pd.isna(out["country"].iloc[1])
    assert out["age"].tolist() == [31, 30]


@check(id="missing-keys", kind="edge", message="Rows with a missing user_id or event must be dropped, in both "
       "tables; a missing key is not a user.")
def missing_keys(sub):
    events = _events()
    events.loc[5, "event"] = None
    out = sub.call("enrich", events, _users())
    assert isinstance(out, pd.DataFrame)
    assert out["user_id"].notna().all() and out["event"].notna().all()
    assert "carol" not in set(out["user_id"]) and "DE" not in set(out["country"].dropna())


@check(id="empty-events", kind="edge", message="An empty events frame must give an empty result with the same "
       "columns, not an error.")
def empty_events(sub):
    events = _events().iloc[:0]
    out = sub.call("dedup_events", events)
    assert isinstance(out, pd.DataFrame) and len(out) == 0 and list(out.columns) == EVENT_COLUMNS
    out = sub.call("enrich", events, _users())
    assert isinstance(out, pd.DataFrame) and len(out) == 0


@check(id="inputs-unchanged", kind="edge", message="Neither function may modify the frames it is given.")
def inputs_unchanged(sub):
    events, users = _events(), _users()
    outcome = sub.call_full("enrich", events, users)
    for after, before in zip(outcome.args, (events, users)):
        pd.testing.assert_frame_equal(after, before, check_dtype=False, check_column_type=False,
                                      check_index_type=False)
    outcome = sub.call_full("dedup_events", events)
    pd.testing.assert_frame_equal(outcome.args[0], events, check_dtype=False, check_column_type=False,
                                  check_index_type=False)


@check(id="random-logs", kind="property", message="On random event logs: one row per distinct normalised key, "
       "each the latest, sorted by key; enrich never changes the number of rows.")
def random_logs(sub):
    names = st.sampled_from(["ann", " Ann", "ANN ", "bo", "Bo", "cy", "dee "])
    row = st.tuples(names, st.sampled_from(["view", "View", "buy"]), st.integers(0, 20), st.floats(0, 100))

    @PROPERTY
    @given(st.lists(row, min_size=1, max_size=30))
    def holds(rows):
        events = pd.DataFrame(
            {
                "user_id": [r[0] for r in rows],
                "event": [r[1] for r in rows],
                "ts": [DAY + pd.Timedelta(hours=r[2]) for r in rows],
                "value": [float(r[3]) for r in rows],
            }
        )
        out = sub.call("dedup_events", events)
        assert _rows(out) == _expected_dedup(events)
        enriched = sub.call("enrich", events, _users())
        assert isinstance(enriched, pd.DataFrame) and len(enriched) == len(out)

    holds()
