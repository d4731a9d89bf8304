"""Counts of the actors of ``mobilisation.acteurs``: by profession, commune, mode of practice,
and the médecins généralistes per 10 000 inhabitants of the territory.

This is the one computation of these figures: ``cpts actors stats`` prints it and the
documents (diagnostic, lettre d'intention…) read it through ``compute(plain)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpts_cli.referentiel import store
from cpts_cli.territory.summary import derive

NOT_GIVEN = "non renseigné"
MODES = ("liberal", "salarie", "mixte")


@dataclass(frozen=True)
class Count:
    code: str | None  # vocabulary value or INSEE code; None = not given
    libelle: str
    effectif: int
    hors_territoire: bool = False  # communes only

    def to_dict(self) -> dict:
        data = {"code": self.code, "libelle": self.libelle, "effectif": self.effectif}
        if self.hors_territoire:
            data["hors_territoire"] = True
        return data


@dataclass
class ActorStats:
    total: int
    professions: list[Count]
    communes: list[Count]
    modes: list[Count]
    generalistes: int  # médecins généralistes practising in the territory (or commune unknown)
    population: int | None
    population_source: str
    generalistes_pour_10000: float | None  # rounded to 2 decimals
    communes_sans_acteur: list[Count] = field(default_factory=list)  # territory, no actor
    file: str = ""

    def to_dict(self) -> dict:
        return {
            "fichier": self.file,
            "acteurs": self.total,
            "professions": [c.to_dict() for c in self.professions],
            "communes": [c.to_dict() for c in self.communes],
            "modes_exercice": [c.to_dict() for c in self.modes],
            "medecins_generalistes": self.generalistes,
            "population": self.population,
            "population_source": self.population_source,
            "medecins_generalistes_pour_10000": self.generalistes_pour_10000,
            "communes_sans_acteur": [c.to_dict() for c in self.communes_sans_acteur],
        }


def compute(plain: Any, file: str = "") -> ActorStats:
    """The counts for a project's plain data (``ProjectDocument.plain``)."""
    from cpts_cli.checking.schema import vocabulary

    plain = plain if isinstance(plain, dict) else {}
    mob = plain.get("mobilisation")
    raw = mob.get("acteurs") if isinstance(mob, dict) else None
    actors = [a for a in raw if isinstance(a, dict)] if isinstance(raw, list) else []
    territory = derive(plain.get("territoire"))
    inside = set(territory.members)

    professions_fr = vocabulary("profession")
    by_profession: dict[str | None, int] = {}
    for actor in actors:
        value = actor.get("profession")
        key = value if isinstance(value, str) and value in professions_fr else None
        by_profession[key] = by_profession.get(key, 0) + 1
    order = {v: i for i, v in enumerate(professions_fr)}
    professions = [
        Count(k, professions_fr[k] if k else "Profession non renseignée ou inconnue", n)
        for k, n in sorted(
            by_profession.items(), key=lambda kv: (kv[0] is None, -kv[1], order.get(kv[0], 0))
        )
    ]

    by_commune: dict[str | None, int] = {}
    current_of: dict[str, str | None] = {}
    for actor in actors:
        code = actor.get("commune")
        key = _current(code, current_of) if isinstance(code, str) and code.strip() else None
        by_commune[key] = by_commune.get(key, 0) + 1
    communes = []
    for code, n in by_commune.items():
        if code is None:
            communes.append(Count(None, "Commune non renseignée ou inconnue", n))
            continue
        found = store.commune(code)
        outside = bool(inside) and not _inside(code, found, inside)
        communes.append(Count(code, found.nom if found else code, n, outside))
    communes.sort(key=lambda c: (c.code is None, -c.effectif, store.normalise(c.libelle)))
    without = [
        Count(code, member.commune.nom, 0)
        for code, member in sorted(
            territory.members.items(), key=lambda kv: store.normalise(kv[1].commune.nom)
        )
        if code not in by_commune
    ]

    modes_fr = vocabulary("mode_exercice")
    by_mode: dict[str | None, int] = {m: 0 for m in MODES}
    for actor in actors:
        value = actor.get("mode_exercice")
        key = value if isinstance(value, str) and value in modes_fr else None
        by_mode[key] = by_mode.get(key, 0) + 1
    modes = [Count(m, modes_fr[m], by_mode[m]) for m in MODES]
    if by_mode.get(None):
        modes.append(Count(None, "Mode non renseigné", by_mode[None]))

    generalistes = 0
    for actor in actors:
        if actor.get("profession") != "medecin_generaliste":
            continue
        code = actor.get("commune")
        current = _current(code, current_of) if isinstance(code, str) and code.strip() else None
        if current is None or not inside or _inside(current, store.commune(current), inside):
            generalistes += 1
    population = territory.population
    density = round(generalistes * 10_000 / population, 2) if population else None
    return ActorStats(
        total=len(actors),
        professions=professions,
        communes=communes,
        modes=modes,
        generalistes=generalistes,
        population=population,
        population_source=_population_source(territory),
        generalistes_pour_10000=density,
        communes_sans_acteur=without,
        file=file,
    )


def stats(path: Path) -> ActorStats:
    """``compute`` for a project file; unreadable → ``CptsError`` (exit 2)."""
    from cpts_cli.project.load import read_usable as read_document

    doc = read_document(Path(path))
    return compute(doc.plain, doc.name)


def _current(code: str, cache: dict[str, str | None]) -> str | None:
    if code not in cache:
        resolution = store.resolve_commune(code)
        cache[code] = resolution.commune.code if resolution.commune else None
    return cache[code]


def _inside(code: str, commune: store.Commune | None, inside: set[str]) -> bool:
    if code in inside:
        return True
    return bool(commune and commune.commune_parente and commune.commune_parente in inside)


def _population_source(territory) -> str:
    override = territory.override
    if override is not None:
        return f"valeur saisie dans le fichier (source : {override.source})"
    meta = store.meta()
    return (
        f"{meta.get('population', 'population municipale')}, millésime "
        f"{meta.get('population_millesime', '?')} ({meta.get('source', '?')})"
    )
