"""The ``Scope`` of a project's territory, as the readers of national files need it: the
communes the figures count (current codes, old codes resolved, arrondissements of a city
that is itself in the territory counted once — all from ``territory.summary``), and the
departments and regions they are in."""

from __future__ import annotations

from dataclasses import dataclass

from cpts_cli.diagnostic.sources import Scope
from cpts_cli.territory.summary import Territory


@dataclass(frozen=True)
class Comparison:
    """What the ``references`` of an indicator compare the territory with: one department
    and one region (the schema has one value each). A territory on two departments is
    compared with the one holding most of its population; the others' values are said in
    the indicator's ``note``."""

    departement: str
    region: str
    other_departements: tuple[str, ...]
    other_regions: tuple[str, ...]


def scope_of(territory: Territory) -> Scope:
    counted = territory.counted
    departements = sorted({m.commune.departement for m in counted.values()})
    regions = sorted({m.commune.region for m in counted.values() if m.commune.region})
    return Scope(tuple(sorted(counted)), tuple(departements), tuple(regions))


def comparison_of(territory: Territory) -> Comparison:
    weight_dep: dict[str, int] = {}
    weight_reg: dict[str, int] = {}
    for member in territory.counted.values():
        commune = member.commune
        pop = commune.population or 0
        weight_dep[commune.departement] = weight_dep.get(commune.departement, 0) + pop
        if commune.region:
            weight_reg[commune.region] = weight_reg.get(commune.region, 0) + pop

    def first(weights: dict[str, int]) -> tuple[str, tuple[str, ...]]:
        ranked = sorted(weights, key=lambda k: (-weights[k], k))
        return (ranked[0], tuple(sorted(ranked[1:]))) if ranked else ("", ())

    dep, other_deps = first(weight_dep)
    reg, other_regs = first(weight_reg)
    return Comparison(dep, reg, other_deps, other_regs)
