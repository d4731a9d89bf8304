"""Step 9 — implementing the projet de santé: yearly results of the contract indicators."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import (
    Context,
    hit,
    listed,
    parse_date,
    rule,
    scalar,
)
from cpts_cli.project.positions import pointer

STEP = "mise_en_oeuvre"


def contract_indicators(ctx: Context) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for _, m in ctx.items("/validation/contrat/missions"):
        for ind in listed(m.get("indicateurs")):
            if isinstance(ind, dict) and isinstance(ind.get("id"), str):
                out[ind["id"]] = {**ind, "mission": m.get("mission")}
    return out


@rule(
    "CPTS-E002",
    step=STEP,
    title="Indicateur du contrat sans résultat",
    message="Année {annee} : l'indicateur « {id} » du contrat n'a pas de résultat.",
)
def every_indicator(ctx: Context):
    """Pour chaque année renseignée, chaque indicateur du contrat a un résultat.

    Incorrect : l'indicateur I3 absent des résultats de l'année 1. Correct :
    `- {indicateur: I3, resultat: 42, niveau_atteint: socle, preuves: [...]}`.
    """
    indicators = contract_indicators(ctx)
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        given = {
            scalar(r.get("indicateur"))
            for r in listed(year.get("resultats"))
            if isinstance(r, dict)
        }
        for ident in indicators:
            if ident not in given:
                yield hit(
                    pointer("mise_en_oeuvre", "annees", i), annee=year.get("annee", "?"), id=ident
                )


@rule(
    "CPTS-E005",
    step=STEP,
    severity="warning",
    title="Année de contrat écoulée sans bilan",
    message="L'année de contrat {annee} ({debut} → {fin}) est écoulée : notez ses résultats.",
)
def elapsed_years(ctx: Context):
    """Une année de contrat court d'un anniversaire de la signature au suivant ; une fois
    écoulée, ses résultats sont attendus pour le dialogue de gestion.
    """
    from cpts_cli.referentiel.aci import contract_years

    signature = parse_date(ctx.get("/validation/contrat/date_signature"))
    if signature is None:
        return
    recorded = {scalar(y.get("annee")) for _, y in ctx.items("/mise_en_oeuvre/annees")}
    for index, start, end in contract_years(signature):
        if end < ctx.today and index not in recorded:
            yield hit(
                "/mise_en_oeuvre/annees", annee=index, debut=start.isoformat(), fin=end.isoformat()
            )


@rule(
    "CPTS-E006",
    step=STEP,
    severity="warning",
    title="Niveau incohérent avec le type",
    message="Année {annee}, indicateur « {id} » : {detail}.",
)
def level_type(ctx: Context):
    """Un indicateur de processus est atteint ou non (`atteint` / `aucun`) ; un indicateur de
    résultat se mesure par paliers (`socle`, `intermediaire`, `objectif`).

    Incorrect : `niveau_atteint: atteint` pour un indicateur de résultat.
    """
    indicators = contract_indicators(ctx)
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        for j, r in enumerate(listed(year.get("resultats"))):
            if not isinstance(r, dict):
                continue
            ind = indicators.get(scalar(r.get("indicateur")))
            level = r.get("niveau_atteint")
            if ind is None or not isinstance(level, str):
                continue
            kind = ind.get("type")
            if kind == "processus" and level in ("socle", "intermediaire", "objectif"):
                detail = "indicateur de processus : le niveau est « atteint » ou « aucun »"
            elif kind == "resultat" and level == "atteint":
                detail = (
                    "indicateur de résultat : le niveau est « socle », "
                    "« intermediaire », « objectif » ou « aucun »"
                )
            else:
                continue
            yield hit(
                pointer("mise_en_oeuvre", "annees", i, "resultats", j, "niveau_atteint"),
                annee=year.get("annee", "?"),
                id=r.get("indicateur"),
                detail=detail,
            )
