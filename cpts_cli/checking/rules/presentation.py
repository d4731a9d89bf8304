"""Step 6 — presenting the project to the ARS and the Assurance Maladie."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule, scalar

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
            scalar(p.get("instance")) in INSTITUTIONS
            and filled(p.get("date"))
            and filled(p.get("resultat"))
        ):
            return
    yield hit("/presentation/presentations")
