"""Step 8 — the ARS decision and the signed ACI contract."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, parse_date, rule, scalar
from cpts_cli.project.positions import pointer
from cpts_cli.support import formatting as _format
from cpts_cli.support.dates import add_months

STEP = "validation"
TACIT_MONTHS = 2


def last_decision(ctx: Context) -> tuple[int, dict] | None:
    dated = [
        (parse_date(d.get("date")), i, d)
        for i, d in ctx.items("/validation/decisions")
        if d.get("instance") in (None, "ars", "comite_regional")
    ]
    dated = [x for x in dated if x[0] is not None]
    if not dated:
        return None
    _, i, d = max(dated, key=lambda x: (x[0], x[1]))
    return i, d


@rule("CPTS-V001", step=STEP, title="Décision de l'ARS absente", message="{detail}")
def decision(ctx: Context):
    """Le projet de santé est validé par l'ARS, expressément ou tacitement : sans opposition
    du directeur général de l'ARS dans les 2 mois suivant son envoi (art. L1434-12 CSP).

    Incorrect : ni `decisions` ni `envoi_projet`. Correct : `decisions: [{date: 2024-04-15,
    instance: ars, decision: validation}]`, ou `envoi_projet: 2024-02-01` (validation tacite
    au 2024-04-01).
    """
    if last_decision(ctx) is not None:
        return
    sent = parse_date(ctx.get("/validation/envoi_projet"))
    if sent is None:
        yield hit(
            "/validation",
            detail=(
                "Ni décision de l'ARS ni date d'envoi du projet de santé : notez l'une ou l'autre."
            ),
        )
        return
    tacit = add_months(sent, TACIT_MONTHS)
    if ctx.today < tacit:
        yield hit(
            "/validation/envoi_projet",
            detail=(
                f"Projet envoyé le {_format.date_text(sent)} : sans décision, la validation "
                f"tacite sera acquise le {_format.date_text(tacit)}."
            ),
        )


@rule(
    "CPTS-V002",
    step=STEP,
    title="Projet non validé",
    message="La dernière décision ({date}) est « {decision} » : le projet n'est pas validé.",
)
def refused(ctx: Context):
    """La dernière décision de l'ARS doit être une validation.

    Incorrect : `decision: ajournement` en dernier. Correct : une `validation` postérieure.
    """
    found = last_decision(ctx)
    if found is None:
        return
    i, d = found
    if d.get("decision") in ("refus", "ajournement"):
        yield hit(
            pointer("validation", "decisions", i), date=d.get("date"), decision=d.get("decision")
        )


@rule("CPTS-V003", step=STEP, title="Contrat ACI non renseigné", message="{detail}")
def contract(ctx: Context):
    """Le contrat ACI signé est noté : date de signature, fonctionnement et missions avec
    leurs montants, tels qu'écrits au contrat.

    Incorrect : pas de `contrat`. Correct : `contrat: {date_signature: 2024-06-20,
    fonctionnement: 75000, missions: [...]}`.
    """
    c = ctx.get("/validation/contrat")
    if not isinstance(c, dict):
        yield hit("/validation", detail="Le contrat ACI signé n'est pas noté (« contrat »).")
        return
    if not filled(c.get("date_signature")):
        yield hit("/validation/contrat", detail="La date de signature du contrat manque.")
    if not filled(c.get("fonctionnement")):
        yield hit(
            "/validation/contrat", detail="Le montant de fonctionnement écrit au contrat manque."
        )
    if not filled(c.get("missions")):
        yield hit("/validation/contrat", detail="Les missions du contrat manquent.")


def _contract_missions(ctx: Context):
    yield from ctx.items("/validation/contrat/missions")


@rule(
    "CPTS-V004",
    step=STEP,
    title="Mission socle absente du contrat",
    message="La mission socle « {mission} » n'est pas dans le contrat : elle est "
    "obligatoire ({version}).",
)
def socle_in_contract(ctx: Context):
    """Toutes les missions socles figurent au contrat ACI.

    Incorrect : un contrat sans `crises_sanitaires` (avenant 2). Correct : les 4 missions
    socles.
    """
    if not filled(ctx.get("/validation/contrat/missions")):
        return
    present = {scalar(m.get("mission")) for _, m in _contract_missions(ctx)}
    for mission in ctx.aci.socle():
        if mission.code not in present:
            yield hit("/validation/contrat/missions", mission=mission.libelle, version=ctx.aci.code)


@rule(
    "CPTS-V005",
    step=STEP,
    title="Montant de mission manquant",
    message="La mission « {mission} » du contrat n'a pas de montant {part}.",
)
def mission_amounts(ctx: Context):
    """Chaque mission du contrat a sa part fixe et sa part variable, telles qu'écrites au
    contrat signé.

    Incorrect : `- mission: parcours` seul. Correct : avec `fixe: 45000` et
    `variable: 45000`.
    """
    for i, m in _contract_missions(ctx):
        for key, label in (("fixe", "fixe"), ("variable", "variable")):
            if not isinstance(m.get(key), int | float):
                yield hit(
                    pointer("validation", "contrat", "missions", i),
                    part=label,
                    mission=m.get("mission", "?"),
                )


@rule(
    "CPTS-V006",
    step=STEP,
    title="Indicateurs au-delà de la part variable",
    message="Les indicateurs de la mission « {mission} » totalisent {total} €, plus que sa "
    "part variable ({variable} €).",
)
def indicator_total(ctx: Context):
    """La somme des montants des indicateurs d'une mission ne dépasse pas sa part variable.

    Incorrect : `variable: 35000` et deux indicateurs à 20 000 €. Correct : 20 000 + 15 000.
    """
    for i, m in _contract_missions(ctx):
        variable = m.get("variable")
        indicators = m.get("indicateurs")
        if not isinstance(variable, int | float) or not isinstance(indicators, list):
            continue
        total = sum(
            ind.get("montant", 0)
            for ind in indicators
            if isinstance(ind, dict) and isinstance(ind.get("montant"), int | float)
        )
        if total > variable + 0.005:
            yield hit(
                pointer("validation", "contrat", "missions", i, "indicateurs"),
                mission=m.get("mission", "?"),
                total=_format.decimal(total),
                variable=_format.decimal(variable),
            )


@rule(
    "CPTS-V007",
    step=STEP,
    severity="warning",
    title="Signature avant validation",
    message="Le contrat est signé le {signature}, avant la validation du projet de santé "
    "({validation}).",
)
def signature_after_validation(ctx: Context):
    """Le contrat ACI se signe après la validation du projet de santé par l'ARS.

    Incorrect : `date_signature: 2024-01-10` et une validation le 2024-04-15.
    """
    signature = parse_date(ctx.get("/validation/contrat/date_signature"))
    found = last_decision(ctx)
    if signature is None or found is None:
        return
    _, d = found
    validated = parse_date(d.get("date"))
    if d.get("decision") == "validation" and validated and signature < validated:
        yield hit(
            "/validation/contrat/date_signature",
            signature=_format.date_text(signature),
            validation=_format.date_text(validated),
        )


@rule(
    "CPTS-V009",
    step=STEP,
    title="Mission hors de la version de l'ACI",
    message="La mission « {mission} » n'existe pas dans la version « {version} » de l'ACI "
    "appliquée (clé « aci »).",
)
def mission_in_version(ctx: Context):
    """Une mission n'existe qu'à partir de la version de l'ACI qui l'a créée (la mission
    crises sanitaires date de l'avenant 2).

    Incorrect : `aci: "2019"` et `mission: crises_sanitaires`. Correct : `aci: avenant-2`.
    """
    for i, m in _contract_missions(ctx):
        code = m.get("mission")
        if isinstance(code, str) and code not in ctx.aci.missions:
            yield hit(
                pointer("validation", "contrat", "missions", i, "mission"),
                mission=code,
                version=ctx.aci.code,
            )


@rule(
    "CPTS-V015",
    step=STEP,
    severity="warning",
    title="Montant au-delà de la grille de l'ACI",
    message="{poste} : {montant} € au contrat, plus que le montant de la grille de l'ACI pour "
    "une CPTS de taille {taille} ({grille} €, d'après {source}). À vérifier avec la CPAM.",
)
def above_grid(ctx: Context):
    """Un montant du contrat (fonctionnement, part d'une mission, total annuel) ne dépasse pas
    celui de la grille de l'ACI pour la taille de la CPTS, là où la grille donne un chiffre
    sourcé (texte officiel ou presse spécialisée ; un projet de texte ou un exemple ne compte
    pas).

    Incorrect : `fonctionnement: 100000` pour une CPTS de taille 3 (75 000 €). Correct : le
    montant écrit au contrat signé, quand il suit la grille.
    """
    from cpts_cli.referentiel.aci import SOURCED

    tier = ctx.territory.tier(ctx.aci)
    if tier is None or not isinstance(ctx.get("/validation/contrat"), dict):
        return
    rules, taille = ctx.aci, tier.taille

    def above(ptr: str, poste: str, amount, fig):
        if fig is None or fig.valeur is None or fig.statut not in SOURCED:
            return None
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            return None
        if amount <= fig.valeur:
            return None
        return hit(
            ptr,
            poste=poste,
            montant=_format.decimal(amount),
            taille=taille,
            grille=_format.decimal(fig.valeur),
            source=fig.source,
        )

    found = [
        above(
            "/validation/contrat/fonctionnement",
            "Fonctionnement",
            ctx.get("/validation/contrat/fonctionnement"),
            rules.fonctionnement.get(taille),
        )
    ]
    for i, m in _contract_missions(ctx):
        code = m.get("mission")
        if not isinstance(code, str) or code not in rules.missions:
            continue
        given = rules.grid_parts(code, taille)
        label = rules.missions[code].libelle
        for part in ("fixe", "variable"):
            found.append(
                above(
                    pointer("validation", "contrat", "missions", i, part),
                    f"{label}, part {part}",
                    m.get(part),
                    given.get(part),
                )
            )
        amounts = [m.get(p) for p in ("fixe", "variable")]
        if all(isinstance(a, int | float) and not isinstance(a, bool) for a in amounts):
            found.append(
                above(
                    pointer("validation", "contrat", "missions", i),
                    f"{label}, parts fixe et variable",
                    sum(amounts),
                    given.get("total"),
                )
            )
    total = [ctx.get("/validation/contrat/fonctionnement")] + [
        m.get(p) for _, m in _contract_missions(ctx) for p in ("fixe", "variable")
    ]
    numbers = [a for a in total if isinstance(a, int | float) and not isinstance(a, bool)]
    found.append(
        above("/validation/contrat", "Total annuel", sum(numbers), rules.plafonds.get(taille))
    )
    yield from (h for h in found if h is not None)
