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
from cpts_cli.funding.model import CRISIS
from cpts_cli.funding.yearly import cumulative_reason
from cpts_cli.funding.yearly import number as _numeric
from cpts_cli.project.positions import pointer
from cpts_cli.support import formatting as _format

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
    message="L'année de contrat {annee} (du {debut} au {fin}) est écoulée : notez ses résultats.",
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
                "/mise_en_oeuvre/annees",
                annee=index,
                debut=_format.date_text(start),
                fin=_format.date_text(end),
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
    for i, year, j, r, ind in _results_with_their_indicator(ctx):
        level = r.get("niveau_atteint")
        if not isinstance(level, str):
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

    for i, year, j, r, ind in _results_with_their_indicator(ctx):
        value, noted = _numeric(r.get("resultat")), r.get("niveau_atteint")
        if ind.get("type") != "resultat" or value is None:
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


#: The ``financeur`` codes of the ACI (``mise_en_oeuvre.annees[].financement.recu``).
ACI_FUNDERS = ("aci_fonctionnement", "aci_part_fixe", "aci_part_variable", "aci")


def _received(year: dict) -> list[dict]:
    fin = year.get("financement")
    lines = listed(fin.get("recu")) if isinstance(fin, dict) else []
    return [r for r in lines if isinstance(r, dict)]


@rule(
    "CPTS-E012",
    step=STEP,
    title="Financement de l'année non renseigné",
    message="Année {annee} : {champ} manquent (« financement.{cle} ») ; le rapport annuel "
    "les compare {objet}.",
)
def year_money(ctx: Context):
    """Chaque année de contrat dit ce que la CPTS a reçu (l'ACI, par part, et les autres
    financeurs : FIR, collectivités) et ce qu'elle en a fait (ses dépenses, poste par
    poste). Le rapport annuel compare les sommes reçues au calendrier des versements du
    contrat, et les dépenses au budget du projet de santé.

    Incorrect : `- annee: 1` sans `financement`. Correct : `financement: {recu:
    [{financeur: aci_fonctionnement, montant: 75000}, …], utilisation: [{poste:
    Coordination, montant: 71500}, …]}`.
    """
    wanted = (
        ("recu", "les sommes reçues", "au calendrier des versements du contrat ACI"),
        ("utilisation", "les dépenses de l'année", "au budget du projet de santé"),
    )
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        fin = year.get("financement")
        fin = fin if isinstance(fin, dict) else {}
        for key, what, against in wanted:
            if not any(isinstance(x, dict) for x in listed(fin.get(key))):
                yield hit(
                    pointer("mise_en_oeuvre", "annees", i),
                    annee=year.get("annee", "?"),
                    champ=what,
                    cle=key,
                    objet=against,
                )


@rule(
    "CPTS-E013",
    step=STEP,
    severity="warning",
    title="Somme reçue de l'ACI au-delà du contrat",
    message="Année {annee} : {recu} reçus de l'ACI, plus que le contrat ne peut verser pour "
    "une année ({plafond} : fonctionnement, parts fixes et parts variables au maximum{crise}). "
    "Vérifiez les montants : une somme d'une autre année, ou d'un autre financeur ?",
)
def aci_received_ceiling(ctx: Context):
    """Les sommes reçues de l'ACI au titre d'une année de contrat ne dépassent pas ce que
    le contrat peut verser pour une année : le fonctionnement, les parts fixes de toutes ses
    missions et leurs parts variables au maximum (celle de la mission crises seulement si
    l'ARS a reconnu une crise cette année-là). Au-delà, la somme notée compte sans doute
    plusieurs années, ou un autre financeur.

    Incorrect : 480 000 € notés pour l'année 1 d'un contrat de 75 000 € de fonctionnement,
    190 000 € de parts fixes et 180 000 € de parts variables, sans crise.
    """
    from cpts_cli.support.formatting import euros

    contract = ctx.get("/validation/contrat")
    if not isinstance(contract, dict):
        return
    base = _numeric(contract.get("fonctionnement")) or 0.0
    fixed, variable, crisis = 0.0, 0.0, 0.0
    for m in listed(contract.get("missions")):
        if not isinstance(m, dict):
            continue
        fixed += _numeric(m.get("fixe")) or 0.0
        share = _numeric(m.get("variable")) or 0.0
        code = scalar(m.get("mission"))
        aci_rule = ctx.aci.missions.get(code) if code else None
        if code == CRISIS or (aci_rule and aci_rule.condition_part_variable):
            crisis += share
        else:
            variable += share
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        got = sum(
            _numeric(r.get("montant")) or 0.0
            for r in _received(year)
            if r.get("financeur") in ACI_FUNDERS
        )
        with_crisis = year.get("crise_reconnue") is True
        ceiling = base + fixed + variable + (crisis if with_crisis else 0.0)
        if ceiling and got > ceiling:
            yield hit(
                pointer("mise_en_oeuvre", "annees", i, "financement", "recu"),
                annee=year.get("annee", "?"),
                recu=euros(got),
                plafond=euros(ceiling),
                crise=", crise reconnue comprise" if with_crisis else ", hors mission crises",
            )


@rule(
    "CPTS-E014",
    step=STEP,
    severity="warning",
    title="Aucune somme reçue de l'ACI",
    message="Année {annee} : aucune des sommes reçues ne vient de l'ACI (« financeur : "
    "aci_fonctionnement », « aci_part_fixe », « aci_part_variable » ou « aci ») ; le "
    "fonctionnement de l'année est pourtant versé dès son début.",
)
def aci_received(ctx: Context):
    """Le contrat ACI verse le fonctionnement de chaque année dès son début (à la signature
    pour l'année 1, à l'anniversaire ensuite) : les sommes reçues d'une année de contrat en
    comptent au moins une de l'ACI.

    Incorrect : `recu: [{financeur: fir, montant: 5000}]` seul. Correct : avec `{financeur:
    aci_fonctionnement, montant: 75000}`.
    """
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        lines = _received(year)
        if lines and not any(r.get("financeur") in ACI_FUNDERS for r in lines):
            yield hit(
                pointer("mise_en_oeuvre", "annees", i, "financement", "recu"),
                annee=year.get("annee", "?"),
            )


def _results_with_their_indicator(ctx: Context):
    """Each year's result (a mapping) whose indicator the contract defines: (year index, year,
    result index, result, the contract's indicator)."""
    indicators = contract_indicators(ctx)
    for i, year in ctx.items("/mise_en_oeuvre/annees"):
        for j, r in enumerate(listed(year.get("resultats"))):
            if isinstance(r, dict):
                ind = indicators.get(scalar(r.get("indicateur")))
                if ind is not None:
                    yield i, year, j, r, ind
