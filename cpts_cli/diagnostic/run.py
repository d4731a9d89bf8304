"""``cpts diagnostic import``: recognise each national file by its content, read it for the
project's territory, merge its indicators (and FINESS structures), save once.

Every file is read before anything is merged: one bad file (another kind, an unknown
vintage, missing columns, a truncated zip, a wrong encoding) stops the command with one
French message naming it, and nothing is written. The project file is written once, at
the end, atomically; never in a dry run, never when nothing changed.

Readers are the modules of ``cpts_cli.diagnostic.sources`` named in ``READERS``, imported
when needed; one not there yet (ImportError) is skipped.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.diagnostic.merge import (
    IndicatorChanges,
    StructureChanges,
    merge_indicators,
    merge_structures,
    source_label,
)
from cpts_cli.diagnostic.reading import NOTHING
from cpts_cli.diagnostic.scope import comparison_of, scope_of
from cpts_cli.diagnostic.sources import SourceFile
from cpts_cli.support.errors import CptsError
from cpts_cli.territory.summary import derive

READERS = ("insee", "finess", "rpps", "apl")
KINDS = {
    "insee": "la population par âge de l'INSEE (base communale)",
    "finess": "les établissements du FINESS",
    "rpps": "l'extraction RPPS (Annuaire Santé)",
    "apl": "l'accessibilité potentielle localisée (APL) de la DREES",
}
_HEAD = 64 * 1024


@dataclass
class FileImport:
    name: str
    source: SourceFile
    indicators: IndicatorChanges
    structures: StructureChanges | None = None

    def to_dict(self) -> dict:
        i = self.indicators
        out = {
            "fichier": self.name,
            "type": self.source.kind,
            "source": source_label(self.source),
            "millesime": self.source.millesime,
            "ajoutes": i.added,
            "mis_a_jour": i.updated,
            "remplaces": [{"code": c, "ancien": old} for c, old in i.replaced],
            "inchanges": i.unchanged,
            "saisis_conserves": i.kept,
            "refuses": [{"code": c, "conserve": kept} for c, kept in i.refused],
            "communes_manquantes": sorted({c for f in self.source.figures for c in f.manquantes}),
            "avertissement": self.source.warning,
        }
        if self.structures is not None:
            s = self.structures
            out["structures"] = {
                "ajoutees": s.added,
                "mises_a_jour": [dict(st, champs=f) for st, f in s.updated],
                "inchangees": s.unchanged,
                "saisies_conservees": s.kept,
                "retirees": s.removed,
            }
        return out


@dataclass
class DiagnosticImport:
    file: str
    dry_run: bool
    imports: list[FileImport] = field(default_factory=list)
    written: bool = False

    @property
    def changed(self) -> bool:
        return any(
            f.indicators.changed or (f.structures is not None and f.structures.changed)
            for f in self.imports
        )

    def to_dict(self) -> dict:
        return {
            "fichier": self.file,
            "simulation": self.dry_run,
            "imports": [f.to_dict() for f in self.imports],
            "enregistre": self.written,
        }


def readers() -> list:
    """The reader modules present, in ``READERS`` order."""
    found = []
    for name in READERS:
        try:
            found.append(importlib.import_module(f"cpts_cli.diagnostic.sources.{name}"))
        except ImportError:
            continue
    return found


def recognise(path: Path):
    """The reader of ``path``, judged by its content; a French error when none fits."""
    name = path.name
    try:
        with path.open("rb") as raw:
            head = raw.read(_HEAD)
    except FileNotFoundError:
        raise CptsError(f"« {path} » : fichier introuvable. {NOTHING}") from None
    except IsADirectoryError:
        raise CptsError(f"« {path} » est un dossier : donnez un fichier. {NOTHING}") from None
    except OSError as exc:
        raise CptsError(f"« {path} » ne peut pas être lu ({exc.strerror}). {NOTHING}") from None
    if not head:
        raise CptsError(f"« {name} » est vide. {NOTHING}")
    modules = readers()
    for module in modules:
        if module.sniff(head, name):
            return module
    for module in modules:
        sniff_file = getattr(module, "sniff_file", None)
        if sniff_file is not None and sniff_file(path):
            return module
    known = " ; ".join(
        KINDS[getattr(m, "KIND", "")] for m in modules if getattr(m, "KIND", "") in KINDS
    )
    raise CptsError(
        f"« {name} » : {_unknown(path, head)}. « cpts diagnostic import » lit : {known}. {NOTHING}"
    )


def _unknown(path: Path, head: bytes) -> str:
    """What is wrong with a file no reader takes: a zip says what it holds."""
    import zipfile

    if not head.startswith(b"PK\x03\x04"):
        return "type de fichier non reconnu"
    try:
        with zipfile.ZipFile(path) as archive:
            names = [m.filename for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "archive zip abîmée ou incomplète (téléchargement interrompu ?), ou d'un autre type"
    if "xl/workbook.xml" in names:
        return "type de fichier non reconnu"  # a workbook of another kind
    shown = ", ".join(f"« {n} »" for n in names[:6]) + (" …" if len(names) > 6 else "")
    return f"archive zip dont aucun fichier n'est reconnu (elle contient {shown or 'rien'})"


def import_files(project: Path, paths: list[Path], *, dry_run: bool = False) -> DiagnosticImport:
    from cpts_cli.project.load import read_usable
    from cpts_cli.project.save import save

    doc = read_usable(Path(project))
    if not dry_run and not doc.editable:
        raise CptsError(
            f"« {doc.name} » contient des clés en double ou des alias YAML : corrigez-les "
            f"d'abord (voir « cpts validate »). {NOTHING}"
        )
    plain = doc.plain if isinstance(doc.plain, dict) else {}
    territory = derive(plain.get("territoire"))
    if not territory.counted:
        raise CptsError(
            f"« {doc.name} » n'a aucune commune connue dans « territoire » : les chiffres "
            f"du diagnostic se calculent pour le territoire. {NOTHING}"
        )
    scope = scope_of(territory)
    comparison = comparison_of(territory)
    read: list[tuple[str, SourceFile]] = []
    for path in paths:
        module = recognise(Path(path))
        read.append((Path(path).name, module.read(Path(path), scope)))
    report = DiagnosticImport(file=doc.name, dry_run=dry_run)
    for name, source in read:
        changes = merge_indicators(doc.data, source, comparison)
        structures = None
        if source.kind == "finess" and not changes.older:
            structures = merge_structures(doc.data, source.structures)
        report.imports.append(FileImport(name, source, changes, structures))
    if report.changed and not dry_run:
        report.written = save(doc)
    return report
