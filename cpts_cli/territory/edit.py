"""``cpts territory add`` / ``remove``: edit ``territoire.communes`` / ``territoire.epci``.

The edit is planned first (``_plan_add``, ``_plan_remove``: which items to add or drop,
with one French sentence per code), then applied to the round-trip tree and saved through
``cpts_cli.project.save``: only the lines of the codes added or removed change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cpts_cli.project import edit as yaml_edit
from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.project.load import read_usable as read_document
from cpts_cli.referentiel import store
from cpts_cli.support.errors import CptsError
from cpts_cli.territory.codes import INSEE_RE, SIREN_RE
from cpts_cli.territory.codes import arrondissements as _arrondissements
from cpts_cli.territory.codes import clean_code as _clean
from cpts_cli.territory.codes import commune_label as _name
from cpts_cli.territory.summary import Territory, derive


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
    taille = note = None
    result = territory.tier(Context(doc).aci)
    if result is not None:
        taille, note = result.taille, result.bound_note
    return Summary(len(territory.counted), territory.population, taille, note)


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
    adding = _Adding(territory, plain_terr)
    # EPCI first: a commune given on the same line as its own EPCI is then already covered.
    for raw in sorted(codes, key=lambda c: 0 if SIREN_RE.match(_clean(c)) else 1):
        code = _clean(raw)
        if SIREN_RE.match(code):
            adding.epci(code)
        elif not INSEE_RE.match(code):
            adding.errors.append(_not_a_code(code))
        else:
            adding.commune(code)
    if adding.errors:
        raise CptsError("\n".join(adding.errors + ["Le fichier n'a pas été modifié."]))
    return adding.plan


class _Adding:
    """The plan of ``territory add``, code after code."""

    def __init__(self, territory: Territory, plain_terr: dict) -> None:
        self.territory = territory
        self.plan = _Plan()
        self.errors: list[str] = []
        self.adding: set[str] = set()  # commune codes and SIREN planned, against repeats
        self.covered: dict[str, str] = {}  # member commune -> name of an EPCI added here
        given = plain_terr.get("epci")
        self.epci_given = given if isinstance(given, list) else []

    def epci(self, code: str) -> None:
        found = store.epci(code)
        if found is None:
            self.errors.append(
                f"Intercommunalité inconnue : SIREN « {code} » ; « cpts territory search "
                "NOM » retrouve une intercommunalité par son nom."
            )
            return
        label = f"l'intercommunalité {found.nom} ({found.siren}, {len(found.membres)} communes)"
        if code in self.adding or _literal_items(self.epci_given, code, 9):
            self.plan.messages.append(f"{label[0].upper()}{label[1:]} est déjà dans le territoire.")
            return
        self.adding.add(code)
        self.plan.add_epci.append((code, found.nom))
        for member in found.membres:
            self.covered.setdefault(member, found.nom)
        redundant = []
        for member in found.membres:
            for i in _direct_items(self.territory, member):
                if i not in self.plan.drop_commune_items:
                    self.plan.drop_commune_items.add(i)
                    redundant.append(member)
        message = f"Ajoutée : {label}."
        if redundant:
            message += (
                f" Les communes déjà listées qui en font partie ({', '.join(redundant)}) "
                "sont retirées de « communes » pour ne pas être comptées deux fois."
            )
        self.plan.messages.append(message)

    def commune(self, code: str) -> None:
        resolution = store.resolve_commune(code, suggest=True)
        if not resolution.is_known or resolution.commune is None:
            self.errors.append(_unknown_commune(code, resolution))
            return
        commune = resolution.commune
        prefix = _replaced_prefix(code, resolution)
        known = self._already_there(commune)
        if known is not None:
            self.plan.messages.append(prefix + known)
            return
        current = commune.code
        self.adding.add(current)
        self.plan.add_communes.append((current, commune.nom))
        message = prefix + f"Ajoutée : {_name(commune)}."
        parent = commune.commune_parente if commune.is_arrondissement else None
        arrs = [a.code for a in _arrondissements(current)] if not parent else []
        present = [a for a in arrs if a in self.territory.members]
        for a in present:
            self.plan.drop_commune_items.update(_direct_items(self.territory, a))
        if present:
            message += (
                f" Ses arrondissements déjà listés ({', '.join(present)}) sont retirés pour ne "
                "pas être comptés deux fois."
            )
        self.plan.messages.append(message)

    def _already_there(self, commune: store.Commune) -> str | None:
        """Why ``commune`` is not added (already in, or covered), or None to add it."""
        current = commune.code
        if current in self.covered:
            return (
                f"{_name(commune)} fait partie de l'intercommunalité {self.covered[current]}"
                ", ajoutée : elle n'est pas ajoutée une seconde fois."
            )
        if current in self.adding:
            return f"{_name(commune)} est déjà dans la liste à ajouter."
        if current in self.territory.members:
            epci = _via_epci(self.territory, current)
            where = f" par l'intercommunalité {epci.nom}" if epci else ""
            return f"{_name(commune)} est déjà dans le territoire{where}."
        parent = commune.commune_parente if commune.is_arrondissement else None
        if parent and parent in self.territory.members:
            city = self.territory.members[parent].commune
            return (
                f"{_name(commune)} est déjà couverte : {_name(city)} figure entière "
                "dans le territoire."
            )
        return None


def _replaced_prefix(code: str, resolution: store.Resolution) -> str:
    """The sentence that says an old or delegated code stands for today's commune."""
    if resolution.is_current:
        return ""
    what = (
        "un ancien code"
        if resolution.status == store.OLD_CODE
        else f"le code de la commune déléguée ou associée {resolution.former_nom}"
    )
    return (
        f"« {code} » est {what} : la commune est aujourd'hui {_name(resolution.commune)}, "
        "c'est ce code qui est utilisé. "
    )


def _plan_remove(
    territory: Territory, plain_terr: dict, codes: list[str], split_epci: bool = False
) -> _Plan:
    removing = _Removing(territory, plain_terr, split_epci)
    for raw in codes:
        removing.code(_clean(raw))
    if removing.errors:
        raise CptsError("\n".join(removing.errors + ["Le fichier n'a pas été modifié."]))
    plan = removing.plan
    for epci, excluded in removing.splits.values():
        _split_epci(plan, territory, removing.epci_given, epci, excluded)
    return plan


class _Removing:
    """The plan of ``territory remove``, code after code."""

    def __init__(self, territory: Territory, plain_terr: dict, split_epci: bool) -> None:
        self.territory = territory
        self.split_epci = split_epci
        self.plan = _Plan()
        self.errors: list[str] = []
        self.communes_given = plain_terr.get("communes")
        self.epci_given = plain_terr.get("epci")
        # EPCI to replace by their communes, and the communes to leave out of each.
        self.splits: dict[str, tuple[store.Epci, set[str]]] = {}

    def code(self, code: str) -> None:
        # What is written in the file goes first: a mistyped or old code can be removed too.
        literal_epci = _literal_items(self.epci_given, code, 9)
        if literal_epci:
            found = store.epci(code)
            self.plan.drop_epci_items.update(literal_epci)
            what = f"l'intercommunalité {found.nom} ({code})" if found else f"« {code} »"
            self.plan.messages.append(f"Retirée : {what}.")
            return
        resolution = store.resolve_commune(code) if INSEE_RE.match(code) else None
        commune = resolution.commune if resolution is not None else None
        if self._listed(code, commune):
            return
        if SIREN_RE.match(code):
            self._absent_epci(code)
        elif resolution is None:
            self.errors.append(_not_a_code(code))
        elif commune is None:
            self.errors.append(_unknown_commune(code, resolution))
        else:
            self._not_listed(commune)

    def _split(self, epci: store.Epci, commune: store.Commune) -> None:
        self.splits.setdefault(epci.siren, (epci, set()))[1].add(commune.code)

    def _listed(self, code: str, commune: store.Commune | None) -> bool:
        """Drop the entries of ``communes`` that are ``code`` (or its commune); False: none."""
        items = set(_literal_items(self.communes_given, code, 5))
        if commune is not None:
            items.update(_direct_items(self.territory, commune.code))
        if not items:
            return False
        self.plan.drop_commune_items.update(items)
        what = _name(commune) if commune else f"« {code} »"
        message = f"Retirée : {what}."
        epci = _via_epci(self.territory, commune.code) if commune is not None else None
        if epci is not None and self.split_epci:
            self._split(epci, commune)
        elif epci is not None:
            message += f" Elle reste dans le territoire par l'intercommunalité {epci.nom}."
        self.plan.messages.append(message)
        return True

    def _absent_epci(self, code: str) -> None:
        found = store.epci(code)
        if found is None:
            self.errors.append(f"Intercommunalité inconnue : SIREN « {code} ».")
        else:
            self.plan.messages.append(
                f"L'intercommunalité {found.nom} ({code}) n'est pas dans le territoire : "
                "rien à retirer."
            )

    def _not_listed(self, commune: store.Commune) -> None:
        """A known commune not listed itself: by an EPCI, within its city, or absent."""
        epci = _via_epci(self.territory, commune.code)
        if epci is not None and self.split_epci:
            self._split(epci, commune)
            self.plan.messages.append(f"Retirée : {_name(commune)}.")
            return
        self.plan.messages.append(self._why_kept(commune, epci))

    def _why_kept(self, commune: store.Commune, epci: store.Epci | None) -> str:
        members = self.territory.members
        if epci is not None:
            return (
                f"{_name(commune)} fait partie du territoire par l'intercommunalité {epci.nom} "
                f"({epci.siren}) : on ne peut pas la retirer seule. Relancez avec "
                "« --detailler-epci » pour remplacer l'intercommunalité par la liste de ses "
                "communes, sans celle-ci. Rien n'a été modifié pour elle."
            )
        parent = commune.commune_parente if commune.is_arrondissement else None
        if parent and parent in members:
            city = members[parent].commune
            return (
                f"{_name(commune)} fait partie de {_name(city)}, donnée entière : pour la "
                f"retirer, remplacez {city.code} par les arrondissements à garder. Rien n'a été "
                "modifié pour elle."
            )
        arrs = [a.code for a in _arrondissements(commune.code) if a.code in members]
        if arrs:
            return (
                f"{_name(commune)} n'est pas dans le territoire en entier ; ses arrondissements "
                f"{', '.join(arrs)} y sont : retirez-les par leur code."
            )
        return f"{_name(commune)} n'est pas dans le territoire : rien à retirer."


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
    terr = yaml_edit.section(
        doc.data,
        "territoire",
        create=needs_map,
        error=f"Dans « {doc.name} », « territoire » n'est pas une suite de clés (communes, "
        "epci, justification) : corrigez-le d'abord (voir « cpts validate »).",
    )
    # Every code written gets its place's name as an end-of-line comment (as the examples
    # and « cpts init » write them); a flow list becomes a block list, its codes named too.
    for key, drops in (("communes", plan.drop_commune_items), ("epci", plan.drop_epci_items)):
        seq = _code_list(doc, terr, key, create=False)
        for index in sorted(drops, reverse=True):
            yaml_edit.delete_item(terr, key, seq, index)
    for key, additions in (("communes", plan.add_communes), ("epci", plan.add_epci)):
        if not additions:
            continue
        seq = _code_list(doc, terr, key, create=True)
        labels = _names(seq, key) if seq.fa.flow_style() else {}
        for code, label in additions:
            labels[len(seq)] = label
            yaml_edit.append_code(seq, code, None)
        yaml_edit.label_items(seq, labels, _label_offset(terr, key))


def _names(seq, key: str) -> dict[int, str]:
    """The names of the codes already in a list (index → name), for those that are known."""
    found = store.commune if key == "communes" else store.epci
    names = {}
    for index, code in enumerate(seq):
        place = found(str(code)) if isinstance(code, str) else None
        if place is not None:
            names[index] = place.nom
    return names


def _label_offset(terr, key: str) -> int:
    """The column of a new list's values under ``key`` (``    - "74010"``, as ``cpts init``
    indents it), plus its two quotes and two spaces."""
    lines = getattr(getattr(terr, "lc", None), "data", None)
    position = lines.get(key) if isinstance(lines, dict) else None
    key_column = position[1] if position else 2
    return key_column + 4 + 4


def _code_list(doc: ProjectDocument, terr, key: str, create: bool):
    if terr is None:
        return None
    # communes first, then epci, then the rest (justification…), as in the model.
    position = 0
    if key == "epci" and "communes" in terr:
        position = list(terr.keys()).index("communes") + 1
    return yaml_edit.child_list(
        terr,
        key,
        create=create,
        position=position,
        error=f"Dans « {doc.name} », « territoire.{key} » n'est pas une liste : corrigez-la "
        "d'abord (voir « cpts validate »).",
    )


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
