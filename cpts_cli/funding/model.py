"""``cpts funding``: what the ACI pays a CPTS, when, and what its results earned.

Plain data, computed once from a project file; the CLI prints it, ``to_dict()`` is its JSON,
and the documents template it. Nothing here prints. No figure is invented: every amount is an
:class:`Amount` with its ``statut`` and ``source`` — from the CPTS's own signed contract
(``contrat``), from the ACI data file (``sûr``, ``presse``, ``à vérifier``, ``non publié``),
given by the user with a source (``déclaré``), or computed by the tool from those
(``calculé``). The tier-3 real contract of the data file is reported apart, as an example,
and never used as this CPTS's amounts.

The package: this module holds the result types, the statuses and the French formatting of an
amount, and the entry points :func:`compute` and :func:`funding_for_path`;
:mod:`~cpts_cli.funding.builder` computes the amounts (population, tier, missions, totals),
:mod:`~cpts_cli.funding.calendar` dates the payments and :mod:`~cpts_cli.funding.earned`
computes the variable part the results earned.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from cpts_cli.referentiel import aci as _aci
from cpts_cli.support import formatting as _format

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


# --------------------------------------------------------------------------------------------
# Helpers shared by the builder, the calendar and the earned part
# --------------------------------------------------------------------------------------------


def money(value: float | int | Decimal) -> int | float:
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(d) if d == d.to_integral_value() else float(d)


#: Beyond this, an amount or a count is a typing slip, not a figure (the schema says so).
LARGEST = 10**12


def as_number(value: Any) -> int | float | None:
    """The number written, or None: not a number, not finite, or beyond ``LARGEST``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or abs(value) >= LARGEST:
        return None
    return value


def from_figure(fig: _aci.Figure | None) -> Amount | None:
    if fig is None:
        return None
    return Amount(fig.valeur, fig.statut, fig.source, fig.date, fig.note, list(fig.lectures))


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def weakest(statuses: list[str]) -> str:
    found = set(statuses)
    if found <= {CONTRAT}:
        return CONTRAT
    if found <= {_aci.SUR}:
        return _aci.SUR
    for s in (_aci.A_VERIFIER, _aci.EXEMPLE, _aci.PRESSE, DECLARE):
        if s in found:
            return s
    return CALCULE


def sum_amounts(amounts: list[Amount], source: str) -> Amount:
    missing = [a for a in amounts if a.valeur is None]
    if missing:
        statut = NON_RENSEIGNE if all(a.statut == NON_RENSEIGNE for a in missing) else None
        return Amount(
            None,
            statut or _aci.NON_PUBLIE,
            source,
            note="Au moins un des montants additionnés n'est pas connu : pas de total.",
        )
    total = money(sum(Decimal(str(a.valeur)) for a in amounts))
    return Amount(total, weakest([a.statut for a in amounts]), source)


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
    from cpts_cli.funding.builder import Builder
    from cpts_cli.support import dates

    return Builder(data if isinstance(data, dict) else {}, name, today or dates.today()).build()
