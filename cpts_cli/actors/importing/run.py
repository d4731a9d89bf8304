"""``cpts actors import``: read a file, keep the territory's professionals, merge, save once.

``import_actors`` is the whole command without its face: the CLI prints its report; a
Python caller gets the same ``ImportReport`` (``to_dict()`` is what ``--format json``
prints). The project file is written once, at the end, atomically; never in a dry run, and
never when nothing changed (importing the same file twice leaves it byte for byte).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.actors.importing.limits import MAX_ACTORS
from cpts_cli.actors.importing.merge import MergeResult, merge
from cpts_cli.actors.importing.model import aggregate
from cpts_cli.actors.importing.place import Places
from cpts_cli.actors.importing.source import Progress, read_source
from cpts_cli.checking.findings import Finding, Severity
from cpts_cli.support.errors import CptsError
from cpts_cli.territory.summary import derive

KIND_LABELS = {
    "rpps": "extraction RPPS (Annuaire Santé)",
    "csv": "tableau CSV",
    "xlsx": "classeur XLSX",
}


@dataclass
class ImportReport:
    file: str  # the project file
    source: str  # the imported file (with its zip member)
    kind: str  # rpps, csv, xlsx
    detail: str
    encoding: str | None
    dry_run: bool
    replace: bool
    lines: int  # data lines read
    bad_lines: int
    activities: int  # lines kept (in the territory, for the extraction)
    by_postcode: int  # of which placed through their postcode
    professionals: int  # distinct professionals once deduplicated
    territory_communes: int
    merge: MergeResult
    findings: list[Finding] = field(default_factory=list)
    written: bool = False

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 1 if self.has_errors else 0

    def to_dict(self) -> dict:
        m = self.merge
        return {
            "fichier": self.file,
            "source": self.source,
            "type": self.kind,
            "encodage": self.encoding,
            "simulation": self.dry_run,
            "remplacer": self.replace,
            "lignes_lues": self.lines,
            "lignes_ignorees": self.bad_lines,
            "lignes_retenues": self.activities,
            "retenues_par_code_postal": self.by_postcode,
            "professionnels": self.professionals,
            "ajoutes": m.added,
            "mis_a_jour": [dict(acteur, champs=fields) for acteur, fields in m.updated],
            "inchanges": len(m.unchanged),
            "saisis_conserves": m.kept,
            "retires": m.removed,
            "enregistre": self.written,
            "constats": [f.to_dict() for f in self.findings],
        }


def import_actors(
    project: Path,
    source: Path,
    *,
    dry_run: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``source`` into the project file ``project``; see the module docstring."""
    from cpts_cli.project.load import read_usable as read_document
    from cpts_cli.project.save import save

    doc = read_document(Path(project))
    if not dry_run and not doc.editable:
        raise CptsError(
            f"« {doc.name} » contient des clés en double ou des alias YAML : corrigez-les "
            "d'abord (voir « cpts validate »), rien n'a été importé."
        )
    plain = doc.plain if isinstance(doc.plain, dict) else {}
    territory = derive(plain.get("territoire"))
    places = Places(territory)
    read = read_source(Path(source), places, progress)
    grouped = aggregate(read.activities, source=read.name, per_activity=read.per_activity)
    if len(grouped.actors) > MAX_ACTORS:
        raise CptsError(
            f"« {read.name} » compte {len(grouped.actors)} professionnels à importer, plus "
            f"que les {MAX_ACTORS} d'une très grande CPTS : ce n'est pas la liste de ses "
            "acteurs (le territoire est-il le bon ?). Rien n'a été importé."
        )
    merged = merge(doc.data, grouped.actors, replace=replace)
    written = False
    if merged.changed and not dry_run:
        written = save(doc)
    findings = sorted(read.findings + grouped.findings, key=_finding_order)
    return ImportReport(
        file=doc.name,
        source=read.name,
        kind=read.kind,
        detail=read.detail,
        encoding=read.encoding,
        dry_run=dry_run,
        replace=replace,
        lines=read.lines,
        bad_lines=read.bad_lines,
        activities=len(read.activities),
        by_postcode=read.by_postcode,
        professionals=len(grouped.actors),
        territory_communes=len(territory.counted),
        merge=merged,
        findings=findings,
        written=written,
    )


def _finding_order(f: Finding) -> tuple:
    # A summary (line 0: "… and N more") comes after the lines it sums up.
    return (f.line == 0, f.line, f.column, f.code, f.message)
