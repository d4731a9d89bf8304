"""The core of ``cpts territory``: info, add, remove, search and coverage.

Plain functions returning dataclasses (``to_dict()`` is what ``--format json`` prints);
nothing here prints or exits. A command that cannot run raises ``CptsError`` with a French
message (exit code 2), before anything is written.

``add`` and ``remove`` edit ``territoire.communes`` / ``territoire.epci`` in the round-trip
tree and save through ``cpts_cli.project.save``: only the lines of the codes added or
removed change. ruamel.yaml keeps the full-line comments that follow a list item on that
item's comment token, so appending or deleting an item would carry them along (a comment
written above ``justification:`` would end up inside the list, or vanish): ``_append`` and
``_delete`` move those comment lines to the item that now precedes them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.referentiel import store
from cpts_cli.support.errors import CptsError
from cpts_cli.support.formatting import thousands
from cpts_cli.territory.search import KIND_LABELS, search, search_to_dict  # noqa: F401
from cpts_cli.territory.summary import Territory, derive
from cpts_cli.workflow.steps import top_level_position

INSEE_RE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
SIREN_RE = re.compile(r"^[0-9]{9}$")


def fmt_int(n: int | None) -> str:
    """French thousands separator (narrow no-break space); ``None`` → "inconnue"."""
    return "inconnue" if n is None else thousands(n)


def _name(commune: store.Commune) -> str:
    return f"{commune.nom} ({commune.code})"


@lru_cache(maxsize=4096)
def _arrondissements(code: str) -> tuple[store.Commune, ...]:
    return tuple(store.arrondissements(code))


# --------------------------------------------------------------------------- reading


def read_document(path: Path) -> ProjectDocument:
    """Kept for callers of this module: see ``project.load.read_usable``."""
    from cpts_cli.project.load import read_usable

    return read_usable(path)


# --------------------------------------------------------------------------- info


@dataclass(frozen=True)
class CommuneRow:
    code: str
    nom: str
    departement: str
    population: int | None
    origine: str  # "direct" or the EPCI's name
    epci: str | None = None  # SIREN of the EPCI that brings it, when it is not direct

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Population:
    """The population of the territory, with its basis: never a silent 0."""

    valeur: int | None  # what the tier uses: the user's override, else ``calculee``
    calculee: int | None  # sum of the communes' population municipale (None if one is unknown)
    base: str
    millesime: str
    en_vigueur: str
    source: str
    saisie: dict | None = None  # the user's override {valeur, source}, when complete
    sans_population: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "valeur": self.valeur,
            "calculee": self.calculee,
            "base": self.base,
            "millesime": self.millesime,
            "en_vigueur": self.en_vigueur,
            "source": self.source,
            "saisie": self.saisie,
            "communes_sans_population": list(self.sans_population),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class TierInfo:
    version: str
    taille: int
    min: int
    max: int | None
    seuil_proche: int | None
    note: str | None

    @property
    def range_label(self) -> str:
        if self.max is None:
            return f"plus de {fmt_int(self.min)} habitants"
        if not self.min:
            return f"moins de {fmt_int(self.max)} habitants"
        return f"de {fmt_int(self.min)} à {fmt_int(self.max)} habitants"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TerritoryInfo:
    file: str
    nom: str | None
    communes: list[CommuneRow]
    epci: list[tuple[str, str, int]]  # siren, nom, number of member communes
    population: Population
    departements: list[store.Departement]
    regions: list[store.Region]
    ars: list[store.Ars]
    ars_referente: str | None
    tier: TierInfo | None
    inconnus: list[str] = field(default_factory=list)  # codes unknown to the COG
    anciens_codes: list[tuple[str, str]] = field(default_factory=list)  # (given, current)

    def to_dict(self) -> dict:
        return {
            "fichier": self.file,
            "cpts": self.nom,
            "nombre_communes": len(self.communes),
            "population": self.population.to_dict(),
            "departements": [
                {"code": d.code, "nom": d.nom, "region": d.region} for d in self.departements
            ],
            "regions": [{"code": r.code, "nom": r.nom} for r in self.regions],
            "ars": [{"code": a.code, "nom": a.libelle} for a in self.ars],
            "ars_referente": self.ars_referente,
            "aci": self.tier.to_dict() if self.tier else None,
            "epci": [{"siren": s, "nom": n, "communes": c} for s, n, c in self.epci],
            "communes": [c.to_dict() for c in self.communes],
            "codes_inconnus": self.inconnus,
            "anciens_codes": [{"code": a, "actuel": b} for a, b in self.anciens_codes],
        }


def info(path: Path) -> TerritoryInfo:
    """What ``cpts territory info`` shows for a project file."""
    return territory_info(read_document(path))


def territory_info(doc: ProjectDocument) -> TerritoryInfo:
    from cpts_cli.checking.rules.engine import Context

    ctx = Context(doc)
    territory = ctx.territory
    plain_terr = ctx.section("territoire")
    epci_names = {ptr: e for ptr, e in territory.epcis}
    rows = []
    for code in territory.codes:
        member = territory.members[code]
        origin = member.origins[0]
        epci = epci_names.get(origin)
        rows.append(
            CommuneRow(
                code,
                member.commune.nom,
                member.commune.departement,
                member.commune.population,
                epci.nom if epci else "direct",
                epci.siren if epci else None,
            )
        )
    departements = [
        store.departement(d) or store.Departement(d, d, "") for d in territory.departements
    ]
    regions = [store.region(r) or store.Region(r, r) for r in territory.regions]
    nom = ctx.get("/cpts/nom")
    referente = plain_terr.get("ars_referente")
    population = _population(territory)
    tier = None
    if population.valeur is not None:
        result = ctx.aci.tier_for(population.valeur)
        lo, hi = result.tier.bounds
        tier = TierInfo(ctx.aci.code, result.taille, lo, hi, result.near_bound, result.bound_note)
    return TerritoryInfo(
        file=doc.name,
        nom=nom if isinstance(nom, str) else None,
        communes=rows,
        epci=[(e.siren, e.nom, len(e.membres)) for _, e in territory.epcis],
        population=population,
        departements=departements,
        regions=regions,
        ars=territory.ars,
        ars_referente=referente if isinstance(referente, str) else None,
        tier=tier,
        inconnus=[r.code for _, r in territory.unknown_communes]
        + [siren for _, siren in territory.unknown_epci],
        anciens_codes=[(r.code, r.commune.code) for _, r in territory.replaced_codes],
    )


def _population(territory: Territory) -> Population:
    meta = store.meta()
    notes = []
    deps = set(territory.departements)
    if "976" in deps and meta.get("population_note_mayotte"):
        notes.append(meta["population_note_mayotte"])
    missing = territory.communes_without_population
    if missing and meta.get("population_note_com"):
        notes.append(meta["population_note_com"])
    override = territory.override
    saisie = None
    if (
        override
        and isinstance(override.get("valeur"), int)
        and not isinstance(override.get("valeur"), bool)
        and override.get("source")
    ):
        saisie = {"valeur": override["valeur"], "source": str(override["source"])}
    return Population(
        valeur=territory.population,
        calculee=territory.population_reference,
        base=meta.get("population", "population municipale"),
        millesime=meta.get("population_millesime", ""),
        en_vigueur=meta.get("population_en_vigueur", ""),
        source=f"{meta.get('source', '')} {meta.get('version', '')}".strip(),
        saisie=saisie,
        sans_population=tuple(missing),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- search


# --------------------------------------------------------------------------- add / remove


@dataclass(frozen=True)
class Summary:
    """The territory in a few figures, before or after an edit."""

    communes: int
    population: int | None
    taille: int | None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EditResult:
    file: str
    messages: list[str]  # one French sentence per code, in the order given
    changed: bool
    written: bool
    dry_run: bool
    before: Summary
    after: Summary
    diff: list[str] = field(default_factory=list)  # unified diff of the file (dry run)

    def to_dict(self) -> dict:
        return {
            "fichier": self.file,
            "messages": self.messages,
            "modifie": self.changed,
            "enregistre": self.written,
            "simulation": self.dry_run,
            "avant": self.before.to_dict(),
            "apres": self.after.to_dict(),
            "diff": self.diff,
        }


def _summary(doc: ProjectDocument, plain: Any) -> Summary:
    from cpts_cli.checking.rules.engine import Context

    territory = derive(plain.get("territoire") if isinstance(plain, dict) else None)
    population = territory.population
    taille = note = None
    if population is not None:
        ctx = Context(doc)
        result = ctx.aci.tier_for(population)
        taille, note = result.taille, result.bound_note
    return Summary(len(territory.members), population, taille, note)


def _clean(code: str) -> str:
    return "".join(str(code).split()).upper()


def _not_a_code(code: str) -> str:
    if len(code) == 4 and code.isdigit():
        # A spreadsheet turned "01053" into 1053: the lost leading zero.
        found = store.commune("0" + code)
        if found is not None:
            return (
                f"« {code} » n'a que 4 chiffres : le zéro initial manque-t-il ? "
                f"« 0{code} » est {_name(found)}."
            )
    return (
        f"« {code} » n'est ni un code INSEE de commune (5 caractères, ex. 21231) ni un SIREN "
        "d'intercommunalité (9 chiffres) ; « cpts territory search NOM » retrouve un code."
    )


def _unknown_commune(code: str, resolution: store.Resolution) -> str:
    postal = store.postal_codes(code) if code.isdigit() else []
    if postal:
        names = ", ".join(_name(c) for c in map(store.commune, postal[:5]) if c)
        return f"« {code} » est un code postal, pas un code INSEE : communes desservies : {names}."
    names = [_name(c) for c in map(store.commune, resolution.suggestions[:3]) if c]
    hint = f" ; codes proches : {', '.join(names)}" if names else ""
    return (
        f"Code commune inconnu : « {code} »{hint}. « cpts territory search NOM » retrouve "
        "un code à partir du nom."
    )


def _territoire_map(doc: ProjectDocument, create: bool):
    """The ``territoire`` mapping of the round-trip tree (created when asked and missing)."""
    from ruamel.yaml.comments import CommentedMap

    data = doc.data
    terr = data.get("territoire")
    if isinstance(terr, dict):
        return terr
    if terr is not None and terr != "":
        raise CptsError(
            f"Dans « {doc.name} », « territoire » n'est pas une suite de clés (communes, "
            "epci, justification) : corrigez-le d'abord (voir « cpts validate »)."
        )
    if not create:
        return None
    new = CommentedMap()
    if "territoire" in data:
        data["territoire"] = new
    else:
        data.insert(top_level_position(list(data.keys()), "territoire"), "territoire", new)
    return new


def _list(doc: ProjectDocument, terr, key: str, create: bool):
    from ruamel.yaml.comments import CommentedSeq

    if terr is None:
        return None
    value = terr.get(key)
    if isinstance(value, list):
        return value
    if value is not None:
        raise CptsError(
            f"Dans « {doc.name} », « territoire.{key} » n'est pas une liste : corrigez-la "
            "d'abord (voir « cpts validate »)."
        )
    if not create:
        return None
    seq = CommentedSeq()
    if key in terr:
        terr[key] = seq
    else:
        # communes first, then epci, then the rest (justification…), as in the model.
        pos = 0
        if key == "epci" and "communes" in terr:
            pos = list(terr.keys()).index("communes") + 1
        terr.insert(pos, key, seq)
    return seq


def _new_scalar(seq, value: str):
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if any(isinstance(v, SingleQuotedScalarString) for v in seq) and not any(
        isinstance(v, DoubleQuotedScalarString) for v in seq
    ):
        return SingleQuotedScalarString(value)
    return DoubleQuotedScalarString(value)


def _token(seq, index: int):
    entry = seq.ca.items.get(index)
    return entry[0] if entry else None


def _split_comment(value: str) -> tuple[str, str]:
    """A list item's comment token → (its end-of-line part, the full lines that follow)."""
    cut = value.find("\n")
    if cut < 0:
        return value, ""
    return value[: cut + 1], value[cut + 1 :]


def _make_token(value: str, column: int):
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(value, CommentMark(column), None)


def _label_offset(seq) -> int | None:
    """Where the end-of-line comments of a block list's items (``- "21166"  # Nom``) start,
    as a column minus the length of the item's value; None when the items have none."""
    if not isinstance(seq, list) or seq.fa.flow_style():
        return None
    for i in range(len(seq)):
        token = _token(seq, i)
        if token is not None and token.value.lstrip(" ").startswith("#"):
            return token.column - len(str(seq[i]))
    return None


def _append(seq, value: str, label: str | None, label_offset: int = 0) -> None:
    """Append ``value`` to a list; in block style, with ``# label`` when one is given, and
    keeping the comments that followed the old last item after the new one (see the module
    docstring)."""
    n = len(seq)
    offset = _label_offset(seq)
    seq.append(_new_scalar(seq, value))
    if seq.fa.flow_style():
        return
    rest = ""
    prev = _token(seq, n - 1) if n else None
    if prev is not None:
        head, rest = _split_comment(prev.value)
        if rest and head.strip():
            prev.value = head
        elif rest:
            del seq.ca.items[n - 1]
    head = f"# {label}\n" if label else "\n"
    if label or rest:
        column = len(value) + (label_offset if offset is None else offset)
        seq.ca.items[n] = [_make_token(head + rest, column), None, None, None]


def _delete(parent, key: str, seq, index: int) -> None:
    """Delete item ``index``, keeping the full-line comments that followed it."""
    block = not seq.fa.flow_style()
    rest = ""
    token = _token(seq, index)
    if token is not None and block:
        rest = _split_comment(token.value)[1]
    del seq[index]
    if block and not seq:
        # An empty block list is written "[]"; the comments go after it, on the key's line.
        seq.fa.set_flow_style()
        entry = parent.ca.items.setdefault(key, [None, None, None, None])
        while len(entry) < 4:
            entry.append(None)
        if isinstance(entry[3], list) and entry[3]:
            # Full-line comments that stood above the first item now follow "[]" too.
            rest = "".join(" " * t.column + t.value for t in entry[3]) + rest
            entry[3] = None
            seq.ca.comment = None
        if rest and entry[2] is not None:
            entry[2].value = entry[2].value + rest
        elif rest:
            entry[2] = _make_token("\n" + rest, 0)
        return
    if not rest:
        return
    if index > 0:
        prev = _token(seq, index - 1)
        if prev is not None:
            prev.value = prev.value + rest
        else:
            seq.ca.items[index - 1] = [_make_token("\n" + rest, 0), None, None, None]
        return
    # The first item: its following comments now come right after the key line. ruamel
    # keeps those on the key's entry (shared with the list): an end-of-line token [2], then
    # a list of comment tokens [3] for full lines; extend whichever comes last.
    entry = parent.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    if isinstance(entry[3], list) and entry[3]:
        entry[3].append(_make_token(rest, 0))
    elif entry[2] is not None:
        entry[2].value = entry[2].value + rest
    else:
        entry[2] = _make_token("\n" + rest, 0)
        if seq.ca.comment is None:
            seq.ca.comment = [entry[2], None]


@dataclass
class _Plan:
    """What an edit will do, decided before anything is touched."""

    add_communes: list[tuple[str, str]] = field(default_factory=list)  # (code, label)
    add_epci: list[tuple[str, str]] = field(default_factory=list)
    drop_commune_items: set[int] = field(default_factory=set)
    drop_epci_items: set[int] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)


def _index_of(ptr: str) -> tuple[str, int]:
    parts = ptr.strip("/").split("/")
    return parts[1], int(parts[2])


def _direct_items(territory: Territory, code: str) -> list[int]:
    """Indexes in ``communes`` of the entries that bring ``code`` in."""
    member = territory.members.get(code)
    if member is None:
        return []
    out = []
    for ptr in member.origins:
        kind, i = _index_of(ptr)
        if kind == "communes":
            out.append(i)
    return out


def _via_epci(territory: Territory, code: str) -> store.Epci | None:
    member = territory.members.get(code)
    if member is None:
        return None
    by_ptr = dict(territory.epcis)
    for ptr in member.origins:
        if ptr in by_ptr:
            return by_ptr[ptr]
    return None


def _literal_items(values: list | None, code: str, width: int) -> list[int]:
    """Positions of ``code`` in ``values``, written as text or, unquoted, as a number."""
    from cpts_cli.territory.summary import as_code

    if not isinstance(values, list):
        return []
    found = []
    for i, v in enumerate(values):
        text = _clean(v) if isinstance(v, str) else as_code(v, width)
        if text == code:
            found.append(i)
    return found


def _plan_add(territory: Territory, plain_terr: dict, codes: list[str]) -> _Plan:
    plan = _Plan()
    errors: list[str] = []
    adding: set[str] = set()  # commune codes and SIREN planned, against repeats on the line
    epci_given = plain_terr.get("epci") if isinstance(plain_terr.get("epci"), list) else []
    # EPCI first: a commune given on the same line as its own EPCI is then already covered.
    codes = sorted(codes, key=lambda c: 0 if SIREN_RE.match(_clean(c)) else 1)
    covered: dict[str, str] = {}  # member commune -> name of an EPCI added on this line
    for raw in codes:
        code = _clean(raw)
        if SIREN_RE.match(code):
            found = store.epci(code)
            if found is None:
                errors.append(
                    f"Intercommunalité inconnue : SIREN « {code} » ; « cpts territory search "
                    "NOM » retrouve une intercommunalité par son nom."
                )
                continue
            label = f"l'intercommunalité {found.nom} ({found.siren}, {len(found.membres)} communes)"
            if code in adding or _literal_items(epci_given, code, 9):
                plan.messages.append(f"{label[0].upper()}{label[1:]} est déjà dans le territoire.")
                continue
            adding.add(code)
            plan.add_epci.append((code, found.nom))
            for member in found.membres:
                covered.setdefault(member, found.nom)
            redundant = []
            for member in found.membres:
                for i in _direct_items(territory, member):
                    if i not in plan.drop_commune_items:
                        plan.drop_commune_items.add(i)
                        redundant.append(member)
            message = f"Ajoutée : {label}."
            if redundant:
                message += (
                    f" Les communes déjà listées qui en font partie ({', '.join(redundant)}) "
                    "sont retirées de « communes » pour ne pas être comptées deux fois."
                )
            plan.messages.append(message)
            continue
        if not INSEE_RE.match(code):
            errors.append(_not_a_code(code))
            continue
        resolution = store.resolve_commune(code)
        if not resolution.is_known or resolution.commune is None:
            errors.append(_unknown_commune(code, resolution))
            continue
        commune = resolution.commune
        prefix = ""
        if not resolution.is_current:
            what = (
                "un ancien code"
                if resolution.status == store.OLD_CODE
                else f"le code de la commune déléguée ou associée {resolution.former_nom}"
            )
            prefix = (
                f"« {code} » est {what} : la commune est aujourd'hui {_name(commune)}, c'est "
                "ce code qui est utilisé. "
            )
        current = commune.code
        if current in covered:
            plan.messages.append(
                prefix + f"{_name(commune)} fait partie de l'intercommunalité {covered[current]}"
                ", ajoutée : elle n'est pas ajoutée une seconde fois."
            )
            continue
        if current in adding:
            plan.messages.append(prefix + f"{_name(commune)} est déjà dans la liste à ajouter.")
            continue
        if current in territory.members:
            epci = _via_epci(territory, current)
            where = f" par l'intercommunalité {epci.nom}" if epci else ""
            plan.messages.append(prefix + f"{_name(commune)} est déjà dans le territoire{where}.")
            continue
        parent = commune.commune_parente if commune.is_arrondissement else None
        if parent and parent in territory.members:
            city = territory.members[parent].commune
            plan.messages.append(
                prefix + f"{_name(commune)} est déjà couverte : {_name(city)} figure entière "
                "dans le territoire."
            )
            continue
        adding.add(current)
        plan.add_communes.append((current, commune.nom))
        message = prefix + f"Ajoutée : {_name(commune)}."
        arrs = [a.code for a in _arrondissements(current)] if not parent else []
        present = [a for a in arrs if a in territory.members]
        for a in present:
            plan.drop_commune_items.update(_direct_items(territory, a))
        if present:
            message += (
                f" Ses arrondissements déjà listés ({', '.join(present)}) sont retirés pour ne "
                "pas être comptés deux fois."
            )
        plan.messages.append(message)
    if errors:
        raise CptsError("\n".join(errors + ["Le fichier n'a pas été modifié."]))
    return plan


def _plan_remove(
    territory: Territory, plain_terr: dict, codes: list[str], split_epci: bool = False
) -> _Plan:
    plan = _Plan()
    errors: list[str] = []
    communes_given = plain_terr.get("communes")
    epci_given = plain_terr.get("epci")
    # EPCI to replace by their communes, and the communes to leave out of each.
    splits: dict[str, tuple[store.Epci, set[str]]] = {}
    for raw in codes:
        code = _clean(raw)
        # What is written in the file goes first: a mistyped or old code can be removed too.
        literal_epci = _literal_items(epci_given, code, 9)
        if literal_epci:
            found = store.epci(code)
            plan.drop_epci_items.update(literal_epci)
            what = f"l'intercommunalité {found.nom} ({code})" if found else f"« {code} »"
            plan.messages.append(f"Retirée : {what}.")
            continue
        literal = _literal_items(communes_given, code, 5)
        resolution = store.resolve_commune(code) if INSEE_RE.match(code) else None
        commune = resolution.commune if resolution is not None else None
        items = set(literal)
        if commune is not None:
            items.update(_direct_items(territory, commune.code))
        if items:
            plan.drop_commune_items.update(items)
            what = _name(commune) if commune else f"« {code} »"
            message = f"Retirée : {what}."
            epci = _via_epci(territory, commune.code) if commune is not None else None
            if epci is not None and split_epci:
                splits.setdefault(epci.siren, (epci, set()))[1].add(commune.code)
            elif epci is not None:
                message += f" Elle reste dans le territoire par l'intercommunalité {epci.nom}."
            plan.messages.append(message)
            continue
        if SIREN_RE.match(code):
            found = store.epci(code)
            if found is None:
                errors.append(f"Intercommunalité inconnue : SIREN « {code} ».")
            else:
                plan.messages.append(
                    f"L'intercommunalité {found.nom} ({code}) n'est pas dans le territoire : "
                    "rien à retirer."
                )
            continue
        if resolution is None:
            errors.append(_not_a_code(code))
            continue
        if commune is None:
            errors.append(_unknown_commune(code, resolution))
            continue
        epci = _via_epci(territory, commune.code)
        if epci is not None and split_epci:
            splits.setdefault(epci.siren, (epci, set()))[1].add(commune.code)
            plan.messages.append(f"Retirée : {_name(commune)}.")
            continue
        if epci is not None:
            plan.messages.append(
                f"{_name(commune)} fait partie du territoire par l'intercommunalité {epci.nom} "
                f"({epci.siren}) : on ne peut pas la retirer seule. Relancez avec "
                "« --detailler-epci » pour remplacer l'intercommunalité par la liste de ses "
                "communes, sans celle-ci. Rien n'a été modifié pour elle."
            )
            continue
        parent = commune.commune_parente if commune.is_arrondissement else None
        if parent and parent in territory.members:
            city = territory.members[parent].commune
            plan.messages.append(
                f"{_name(commune)} fait partie de {_name(city)}, donnée entière : pour la "
                f"retirer, remplacez {city.code} par les arrondissements à garder. Rien n'a été "
                "modifié pour elle."
            )
            continue
        arrs = [a.code for a in _arrondissements(commune.code) if a.code in territory.members]
        if arrs:
            plan.messages.append(
                f"{_name(commune)} n'est pas dans le territoire en entier ; ses arrondissements "
                f"{', '.join(arrs)} y sont : retirez-les par leur code."
            )
            continue
        plan.messages.append(f"{_name(commune)} n'est pas dans le territoire : rien à retirer.")
    if errors:
        raise CptsError("\n".join(errors + ["Le fichier n'a pas été modifié."]))
    for epci, excluded in splits.values():
        _split_epci(plan, territory, epci_given, epci, excluded)
    return plan


def _split_epci(plan: _Plan, territory: Territory, epci_given, epci, excluded: set[str]) -> None:
    """Replace ``epci`` by its member communes but ``excluded`` (and but those the territory
    brings in another way: listed themselves, or by another EPCI)."""
    plan.drop_epci_items.update(_literal_items(epci_given, epci.siren, 9))
    own = {ptr for ptr, e in territory.epcis if e.siren == epci.siren}
    kept = []
    for code in epci.membres:
        member = territory.members.get(code)
        elsewhere = member is not None and any(o not in own for o in member.origins)
        commune = store.commune(code)
        if code in excluded or elsewhere or commune is None:
            continue
        kept.append((code, commune.nom))
    plan.add_communes.extend(kept)
    plan.messages.append(
        f"L'intercommunalité {epci.nom} ({epci.siren}) est remplacée par la liste de ses "
        f"{len(kept)} autres communes."
    )


def _apply(doc: ProjectDocument, plan: _Plan) -> None:
    needs_map = bool(plan.add_communes or plan.add_epci)
    terr = _territoire_map(doc, create=needs_map)
    # New items get their name as an end-of-line comment when the file's lists already have
    # such comments (as the examples and « cpts init » write them).
    offsets = [_label_offset(terr.get(k)) for k in ("communes", "epci")] if terr else []
    offset = next((c for c in offsets if c is not None), None)
    for key, drops in (("communes", plan.drop_commune_items), ("epci", plan.drop_epci_items)):
        seq = _list(doc, terr, key, create=False)
        for index in sorted(drops, reverse=True):
            _delete(terr, key, seq, index)
    for key, additions in (("communes", plan.add_communes), ("epci", plan.add_epci)):
        if not additions:
            continue
        seq = _list(doc, terr, key, create=True)
        for code, label in additions:
            _append(seq, code, label if offset is not None else None, offset or 0)


def add(path: Path, codes: list[str], *, dry_run: bool = False) -> EditResult:
    """Add communes (INSEE) or EPCI (SIREN) to the territory of a project file."""
    return _edit(path, codes, _plan_add, dry_run)


def remove(
    path: Path, codes: list[str], *, dry_run: bool = False, split_epci: bool = False
) -> EditResult:
    """Remove communes (INSEE) or EPCI (SIREN) from the territory of a project file;
    ``split_epci``: a commune brought in by an EPCI is removed by replacing the EPCI with
    the list of its other communes."""

    def planner(territory, plain_terr, codes):
        return _plan_remove(territory, plain_terr, codes, split_epci)

    return _edit(path, codes, planner, dry_run)


def _edit(path: Path, codes: list[str], planner, dry_run: bool) -> EditResult:
    from cpts_cli.project import save as _save

    if not codes:
        raise CptsError("Indiquez au moins un code de commune (INSEE) ou d'EPCI (SIREN).")
    doc = read_document(path)
    if not doc.editable:
        raise CptsError(
            f"« {doc.name} » contient des clés en double ou des alias YAML : corrigez-les "
            "d'abord (voir « cpts validate »), le fichier n'a pas été modifié."
        )
    plain = doc.plain if isinstance(doc.plain, dict) else {}
    plain_terr = plain.get("territoire") if isinstance(plain.get("territoire"), dict) else {}
    before = _summary(doc, plain)
    plan = planner(derive(plain_terr), plain_terr, codes)
    changed = bool(
        plan.add_communes or plan.add_epci or plan.drop_commune_items or plan.drop_epci_items
    )
    written = False
    diff: list[str] = []
    after = before
    if changed:
        _apply(doc, plan)
        new_plain = to_plain(doc.data)
        after = _summary(doc, new_plain)
        if dry_run:
            import difflib

            diff = list(
                difflib.unified_diff(
                    doc.text.splitlines(),
                    _save.updated_text(doc).splitlines(),
                    doc.name,
                    doc.name,
                    lineterm="",
                )
            )
        else:
            written = _save.save(doc)
            doc.plain = new_plain
    return EditResult(doc.name, plan.messages, changed, written, dry_run, before, after, diff)


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageFile:
    file: str
    nom: str | None
    communes: int  # communes (arrondissements for PLM) of the zone it covers
    population: int


@dataclass(frozen=True)
class Overlap:
    commune: store.Commune
    files: tuple[int, ...]  # indexes in CoverageReport.files


@dataclass
class CoverageReport:
    zone_type: str  # "departement" | "region"
    zone_code: str
    zone_nom: str
    files: list[CoverageFile]
    communes: list[store.Commune]  # the zone, Paris/Lyon/Marseille by arrondissement
    covered: set[str]
    blanks: list[store.Commune]
    overlaps: list[Overlap]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, French message)

    @property
    def population(self) -> int:
        return sum(c.population or 0 for c in self.communes)

    @property
    def covered_population(self) -> int:
        return sum(c.population or 0 for c in self.communes if c.code in self.covered)

    @property
    def blank_population(self) -> int:
        return sum(c.population or 0 for c in self.blanks)

    @property
    def without_population(self) -> list[str]:
        return [c.code for c in self.communes if c.population is None]

    @property
    def percent_communes(self) -> float:
        return round(100 * len(self.covered) / len(self.communes), 1) if self.communes else 0.0

    @property
    def percent_population(self) -> float:
        total = self.population
        return round(100 * self.covered_population / total, 1) if total else 0.0

    def to_dict(self) -> dict:
        def commune(c: store.Commune) -> dict:
            return {"code": c.code, "nom": c.nom, "population": c.population}

        return {
            "zone": {"type": self.zone_type, "code": self.zone_code, "nom": self.zone_nom},
            "communes": len(self.communes),
            "population": self.population,
            "communes_sans_population": self.without_population,
            "fichiers": [
                {
                    "fichier": f.file,
                    "cpts": f.nom,
                    "communes": f.communes,
                    "population": f.population,
                }
                for f in self.files
            ],
            "couverture": {
                "communes": len(self.covered),
                "population": self.covered_population,
                "pourcentage_communes": self.percent_communes,
                "pourcentage_population": self.percent_population,
            },
            "zones_blanches": {
                "communes": len(self.blanks),
                "population": self.blank_population,
                "liste": [commune(c) for c in self.blanks],
            },
            "chevauchements": [
                {**commune(o.commune), "fichiers": [self.files[i].file for i in o.files]}
                for o in self.overlaps
            ],
            "erreurs": [{"fichier": f, "message": m} for f, m in self.errors],
        }


def covered_units(territory: Territory) -> dict[str, tuple[store.Commune, str]]:
    """What a territory covers, Paris/Lyon/Marseille by arrondissement: code → (commune or
    arrondissement, pointer of the entry that brings it in).

    Whole city or arrondissements: CPTS in Paris, Lyon and Marseille are drawn by
    arrondissement (Paris alone has about twenty), so coverage and overlaps are counted by
    arrondissement (``store.communes_in(..., arrondissements=True)``) and a file that gives
    the whole city covers each of its arrondissements. Counting the city as one unit would
    hide the gaps and overlaps between arrondissement-based CPTS, and counting both would
    count the population twice; by arrondissement, the populations add up to the city's.
    """
    out: dict[str, tuple[store.Commune, str]] = {}
    for code, member in territory.members.items():
        origin = member.origins[0]
        parts = () if member.commune.is_arrondissement else _arrondissements(code)
        for unit in parts or (member.commune,):
            out.setdefault(unit.code, (unit, origin))
    return out


def coverage(
    paths: list[Path], *, departement: str | None = None, region: str | None = None
) -> CoverageReport:
    """Which communes of a department or region the files cover: gaps and overlaps.

    A file that cannot be read or parsed does not stop the others: it is listed in
    ``errors`` (the CLI then exits with code 2).
    """
    from cpts_cli.project.load import read_path

    if (departement is None) == (region is None):
        raise CptsError("Indiquez une zone : --departement CODE ou --region CODE (l'un des deux).")
    if departement is not None:
        found = store.departement(departement.strip())
        if found is None:
            raise CptsError(f"Département inconnu : « {departement} » (ex. 21, 2A, 974).")
        zone = ("departement", found.code, found.nom)
        communes = store.communes_in(departement=found.code, arrondissements=True)
    else:
        found_r = store.region(region.strip())  # type: ignore[union-attr]
        if found_r is None:
            raise CptsError(
                f"Région inconnue : « {region} » (code INSEE de région, ex. 27 pour "
                "Bourgogne-Franche-Comté, 93 pour Provence-Alpes-Côte d'Azur)."
            )
        zone = ("region", found_r.code, found_r.nom)
        communes = store.communes_in(region=found_r.code, arrondissements=True)
    in_zone = {c.code: c for c in communes}

    files: list[CoverageFile] = []
    errors: list[tuple[str, str]] = []
    owners: dict[str, list[int]] = {}
    for path in paths:
        try:
            doc = read_path(Path(path))
        except CptsError as exc:
            errors.append((str(path), exc.message))
            continue
        if not doc.parsed or not isinstance(doc.plain, dict):
            first = next((f for f in doc.findings if f.severity.value == "error"), None)
            detail = f"ligne {first.line} : {first.message}" if first else "illisible"
            errors.append((doc.name, f"fichier non lu ({detail})"))
            continue
        codes = covered_units(derive(doc.plain.get("territoire"))).keys() & in_zone.keys()
        index = len(files)
        cpts = doc.plain.get("cpts")
        nom = cpts.get("nom") if isinstance(cpts, dict) else None
        files.append(
            CoverageFile(
                doc.name,
                nom if isinstance(nom, str) else None,
                len(codes),
                sum(in_zone[c].population or 0 for c in codes),
            )
        )
        for code in codes:
            owners.setdefault(code, []).append(index)

    blanks = [c for c in communes if c.code not in owners]
    overlaps = [
        Overlap(c, tuple(owners[c.code])) for c in communes if len(owners.get(c.code, ())) > 1
    ]
    return CoverageReport(
        zone[0], zone[1], zone[2], files, communes, set(owners), blanks, overlaps, errors
    )
