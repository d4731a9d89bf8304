"""``cpts next``: record the current step as done, when it is complete."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.checking.check import FileReport, check_document, step_of
from cpts_cli.checking.findings import Finding, Severity
from cpts_cli.project import edit
from cpts_cli.project.load import read_path
from cpts_cli.project.save import save
from cpts_cli.support import dates
from cpts_cli.support.errors import CptsError
from cpts_cli.workflow.steps import STEP_IDS, STEPS, Step


@dataclass
class Advance:
    report: FileReport
    step: Step | None
    recorded: bool
    #: Why the step cannot be recorded (errors of this step, or of an earlier done step).
    missing: list[Finding] = field(default_factory=list)
    blocking_step: Step | None = None
    all_done: bool = False


def advance(path: Path, today: _dt.date | None = None) -> Advance:
    today = today or dates.today()
    doc = read_path(Path(path))
    report = check_document(doc, today=today)
    if not report.parsed or not report.steps:
        return Advance(report, None, False, [f for f in report.findings])
    for state in report.steps:
        if state.status == "terminee" and not state.complete and state.missing:
            return Advance(report, None, False, state.missing, blocking_step=state.step)
    current = next((s for s in report.steps if s.status == "en_cours"), None)
    if current is None:
        return Advance(report, None, False, all_done=True)
    if not current.complete:
        general = [
            f for f in report.findings if f.severity is Severity.ERROR and step_of(f) is None
        ]
        return Advance(report, current.step, False, current.missing + general)
    _record(doc, current.step.id, today)
    save(doc)
    return Advance(report, current.step, True)


def _record(doc, step_id: str, today: _dt.date) -> None:
    from ruamel.yaml.comments import CommentedMap

    data = doc.data
    message = "« etapes » doit être un bloc de clés : corrigez-le d'abord."
    if "etapes" in data and not isinstance(data["etapes"], dict):
        raise CptsError(message)
    etapes = edit.section(data, "etapes", create=True, error=message)
    entry = CommentedMap()
    entry["terminee_le"] = today
    if step_id in etapes:
        edit.set_value(etapes, step_id, entry)
        return
    order = {sid: i for i, sid in enumerate(STEP_IDS)}
    position = sum(1 for key in etapes if order.get(key, 99) < order[step_id])
    edit.insert_key(etapes, position, step_id, entry)  # `etapes: {}` becomes a block


__all__ = ["Advance", "advance", "STEPS"]
