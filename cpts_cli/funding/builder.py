"""The builder of :class:`~cpts_cli.funding.model.Funding`: population and size tier (from
the territory summary), the fonctionnement, the missions and their parts, the yearly totals
and the example contracts; the payment calendar and the variable earned are computed by
:mod:`~cpts_cli.funding.calendar` and :mod:`~cpts_cli.funding.earned`."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from cpts_cli.funding.calendar import payment_calendar
from cpts_cli.funding.earned import earned_part
from cpts_cli.funding.model import (
    CALCULE,
    CONTRAT,
    CRISIS,
    DECLARE,
    NON_RENSEIGNE,
    Amount,
    ContractInfo,
    ExampleContract,
    ExampleMission,
    Funding,
    MissionFunding,
    Tier,
    Totals,
    amount_text,
    as_dict,
    as_list,
    as_number,
    date_fr,
    from_figure,
    money,
    sum_amounts,
)
from cpts_cli.referentiel import aci as _aci
from cpts_cli.support.formatting import thousands
from cpts_cli.territory.summary import Territory, derive


class Builder:
    """The funding of one project: its contract, the ACI version it follows, and the alerts
    and errors met on the way (shared with :mod:`~cpts_cli.funding.earned` and
    :mod:`~cpts_cli.funding.calendar`)."""

    def __init__(self, data: dict, name: str, today: _dt.date) -> None:
        self.data = data
        self.name = name
        self.today = today
        self.alertes: list[str] = []
        self.erreurs: list[str] = []
        self.version = self._version()
        self.contract = as_dict(as_dict(data.get("validation")).get("contrat"))
        from cpts_cli.checking.rules.engine import parse_date

        self.signature = parse_date(self.contract.get("date_signature"))
        if self.contract and self.contract.get("date_signature") and self.signature is None:
            self.alertes.append(
                "La date de signature du contrat n'est pas une date (AAAA-MM-JJ) : "
                "elle est ignorée."
            )
        self.duree = int(self.version.duree_contrat_ans.valeur)
        self.years: list[_aci.ContractYear] = []
        if self.signature is not None:
            try:  # n + 1 years: the start of the last one is the n-th anniversary
                self.years = _aci.contract_years(self.signature, self.duree + 1)
            except (ValueError, OverflowError):
                self.alertes.append(
                    f"Date de signature du contrat hors limites ({self.signature}) : ignorée."
                )
                self.signature = None
        self.contract_source = (
            f"contrat signé le {date_fr(self.signature)}"
            if self.signature
            else "contrat signé (date de signature non renseignée)"
        )

    # -- ACI version -------------------------------------------------------------------------

    def _version(self) -> _aci.AciVersion:
        version, alert = _aci.of_project(self.data.get("aci"))
        if alert:
            self.alertes.append(alert)
        return version

    def mission_rule(self, code: str) -> _aci.Mission | None:
        found = self.version.missions.get(code)
        if found is None:
            found = _aci.load(None).missions.get(code)
        return found

    def mission_label(self, code: str) -> str:
        rule = self.mission_rule(code)
        return rule.libelle if rule else code

    def conditional(self, code: str) -> bool:
        rule = self.mission_rule(code)
        return code == CRISIS or bool(rule and rule.condition_part_variable)

    # -- build -------------------------------------------------------------------------------

    def build(self) -> Funding:
        territory = derive(self.data.get("territoire"))
        population, communes = self._population(territory)
        tier = self._tier(territory) if population is not None else None
        taille = tier.taille if tier else None
        bareme = from_figure(self.version.fonctionnement.get(taille)) if taille else None
        fonctionnement = self._contract_amount(self.contract.get("fonctionnement"))
        if fonctionnement is None and self.contract:
            self.alertes.append(
                "Le montant de fonctionnement écrit au contrat n'est pas noté (ou n'est pas un "
                "nombre) : celui de la taille, tiré du référentiel, est utilisé."
            )
        fonctionnement = fonctionnement or bareme
        if fonctionnement is None:
            fonctionnement = Amount(
                None,
                _aci.NON_PUBLIE,
                "taille ACI inconnue : pas de montant de fonctionnement",
            )
        plafond = from_figure(self.version.plafonds.get(taille)) if taille else None
        aide = from_figure(self.version.aide_lettre_intention.get(taille)) if taille else None
        missions, origine = self._missions(taille)
        totals = self._totals(fonctionnement, missions, plafond)
        earned = earned_part(self)
        calendar = payment_calendar(self, fonctionnement, missions, earned)
        contrat = None
        if self.contract:
            contrat = ContractInfo(
                date_signature=self.signature.isoformat() if self.signature else None,
                fin=self.years[self.duree - 1].end.isoformat() if self.years else None,
                duree_ans=self.duree,
                source=self.contract_source,
            )
        examples = _examples(self, taille) if not self.contract else []
        cpts = as_dict(self.data.get("cpts")).get("nom")
        return Funding(
            fichier=self.name,
            cpts=cpts if isinstance(cpts, str) else None,
            aci_version=self.version.code,
            aci_texte=self.version.texte.reference,
            population=population,
            communes=communes,
            taille=tier,
            fonctionnement=fonctionnement,
            fonctionnement_bareme=bareme,
            plafond=plafond,
            aide_lettre_intention=aide,
            contrat=contrat,
            origine_missions=origine,
            missions=missions,
            totaux=totals,
            exemples=examples,
            calendrier=calendar,
            variable_acquise=earned,
            alertes=self.alertes,
            erreurs=self.erreurs,
        )

    # -- territory ---------------------------------------------------------------------------

    def _population(self, territory: Territory) -> tuple[Amount | None, int]:
        from cpts_cli.referentiel import store

        communes = len(territory.counted)
        if territory.unknown_communes or territory.unknown_epci:
            n = len(territory.unknown_communes) + len(territory.unknown_epci)
            self.alertes.append(
                (
                    "1 code du territoire inconnu, non compté"
                    if n == 1
                    else f"{n} codes du territoire inconnus, non comptés"
                )
                + " dans la population : voir « cpts validate »."
            )
        if territory.is_empty:
            self.erreurs.append(
                "Le projet n'a pas de territoire : ajoutez des communes ou des EPCI "
                "(« cpts territory add CODE… » ou la section « territoire » du fichier). "
                "La population fixe la taille ACI, donc le financement."
            )
            return None, 0
        override = territory.override
        if override is not None:
            reference = territory.population_reference
            note = (
                f"Remplace la population calculée à partir des communes "
                f"({thousands(reference)} habitants)."
                if reference is not None
                else None
            )
            return Amount(override.valeur, DECLARE, override.source, note=note), communes
        if territory.override_ignored:
            self.alertes.append(
                "« territoire.population » ignorée : il faut sa valeur (nombre entier) et sa "
                "source."
            )
        if territory.population is None:
            missing = ", ".join(territory.communes_without_population)
            self.erreurs.append(
                f"Population inconnue pour {missing} (pas de population légale publiée) : "
                "indiquez la population du territoire avec sa source "
                "(« territoire.population: {valeur, source} »)."
            )
            return None, communes
        meta = store.meta()
        source = (
            f"{meta.get('population', 'population municipale (INSEE)')}, millésime "
            f"{meta.get('population_millesime', '?')} (en vigueur au "
            f"{meta.get('population_en_vigueur', '?')}), somme des {communes} communes "
            f"({meta.get('source', '')} {meta.get('version', '')})"
        ).replace(" )", ")")
        note = (
            "Population retenue par la CPAM pour la taille : non précisée par les textes "
            "(à vérifier). En cas d'écart, indiquez « territoire.population » avec sa source."
        )
        if "976" in territory.departements:
            note += " " + meta.get("population_note_mayotte", "")
        return (
            Amount(
                territory.population,
                CALCULE,
                source,
                meta.get("population_millesime"),
                note,
            ),
            communes,
        )

    def _tier(self, territory: Territory) -> Tier | None:
        found = territory.tier(self.version)
        if found is None:
            return None
        lo, hi = found.tier.bounds
        libelle = self.version.tier_label(found.taille)
        if found.bound_note:
            self.alertes.append(found.bound_note)
        return Tier(
            taille=found.taille,
            libelle=libelle,
            min=lo,
            max=hi,
            statut=found.tier.min.statut,
            source=found.tier.min.source,
            borne=from_figure(self.version.borne),
            borne_proche=found.near_bound,
            note_borne=found.bound_note,
        )

    # -- amounts -----------------------------------------------------------------------------

    def _contract_amount(self, value: Any) -> Amount | None:
        number = as_number(value)
        if number is None or number < 0:
            return None
        return Amount(
            money(number),
            CONTRAT,
            self.contract_source,
            self.signature.isoformat() if self.signature else None,
        )

    def _missions(self, taille: int | None) -> tuple[list[MissionFunding], str]:
        contract_missions = [
            m for m in as_list(self.contract.get("missions")) if isinstance(m, dict)
        ]
        missions: list[MissionFunding] = []
        if contract_missions:
            seen: set[str] = set()
            for m in contract_missions:
                code = m.get("mission")
                if not isinstance(code, str) or code in seen:
                    continue
                seen.add(code)
                if code not in self.version.missions:
                    self.alertes.append(
                        f"La mission « {code} » du contrat n'existe pas dans l'ACI "
                        f"« {self.version.code} »."
                    )
                parts = {}
                for part in ("fixe", "variable"):
                    parts[part] = self._contract_amount(m.get(part)) or Amount(
                        None,
                        NON_RENSEIGNE,
                        self.contract_source,
                        note=f"Recopiez la part {part} écrite au contrat signé.",
                    )
                missions.append(self._mission(code, CONTRAT, parts["fixe"], parts["variable"]))
            return missions, f"missions du {self.contract_source}"
        projet = as_dict(as_dict(self.data.get("projet_sante")).get("missions"))
        with_fiches = {
            code for code, m in projet.items() if as_list(as_dict(m).get("fiches_actions"))
        }
        for code, rule in self.version.missions.items():
            if rule.socle or code in with_fiches:
                origine = "socle" if rule.socle else "projet_sante"
                parts = {}
                for part in ("fixe", "variable"):
                    fig = (
                        self.version.montant_mission(code, taille, part)
                        if taille
                        else self.version.montant_non_publie
                    )
                    parts[part] = from_figure(fig)
                missions.append(self._mission(code, origine, parts["fixe"], parts["variable"]))
        return (
            missions,
            "missions socles de l'ACI et missions optionnelles ayant des fiches-actions "
            "(pas de contrat signé noté)",
        )

    def _mission(self, code: str, origine: str, fixe: Amount, variable: Amount) -> MissionFunding:
        rule = self.mission_rule(code)
        start = self._start_months(code, rule)
        demarrage = None
        if (
            start is not None
            and self.signature is not None
            and int(start.valeur) // 12 < self.duree
        ):
            from cpts_cli.support.dates import add_months

            demarrage = add_months(self.signature, int(start.valeur)).isoformat()
        conditional = self.conditional(code)
        condition = rule.condition_part_variable if rule else None
        if conditional and not condition:
            condition = "Part variable versée seulement si l'ARS reconnaît une crise sanitaire."
        return MissionFunding(
            code=code,
            libelle=self.mission_label(code),
            categorie=rule.categorie if rule and code in self.version.missions else None,
            origine=origine,
            fixe=fixe,
            variable=variable,
            variable_conditionnelle=conditional,
            condition=condition,
            demarrage_mois=start,
            demarrage=demarrage,
        )

    def _start_months(self, code: str, rule: _aci.Mission | None) -> Amount | None:
        plan = as_dict(
            as_dict(as_dict(self.data.get("projet_sante")).get("calendrier_deploiement"))
        )
        months = as_dict(plan.get(code)).get("demarrage_mois")
        if isinstance(months, int) and not isinstance(months, bool) and months >= 0:
            return Amount(months, DECLARE, "projet de santé, calendrier de déploiement")
        if rule is not None and rule.demarrage_mois is not None:
            fig = rule.demarrage_mois
            return Amount(
                fig.valeur,
                fig.statut,
                fig.source,
                fig.date,
                "Hypothèse : démarrage au plus tard permis par l'ACI, faute de "
                f"« projet_sante.calendrier_deploiement.{code}.demarrage_mois ».",
            )
        return None

    def _totals(
        self, fonctionnement: Amount, missions: list[MissionFunding], plafond: Amount | None
    ) -> Totals:
        counted = [m for m in missions if not m.variable_conditionnelle]
        crisis = [m for m in missions if m.variable_conditionnelle]
        base = sum_amounts(
            [fonctionnement, *(m.fixe for m in missions)], "fonctionnement + parts fixes"
        )
        variable = sum_amounts(
            [m.variable for m in counted], "somme des parts variables (hors mission crises)"
        )
        if not counted:
            variable = Amount(0, CALCULE, "aucune part variable hors mission crises")
        total = sum_amounts(
            [base, variable],
            "fonctionnement + parts fixes + parts variables maximales (hors mission crises)",
        )
        crise = None
        if crisis:
            crise = sum_amounts([m.variable for m in crisis], "part variable de la mission crises")
            crise.note = (
                "Versée seulement si l'ARS reconnaît une crise sanitaire grave : jamais "
                "comptée comme un revenu attendu."
            )
        if (
            plafond is not None
            and plafond.valeur is not None
            and total.valeur is not None
            and total.valeur + ((crise.valeur or 0) if crise else 0) > plafond.valeur
        ):
            self.alertes.append(
                "Le total annuel maximal (part variable crise comprise) dépasse le plafond de "
                f"{amount_text(plafond)} : à vérifier avec la CPAM."
            )
        return Totals(base, variable, total, crise)


def _examples(b: Builder, taille: int | None) -> list[ExampleContract]:
    """The real contracts of the data file for this tier: examples, never this CPTS's."""
    out = []
    for ex in b.version.exemples_contrats:
        if ex.taille != taille:
            continue
        out.append(
            ExampleContract(
                code=ex.code,
                libelle=ex.libelle,
                taille=ex.taille,
                avertissement=(
                    "Exemple d'un contrat réel, pas une règle : ces montants ne sont pas "
                    "ceux de votre CPTS. Seul votre contrat signé fait foi."
                ),
                statut=ex.statut,
                source=ex.source,
                date=ex.date,
                fonctionnement=from_figure(ex.fonctionnement),
                missions=[
                    ExampleMission(
                        code=code,
                        libelle=b.mission_label(code),
                        fixe=from_figure(parts.get("fixe")),
                        variable=from_figure(parts.get("variable")),
                    )
                    for code, parts in ex.missions.items()
                ],
            )
        )
    return out
