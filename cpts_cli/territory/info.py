"""``cpts territory info``: the territory of a project file, in figures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from cpts_cli.project.document import ProjectDocument
from cpts_cli.project.load import read_usable as read_document
from cpts_cli.referentiel import aci, store
from cpts_cli.territory.summary import Territory


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
        """The tier's range in words, true at its exact bounds (``aci.tier_label``)."""
        return aci.load(self.version).tier_label(self.taille)

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
    # arrondissements listed with their whole city, counted within it:
    # (arrondissement, its name, city, its name)
    dans_la_ville: list[tuple[str, str, str, str]] = field(default_factory=list)

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
            "arrondissements_dans_la_ville": [
                {"code": a, "nom": n, "ville": v, "ville_nom": vn}
                for a, n, v, vn in self.dans_la_ville
            ],
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
    for code in territory.counted_codes:
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
    nom = ctx.get("/cpts/nom")
    referente = plain_terr.get("ars_referente")
    population = _population(territory)
    tier = None
    result = territory.tier(ctx.aci)
    if result is not None:
        lo, hi = result.tier.bounds
        tier = TierInfo(ctx.aci.code, result.taille, lo, hi, result.near_bound, result.bound_note)
    return TerritoryInfo(
        file=doc.name,
        nom=nom if isinstance(nom, str) else None,
        communes=rows,
        epci=[(e.siren, e.nom, len(e.membres)) for _, e in territory.epcis],
        population=population,
        departements=territory.departement_labels,
        regions=territory.region_labels,
        ars=territory.ars,
        ars_referente=referente if isinstance(referente, str) else None,
        tier=tier,
        inconnus=[r.code for _, r in territory.unknown_communes]
        + [siren for _, siren in territory.unknown_epci],
        anciens_codes=[(r.code, r.commune.code) for _, r in territory.replaced_codes],
        dans_la_ville=[
            (a, territory.members[a].commune.nom, v, territory.members[v].commune.nom)
            for a, v in territory.arrondissements_in_city
        ],
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
    saisie = {"valeur": override.valeur, "source": override.source} if override else None
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
