"""Step 6 — presenting the project to the ARS and the Assurance Maladie."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule
from cpts_cli.project.positions import pointer

STEP = "presentation"
INSTITUTIONS = ("ars", "cpam", "ars_cpam")


@rule(
    "CPTS-R001",
    step=STEP,
    title="Pas de présentation à l'ARS ou à la CPAM",
    message="Aucune présentation à l'ARS ou à l'Assurance Maladie avec sa date et son avis.",
)
def presented(ctx: Context):
    """Le projet est présenté au moins une fois à l'ARS ou à la CPAM, et leur avis est noté.

    Incorrect : une présentation aux élus seulement. Correct : `- {date: 2023-01-17,
    instance: ars_cpam, resultat: favorable}`.
    """
    for _, p in ctx.items("/presentation/presentations"):
        if (
            p.get("instance") in INSTITUTIONS
            and filled(p.get("date"))
            and filled(p.get("resultat"))
        ):
            return
    yield hit("/presentation/presentations")


@rule(
    "CPTS-R002",
    step=STEP,
    severity="warning",
    title="Avis non noté",
    message="La présentation du {date} n'a pas d'avis (« resultat ») : notez-le.",
)
def outcome(ctx: Context):
    """Chaque présentation a un avis : favorable, favorable avec réserves, à retravailler,
    défavorable.

    Incorrect : pas de `resultat`. Correct : `resultat: favorable_avec_reserves`.
    """
    for i, p in ctx.items("/presentation/presentations"):
        if not filled(p.get("resultat")):
            yield hit(pointer("presentation", "presentations", i), date=p.get("date", "?"))


@rule(
    "CPTS-R003",
    step=STEP,
    severity="warning",
    title="Instance non précisée",
    message="La présentation du {date} ne dit pas devant qui elle a eu lieu (« instance »).",
)
def instance(ctx: Context):
    """Chaque présentation dit devant quelle instance elle a eu lieu.

    Incorrect : pas d'`instance`. Correct : `instance: ars_cpam`.
    """
    for i, p in ctx.items("/presentation/presentations"):
        if not filled(p.get("instance")):
            yield hit(pointer("presentation", "presentations", i), date=p.get("date", "?"))
