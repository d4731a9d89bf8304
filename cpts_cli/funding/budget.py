"""The projet de santé's budget: its income (the ACI's payments, computed, and the other
funders the user lists in ``projet_sante.recettes``), its expenses (``projet_sante.budget``)
and whether it balances.

One computation for the checks (the deficit warning) and for the document (the tables and
the sentence), so that both say the same. What counts in the balance, said in the document:
the ACI's fonctionnement and fixed parts of the missions, and the income acquired or asked
for; not the ACI's variable parts (they depend on the results), not the crisis variable part
(paid only when the ARS recognises a crisis), not income only considered. A line of
``recettes`` that names the ACI is left out: the ACI is counted from the contract or the
grid, never twice (the checks warn about it).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from cpts_cli.funding.model import as_number, money

#: The statuses of an income line that count in the balance.
COUNTED = ("acquis", "demande")
#: A ``recettes`` line that is the ACI itself (counted from the contract or the grid).
ACI_NAME = re.compile(r"\bACI\b|accord conventionnel interprofessionnel", re.IGNORECASE)


@dataclass
class AciLine:
    """One payment of the ACI per year: fonctionnement, a mission's fixed part (counted), the
    variable parts or the crisis variable part (not counted)."""

    nature: str  # fonctionnement | fixe | variable | crise
    mission: str | None  # French label of the mission (fixe)
    montant: dict | None  # the funding Amount (valeur, statut, source…)
    comptee: bool


@dataclass
class IncomeLine:
    index: int  # position in projet_sante.recettes
    financeur: str | None
    montant: int | float | None
    statut: str | None
    precision: str | None
    comptee: bool


@dataclass
class Balance:
    aci: list[AciLine]
    recettes: list[IncomeLine]
    aci_saisies: list[IncomeLine]  # lines naming the ACI, left out
    depenses: int | float | None  # total of the expense lines with an amount
    recettes_comptees: int | float  # the counted income whose amount is known
    inconnues: list[str] = field(default_factory=list)  # counted ACI lines with no amount
    envisagees: int | float = 0
    variable_maximum: int | float | None = None  # ACI variable parts, crisis excluded
    solde: int | float | None = None  # income counted − expenses, when both are known
    ecart: int | float | None = None  # abs(solde)
    incomplet: bool = False  # an expense or a counted income line lacks its amount or status

    @property
    def total_connu(self) -> bool:
        return not self.inconnues

    def to_dict(self) -> dict:
        return asdict(self)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _amount(value: Any) -> int | float | None:
    number = as_number(value)
    return number if number is not None and number >= 0 else None


def _sum(values: list[int | float]) -> int | float:
    return money(sum((Decimal(str(v)) for v in values), Decimal(0)))


def income_lines(recettes: Any) -> list[IncomeLine]:
    """The mapping items of ``projet_sante.recettes``, as written."""
    lines = []
    for i, item in enumerate(recettes if isinstance(recettes, list) else []):
        if not isinstance(item, dict):
            continue
        statut = item.get("statut")
        statut = statut if isinstance(statut, str) else None
        lines.append(
            IncomeLine(
                i,
                _text(item.get("financeur")),
                _amount(item.get("montant")),
                statut,
                _text(item.get("precision")),
                statut in COUNTED,
            )
        )
    return lines


def aci_lines(funding: dict | None) -> list[AciLine]:
    """The ACI's yearly payments: fonctionnement and each mission's fixed part (counted), then
    the variable parts (crisis apart), from :func:`cpts_cli.funding.model.compute`."""
    if not funding or not funding.get("taille"):
        return []
    lines = [AciLine("fonctionnement", None, funding.get("fonctionnement"), True)]
    for m in funding.get("missions") or []:
        lines.append(AciLine("fixe", m.get("libelle"), m.get("fixe"), True))
    totals = funding.get("totaux") or {}
    if any(not m.get("variable_conditionnelle") for m in funding.get("missions") or []):
        lines.append(AciLine("variable", None, totals.get("variable_maximum"), False))
    if totals.get("variable_crise"):
        lines.append(AciLine("crise", None, totals.get("variable_crise"), False))
    return lines


def _label(line: AciLine) -> str:
    if line.nature == "fonctionnement":
        return "fonctionnement"
    return f"part fixe de la mission « {line.mission} »"


def balance(project_sheet: Any, funding: dict | None) -> Balance:
    """The budget of ``projet_sante`` (plain data) against the ACI's ``funding`` (the plain
    data of :class:`cpts_cli.funding.model.Funding`, or None when unknown)."""
    sheet = project_sheet if isinstance(project_sheet, dict) else {}
    aci = aci_lines(funding)
    lines = income_lines(sheet.get("recettes"))
    typed_aci = [r for r in lines if r.financeur and ACI_NAME.search(r.financeur)]
    lines = [r for r in lines if r not in typed_aci]
    expenses = [
        _amount(b.get("montant"))
        for b in (sheet.get("budget") if isinstance(sheet.get("budget"), list) else [])
        if isinstance(b, dict)
    ]
    known_expenses = [e for e in expenses if e is not None]
    counted_aci = [a for a in aci if a.comptee]
    unknown = [_label(a) for a in counted_aci if (a.montant or {}).get("valeur") is None]
    counted = [
        a.montant["valeur"] for a in counted_aci if (a.montant or {}).get("valeur") is not None
    ] + [r.montant for r in lines if r.comptee and r.montant is not None]
    variable = next((a.montant for a in aci if a.nature == "variable"), None)
    result = Balance(
        aci=aci,
        recettes=lines,
        aci_saisies=typed_aci,
        depenses=_sum(known_expenses) if known_expenses else None,
        recettes_comptees=_sum(counted),
        inconnues=unknown,
        envisagees=_sum(
            [r.montant for r in lines if r.statut == "envisage" and r.montant is not None]
        ),
        variable_maximum=(variable or {}).get("valeur"),
    )
    result.incomplet = None in expenses or any(r.statut is None or r.montant is None for r in lines)
    if result.depenses is not None and not unknown:
        result.solde = money(Decimal(str(result.recettes_comptees)) - Decimal(str(result.depenses)))
        result.ecart = abs(result.solde)
    return result
