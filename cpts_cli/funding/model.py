"""``cpts funding``: what the ACI pays a CPTS, when, and what its results earned.

Plain data, computed once from a project file; the CLI prints it, ``to_dict()`` is its JSON,
and the documents template it. Nothing here prints. No figure is invented: every amount is an
:class:`Amount` with its ``statut`` and ``source`` — from the CPTS's own signed contract
(``contrat``), from the ACI data file (``sûr``, ``presse``, ``à vérifier``, ``non publié``),
given by the user with a source (``déclaré``), or computed by the tool from those
(``calculé``). The tier-3 real contract of the data file is reported apart, as an example,
and never used as this CPTS's amounts.

Payment reading implemented (ACI art. 9 and Sénat r25-032, as summarised in ``DOMAIN.md`` §4;
the shares come from ``paiement.regles`` of ``aci.yaml``):

``S`` is the signature date, ``A_k`` its k-th anniversary (``aci.contract_years``: 29 February
falls on 28 February), contract year ``k`` runs from ``A_{k-1}`` (``A_0 = S``) to the day
before ``A_k``, for ``n`` years (``duree_contrat_ans``, 5). Every amount belongs to one
contract year (``annee``); the date says when it is paid.

- Fonctionnement ``F`` (yearly amount): year 1 is paid in full at ``S``
  (``premier_versement`` = 100 %). Each later year ``k``: an advance of 75 %
  (``avance_anniversaire``) of ``F`` at ``A_{k-1}``, and the balance (25 %) at ``A_k``, "with
  the year's balance", the day the missions' fixed balances of year ``k`` are paid.
- Fixed part ``X`` of a mission starting ``d`` months after ``S`` (``projet_sante.
  calendrier_deploiement.<mission>.demarrage_mois``; without it, the ACI's maximum start
  delay, shown as an assumption), start date ``D = S + d months``: the mission starts in
  contract year ``j = d // 12 + 1``, which is due pro rata of the whole months left to its
  anniversary, ``X × (12 j − d) / 12`` (the whole year when ``d`` is a multiple of 12). 75 %
  (``premier_versement``) of that due is paid at ``D``, the balance at ``A_j``. Each later year
  ``k``: 75 % of ``X`` at ``A_{k-1}``, the balance at ``A_k``. So each anniversary pays the
  balance of year n-1 and the advance of year n. Nothing is due for the years before ``j``.
- Variable part ``V`` of year ``k``: paid after the year, from the contract indicators; dated
  ``A_k``, the earliest possible date (the real one follows the dialogue de gestion with the
  CPAM). Its amount is the variable earned when ``mise_en_oeuvre`` holds that year's results
  (``calculé``), else ``V`` itself as a maximum (``maximum``: what every indicator reached
  would pay, not money to expect). Without results, no variable line for a year before the
  mission starts; with results, the amount earned whatever the planned start.
- The crisis mission's variable part is never counted as expected money: it appears only for a
  year whose results say ``crise_reconnue: true``, with the amount earned.
- Amounts are rounded to the cent (half up); a balance is the year's due minus its advance, so
  the lines of a year add up exactly.

Variable earned, per year and mission: Σ over the mission's contract indicators of the
indicator's ``montant`` × the share of the level reached — a result indicator pays
``niveaux.<level>.part`` (``aucun``: 0), a process indicator is all or nothing (``atteint``:
the whole ``montant``, ``aucun``: 0); an indicator with no result, or with a level that does
not fit its type, pays 0 and says why. The sum is capped at the mission's ``variable``. The
crisis mission earns only in a year with ``crise_reconnue: true``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from cpts_cli.referentiel import aci as _aci
from cpts_cli.support import formatting as _format
from cpts_cli.support.formatting import thousands
from cpts_cli.territory.summary import Territory, derive

__all__ = [
    "CALCULE",
    "CONTRAT",
    "DECLARE",
    "NON_RENSEIGNE",
    "Amount",
    "Calendar",
    "ContractInfo",
    "ExampleContract",
    "ExampleMission",
    "Funding",
    "IndicatorEarned",
    "MissionEarned",
    "MissionFunding",
    "Payment",
    "Tier",
    "Totals",
    "YearEarned",
    "YearTotals",
    "amount_text",
    "compute",
    "date_fr",
    "euros",
    "funding_for_path",
]

# Statuses added to those of the data file (sûr, presse, exemple, à vérifier, non publié).
CONTRAT = "contrat"  # written in the CPTS's signed contract (recorded at step 8)
CALCULE = "calculé"  # computed by the tool from the figures above
DECLARE = "déclaré"  # given by the user in the project file, with its source
NON_RENSEIGNE = "non renseigné"  # the project file should give it and does not

CRISIS = "crises_sanitaires"

# Payment lines: what they pay for (poste), what kind of payment (nature), how sure.
FONCTIONNEMENT = "fonctionnement"
PART_FIXE = "part_fixe"
PART_VARIABLE = "part_variable"
AVANCE = "avance"
SOLDE = "solde"
VARIABLE = "variable"
PREVU = "prévu"  # follows from the contract's amounts and the payment rules
MAXIMUM = "maximum"  # a variable part not known yet: what every indicator reached would pay

POSTE_LABELS = {
    FONCTIONNEMENT: "Fonctionnement",
    PART_FIXE: "Part fixe",
    PART_VARIABLE: "Part variable",
}

_LEVELS = ("socle", "intermediaire", "objectif")


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass
class Amount:
    """One figure with its provenance. ``valeur`` is ``None`` when there is no figure
    (``non publié``, ``non renseigné``); ``lectures`` holds the candidate figures when sources
    disagree."""

    valeur: int | float | str | None  # str only for a reading (tier bounds)
    statut: str
    source: str
    date: str | None = None
    note: str | None = None
    lectures: list[int | float] = field(default_factory=list)


@dataclass
class Tier:
    taille: int
    libelle: str  # "80 000 à 175 000 habitants"
    min: int
    max: int | None
    statut: str  # of the bounds
    source: str
    borne: Amount  # reading of an exact bound (valeur: inferieure_incluse…), with its note
    borne_proche: int | None  # the bound within the alert margin (2 %), if any
    note_borne: str | None  # French warning to show when borne_proche is set


@dataclass
class ContractInfo:
    date_signature: str | None  # ISO date
    fin: str | None  # last day of the last contract year
    duree_ans: int
    source: str


@dataclass
class MissionFunding:
    code: str
    libelle: str
    categorie: str | None  # socle | optionnelle (None: not a mission of this ACI version)
    origine: str  # contrat | socle | projet_sante: why the mission is listed
    fixe: Amount
    variable: Amount
    variable_conditionnelle: bool  # crisis: paid only when the ARS recognises a crisis
    condition: str | None
    demarrage_mois: Amount | None  # months after signature (None: unknown)
    demarrage: str | None  # ISO date, when the signature date is known


@dataclass
class ExampleMission:
    code: str
    libelle: str
    fixe: Amount
    variable: Amount


@dataclass
class ExampleContract:
    """A real contract of the data file: an example, never this CPTS's amounts."""

    code: str
    libelle: str
    taille: int
    avertissement: str
    statut: str
    source: str
    date: str
    fonctionnement: Amount
    missions: list[ExampleMission]


@dataclass
class Totals:
    """Yearly amounts of the missions listed, with the fonctionnement."""

    fonctionnement_et_fixes: Amount
    variable_maximum: Amount  # crisis variable excluded
    total_maximum: Amount  # fonctionnement + fixed + variable, crisis variable excluded
    variable_crise: Amount | None  # conditional, never counted in the totals


@dataclass
class Payment:
    date: str  # ISO date (for a variable part: the earliest date)
    annee: int  # contract year the money belongs to
    poste: str  # fonctionnement | part_fixe | part_variable
    mission: str | None
    mission_libelle: str | None
    montant: int | float
    nature: str  # avance | solde | variable
    taux: float | None  # share of the year's amount (None for a variable part)
    certitude: str  # prévu | calculé (variable from results) | maximum (variable not known)
    libelle: str  # French description of the payment
    echu: bool  # the date is today or past


@dataclass
class YearTotals:
    annee: int
    debut: str
    fin: str
    fonctionnement: int | float
    fixe: int | float
    variable: int | float
    variable_certitude: str | None  # calculé | maximum | None (no variable part)
    total: int | float
    verse_pendant: int | float  # paid between debut and fin (any contract year)
    variable_crise_non_comptee: int | float | None  # crisis maximum, not counted


@dataclass
class Calendar:
    date_signature: str | None
    message: str | None  # why there is no calendar
    statut: str
    source: str
    regles: list[str]  # the payment rules of the data file, in French
    versements: list[Payment]
    annees: list[YearTotals]


@dataclass
class IndicatorEarned:
    id: str
    libelle: str
    type: str | None  # processus | resultat
    montant: int | float | None  # part of the variable tied to the indicator (contract)
    resultat: Any
    niveau_atteint: str | None
    part: float | None  # share paid for the level reached
    montant_acquis: int | float
    note: str | None


@dataclass
class MissionEarned:
    code: str
    libelle: str
    plafond: int | float | None  # the mission's variable part in the contract
    total_indicateurs: int | float
    acquis: int | float
    plafonne: bool
    conditionnelle: bool
    note: str | None
    indicateurs: list[IndicatorEarned]


@dataclass
class YearEarned:
    annee: int
    debut: str | None
    fin: str | None
    crise_reconnue: bool
    statut: str
    source: str
    note: str
    missions: list[MissionEarned]
    total: int | float
    total_hors_crise: int | float


@dataclass
class Funding:
    fichier: str
    cpts: str | None
    aci_version: str
    aci_texte: str
    population: Amount | None
    communes: int
    taille: Tier | None
    fonctionnement: Amount | None  # the one retained: contract, else the data file
    fonctionnement_bareme: Amount | None  # the data file's figure for the tier
    plafond: Amount | None
    aide_lettre_intention: Amount | None
    contrat: ContractInfo | None
    origine_missions: str  # French: where the list of missions comes from
    missions: list[MissionFunding]
    totaux: Totals
    exemples: list[ExampleContract]
    calendrier: Calendar
    variable_acquise: list[YearEarned]
    alertes: list[str] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)  # blocking: the command exits 1

    def to_dict(self) -> dict:
        """Plain JSON-like data (what ``cpts funding --format json`` prints)."""
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------------------------
# Formatting helpers (French), shared by the CLI and the documents
# --------------------------------------------------------------------------------------------


def euros(value: int | float | None) -> str:
    """``75000`` → ``75 000 €``; an amount no text publishes → « non publié »."""
    return "non publié" if value is None else _format.euros(value)


def date_fr(value: str | _dt.date | None) -> str:
    """``2024-06-20`` → ``20 juin 2024``; ``None`` → « date non renseignée »."""
    return _format.date_text(value, "date non renseignée")


def amount_text(amount: Amount | None, *, with_status: bool = True) -> str:
    """``75 000 € (sûr — Sénat, rapport r25-032 (2025))``, ``non publié (…)``,
    ``75 000 € (contrat signé le 20 juin 2024)``."""
    if amount is None:
        return "—"
    if amount.valeur is not None:
        figure = euros(amount.valeur)
    elif amount.lectures:
        figure = " ou ".join(euros(v) for v in amount.lectures)
    else:
        figure = amount.statut
    if not with_status:
        return figure
    if amount.statut == CONTRAT:
        return f"{figure} ({amount.source})"
    if amount.valeur is None and not amount.lectures:
        return f"{figure} ({amount.source})"
    return f"{figure} ({amount.statut} — {amount.source})"


def _money(value: float | int | Decimal) -> int | float:
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(d) if d == d.to_integral_value() else float(d)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _from_figure(fig: _aci.Figure | None) -> Amount | None:
    if fig is None:
        return None
    return Amount(fig.valeur, fig.statut, fig.source, fig.date, fig.note, list(fig.lectures))


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def funding_for_path(path: Path, *, today: _dt.date | None = None) -> Funding:
    """Read a project file and compute its funding. ``CptsError`` (exit 2) when the file
    cannot be read or parsed."""
    from cpts_cli.project.load import read_usable

    doc = read_usable(path)
    return compute(doc.plain, name=doc.name, today=today)


def compute(data: dict, *, name: str = "cpts.yaml", today: _dt.date | None = None) -> Funding:
    """The funding of a project, from its plain data (``ProjectDocument.plain``)."""
    from cpts_cli.support import dates

    return _Builder(data if isinstance(data, dict) else {}, name, today or dates.today()).build()


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _weakest(statuses: list[str]) -> str:
    found = set(statuses)
    if found <= {CONTRAT}:
        return CONTRAT
    if found <= {_aci.SUR}:
        return _aci.SUR
    for s in (_aci.A_VERIFIER, _aci.EXEMPLE, _aci.PRESSE, DECLARE):
        if s in found:
            return s
    return CALCULE


def _sum(amounts: list[Amount], source: str) -> Amount:
    missing = [a for a in amounts if a.valeur is None]
    if missing:
        statut = NON_RENSEIGNE if all(a.statut == NON_RENSEIGNE for a in missing) else None
        return Amount(
            None,
            statut or _aci.NON_PUBLIE,
            source,
            note="Au moins un des montants additionnés n'est pas connu : pas de total.",
        )
    total = _money(sum(Decimal(str(a.valeur)) for a in amounts))
    return Amount(total, _weakest([a.statut for a in amounts]), source)


class _Builder:
    def __init__(self, data: dict, name: str, today: _dt.date) -> None:
        self.data = data
        self.name = name
        self.today = today
        self.alertes: list[str] = []
        self.erreurs: list[str] = []
        self.version = self._version()
        self.contract = _dict(_dict(data.get("validation")).get("contrat"))
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

    def _mission_rule(self, code: str) -> _aci.Mission | None:
        found = self.version.missions.get(code)
        if found is None:
            found = _aci.load(None).missions.get(code)
        return found

    def _mission_label(self, code: str) -> str:
        rule = self._mission_rule(code)
        return rule.libelle if rule else code

    def _conditional(self, code: str) -> bool:
        rule = self._mission_rule(code)
        return code == CRISIS or bool(rule and rule.condition_part_variable)

    # -- build -------------------------------------------------------------------------------

    def build(self) -> Funding:
        territory = derive(self.data.get("territoire"))
        population, communes = self._population(territory)
        tier = self._tier(territory) if population is not None else None
        taille = tier.taille if tier else None
        bareme = _from_figure(self.version.fonctionnement.get(taille)) if taille else None
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
        plafond = _from_figure(self.version.plafonds.get(taille)) if taille else None
        aide = _from_figure(self.version.aide_lettre_intention.get(taille)) if taille else None
        missions, origine = self._missions(taille)
        totals = self._totals(fonctionnement, missions, plafond)
        earned = self._earned()
        calendar = self._calendar(fonctionnement, missions, earned)
        contrat = None
        if self.contract:
            contrat = ContractInfo(
                date_signature=self.signature.isoformat() if self.signature else None,
                fin=self.years[self.duree - 1].end.isoformat() if self.years else None,
                duree_ans=self.duree,
                source=self.contract_source,
            )
        examples = self._examples(taille) if not self.contract else []
        cpts = _dict(self.data.get("cpts")).get("nom")
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
                f"{n} code(s) du territoire inconnu(s), non compté(s) dans la population : "
                "voir « cpts validate »."
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
        if hi is None:
            libelle = f"plus de {thousands(lo)} habitants"
        elif lo == 0:
            libelle = f"moins de {thousands(hi)} habitants"
        else:
            libelle = f"{thousands(lo)} à {thousands(hi)} habitants"
        if found.bound_note:
            self.alertes.append(found.bound_note)
        return Tier(
            taille=found.taille,
            libelle=libelle,
            min=lo,
            max=hi,
            statut=found.tier.min.statut,
            source=found.tier.min.source,
            borne=_from_figure(self.version.borne),
            borne_proche=found.near_bound,
            note_borne=found.bound_note,
        )

    # -- amounts -----------------------------------------------------------------------------

    def _contract_amount(self, value: Any) -> Amount | None:
        number = _number(value)
        if number is None or number < 0:
            return None
        return Amount(
            _money(number),
            CONTRAT,
            self.contract_source,
            self.signature.isoformat() if self.signature else None,
        )

    def _missions(self, taille: int | None) -> tuple[list[MissionFunding], str]:
        contract_missions = [m for m in _list(self.contract.get("missions")) if isinstance(m, dict)]
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
        projet = _dict(_dict(self.data.get("projet_sante")).get("missions"))
        with_fiches = {code for code, m in projet.items() if _list(_dict(m).get("fiches_actions"))}
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
                    parts[part] = _from_figure(fig)
                missions.append(self._mission(code, origine, parts["fixe"], parts["variable"]))
        return (
            missions,
            "missions socles de l'ACI et missions optionnelles ayant des fiches-actions "
            "(pas de contrat signé noté)",
        )

    def _mission(self, code: str, origine: str, fixe: Amount, variable: Amount) -> MissionFunding:
        rule = self._mission_rule(code)
        start = self._start_months(code, rule)
        demarrage = None
        if (
            start is not None
            and self.signature is not None
            and int(start.valeur) // 12 < self.duree
        ):
            from cpts_cli.support.dates import add_months

            demarrage = add_months(self.signature, int(start.valeur)).isoformat()
        conditional = self._conditional(code)
        condition = rule.condition_part_variable if rule else None
        if conditional and not condition:
            condition = "Part variable versée seulement si l'ARS reconnaît une crise sanitaire."
        return MissionFunding(
            code=code,
            libelle=self._mission_label(code),
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
        plan = _dict(_dict(_dict(self.data.get("projet_sante")).get("calendrier_deploiement")))
        months = _dict(plan.get(code)).get("demarrage_mois")
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
        base = _sum([fonctionnement, *(m.fixe for m in missions)], "fonctionnement + parts fixes")
        variable = _sum(
            [m.variable for m in counted], "somme des parts variables (hors mission crises)"
        )
        if not counted:
            variable = Amount(0, CALCULE, "aucune part variable hors mission crises")
        total = _sum(
            [base, variable],
            "fonctionnement + parts fixes + parts variables maximales (hors mission crises)",
        )
        crise = None
        if crisis:
            crise = _sum([m.variable for m in crisis], "part variable de la mission crises")
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

    def _examples(self, taille: int | None) -> list[ExampleContract]:
        out = []
        for ex in self.version.exemples_contrats:
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
                    fonctionnement=_from_figure(ex.fonctionnement),
                    missions=[
                        ExampleMission(
                            code=code,
                            libelle=self._mission_label(code),
                            fixe=_from_figure(parts.get("fixe")),
                            variable=_from_figure(parts.get("variable")),
                        )
                        for code, parts in ex.missions.items()
                    ],
                )
            )
        return out

    # -- variable earned ---------------------------------------------------------------------

    def _contract_indicators(self) -> list[tuple[dict, list[dict]]]:
        out = []
        seen: set[str] = set()
        for m in _list(self.contract.get("missions")):
            if not isinstance(m, dict) or not isinstance(m.get("mission"), str):
                continue
            if m["mission"] in seen:
                continue
            seen.add(m["mission"])
            out.append((m, [i for i in _list(m.get("indicateurs")) if isinstance(i, dict)]))
        return out

    def _earned(self) -> list[YearEarned]:
        years = [y for y in _list(_dict(self.data.get("mise_en_oeuvre")).get("annees"))]
        years = [y for y in years if isinstance(y, dict)]
        if not years:
            return []
        if not self.contract:
            self.alertes.append(
                "Des résultats sont notés (« mise_en_oeuvre ») mais pas le contrat signé : "
                "la part variable acquise ne peut pas être calculée."
            )
            return []
        out: list[YearEarned] = []
        seen: set[int] = set()
        for y in years:
            index = y.get("annee")
            if not isinstance(index, int) or isinstance(index, bool):
                continue
            if not 1 <= index <= self.duree:
                self.alertes.append(
                    f"Année de contrat {index} hors du contrat (1 à {self.duree}) : ignorée."
                )
                continue
            if index in seen:
                self.alertes.append(
                    f"L'année de contrat {index} est notée deux fois : seule la première compte."
                )
                continue
            seen.add(index)
            if self.years and self.years[index - 1].end >= self.today:
                self.alertes.append(
                    f"Résultats notés pour l'année de contrat {index}, qui n'est pas finie "
                    f"(fin le {date_fr(self.years[index - 1].end)}) : part variable provisoire."
                )
            out.append(self._earned_year(index, y))
        return sorted(out, key=lambda e: e.annee)

    def _earned_year(self, index: int, year: dict) -> YearEarned:
        crisis = year.get("crise_reconnue") is True
        results = {
            r.get("indicateur"): r
            for r in _list(year.get("resultats"))
            if isinstance(r, dict) and isinstance(r.get("indicateur"), str)
        }
        missions = []
        for m, indicators in self._contract_indicators():
            code = m["mission"]
            conditional = self._conditional(code)
            plafond = _number(m.get("variable"))
            items = [self._earned_indicator(i, results.get(i.get("id"))) for i in indicators]
            total = _money(sum(Decimal(str(i.montant_acquis)) for i in items))
            cap = _money(plafond) if plafond is not None else None
            capped = False
            note = None
            if conditional and not crisis:
                acquis: int | float = 0
                note = (
                    "Aucune crise reconnue par l'ARS cette année : la part variable de la "
                    "mission crises n'est pas due."
                )
            elif cap is None:
                acquis = total
                note = "Part variable de la mission non recopiée du contrat : pas de plafond."
            else:
                capped = total > cap
                acquis = cap if capped else total
                if capped:
                    note = f"Total des indicateurs plafonné à la part variable ({euros(cap)})."
            missions.append(
                MissionEarned(
                    code=code,
                    libelle=self._mission_label(code),
                    plafond=cap,
                    total_indicateurs=total,
                    acquis=acquis,
                    plafonne=capped,
                    conditionnelle=conditional,
                    note=note,
                    indicateurs=items,
                )
            )
        span = self.years[index - 1] if self.years else None
        total = _money(sum(Decimal(str(m.acquis)) for m in missions))
        hors = _money(sum(Decimal(str(m.acquis)) for m in missions if not m.conditionnelle))
        return YearEarned(
            annee=index,
            debut=span.start.isoformat() if span else None,
            fin=span.end.isoformat() if span else None,
            crise_reconnue=crisis,
            statut=CALCULE,
            source=(
                f"résultats de l'année {index} (mise_en_oeuvre) et indicateurs du "
                f"{self.contract_source}"
            ),
            note=(
                "Montant calculé par l'outil à partir des niveaux atteints : le montant versé "
                "est arrêté par la CPAM au dialogue de gestion."
            ),
            missions=missions,
            total=total,
            total_hors_crise=hors,
        )

    def _earned_indicator(self, ind: dict, result: dict | None) -> IndicatorEarned:
        montant = _number(ind.get("montant"))
        kind = ind.get("type")
        level = result.get("niveau_atteint") if result else None
        part: float | None = None
        note = None
        if result is None:
            note = "Pas de résultat noté pour cette année."
        elif level == "aucun":
            part = 0.0
        elif kind == "processus":
            if level == "atteint":
                part = 1.0
            else:
                note = (
                    f"Niveau « {level} » inattendu pour un indicateur de processus "
                    "(« atteint » ou « aucun ») : rien n'est compté."
                )
        elif kind == "resultat":
            if level in _LEVELS:
                share = _number(_dict(_dict(ind.get("niveaux")).get(level)).get("part"))
                if share is None:
                    note = f"Part du niveau « {level} » absente du contrat : rien n'est compté."
                else:
                    part = float(share)
            else:
                note = (
                    f"Niveau « {level} » inattendu pour un indicateur de résultat "
                    "(socle, intermediaire, objectif ou aucun) : rien n'est compté."
                )
        else:
            note = "Type d'indicateur non renseigné (processus ou resultat) : rien n'est compté."
        if montant is None:
            note = "Montant de l'indicateur non recopié du contrat : rien n'est compté."
        acquis = _money(Decimal(str(montant)) * Decimal(str(part))) if montant and part else 0
        ident = ind.get("id")
        return IndicatorEarned(
            id=str(ident) if ident is not None else "?",
            libelle=str(ind.get("libelle") or ""),
            type=kind if isinstance(kind, str) else None,
            montant=_money(montant) if montant is not None else None,
            resultat=result.get("resultat") if result else None,
            niveau_atteint=level if isinstance(level, str) else None,
            part=part,
            montant_acquis=acquis,
            note=note,
        )

    # -- calendar ----------------------------------------------------------------------------

    def _calendar(
        self, fonctionnement: Amount, missions: list[MissionFunding], earned: list[YearEarned]
    ) -> Calendar:
        paiement = self.version.paiement
        rules = [r.description for r in paiement.regles.values() if r.description]
        base = dict(statut=paiement.statut, source=paiement.source, regles=rules)
        if not self.contract or self.signature is None:
            message = (
                "Le calendrier des versements demande la date de signature du contrat ACI "
                "(« validation.contrat.date_signature ») et les montants du contrat : notez-les "
                "à l'étape 8."
            )
            if not self.contract:
                message = "Pas de contrat signé noté. " + message
            return Calendar(None, message, **base, versements=[], annees=[])
        ledger = _Ledger(self.today, missions)
        self._pay_fonctionnement(ledger, fonctionnement)
        starts = self._pay_fixed(ledger, missions)
        by_year = {e.annee: {m.code: m for m in e.missions} for e in earned}
        crisis_left = self._pay_variable(ledger, missions, starts, by_year)
        payments = ledger.sorted()
        totals = []
        for span in self.years[: self.duree]:
            k = span.index
            own = [p for p in payments if p.annee == k]
            paid = [p for p in payments if span.start.isoformat() <= p.date <= span.end.isoformat()]
            has_variable = any(p.poste == PART_VARIABLE for p in own)
            totals.append(
                YearTotals(
                    annee=k,
                    debut=span.start.isoformat(),
                    fin=span.end.isoformat(),
                    fonctionnement=_total(own, FONCTIONNEMENT),
                    fixe=_total(own, PART_FIXE),
                    variable=_total(own, PART_VARIABLE),
                    variable_certitude=(
                        (CALCULE if k in by_year else MAXIMUM) if has_variable else None
                    ),
                    total=_total(own),
                    verse_pendant=_total(paid),
                    variable_crise_non_comptee=_money(crisis_left[k]) if k in crisis_left else None,
                )
            )
        return Calendar(
            self.signature.isoformat(), None, **base, versements=payments, annees=totals
        )

    def _anniversary(self, k: int) -> _dt.date:
        """``A_k``: the k-th anniversary of the signature (``A_0`` is the signature)."""
        return self.years[k].start

    def _pay_fonctionnement(self, ledger: _Ledger, fonctionnement: Amount) -> None:
        if fonctionnement.valeur is None:
            self.alertes.append("Fonctionnement inconnu : absent du calendrier des versements.")
            return
        rule = self.version.paiement.regles.get("fonctionnement")
        first, advance = _rate(rule, "premier_versement"), _rate(rule, "avance_anniversaire")
        f = Decimal(str(fonctionnement.valeur))
        for k in range(1, self.duree + 1):
            share = first if k == 1 else advance
            paid = _money(f * Decimal(str(share)))
            if k == 1:
                text = f"Fonctionnement de l'année 1 : {_pct(share)} à la signature"
            else:
                text = f"Fonctionnement de l'année {k} : avance de {_pct(share)} à l'anniversaire"
            ledger.add(self._anniversary(k - 1), k, FONCTIONNEMENT, None, paid, AVANCE, share, text)
            rest = f - Decimal(str(paid))
            if rest:
                ledger.add(
                    self._anniversary(k),
                    k,
                    FONCTIONNEMENT,
                    None,
                    rest,
                    SOLDE,
                    round(1 - share, 6),
                    f"Fonctionnement de l'année {k} : solde",
                )

    def _pay_fixed(self, ledger: _Ledger, missions: list[MissionFunding]) -> dict[str, int]:
        """The fixed parts; returns the contract year each dated mission starts in."""
        from cpts_cli.support.dates import add_months

        rule = self.version.paiement.regles.get("part_fixe")
        first, advance = _rate(rule, "premier_versement"), _rate(rule, "avance_anniversaire")
        prorata = rule.prorata if rule else True
        starts: dict[str, int] = {}
        for m in missions:
            if m.demarrage_mois is None:
                self.alertes.append(
                    f"Mission « {m.libelle} » : mois de démarrage inconnu "
                    f"(« projet_sante.calendrier_deploiement.{m.code}.demarrage_mois ») : "
                    "ses versements ne sont pas datés."
                )
                continue
            d = int(m.demarrage_mois.valeur)
            j = d // 12 + 1
            if j > self.duree:
                self.alertes.append(
                    f"Mission « {m.libelle} » : démarrage {d} mois après la signature, après la "
                    "fin du contrat : aucun versement."
                )
                continue
            starts[m.code] = j
            if m.fixe.valeur is None:
                self.alertes.append(
                    f"Mission « {m.libelle} » : part fixe inconnue, absente du calendrier."
                )
                continue
            x = Decimal(str(m.fixe.valeur))
            # The first year is due pro rata of the whole months left to its anniversary.
            months_left = 12 * j - d
            share = Decimal(months_left) / 12 if prorata else Decimal(1)
            due = Decimal(str(_money(x * share)))
            paid = _money(due * Decimal(str(first)))
            pro = f" (au prorata : {months_left} mois sur 12)" if months_left != 12 else ""
            ledger.add(
                add_months(self.signature, d),
                j,
                PART_FIXE,
                m,
                paid,
                AVANCE,
                round(float(share) * first, 6),
                f"Part fixe de l'année {j} : avance de {_pct(first)} au démarrage de la "
                f"mission{pro}",
            )
            ledger.add(
                self._anniversary(j),
                j,
                PART_FIXE,
                m,
                due - Decimal(str(paid)),
                SOLDE,
                round(float(share) * (1 - first), 6),
                f"Part fixe de l'année {j} : solde{pro}",
            )
            for k in range(j + 1, self.duree + 1):
                paid = _money(x * Decimal(str(advance)))
                ledger.add(
                    self._anniversary(k - 1),
                    k,
                    PART_FIXE,
                    m,
                    paid,
                    AVANCE,
                    advance,
                    f"Part fixe de l'année {k} : avance de {_pct(advance)} à l'anniversaire",
                )
                ledger.add(
                    self._anniversary(k),
                    k,
                    PART_FIXE,
                    m,
                    x - Decimal(str(paid)),
                    SOLDE,
                    round(1 - advance, 6),
                    f"Part fixe de l'année {k} : solde",
                )
        return starts

    def _pay_variable(
        self,
        ledger: _Ledger,
        missions: list[MissionFunding],
        starts: dict[str, int],
        by_year: dict[int, dict[str, MissionEarned]],
    ) -> dict[int, Decimal]:
        """The variable parts; returns, per year, the crisis maximum left out."""
        crisis_left: dict[int, Decimal] = {}
        for k in range(1, self.duree + 1):
            for m in missions:
                if k in by_year:  # results recorded: what they earned, started or not
                    got = by_year[k].get(m.code)
                    amount = got.acquis if got else 0
                    certitude = CALCULE
                    text = f"Part variable de l'année {k} : acquise selon les résultats"
                elif starts.get(m.code, self.duree + 1) > k:
                    continue  # not started in year k
                elif m.variable_conditionnelle:
                    if m.variable.valeur:  # never expected money
                        left = crisis_left.get(k, Decimal(0))
                        crisis_left[k] = left + Decimal(str(m.variable.valeur))
                    continue
                else:
                    amount = m.variable.valeur
                    certitude = MAXIMUM
                    text = (
                        f"Part variable de l'année {k} : au plus, si tous les indicateurs sont "
                        "atteints (après le dialogue de gestion)"
                    )
                if amount:
                    ledger.add(
                        self._anniversary(k),
                        k,
                        PART_VARIABLE,
                        m,
                        amount,
                        VARIABLE,
                        None,
                        text,
                        certitude=certitude,
                    )
        return crisis_left


class _Ledger:
    """Payment lines being collected, kept in date order."""

    _POSTES = (FONCTIONNEMENT, PART_FIXE, PART_VARIABLE)

    def __init__(self, today: _dt.date, missions: list[MissionFunding]) -> None:
        self.today = today
        self.order = {m.code: i for i, m in enumerate(missions)}
        self.lines: list[tuple[tuple, Payment]] = []

    def add(
        self,
        day: _dt.date,
        annee: int,
        poste: str,
        mission: MissionFunding | None,
        montant: Decimal | int | float,
        nature: str,
        taux: float | None,
        libelle: str,
        *,
        certitude: str = PREVU,
    ) -> None:
        pay = Payment(
            date=day.isoformat(),
            annee=annee,
            poste=poste,
            mission=mission.code if mission else None,
            mission_libelle=mission.libelle if mission else None,
            montant=_money(montant),
            nature=nature,
            taux=taux,
            certitude=certitude,
            libelle=libelle,
            echu=day <= self.today,
        )
        rank = self.order.get(pay.mission, -1) if mission else -1
        self.lines.append(((day, annee, self._POSTES.index(poste), rank), pay))

    def sorted(self) -> list[Payment]:
        return [pay for _, pay in sorted(self.lines, key=lambda kv: kv[0])]


def _total(payments: list[Payment], poste: str | None = None) -> int | float:
    return _money(
        sum((Decimal(str(p.montant)) for p in payments if poste in (None, p.poste)), Decimal(0))
    )


def _rate(rule: _aci.PaymentRule | None, name: str) -> float:
    """A payment share of the data file (``premier_versement``, ``avance_anniversaire``)."""
    fig = getattr(rule, name, None) if rule is not None else None
    value = fig.valeur if fig is not None else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _aci.AciDataError(f"aci.yaml: paiement : « {name} » manquant")
    return float(value)


def _pct(share: float) -> str:
    value = round(share * 100, 2)
    return f"{value:g} %".replace(".", ",")
