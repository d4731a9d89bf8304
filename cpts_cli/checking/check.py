"""Checking a project: schema, domain rules and the state of the 9 steps.

This is the core behind ``cpts validate``, ``cpts status`` and ``cpts next``; it never
prints. ``report_to_dict`` is what ``--format json`` prints.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.checking.codes import define
from cpts_cli.checking.findings import Finding, Severity, sort_findings
from cpts_cli.checking.rules import crossfile as _crossfile  # noqa: F401 - registers CPTS-X001
from cpts_cli.project import migrate as _migrate
from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.project.load import read_path
from cpts_cli.support.formatting import counted
from cpts_cli.workflow.steps import STEP_BY_ID, STEPS, Step

G_FORMAT = define(
    "CPTS-G001",
    "error",
    "Version de format inconnue",
    "Ce fichier est au format {found}, plus récent que cette version de cpts (format "
    "{current}) : mettez cpts à jour.",
    """
    `format` dit quelle version de la structure du fichier est utilisée. Un fichier écrit par
    une version plus récente de cpts ne peut pas être lu sans risque par une plus ancienne.
    """,
)
G_NO_LONGER_COMPLETE = define(
    "CPTS-G002",
    "warning",
    "Étape terminée devenue incomplète",
    "L'étape {number} « {label} », terminée le {date}, n'est plus complète : {points} à reprendre.",
    """
    Une étape enregistrée comme terminée (`etapes`) a été modifiée depuis et ne remplit plus
    ses conditions. L'enregistrement est gardé ; corrigez les points signalés.
    """,
)
G_OUT_OF_ORDER = define(
    "CPTS-G003",
    "warning",
    "Étapes enregistrées dans le désordre",
    "L'étape « {label} » est enregistrée comme terminée alors que l'étape « {before} » ne "
    "l'est pas.",
    """
    Les étapes se terminent dans l'ordre, avec « cpts next ». Incorrect : `etapes:
    {diagnostic: …}` sans `territoire` ni `mobilisation`.
    """,
)
G_MIGRATED = define(
    "CPTS-G004",
    "info",
    "Format mis à jour",
    "Le fichier est au format {old} ; il est lu au format {new} et sera réécrit dans ce "
    "format à la prochaine modification.",
    """
    Les anciennes versions du fichier sont converties automatiquement.
    """,
)

#: Top-level keys whose schema findings belong to a step (others are general).
_SECTION_STEP = {s.section: s.id for s in STEPS}


@dataclass
class StepState:
    step: Step
    status: str  # "terminee" | "en_cours" | "a_faire"
    done_on: str | None
    complete: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def missing(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


@dataclass
class FileReport:
    file: str
    parsed: bool
    findings: list[Finding]
    steps: list[StepState]
    current: str | None
    strict: bool = False
    document: ProjectDocument | None = None

    @property
    def valid(self) -> bool:
        if not self.parsed:
            return False
        bad = {Severity.ERROR, Severity.WARNING} if self.strict else {Severity.ERROR}
        return not any(f.severity in bad for f in self.findings)

    def state(self, step_id: str) -> StepState:
        return next(s for s in self.steps if s.step.id == step_id)


def step_of(finding: Finding) -> str | None:
    if finding.step:
        return finding.step
    parts = finding.path.strip("/").split("/")
    if parts and parts[0] in _SECTION_STEP:
        return _SECTION_STEP[parts[0]]
    if len(parts) >= 2 and parts[0] == "cpts" and parts[1] == "association":
        return "projet_sante"
    return None


def check_document(
    doc: ProjectDocument,
    *,
    etape: str | None = None,
    strict: bool = False,
    today: _dt.date | None = None,
) -> FileReport:
    findings = list(doc.findings)
    if not doc.parsed or not isinstance(doc.plain, dict):
        return FileReport(doc.name, False, sort_findings(findings), [], None, strict, doc)
    too_new = _format_too_new(doc)
    if too_new is not None:
        findings.append(too_new)
        return FileReport(doc.name, True, sort_findings(findings), [], None, strict, doc)
    findings.extend(_migrate_in_memory(doc))
    by_step = _findings_by_step(doc, today)
    states, current = _step_states(doc, by_step)
    findings.extend(_reported(states, by_step.get(None, []), etape))
    findings.extend(_record_findings(doc, states))
    return FileReport(doc.name, True, sort_findings(findings), states, current, strict, doc)


def _format_too_new(doc: ProjectDocument) -> Finding | None:
    """A file written by a newer cpts is not read further (CPTS-G001)."""
    version = _migrate.file_format(doc.plain)
    if version is None or version <= _migrate.CURRENT_FORMAT:
        return None
    line, col = doc.locate("/format")
    return G_FORMAT.make(
        "/format", line, col, file=doc.name, found=version, current=_migrate.CURRENT_FORMAT
    )


def _migrate_in_memory(doc: ProjectDocument) -> list[Finding]:
    """An older format is read in the current one (CPTS-G004 says so)."""
    version = _migrate.file_format(doc.plain)
    if version is None or version >= _migrate.CURRENT_FORMAT:
        return []
    migrated = _migrate.migrate(doc.data)
    if not migrated:
        return []
    doc.plain = to_plain(doc.data)
    return [
        G_MIGRATED.make(
            "/format", 1, 1, file=doc.name, old=migrated[0], new=_migrate.CURRENT_FORMAT
        )
    ]


def _findings_by_step(
    doc: ProjectDocument, today: _dt.date | None
) -> dict[str | None, list[Finding]]:
    """Schema and rule findings, by the step they belong to (``None``: general)."""
    from cpts_cli.checking.rules import Context, run_rules
    from cpts_cli.checking.schema import validate_schema

    schema_findings = validate_schema(doc)
    rule_findings = run_rules(Context(doc, today), [s.id for s in STEPS])
    by_step: dict[str | None, list[Finding]] = {}
    for f in schema_findings + rule_findings:
        by_step.setdefault(step_of(f), []).append(f)
    return by_step


def _step_states(
    doc: ProjectDocument, by_step: dict[str | None, list[Finding]]
) -> tuple[list[StepState], str]:
    """The state of each step (done, current, to do) and the current step."""
    general_errors = any(f.severity is Severity.ERROR for f in by_step.get(None, []))
    records = doc.plain.get("etapes") if isinstance(doc.plain.get("etapes"), dict) else {}
    states: list[StepState] = []
    current: str | None = None
    for s in STEPS:
        own = by_step.get(s.id, [])
        complete = not general_errors and not any(f.severity is Severity.ERROR for f in own)
        record = records.get(s.id)
        done_on = record.get("terminee_le") if isinstance(record, dict) else None
        if done_on is not None and current is None:
            status = "terminee"
        elif current is None:
            status = "en_cours"
            current = s.id
        elif done_on is not None:
            status = "terminee"
        else:
            status = "a_faire"
        states.append(StepState(s, status, str(done_on) if done_on else None, complete, own))
    # Every step done: the project lives in its last step.
    return states, current if current is not None else STEPS[-1].id


def _reported(states: list[StepState], general: list[Finding], etape: str | None) -> list[Finding]:
    """What to report: everything general and schema-level, plus the rules of the steps
    checked (those up to ``etape``, or the steps done and the current one)."""
    if etape is not None:
        limit = STEP_BY_ID[etape].number
        checked = {s.step.id for s in states if s.step.number <= limit}
    else:
        checked = {s.step.id for s in states if s.status in ("terminee", "en_cours")}
    out = list(general)
    for state in states:
        if state.step.id in checked:
            out.extend(state.findings)
        else:
            out.extend(f for f in state.findings if f.code.startswith("CPTS-S"))
    return out


def _record_findings(doc: ProjectDocument, states: list[StepState]) -> list[Finding]:
    """Steps recorded as done that are no longer complete (G002) or out of order (G003)."""
    out: list[Finding] = []
    first_gap: Step | None = None
    for state in states:
        ptr = f"/etapes/{state.step.id}"
        # A general error (a wrong type in cpts, say) blocks every step but is its own
        # finding: a done step is said no longer complete for its own missing points only.
        if state.status == "terminee" and not state.complete and state.missing:
            line, col = doc.locate(ptr)
            out.append(
                G_NO_LONGER_COMPLETE.make(
                    ptr,
                    line,
                    col,
                    file=doc.name,
                    number=state.step.number,
                    label=state.step.label,
                    date=state.done_on,
                    points=counted(len(state.missing), "point"),
                )
            )
        if state.done_on is None and first_gap is None:
            first_gap = state.step
        elif state.done_on is not None and first_gap is not None:
            line, col = doc.locate(ptr)
            out.append(
                G_OUT_OF_ORDER.make(
                    ptr, line, col, file=doc.name, label=state.step.label, before=first_gap.label
                )
            )
    return out


def check_path(path: Path, **kwargs) -> FileReport:
    return check_document(read_path(Path(path)), **kwargs)


def report_to_dict(report: FileReport) -> dict:
    return {
        "fichier": report.file,
        "valide": report.valid,
        "etape": report.current,
        "constats": [f.to_dict() for f in report.findings],
    }


def reports_to_dict(reports: list[FileReport]) -> dict:
    return {"fichiers": [report_to_dict(r) for r in reports]}


def check_paths(paths: list[Path], **kwargs) -> list[FileReport]:
    """Check several files; a single file that cannot be read raises ``CptsError``.

    Several files (a reviewer's folder) are a batch that always goes to its end: a file
    that cannot be read gets its own finding (``CPTS-Y014``), and one whose checking fails
    on an internal error too (``--debug`` shows it instead), while the others are checked
    as usual. They are also checked against each other (``CPTS-X001``, communes in more
    than one territory); those findings join each file's own, in order.
    """
    if len(paths) == 1:
        return [check_path(paths[0], **kwargs)]
    reports = [_check_in_batch(Path(p), **kwargs) for p in paths]
    if len(reports) > 1:
        from cpts_cli.checking.rules.crossfile import overlap_findings

        # A file that could not be read through (unparsable, format too new) has no steps.
        eligible = [r.document if r.steps else None for r in reports]
        for report, extra in zip(reports, overlap_findings(eligible), strict=True):
            if extra:
                report.findings = sort_findings(report.findings + extra)
    return reports


def _check_in_batch(path: Path, **kwargs) -> FileReport:
    from cpts_cli.project.load import Y_UNREADABLE_FILE
    from cpts_cli.support import debug
    from cpts_cli.support.errors import CptsError

    name = str(path)
    try:
        return check_document(read_path(path), **kwargs)
    except CptsError as exc:
        detail = exc.message
    except Exception as exc:  # noqa: BLE001 - one file must not stop a reviewer's batch
        if debug.enabled():
            raise
        detail = (
            f"Vérification interrompue par une erreur interne ({type(exc).__name__}) : "
            "relancez avec --debug sur ce fichier pour le détail, et signalez-la."
        )
    finding = Y_UNREADABLE_FILE.make("", 0, 0, file=name, detail=detail)
    return FileReport(name, False, [finding], [], None, kwargs.get("strict", False), None)
