"""The payment calendar of a signed contract: when each amount is paid, year by year.

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
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import TYPE_CHECKING

from cpts_cli.funding.model import (
    AVANCE,
    CALCULE,
    FONCTIONNEMENT,
    MAXIMUM,
    PART_FIXE,
    PART_VARIABLE,
    PREVU,
    SOLDE,
    VARIABLE,
    Amount,
    Calendar,
    MissionEarned,
    MissionFunding,
    Payment,
    YearEarned,
    YearTotals,
    money,
)
from cpts_cli.referentiel import aci as _aci

if TYPE_CHECKING:
    from cpts_cli.funding.builder import Builder


def payment_calendar(
    b: Builder, fonctionnement: Amount, missions: list[MissionFunding], earned: list[YearEarned]
) -> Calendar:
    paiement = b.version.paiement
    rules = [r.description for r in paiement.regles.values() if r.description]
    base = dict(statut=paiement.statut, source=paiement.source, regles=rules)
    if not b.contract or b.signature is None:
        message = (
            "Le calendrier des versements demande la date de signature du contrat ACI "
            "(« validation.contrat.date_signature ») et les montants du contrat : notez-les "
            "à l'étape 8."
        )
        if not b.contract:
            message = "Pas de contrat signé noté. " + message
        return Calendar(None, message, **base, versements=[], annees=[])
    ledger = _Ledger(b.today, missions)
    _pay_fonctionnement(b, ledger, fonctionnement)
    starts = _pay_fixed(b, ledger, missions)
    by_year = {e.annee: {m.code: m for m in e.missions} for e in earned}
    crisis_left = _pay_variable(b, ledger, missions, starts, by_year)
    payments = ledger.sorted()
    totals = []
    for span in b.years[: b.duree]:
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
                variable_crise_non_comptee=money(crisis_left[k]) if k in crisis_left else None,
            )
        )
    return Calendar(b.signature.isoformat(), None, **base, versements=payments, annees=totals)


def _anniversary(b: Builder, k: int) -> _dt.date:
    """``A_k``: the k-th anniversary of the signature (``A_0`` is the signature)."""
    return b.years[k].start


def _pay_fonctionnement(b: Builder, ledger: _Ledger, fonctionnement: Amount) -> None:
    if fonctionnement.valeur is None:
        b.alertes.append("Fonctionnement inconnu : absent du calendrier des versements.")
        return
    rule = b.version.paiement.regles.get("fonctionnement")
    first, advance = _rate(rule, "premier_versement"), _rate(rule, "avance_anniversaire")
    f = Decimal(str(fonctionnement.valeur))
    for k in range(1, b.duree + 1):
        share = first if k == 1 else advance
        paid = money(f * Decimal(str(share)))
        if k == 1:
            text = f"Fonctionnement de l'année 1 : {_pct(share)} à la signature"
        else:
            text = f"Fonctionnement de l'année {k} : avance de {_pct(share)} à l'anniversaire"
        ledger.add(_anniversary(b, k - 1), k, FONCTIONNEMENT, None, paid, AVANCE, share, text)
        rest = f - Decimal(str(paid))
        if rest:
            ledger.add(
                _anniversary(b, k),
                k,
                FONCTIONNEMENT,
                None,
                rest,
                SOLDE,
                round(1 - share, 6),
                f"Fonctionnement de l'année {k} : solde",
            )


def _pay_fixed(b: Builder, ledger: _Ledger, missions: list[MissionFunding]) -> dict[str, int]:
    """The fixed parts; returns the contract year each dated mission starts in."""
    rule = b.version.paiement.regles.get("part_fixe")
    first, advance = _rate(rule, "premier_versement"), _rate(rule, "avance_anniversaire")
    prorata = rule.prorata if rule else True
    starts: dict[str, int] = {}
    for m in missions:
        j = _start_year(b, m)
        if j is None:
            continue
        starts[m.code] = j
        if m.fixe.valeur is None:
            b.alertes.append(
                f"Mission « {m.libelle} » : part fixe inconnue, absente du calendrier."
            )
            continue
        _pay_first_fixed(b, ledger, m, j, first, prorata)
        for k in range(j + 1, b.duree + 1):
            _pay_yearly_fixed(b, ledger, m, k, advance)
    return starts


def _start_year(b: Builder, m: MissionFunding) -> int | None:
    """The contract year a mission starts in (None, with an alert: not dated, or after the
    contract)."""
    if m.demarrage_mois is None:
        b.alertes.append(
            f"Mission « {m.libelle} » : mois de démarrage inconnu "
            f"(« projet_sante.calendrier_deploiement.{m.code}.demarrage_mois ») : "
            "ses versements ne sont pas datés."
        )
        return None
    d = int(m.demarrage_mois.valeur)
    j = d // 12 + 1
    if j > b.duree:
        b.alertes.append(
            f"Mission « {m.libelle} » : démarrage {d} mois après la signature, après la "
            "fin du contrat : aucun versement."
        )
        return None
    return j


def _pay_first_fixed(
    b: Builder, ledger: _Ledger, m: MissionFunding, j: int, first: float, prorata: bool
) -> None:
    """The fixed part of the year ``j`` the mission starts in: due pro rata of the whole
    months left to its anniversary, an advance at the start and the balance at ``A_j``."""
    from cpts_cli.support.dates import add_months

    d = int(m.demarrage_mois.valeur)
    x = Decimal(str(m.fixe.valeur))
    months_left = 12 * j - d
    share = Decimal(months_left) / 12 if prorata else Decimal(1)
    due = Decimal(str(money(x * share)))
    paid = money(due * Decimal(str(first)))
    pro = f" (au prorata : {months_left} mois sur 12)" if months_left != 12 else ""
    ledger.add(
        add_months(b.signature, d),
        j,
        PART_FIXE,
        m,
        paid,
        AVANCE,
        round(float(share) * first, 6),
        f"Part fixe de l'année {j} : avance de {_pct(first)} au démarrage de la mission{pro}",
    )
    ledger.add(
        _anniversary(b, j),
        j,
        PART_FIXE,
        m,
        due - Decimal(str(paid)),
        SOLDE,
        round(float(share) * (1 - first), 6),
        f"Part fixe de l'année {j} : solde{pro}",
    )


def _pay_yearly_fixed(
    b: Builder, ledger: _Ledger, m: MissionFunding, k: int, advance: float
) -> None:
    """The fixed part of a later year ``k``: an advance at ``A_{k-1}``, the balance at ``A_k``."""
    x = Decimal(str(m.fixe.valeur))
    paid = money(x * Decimal(str(advance)))
    ledger.add(
        _anniversary(b, k - 1),
        k,
        PART_FIXE,
        m,
        paid,
        AVANCE,
        advance,
        f"Part fixe de l'année {k} : avance de {_pct(advance)} à l'anniversaire",
    )
    ledger.add(
        _anniversary(b, k),
        k,
        PART_FIXE,
        m,
        x - Decimal(str(paid)),
        SOLDE,
        round(1 - advance, 6),
        f"Part fixe de l'année {k} : solde",
    )


def _pay_variable(
    b: Builder,
    ledger: _Ledger,
    missions: list[MissionFunding],
    starts: dict[str, int],
    by_year: dict[int, dict[str, MissionEarned]],
) -> dict[int, Decimal]:
    """The variable parts; returns, per year, the crisis maximum left out."""
    crisis_left: dict[int, Decimal] = {}
    for k in range(1, b.duree + 1):
        for m in missions:
            if k in by_year:  # results recorded: what they earned, started or not
                got = by_year[k].get(m.code)
                amount = got.acquis if got else 0
                certitude = CALCULE
                text = f"Part variable de l'année {k} : acquise selon les résultats"
            elif starts.get(m.code, b.duree + 1) > k:
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
                    _anniversary(b, k),
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
            montant=money(montant),
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
    return money(
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
