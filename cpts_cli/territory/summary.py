"""What a territory is once its codes are resolved: communes, population, departments,
regions, ARS, size tier. Everything derived from ``territoire`` is computed here, once:
``territory info``, ``status``, ``funding``, the rules and the documents all read it.

Two ways a commune could be counted twice are handled here, and nowhere else: a commune
brought in twice (listed and by its EPCI: CPTS-T005), and Paris, Lyon or Marseille given
whole *and* by arrondissement (CPTS-T004) — the arrondissements are then part of the city:
they stay in ``members`` (what the file lists) but not in ``counted`` (what the figures use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cpts_cli.project.positions import pointer
from cpts_cli.referentiel import store

if TYPE_CHECKING:
    from cpts_cli.referentiel.aci import AciVersion, TierResult


@dataclass
class Member:
    """One commune of the territory and where it comes from in the file."""

    commune: store.Commune
    origins: list[str] = field(default_factory=list)  # JSON pointers of the entries


@dataclass(frozen=True)
class Override:
    """The population the user wrote in ``territoire.population``, with its source."""

    valeur: int
    source: str


def read_override(value: Any) -> Override | None:
    """``territoire.population`` when it can be used: a whole number of inhabitants (not a
    boolean, not negative) and a source as text. Anything else is ignored here (``funding``
    says so); the schema reports it at its line (CPTS-S…), except an empty source."""
    if not isinstance(value, dict):
        return None
    valeur, source = value.get("valeur"), value.get("source")
    if isinstance(valeur, bool) or not isinstance(valeur, int) or valeur < 0:
        return None
    if not isinstance(source, str) or not source:
        return None
    return Override(valeur, source)


@dataclass
class Territory:
    members: dict[str, Member] = field(default_factory=dict)
    unknown_communes: list[tuple[str, store.Resolution]] = field(default_factory=list)
    replaced_codes: list[tuple[str, store.Resolution]] = field(default_factory=list)
    unknown_epci: list[tuple[str, str]] = field(default_factory=list)
    epcis: list[tuple[str, store.Epci]] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # code, ptr, first ptr
    override: Override | None = None  # the user's population, when usable
    override_ignored: bool = False  # ``population`` written but unusable (wrong type, no source)

    @property
    def codes(self) -> list[str]:
        """Every commune the file brings in (listed or by an EPCI), sorted."""
        return sorted(self.members)

    @property
    def is_empty(self) -> bool:
        return not self.members

    @property
    def counted(self) -> dict[str, Member]:
        """The communes the figures count: ``members`` but the arrondissements of a city
        that is itself in the territory (they are part of it, CPTS-T004)."""
        return {c: m for c, m in self.members.items() if not self._inside_city(m.commune)}

    @property
    def counted_codes(self) -> list[str]:
        return sorted(self.counted)

    def _inside_city(self, commune: store.Commune) -> bool:
        return bool(
            commune.is_arrondissement
            and commune.commune_parente
            and commune.commune_parente in self.members
        )

    @property
    def arrondissements_in_city(self) -> list[tuple[str, str]]:
        """(arrondissement, city) for each arrondissement counted within its whole city."""
        return sorted(
            (c, m.commune.commune_parente or "")
            for c, m in self.members.items()
            if self._inside_city(m.commune)
        )

    @property
    def population_reference(self) -> int | None:
        """Sum of the counted communes' population municipale (None when one has none)."""
        total = 0
        counted = self.counted
        for member in counted.values():
            if member.commune.population is None:
                return None
            total += member.commune.population
        return total if counted else None

    @property
    def communes_without_population(self) -> list[str]:
        return sorted(c for c, m in self.counted.items() if m.commune.population is None)

    @property
    def population(self) -> int | None:
        """The population used for the tier: the user's override (with its source) or ours."""
        if self.override is not None:
            return self.override.valeur
        return self.population_reference

    def tier(self, aci: AciVersion) -> TierResult | None:
        """The ACI size tier of ``population`` under the rules ``aci`` (None: no population)."""
        population = self.population
        return aci.tier_for(population) if population is not None else None

    @property
    def departements(self) -> list[str]:
        return sorted({m.commune.departement for m in self.members.values()})

    @property
    def regions(self) -> list[str]:
        return sorted({m.commune.region for m in self.members.values() if m.commune.region})

    @property
    def ars(self) -> list[store.Ars]:
        found: dict[str, store.Ars] = {}
        for dep in self.departements:
            ars = store.ars_for_departement(dep)
            if ars is not None:
                found[ars.code] = ars
        return [found[k] for k in sorted(found)]

    @property
    def departements_without_ars(self) -> list[str]:
        return [d for d in self.departements if store.ars_for_departement(d) is None]

    @property
    def departement_labels(self) -> list[store.Departement]:
        """The departments with their names (a code unknown to the reference as its own name)."""
        return [store.departement(d) or store.Departement(d, d, "") for d in self.departements]

    @property
    def region_labels(self) -> list[store.Region]:
        return [store.region(r) or store.Region(r, r) for r in self.regions]

    def double_counted_cities(self) -> list[tuple[str, list[str]]]:
        """Paris, Lyon or Marseille given whole and by arrondissement: (city, arrondissements)."""
        by_city: dict[str, list[str]] = {}
        for code, member in self.members.items():
            if member.commune.is_arrondissement:
                by_city.setdefault(member.commune.commune_parente, []).append(code)
        return [
            (code, sorted(by_city[code]))
            for code, member in self.members.items()
            if not member.commune.is_arrondissement and code in by_city
        ]


SUGGESTED_CODES = 100


def derive(territoire: Any) -> Territory:
    """Resolve the communes and EPCI of a ``territoire`` section (plain data)."""
    result = Territory()
    if not isinstance(territoire, dict):
        return result
    written = territoire.get("population")
    result.override = read_override(written)
    result.override_ignored = (
        bool(isinstance(written, dict) and written) and result.override is None
    )
    communes = territoire.get("communes")
    if isinstance(communes, list):
        for i, value in enumerate(communes):
            code = as_code(value, 5)
            if code is None:
                continue
            ptr = pointer("territoire", "communes", i)
            # Close codes for the first unknown codes only: a file of thousands of wrong codes
            # is not a typo, and looking for them all took minutes.
            suggest = len(result.unknown_communes) < SUGGESTED_CODES
            resolution = store.resolve_commune(code, suggest=suggest)
            if not resolution.is_known or resolution.commune is None:
                result.unknown_communes.append((ptr, resolution))
                continue
            if not resolution.is_current:
                result.replaced_codes.append((ptr, resolution))
            _add(result, resolution.commune, ptr)
    epcis = territoire.get("epci")
    if isinstance(epcis, list):
        for i, value in enumerate(epcis):
            siren = as_code(value, 9)
            if siren is None:
                continue
            ptr = pointer("territoire", "epci", i)
            found = store.epci(siren)
            if found is None:
                result.unknown_epci.append((ptr, siren))
                continue
            result.epcis.append((ptr, found))
            for code in found.membres:
                commune = store.commune(code)
                if commune is not None:
                    _add(result, commune, ptr)
    return result


def as_code(value: Any, width: int) -> str | None:
    """A code as text. A code written without quotes is read by YAML as a number (and
    ``01001`` as 1001): the schema says so (CPTS-S001), and the territory still counts it,
    so that the population, the tier and the funding shown are the real ones."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**width:
        return str(value).zfill(width)
    return None


def _add(result: Territory, commune: store.Commune, ptr: str) -> None:
    member = result.members.get(commune.code)
    if member is None:
        result.members[commune.code] = Member(commune, [ptr])
        return
    if ptr not in member.origins:
        result.duplicates.append((commune.code, ptr, member.origins[0]))
        member.origins.append(ptr)


def of_document(doc) -> Territory:
    """The territory of a loaded project, derived once per document (the rules and the
    cross-file checks both need it)."""
    section = doc.plain.get("territoire") if isinstance(doc.plain, dict) else None
    cached = getattr(doc, "_territory_cache", None)
    if cached is not None and cached[0] is section:
        return cached[1]
    territory = derive(section)
    doc._territory_cache = (section, territory)
    return territory
