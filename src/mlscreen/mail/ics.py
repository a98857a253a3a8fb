"""Calendar invitations (iCalendar, RFC 5545/5546) and private feeds: one event per interview, known by its UID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vDuration, vText

PRODID = "-//mlscreen//interviews//EN"
FEED_REFRESH = timedelta(hours=1)
"""How often a calendar app subscribed to a feed is asked to fetch it again."""


def interview_uid(assignment_id: int, host: str) -> str:
    """Return the UID of an interview's event: the same in every invitation, update, cancellation and feed."""
    return f"assignment-{assignment_id}@{host}"


@dataclass(frozen=True)
class Slot:
    """One interview as a calendar event: who sees it as what, and when (an aware moment; written in UTC)."""

    uid: str
    sequence: int
    start: datetime
    minutes: int
    summary: str
    description: str
    cancelled: bool = False


def _event(slot: Slot, *, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", slot.uid)
    event.add("sequence", slot.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    # UTC ("...Z") names the moment exactly in every calendar app, whatever zone it shows it in.
    event.add("dtstart", slot.start.astimezone(UTC))
    event.add("dtend", (slot.start + timedelta(minutes=slot.minutes)).astimezone(UTC))
    event.add("summary", slot.summary)
    event.add("description", slot.description)
    event.add("status", "CANCELLED" if slot.cancelled else "CONFIRMED")
    return event


def interview_event(
    *,
    uid: str,
    sequence: int,
    start: datetime,
    minutes: int,
    summary: str,
    description: str,
    organizer: str,
    attendees: list[str],
    cancel: bool = False,
    stamp: datetime,
) -> str:
    """Return the iCalendar text of an interview: METHOD:REQUEST, or METHOD:CANCEL when `cancel`.

    The same `uid` with a higher `sequence` tells calendar apps that this replaces what they have.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = _event(Slot(uid, sequence, start, minutes, summary, description, cancelled=cancel), stamp=stamp)
    event["organizer"] = vCalAddress(f"mailto:{organizer}")
    for address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))


def feed(slots: list[Slot], *, name: str, stamp: datetime) -> str:
    """Return a subscribable calendar (no METHOD: a published feed, not an invitation) holding `slots`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal["refresh-interval"] = vDuration(FEED_REFRESH)
    cal["refresh-interval"].params["value"] = "DURATION"
    cal.add("x-published-ttl", vDuration(FEED_REFRESH))
    for slot in slots:
        cal.add_component(_event(slot, stamp=stamp))
    return str(cal.to_ical().decode("utf-8"))
