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
    from cpts_cli.checking.rules import Context, run_rules
    from cpts_cli.checking.schema import validate_schema

    findings = list(doc.findings)
    if not doc.parsed or not isinstance(doc.plain, dict):
        return FileReport(doc.name, False, sort_findings(findings), [], None, strict, doc)
    version = _migrate.file_format(doc.plain)
    if version is not None and version > _migrate.CURRENT_FORMAT:
        line, col = doc.locate("/format")
        findings.append(
            G_FORMAT.make(
                "/format", line, col, file=doc.name, found=version, current=_migrate.CURRENT_FORMAT
            )
        )
        return FileReport(doc.name, True, sort_findings(findings), [], None, strict, doc)
    migrated = (
        _migrate.migrate(doc.data)
        if version is not None and version < _migrate.CURRENT_FORMAT
        else []
    )
    if migrated:
        doc.plain = to_plain(doc.data)
        findings.append(
            G_MIGRATED.make(
                "/format", 1, 1, file=doc.name, old=migrated[0], new=_migrate.CURRENT_FORMAT
            )
        )
    schema_findings = validate_schema(doc)
    ctx = Context(doc, today)
    rule_findings = run_rules(ctx, [s.id for s in STEPS])
    by_step: dict[str | None, list[Finding]] = {}
    for f in schema_findings + rule_findings:
        by_step.setdefault(step_of(f), []).append(f)
    general = by_step.get(None, [])
    general_errors = any(f.severity is Severity.ERROR for f in general)

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

    if current is None:
        current = STEPS[-1].id  # every step done: the project lives in its last step

    # What to report: everything general and schema-level, plus the rules of the steps
    # checked (those up to --etape, or the steps done and the current one).
    if etape is not None:
        limit = STEP_BY_ID[etape].number
        checked = {s.step.id for s in states if s.step.number <= limit}
    else:
        checked = {s.step.id for s in states if s.status in ("terminee", "en_cours")}
    findings.extend(general)
    for state in states:
        if state.step.id in checked:
            findings.extend(state.findings)
        else:
            findings.extend(f for f in state.findings if f.code.startswith("CPTS-S"))

    first_gap: Step | None = None
    for state in states:
        if state.status == "terminee" and not state.complete:
            line, col = doc.locate(f"/etapes/{state.step.id}")
            findings.append(
                G_NO_LONGER_COMPLETE.make(
                    f"/etapes/{state.step.id}",
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
            line, col = doc.locate(f"/etapes/{state.step.id}")
            findings.append(
                G_OUT_OF_ORDER.make(
                    f"/etapes/{state.step.id}",
                    line,
                    col,
                    file=doc.name,
                    label=state.step.label,
                    before=first_gap.label,
                )
            )
    return FileReport(doc.name, True, sort_findings(findings), states, current, strict, doc)


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
    """Check several files; unreadable ones raise ``CptsError`` before anything is printed.

    With several files, they are also checked against each other (``CPTS-X001``, communes
    in more than one territory); those findings join each file's own, in order.
    """
    docs = [read_path(Path(p)) for p in paths]
    reports = [check_document(doc, **kwargs) for doc in docs]
    if len(reports) > 1:
        from cpts_cli.checking.rules.crossfile import overlap_findings

        # A file that could not be read through (unparsable, format too new) has no steps.
        eligible = [r.document if r.steps else None for r in reports]
        for report, extra in zip(reports, overlap_findings(eligible), strict=True):
            if extra:
                report.findings = sort_findings(report.findings + extra)
    return reports
