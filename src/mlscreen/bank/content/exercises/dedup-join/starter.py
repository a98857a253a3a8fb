"""Deduplicate raw events and enrich them with the user dimension table."""

import pandas as pd


def dedup_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return one row per normalised (user_id, event): the latest by ts."""
    raise NotImplementedError


def enrich(events: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """Return the deduplicated events left-joined to the user table, one row per event."""
    raise NotImplementedError
