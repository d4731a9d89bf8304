"""``cpts territory coverage``: communes covered by none of the files, or by several."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.referentiel import store
from cpts_cli.support.errors import CptsError
from cpts_cli.territory.codes import arrondissements
from cpts_cli.territory.summary import Territory, derive


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
        parts = () if member.commune.is_arrondissement else arrondissements(code)
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
    from cpts_cli.support import debug

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
        try:
            codes = covered_units(derive(doc.plain.get("territoire"))).keys() & in_zone.keys()
        except Exception as exc:  # noqa: BLE001 - one file must not stop a reviewer's batch
            if debug.enabled():
                raise
            errors.append((doc.name, _internal(exc)))
            continue
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


def _internal(exc: Exception) -> str:
    return (
        f"fichier non lu (erreur interne {type(exc).__name__} : relancez avec --debug pour le "
        "détail, et signalez-la)"
    )
