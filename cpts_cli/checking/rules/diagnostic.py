"""Step 3 — the territorial diagnostic."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule
from cpts_cli.project.positions import pointer

STEP = "diagnostic"


@rule(
    "CPTS-D003",
    step=STEP,
    title="Indicateur sans référence",
    message="L'indicateur « {code} » n'a ni valeur de référence (département, région, "
    "France) ni raison écrite (« sans_reference »).",
)
def reference(ctx: Context):
    """Chaque chiffre se compare au département, à la région ou à la France, ou dit pourquoi
    il ne le peut pas.

    Incorrect : pas de `references`. Correct : `references: {departement: 8.9, france: 8.8}`
    ou `sans_reference: Indicateur propre au territoire`.
    """
    for i, ind in ctx.items("/diagnostic/indicateurs"):
        refs = ind.get("references")
        has_ref = isinstance(refs, dict) and any(v is not None for v in refs.values())
        if not has_ref and not filled(ind.get("sans_reference")):
            yield hit(pointer("diagnostic", "indicateurs", i), code=ind.get("code", "?"))


@rule(
    "CPTS-D005",
    step=STEP,
    title="Valeur masquée incohérente",
    message="L'indicateur « {code} » {detail}.",
)
def masked_value(ctx: Context):
    """Rézone masque les effectifs de moins de 6 professionnels : une valeur masquée n'est
    pas un zéro. `masque: true` va avec `valeur: null`, et seulement avec elle.

    Incorrect : `valeur: 0` pour un effectif masqué. Correct : `valeur: null` et
    `masque: true`.
    """
    for i, ind in ctx.items("/diagnostic/indicateurs"):
        masked = ind.get("masque") is True
        value = ind.get("valeur")
        if masked and value is not None:
            yield hit(
                pointer("diagnostic", "indicateurs", i, "valeur"),
                code=ind.get("code", "?"),
                detail="est marqué masqué mais a une valeur : écrivez « valeur: null »",
            )


@rule(
    "CPTS-D006",
    step=STEP,
    title="Année future",
    message="L'indicateur « {code} » est daté de {annee}, une année qui n'est pas encore écoulée.",
)
def future_year(ctx: Context):
    """L'année d'un indicateur est celle de la donnée publiée, donc passée.

    Incorrect : `annee: 2031`. Correct : `annee: 2023`.
    """
    for i, ind in ctx.items("/diagnostic/indicateurs"):
        year = ind.get("annee")
        if isinstance(year, int) and year > ctx.today.year:
            yield hit(
                pointer("diagnostic", "indicateurs", i, "annee"),
                code=ind.get("code", "?"),
                annee=year,
            )
