"""Merging what a national file gives into the project's round-trip tree.

Indicators (``diagnostic.indicateurs``), one entry per ``Figure`` code:

* a code absent from the file is appended, with ``origine: import``;
* an entry typed by the user (no ``origine: import``) is never changed, whatever its code;
* an imported entry is replaced by a newer vintage (``annee``, then the extraction date in
  its ``source``, « extraction du 15 octobre 2024 », or ``2024-10-15`` as written by
  earlier versions), updated by the same vintage, and left as it is by an older one
  (refused, and said); an entry of the same year without extraction date (written before
  the date was known) is updated;
* importing the same file twice changes nothing: an entry whose values are those of the
  import is not touched at all (its layout and comments stay byte for byte).

Structures (``mobilisation.structures``, FINESS only), recognised by their FINESS number:
new ones appended (``origine: import``), imported ones updated, those typed by the user
never changed, imported ones that the file no longer has (closed, or out of the territory)
removed — unless the file is older than the one imported before.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from cpts_cli.diagnostic.scope import Comparison
from cpts_cli.diagnostic.sources import Figure, SourceFile
from cpts_cli.project import edit
from cpts_cli.referentiel import store
from cpts_cli.support.formatting import MONTHS, long_date

ORIGIN = "origine"
IMPORTED = "import"
MAILLE = "territoire_cpts"
#: The keys the import writes, in the schema's order (the others are the user's: kept).
INDICATOR_KEYS = (
    "code", "libelle", "theme", "valeur", "unite", "annee", "source", "maille",
    "references", "sans_reference", "note", ORIGIN,
)  # fmt: skip
STRUCTURE_KEYS = ("nom", "type", "commune", "finess", "coordonnees", ORIGIN)
COUNT_UNITS = ("habitants", "établissements")
#: How the note of an imported indicator starts the values of the other departments and
#: regions of a territory spread over several (the documents show that sentence).
OTHER_LEVELS = "Territoire sur plusieurs départements"
_EXTRACTION = re.compile(
    r"extraction du (?:(\d{4})-(\d{2})-(\d{2})|(\d{1,2})(?:er)? ("
    + "|".join(MONTHS)
    + r") (\d{4}))"
)


@dataclass
class IndicatorChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # same vintage, other values
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (code, older vintage)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # typed by the user
    refused: list[tuple[str, str]] = field(default_factory=list)  # (code, newer vintage kept)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.replaced)

    @property
    def older(self) -> bool:
        return bool(self.refused) and not (self.added or self.updated or self.replaced)


@dataclass
class StructureChanges:
    added: list[dict] = field(default_factory=list)
    updated: list[tuple[dict, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    kept: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def source_label(source: SourceFile) -> str:
    """« DREES — FINESS, … (extraction du 15 septembre 2022) », or « (millésime 2021) »."""
    when = _when(source.version) or f"millésime {source.millesime}"
    return f"{source.editeur} — {source.jeu} ({when})"


def vintage_label(annee: Any, source: Any) -> str:
    """The vintage of an entry, as said to the user: « extraction du 1er mars 2024 » (from
    its ``source``, in French or ISO), else « millésime 2023 »."""
    return _when(_version(source)) or f"millésime {annee}"


def _when(version: str) -> str:
    """``2024-10-15`` → « extraction du 15 octobre 2024 »; "" for no (or no valid) date."""
    try:
        return f"extraction du {long_date(_dt.date.fromisoformat(version))}" if version else ""
    except ValueError:
        return ""


# --------------------------------------------------------------------------- indicators


def indicator_entry(figure: Figure, source: SourceFile, comparison: Comparison) -> dict:
    """The plain values of ``figure``'s entry, keys in ``INDICATOR_KEYS`` order."""
    entry: dict[str, Any] = {
        "code": figure.code,
        "libelle": figure.libelle,
        "theme": figure.theme,
        "valeur": figure.territoire,
        "unite": figure.unite,
        "annee": source.millesime,
        "source": source_label(source),
        "maille": MAILLE,
    }
    refs = {
        "departement": figure.departements.get(comparison.departement),
        "region": figure.regions.get(comparison.region),
        "france": figure.france,
    }
    refs = {k: v for k, v in refs.items() if v is not None}
    if refs:
        entry["references"] = refs
    elif figure.unite in COUNT_UNITS:
        entry["sans_reference"] = "Effectif propre au territoire, sans équivalent à comparer."
    else:
        entry["sans_reference"] = "Le fichier ne donne pas de valeur de comparaison."
    notes = [figure.note] if figure.note else []
    others = _other_levels(figure, comparison)
    if others:
        notes.append(others)
    if notes:
        entry["note"] = " ".join(notes)
    entry[ORIGIN] = IMPORTED
    return entry


def _other_levels(figure: Figure, comparison: Comparison) -> str:
    parts = []
    for dep in comparison.other_departements:
        value = figure.departements.get(dep)
        if value is not None:
            found = store.departement(dep)
            parts.append(f"{found.nom if found else dep} ({dep}) : {_number(value)}")
    for reg in comparison.other_regions:
        value = figure.regions.get(reg)
        if value is not None:
            found = store.region(reg)
            parts.append(f"région {found.nom if found else reg} : {_number(value)}")
    if not parts:
        return ""
    dep = store.departement(comparison.departement)
    return (
        f"{OTHER_LEVELS} : comparé à "
        f"{dep.nom if dep else comparison.departement}, le plus peuplé ; " + " ; ".join(parts) + "."
    )


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def merge_indicators(data: Any, source: SourceFile, comparison: Comparison) -> IndicatorChanges:
    result = IndicatorChanges()
    seq = _list(data, "diagnostic", "indicateurs", create=bool(source.figures))
    if seq is None:
        return result
    by_code: dict[str, int] = {}
    for i, entry in enumerate(seq):
        if isinstance(entry, dict) and isinstance(entry.get("code"), str):
            by_code.setdefault(entry["code"], i)
    for figure in source.figures:
        wanted = indicator_entry(figure, source, comparison)
        index = by_code.get(figure.code)
        if index is None:
            edit.append(seq, _node(wanted))
            by_code[figure.code] = len(seq) - 1
            result.added.append(figure.code)
            continue
        entry = seq[index]
        if _text(entry.get(ORIGIN)) != IMPORTED:
            result.kept.append(figure.code)
            continue
        old_key = (_year(entry.get("annee")), _version(entry.get("source")))
        # An entry of the same year without date (imported before the date was known):
        # neither newer nor older.
        new_key = (source.millesime, source.version if old_key[1] else "")
        old_label = vintage_label(entry.get("annee"), entry.get("source"))
        if _same(entry, wanted):
            result.unchanged.append(figure.code)
        elif new_key < old_key:
            result.refused.append((figure.code, old_label))
        else:
            _rewrite(entry, wanted)
            if new_key > old_key:
                result.replaced.append((figure.code, old_label))
            else:
                result.updated.append(figure.code)
    return result


def _year(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _version(value: Any) -> str:
    """The extraction date (``YYYY-MM-DD``) a ``source`` gives, in French or ISO; ""."""
    found = _EXTRACTION.search(value) if isinstance(value, str) else None
    if not found:
        return ""
    if found.group(1):
        return f"{found.group(1)}-{found.group(2)}-{found.group(3)}"
    month = MONTHS.index(found.group(5)) + 1
    return f"{found.group(6)}-{month:02d}-{int(found.group(4)):02d}"


def _same(entry, wanted: dict) -> bool:
    for key in INDICATOR_KEYS:
        if _plain(entry.get(key)) != wanted.get(key):
            return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _rewrite(entry, wanted: dict) -> None:
    """Set the import's keys to ``wanted`` (in the schema's order), drop those it no longer
    gives; the user's own keys (``masque``, a comment…) stay."""
    for key in INDICATOR_KEYS:
        if key not in wanted:
            if key in entry:
                edit.delete_key(entry, key)
            continue
        if key in entry and _plain(entry[key]) == wanted[key]:
            continue
        edit.set_key(entry, key, _node(wanted[key]), list(INDICATOR_KEYS))


def _node(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _node(v)
        if all(not isinstance(v, dict) for v in value.values()) and "code" not in value:
            node.fa.set_flow_style()
        return node
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _list(data: Any, section: str, key: str, *, create: bool):
    if not isinstance(data, dict):
        return None
    parent = edit.section(
        data,
        section,
        create=create,
        error=f"« {section} » n'est pas une suite de clés : corrigez-la d'abord (voir "
        "« cpts validate »). Rien n'a été importé.",
    )
    if parent is None:
        return None
    return edit.child_list(
        parent,
        key,
        create=create,
        error=f"« {section}.{key} » n'est pas une liste : corrigez-la d'abord (voir "
        "« cpts validate »). Rien n'a été importé.",
    )


# --------------------------------------------------------------------------- structures


def merge_structures(data: Any, structures: tuple[dict, ...]) -> StructureChanges:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Quoted

    result = StructureChanges()
    seq = _list(data, "mobilisation", "structures", create=bool(structures))
    if seq is None:
        return result
    by_finess = {
        _text(e.get("finess")): i
        for i, e in enumerate(seq)
        if isinstance(e, dict) and _text(e.get("finess"))
    }
    seen: set[int] = set()
    for structure in structures:
        wanted = dict(
            structure,
            commune=Quoted(structure["commune"]),
            finess=Quoted(structure["finess"]),
            **{ORIGIN: IMPORTED},
        )
        index = by_finess.get(structure["finess"])
        if index is None:
            edit.append(seq, _structure_node(wanted))
            result.added.append(structure)
            continue
        seen.add(index)
        entry = seq[index]
        if _text(entry.get(ORIGIN)) != IMPORTED:
            result.kept.append(structure)
            continue
        changed = _update_structure(entry, wanted)
        if changed:
            result.updated.append((structure, changed))
        else:
            result.unchanged += 1
    gone = [
        i
        for i, e in enumerate(seq)
        if i not in seen
        and isinstance(e, dict)
        and _text(e.get(ORIGIN)) == IMPORTED
        and _text(e.get("finess")) not in {s["finess"] for s in structures}
    ]
    for i in reversed(gone):
        result.removed.insert(0, {k: _plain(seq[i].get(k)) for k in ("nom", "finess")})
        edit.delete_item(data["mobilisation"], "structures", seq, i)
    return result


def _structure_node(wanted: dict):
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    for key in STRUCTURE_KEYS:
        if key in wanted:
            node[key] = _node(wanted[key])
    found = store.commune(str(wanted["commune"]))
    if found is not None:
        node.yaml_add_eol_comment(f"# {found.nom}", "commune")
    return node


def _update_structure(entry, wanted: dict) -> list[str]:
    changed = []
    for key in STRUCTURE_KEYS:
        if key not in wanted:
            if key in entry and key == "coordonnees":
                edit.delete_key(entry, key)
                changed.append(key)
            continue
        if key in entry and _plain(entry[key]) == _plain(wanted[key]):
            continue
        edit.set_key(entry, key, _node(wanted[key]), list(STRUCTURE_KEYS))
        changed.append(key)
    return changed
