"""The readable team-plan report printed by `mlscreen plan-team` without `--json`."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mlscreen.planning.plan import Reason, TeamPlan


def _because(reason: Reason) -> Text:
    return Text.assemble(reason.text, (f"  [{reason.rule}; {reason.section}]", "dim"))


def _say(console: Console, what: RenderableType | str, style: str | None = None) -> None:
    console.print(Padding(what, (0, 0, 0, 2), style=style or "", expand=False))


def print_report(plan: TeamPlan, console: Console) -> None:
    """Print the plan section by section: org model, ownership, leadership, ratios, MLOps hire, warnings, waves."""
    org = plan.org
    console.rule(f"Org model: {org.title}", align="left")
    for reason in org.reasons:
        _say(console, _because(reason))
    _say(console, f"Reports to: {org.reports_to}")
    _say(console, f"Pros: {'; '.join(org.pros)}.  Cons: {'; '.join(org.cons)}.")
    _say(console, Text.assemble("Watch for: ", (org.watch_for, "yellow")))

    console.rule("Ownership", align="left")
    for own in plan.ownership:
        _say(console, Text.assemble((own.team, "bold"), ": ", own.owns))

    console.rule("Leadership", align="left")
    for lead in plan.leadership:
        mark = ("in post", "green") if lead.present else ("not in post", "yellow")
        _say(console, Text.assemble((lead.title, "bold"), ": ", mark, f". {lead.owns}"))

    ratio = plan.ratios
    console.rule(f"Data engineering ratio ({ratio.status.replace('_', ' ')})", align="left")
    _say(console, _because(ratio.reason), style="yellow" if ratio.flagged else None)

    mlops = plan.mlops
    console.rule(f"First MLOps / platform hire: {mlops.urgency.replace('_', ' ')}", align="left")
    _say(console, mlops.reason)
    for signal in mlops.signals:
        _say(console, Text.assemble(f"- ({signal.urgency}) ", signal.reason.text, (f"  [{signal.id}]", "dim")))
    if mlops.unknown_facts:
        _say(console, f"Not given, so not checked: {', '.join(mlops.unknown_facts)}", style="dim")

    console.rule(f"Warnings ({len(plan.warnings)})", align="left")
    for warning in plan.warnings:
        _say(console, Text.assemble(f"- ({warning.kind.replace('_', ' ')}) ", (warning.reason.text, "yellow")))
    if not plan.warnings:
        _say(console, "None spotted from these facts.")

    console.rule("Hiring waves", align="left")
    if not plan.waves:
        _say(console, "No hire is indicated by the rules for these facts.")
        return
    table = Table("#", "role", "count", "screening profile", "why", box=None, show_edge=False)
    for wave in plan.waves:
        profile = Text(wave.profile) if wave.profile else Text("none in the bank", style="dim")
        table.add_row(str(wave.order), wave.title, str(wave.count), profile, wave.why)
    console.print(table)
    linked = {w.profile: w for w in plan.waves if w.profile}
    for profile_id, wave in linked.items():
        steps = " > ".join(f"{s.title} ({s.minutes} min, {s.interviewer})" for s in wave.loop)
        _say(console, Text.assemble((f"Loop for {profile_id}", "bold"), ": ", steps))
