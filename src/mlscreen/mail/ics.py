"""Calendar invitations (iCalendar, RFC 5545/5546): one event per interview, updated and cancelled by its UID."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//mlscreen//interviews//EN"


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
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event["organizer"] = vCalAddress(f"mailto:{organizer}")
    for address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))
