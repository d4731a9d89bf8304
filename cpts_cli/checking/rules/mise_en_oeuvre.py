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
from cpts_cli.funding.yearly import cumulative_reason
from cpts_cli.funding.yearly import number as _numeric
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


@rule(
    "CPTS-E008",
    step=STEP,
    title="Résultat cumulé au lieu du résultat de l'année",
    message="Année {annee}, indicateur « {id} » : le résultat {valeur} compte depuis le début "
    "du contrat ({raison}). Notez le résultat de cette seule année de contrat{calcul} : le "
    "niveau atteint se lit sur la valeur de l'année.",
)
def cumulative_result(ctx: Context):
    """Le résultat d'un indicateur est celui d'une année de contrat (d'un anniversaire de la
    signature au suivant), comparé aux cibles annuelles du contrat. Un cumul depuis la
    signature gonflerait le niveau atteint et la part variable.

    Le résultat est lu comme un cumul quand son texte ou ses preuves le disent (« cumul »,
    « depuis la signature », « depuis le début »…), ou quand l'activité de la même année
    donne ce chiffre comme un cumul (« 830 patients orientés depuis la signature »). Les
    chiffres seuls ne suffisent pas à le dire : un résultat qui progresse d'une année à
    l'autre est normal. Quand les années précédentes ont un résultat chiffré, le message
    donne la valeur de l'année obtenue en retirant leur somme.

    Incorrect : année 2, `resultat: 830` avec « 830 patients orientés depuis la signature »
    dans l'activité, après 540 en année 1. Correct : `resultat: 290` (830 − 540), et le
    niveau que 290 atteint.
    """
    from cpts_cli.support.formatting import decimal

    earlier: dict[str, float] = {}
    years = sorted(
        ctx.items("/mise_en_oeuvre/annees"),
        key=lambda iy: iy[1]["annee"] if isinstance(iy[1].get("annee"), int) else 0,
    )
    for i, year in years:
        for j, r in enumerate(listed(year.get("resultats"))):
            if not isinstance(r, dict) or not isinstance(r.get("indicateur"), str):
                continue
            ident, value = r["indicateur"], _numeric(r.get("resultat"))
            reason = cumulative_reason(r, year)
            if reason:
                before = earlier.get(ident)
                calcul = ""
                if value is not None and before is not None and value >= before:
                    calcul = (
                        f", soit {decimal(value)} − {decimal(before)} = "
                        f"{decimal(value - before)} si le cumul part de la signature"
                    )
                yield hit(
                    pointer("mise_en_oeuvre", "annees", i, "resultats", j, "resultat"),
                    annee=year.get("annee", "?"),
                    id=ident,
                    valeur=decimal(value) if value is not None else r.get("resultat"),
                    raison=reason,
                    calcul=calcul,
                )
            elif value is not None:
                earlier[ident] = earlier.get(ident, 0.0) + value


_LEVELS = ("socle", "intermediaire", "objectif")
_LEVEL_FR = {
    "aucun": "aucun",
    "socle": "socle",
    "intermediaire": "intermédiaire",
    "objectif": "objectif",
}


def level_reached(value: float, levels: dict) -> str | None:
    """The highest level whose target ``value`` reaches, ``aucun`` below the first, or
    ``None`` when the contract's targets are not numbers. Targets that go down from
    « socle » to « objectif » are reached from above (a rate to lower)."""
    targets = {}
    for name in _LEVELS:
        level = levels.get(name)
        cible = level.get("cible") if isinstance(level, dict) else None
        if cible is not None:
            if _numeric(cible) is None:
                return None
            targets[name] = float(cible)
    if not targets:
        return None
    ordered = [targets[n] for n in _LEVELS if n in targets]
    lower_is_better = ordered[0] > ordered[-1]
    reached = "aucun"
    for name in _LEVELS:
        if name in targets and (
            value <= targets[name] if lower_is_better else value >= targets[name]
        ):
            reached = name
    return reached


@rule(
    "CPTS-E009",
    step=STEP,
    severity="warning",
    title="Niveau atteint différent de celui du résultat",
    message="Année {annee}, indicateur « {id} » : le résultat {valeur} atteint le niveau "
    "« {calcule} » d'après les cibles du contrat, pas « {note} » : corrigez le niveau atteint "
    "ou le résultat (celui de l'année de contrat seule).",
)
def level_matches_value(ctx: Context):
    """Pour un indicateur de résultat dont le contrat donne des cibles chiffrées, le niveau
    atteint est le plus haut dont la cible est atteinte par le résultat de l'année (au-dessus
    de la cible, ou au-dessous quand les cibles baissent du socle à l'objectif). C'est ce
    niveau qui fixe la part variable.

    Incorrect : cibles 300, 500 et 800, `resultat: 290` et `niveau_atteint: objectif`.
    Correct : `niveau_atteint: aucun`.
    """
    from cpts_cli.support.formatting import decimal

    indicators = contract_indicators(ctx)
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        for j, r in enumerate(listed(year.get("resultats"))):
            if not isinstance(r, dict):
                continue
            ind = indicators.get(scalar(r.get("indicateur")))
            value, noted = _numeric(r.get("resultat")), r.get("niveau_atteint")
            if ind is None or ind.get("type") != "resultat" or value is None:
                continue
            levels = ind.get("niveaux")
            reached = level_reached(value, levels) if isinstance(levels, dict) else None
            if reached is None or not isinstance(noted, str) or noted not in _LEVEL_FR:
                continue
            if noted == reached:
                continue
            yield hit(
                pointer("mise_en_oeuvre", "annees", i, "resultats", j, "niveau_atteint"),
                annee=year.get("annee", "?"),
                id=r["indicateur"],
                valeur=decimal(value),
                calcule=_LEVEL_FR[reached],
                note=_LEVEL_FR[noted],
            )


@rule(
    "CPTS-E010",
    step=STEP,
    title="Aucun résultat d'année de contrat",
    message="Aucune année de contrat n'a de résultats : notez, pour au moins une année, le "
    "résultat de chaque indicateur du contrat (« resultats »).",
)
def some_results(ctx: Context):
    """La mise en œuvre se suit par les résultats des années de contrat : l'étape n'est pas
    complète tant qu'aucune année n'a au moins un résultat. (Aucune année du tout : voir
    CPTS-E001.)

    Incorrect : `annees: [{annee: 1}]`. Correct : `- annee: 1` avec `resultats: [{indicateur:
    I1, resultat: 540, niveau_atteint: intermediaire, preuves: [...]}]`.
    """
    years = list(ctx.items("/mise_en_oeuvre/annees"))
    if years and not any(
        any(isinstance(r, dict) for r in listed(y.get("resultats"))) for _, y in years
    ):
        yield hit("/mise_en_oeuvre/annees")
