"""Step 7 — the projet de santé (DGOS instruction of 2 Dec 2016, fiches-actions, association,
deployment calendar within the ACI deadlines)."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule
from cpts_cli.project.positions import pointer
from cpts_cli.support.resources import schema

STEP = "projet_sante"
LOCAL_LAW_DEPARTMENTS = ("57", "67", "68")


def dgos_items() -> dict[str, str]:
    """The 10 items of the DGOS instruction: key → French title, from the schema."""
    props = schema()["properties"]["projet_sante"]["properties"]["items_dgos"]["properties"]
    return {key: sub.get("title", key) for key, sub in props.items()}


@rule(
    "CPTS-H001",
    step=STEP,
    title="Point de l'instruction DGOS manquant",
    message="Le projet de santé ne traite pas le point « {item} » de l'instruction DGOS.",
)
def dgos(ctx: Context):
    """L'instruction DGOS du 2 décembre 2016 liste 10 points que tout projet de santé traite
    (besoins identifiés, actions proposées, territoire d'action…).

    Incorrect : `items_dgos` sans `protocoles`. Correct : un texte pour chacun des 10 points.
    """
    given = ctx.get("/projet_sante/items_dgos") or {}
    for key, title in dgos_items().items():
        if not filled(given.get(key) if isinstance(given, dict) else None):
            yield hit(pointer("projet_sante", "items_dgos", key), item=title)


def _fiches(ctx: Context):
    missions = ctx.get("/projet_sante/missions") or {}
    if not isinstance(missions, dict):
        return
    for mission, content in missions.items():
        if not isinstance(content, dict):
            continue
        for i, fiche in ctx.items(pointer("projet_sante", "missions", mission, "fiches_actions")):
            yield mission, i, fiche


@rule(
    "CPTS-H002",
    step=STEP,
    title="Mission socle sans fiche-action",
    message="La mission socle « {mission} » n'a aucune fiche-action.",
)
def socle_fiches(ctx: Context):
    """Chaque mission socle de l'ACI a au moins une fiche-action dans le projet de santé.

    Incorrect : pas de `missions.crises_sanitaires`. Correct : une fiche-action sous
    `missions.crises_sanitaires.fiches_actions`.
    """
    with_fiche = {mission for mission, _, _ in _fiches(ctx)}
    for mission in ctx.aci.socle():
        if mission.code not in with_fiche:
            yield hit("/projet_sante/missions", mission=mission.libelle)


FICHE_FIELDS = {
    "titre": "titre",
    "objectif": "objectif",
    "actions": "actions",
    "pilote": "pilote",
    "calendrier": "calendrier",
    "indicateurs": "indicateur",
}


@rule(
    "CPTS-H003",
    step=STEP,
    title="Fiche-action incomplète",
    message="La fiche-action « {id} » n'a pas de {champ}.",
)
def fiche_complete(ctx: Context):
    """Une fiche-action a un titre, un objectif, des actions, un pilote, un calendrier (début)
    et au moins un indicateur.

    Incorrect : `- id: FA1` avec un titre seulement. Correct : tous ces champs remplis.
    """
    for mission, i, fiche in _fiches(ctx):
        ptr = pointer("projet_sante", "missions", mission, "fiches_actions", i)
        for key, label in FICHE_FIELDS.items():
            value = fiche.get(key)
            if key == "calendrier":
                value = value.get("debut") if isinstance(value, dict) else None
            if not filled(value):
                yield hit(ptr, id=fiche.get("id", "?"), champ=label)


ASSOCIATION_FIELDS = {
    "nom": "nom",
    "forme": "forme juridique",
    "siege": "siège",
    "bureau": "bureau",
}


@rule(
    "CPTS-H005",
    step=STEP,
    title="Association incomplète",
    message="L'association porteuse {detail}.",
)
def association(ctx: Context):
    """La CPTS est portée par une association loi 1901 (de droit local en Moselle, Bas-Rhin et
    Haut-Rhin) : son nom, sa forme, son siège et son bureau figurent au projet de santé.

    Incorrect : pas de `cpts.association`. Correct : `association: {nom: …, forme: loi_1901,
    statut: declaree, rna: "W211234567", siege: …, bureau: [...]}`.
    """
    assoc = ctx.get("/cpts/association")
    if not isinstance(assoc, dict):
        yield hit("/cpts", detail="n'est pas décrite (« association »)")
        return
    for key, label in ASSOCIATION_FIELDS.items():
        if not filled(assoc.get(key)):
            yield hit("/cpts/association", detail=f"n'a pas de {label}")


@rule(
    "CPTS-H006",
    step=STEP,
    title="Numéro RNA manquant",
    message="L'association est déclarée mais son numéro RNA (W suivi de 9 chiffres) manque.",
)
def rna(ctx: Context):
    """Une association déclarée en préfecture a un numéro RNA (`W` + 9 chiffres).

    Incorrect : `statut: declaree` sans `rna`. Correct : `rna: "W211234567"`.
    """
    assoc = ctx.get("/cpts/association")
    if (
        isinstance(assoc, dict)
        and assoc.get("statut") == "declaree"
        and not filled(assoc.get("rna"))
    ):
        yield hit("/cpts/association")


@rule(
    "CPTS-H007",
    step=STEP,
    severity="warning",
    title="Forme juridique et droit local",
    message="{detail}",
)
def local_law(ctx: Context):
    """En Moselle (57), Bas-Rhin (67) et Haut-Rhin (68), l'association relève du droit local
    (code civil local) ; ailleurs, de la loi de 1901.

    Incorrect : `forme: loi_1901` pour une CPTS de Strasbourg. Correct : `forme: droit_local`.
    """
    form = ctx.get("/cpts/association/forme")
    departements = set(ctx.territory.departements)
    if not departements or not isinstance(form, str):
        return
    local = departements & set(LOCAL_LAW_DEPARTMENTS)
    if form == "loi_1901" and local and local == departements:
        yield hit(
            "/cpts/association/forme",
            detail=(
                "Le territoire est en Alsace-Moselle : l'association relève du droit local "
                "(« forme: droit_local »)."
            ),
        )
    elif form == "droit_local" and not local:
        yield hit(
            "/cpts/association/forme",
            detail=(
                "Le droit local des associations ne s'applique qu'en Moselle, Bas-Rhin et "
                "Haut-Rhin : ailleurs, « forme: loi_1901 »."
            ),
        )


@rule(
    "CPTS-H008",
    step=STEP,
    title="Calendrier de déploiement manquant",
    message="Le calendrier de déploiement ne dit pas quand démarre et quand est pleinement "
    "déployée la mission « {mission} ».",
)
def deployment_calendar(ctx: Context):
    """Pour chaque mission socle (et chaque mission optionnelle retenue), le projet de santé
    donne le mois de démarrage et de plein déploiement, comptés depuis la signature du
    contrat.

    Incorrect : pas de `calendrier_deploiement.parcours`. Correct :
    `parcours: {demarrage_mois: 12, deploiement_mois: 24}`.
    """
    cal = ctx.get("/projet_sante/calendrier_deploiement") or {}
    chosen = {m.code for m in ctx.aci.socle()} | {mission for mission, _, _ in _fiches(ctx)}
    for mission in ctx.aci.missions.values():
        if mission.code not in chosen:
            continue
        entry = cal.get(mission.code) if isinstance(cal, dict) else None
        if (
            not isinstance(entry, dict)
            or not filled(entry.get("demarrage_mois"))
            or not filled(entry.get("deploiement_mois"))
        ):
            yield hit("/projet_sante/calendrier_deploiement", mission=mission.libelle)


@rule(
    "CPTS-H009",
    step=STEP,
    title="Calendrier au-delà des délais de l'ACI",
    message="La mission « {mission} » {what} au mois {mois} après la signature : l'ACI "
    "({version}) impose au plus {limite} mois.",
)
def deployment_deadline(ctx: Context):
    """L'ACI fixe des délais après la signature : accès aux soins et crises sanitaires
    démarrent en 6 mois et sont déployées en 18 ; parcours et prévention en 12 et 24.

    Incorrect : `acces_soins: {demarrage_mois: 9, deploiement_mois: 18}`. Correct :
    `acces_soins: {demarrage_mois: 6, deploiement_mois: 18}`.
    """
    cal = ctx.get("/projet_sante/calendrier_deploiement") or {}
    if not isinstance(cal, dict):
        return
    for code, entry in cal.items():
        mission = ctx.aci.missions.get(code)
        if mission is None or not isinstance(entry, dict):
            continue
        for key, limit, what in (
            ("demarrage_mois", mission.demarrage_mois, "démarre"),
            ("deploiement_mois", mission.deploiement_mois, "est pleinement déployée"),
        ):
            value = entry.get(key)
            if limit is None or limit.valeur is None or not isinstance(value, int):
                continue
            if value > limit.valeur:
                yield hit(
                    pointer("projet_sante", "calendrier_deploiement", code, key),
                    mission=mission.libelle,
                    what=what,
                    mois=value,
                    limite=limit.valeur,
                    version=ctx.aci.code,
                )
        start, full = entry.get("demarrage_mois"), entry.get("deploiement_mois")
        if isinstance(start, int) and isinstance(full, int) and full < start:
            yield hit(
                pointer("projet_sante", "calendrier_deploiement", code),
                mission=mission.libelle,
                what="est déployée avant de démarrer, déploiement",
                mois=full,
                limite=start,
                version=ctx.aci.code,
            )


@rule(
    "CPTS-H015",
    step=STEP,
    title="Mission sans fiche-action",
    message="La mission « {mission} » du projet de santé n'a aucune fiche-action.",
)
def mission_without_sheet(ctx: Context):
    """Chaque mission retenue dans le projet de santé a au moins une fiche-action : le
    projet de santé l'imprime, mission par mission.

    Incorrect : `qualite_pertinence: {fiches_actions: []}`. Correct : au moins une fiche.
    """
    from cpts_cli.checking.schema import vocabulary

    missions = ctx.get("/projet_sante/missions") or {}
    if not isinstance(missions, dict):
        return
    labels = vocabulary("mission")
    for code, mission in missions.items():
        sheets = mission.get("fiches_actions") if isinstance(mission, dict) else None
        if not (isinstance(sheets, list) and sheets):
            yield hit(pointer("projet_sante", "missions", code), mission=labels.get(code, code))


def _balance(ctx: Context):
    """The budget's balance (:mod:`cpts_cli.funding.budget`), as the projet de santé prints it."""
    from cpts_cli.funding import model
    from cpts_cli.funding.budget import balance

    try:
        funding = model.compute(ctx.data, today=ctx.today).to_dict()
    except Exception:  # noqa: BLE001 - the funding of a broken file is reported elsewhere
        funding = None
    return balance(ctx.get("/projet_sante"), funding)


@rule(
    "CPTS-H018",
    step=STEP,
    severity="warning",
    title="Budget en déficit",
    message="Les dépenses du budget ({depenses}) dépassent de {ecart} les recettes comptées "
    "({recettes}) : le fonctionnement et les parts fixes de l'ACI, et les recettes acquises "
    "ou demandées.",
)
def budget_deficit(ctx: Context):
    """Le budget prévisionnel est équilibré : ses dépenses ne dépassent pas les recettes
    sûres ou attendues, c'est-à-dire le fonctionnement et les parts fixes de l'ACI (d'après
    la taille de la CPTS ou le contrat signé) et les recettes acquises ou demandées. Les parts
    variables de l'ACI, versées selon les résultats, et les recettes seulement envisagées ne
    comptent pas. Un écart se comble en réduisant les dépenses ou en obtenant d'autres
    recettes.

    Incorrect : 290 000 € de dépenses pour 265 000 € d'ACI et 15 000 € demandés au FIR.
    Correct : 280 000 € de dépenses.
    """
    from cpts_cli.support.formatting import euros

    if not any(filled(b.get("montant")) for _, b in ctx.items("/projet_sante/budget")):
        return  # nothing spent: no need to compute the ACI's payments
    result = _balance(ctx)
    if result.aci and result.solde is not None and result.solde < 0 and not result.incomplet:
        yield hit(
            "/projet_sante/budget",
            depenses=euros(result.depenses),
            ecart=euros(result.ecart),
            recettes=euros(result.recettes_comptees),
        )


@rule(
    "CPTS-H019",
    step=STEP,
    severity="warning",
    title="Recette de l'ACI écrite à la main",
    message="La recette « {financeur} » semble être l'ACI : le projet de santé compte déjà "
    "le fonctionnement et les parts de l'ACI, d'après la taille de la CPTS ou le contrat "
    "signé ; cette ligne n'est pas imprimée.",
)
def typed_aci_income(ctx: Context):
    """Les versements de l'ACI (fonctionnement, parts fixes et variables des missions) ne
    s'écrivent pas dans les recettes : le projet de santé les compte d'après la taille de la
    CPTS, ou d'après le contrat signé quand il est noté. Une ligne qui les répète les
    compterait deux fois ; elle est laissée de côté.

    Incorrect : `- financeur: ACI` avec `montant: 265000`. Correct : seulement les autres
    financeurs (FIR de l'ARS, collectivités…).
    """
    from cpts_cli.funding.budget import ACI_NAME, income_lines

    for line in income_lines(ctx.get("/projet_sante/recettes")):
        if line.financeur and ACI_NAME.search(line.financeur):
            yield hit(pointer("projet_sante", "recettes", line.index), financeur=line.financeur)
