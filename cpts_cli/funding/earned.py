"""The variable part a CPTS's results earned, year by year (``mise_en_oeuvre``).

Variable earned, per year and mission: Σ over the mission's contract indicators of the
indicator's ``montant`` × the share of the level reached — a result indicator pays
``niveaux.<level>.part`` (``aucun``: 0), a process indicator is all or nothing (``atteint``:
the whole ``montant``, ``aucun``: 0); an indicator with no result, or with a level that does
not fit its type, pays 0 and says why. The sum is capped at the mission's ``variable``. The
crisis mission earns only in a year with ``crise_reconnue: true``. A result that reads as a
total since the signature (``funding.yearly``, CPTS-E008) earns no level: the contract's
targets are per contract year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cpts_cli.funding.model import (
    CALCULE,
    IndicatorEarned,
    MissionEarned,
    YearEarned,
    as_dict,
    as_list,
    as_number,
    date_fr,
    euros,
    money,
)
from cpts_cli.funding.yearly import cumulative_reason

if TYPE_CHECKING:
    from cpts_cli.funding.builder import Builder

#: The levels of a result indicator (besides ``aucun``).
LEVELS = ("socle", "intermediaire", "objectif")


def _contract_indicators(b: Builder) -> list[tuple[dict, list[dict]]]:
    out = []
    seen: set[str] = set()
    for m in as_list(b.contract.get("missions")):
        if not isinstance(m, dict) or not isinstance(m.get("mission"), str):
            continue
        if m["mission"] in seen:
            continue
        seen.add(m["mission"])
        out.append((m, [i for i in as_list(m.get("indicateurs")) if isinstance(i, dict)]))
    return out


def earned_part(b: Builder) -> list[YearEarned]:
    years = [y for y in as_list(as_dict(b.data.get("mise_en_oeuvre")).get("annees"))]
    years = [y for y in years if isinstance(y, dict)]
    if not years:
        return []
    if not b.contract:
        b.alertes.append(
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
        if not 1 <= index <= b.duree:
            b.alertes.append(f"Année de contrat {index} hors du contrat (1 à {b.duree}) : ignorée.")
            continue
        if index in seen:
            b.alertes.append(
                f"L'année de contrat {index} est notée deux fois : seule la première compte."
            )
            continue
        seen.add(index)
        if b.years and b.years[index - 1].end >= b.today:
            b.alertes.append(
                f"Résultats notés pour l'année de contrat {index}, qui n'est pas finie "
                f"(fin le {date_fr(b.years[index - 1].end)}) : part variable provisoire."
            )
        out.append(_earned_year(b, index, y))
    return sorted(out, key=lambda e: e.annee)


def _earned_year(b: Builder, index: int, year: dict) -> YearEarned:
    crisis = year.get("crise_reconnue") is True
    results = {
        r.get("indicateur"): r
        for r in as_list(year.get("resultats"))
        if isinstance(r, dict) and isinstance(r.get("indicateur"), str)
    }
    missions = []
    for m, indicators in _contract_indicators(b):
        code = m["mission"]
        conditional = b.conditional(code)
        plafond = as_number(m.get("variable"))
        items = [
            _earned_indicator(i, results.get(_text_or_none(i.get("id"))), year) for i in indicators
        ]
        total = money(sum(Decimal(str(i.montant_acquis)) for i in items))
        cap = money(plafond) if plafond is not None else None
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
                libelle=b.mission_label(code),
                plafond=cap,
                total_indicateurs=total,
                acquis=acquis,
                plafonne=capped,
                conditionnelle=conditional,
                note=note,
                indicateurs=items,
            )
        )
    span = b.years[index - 1] if b.years else None
    total = money(sum(Decimal(str(m.acquis)) for m in missions))
    hors = money(sum(Decimal(str(m.acquis)) for m in missions if not m.conditionnelle))
    return YearEarned(
        annee=index,
        debut=span.start.isoformat() if span else None,
        fin=span.end.isoformat() if span else None,
        crise_reconnue=crisis,
        statut=CALCULE,
        source=(f"résultats de l'année {index} et indicateurs du {b.contract_source}"),
        note=(
            "Montant estimé à partir des niveaux atteints : le montant versé "
            "est arrêté par la CPAM au dialogue de gestion."
        ),
        missions=missions,
        total=total,
        total_hors_crise=hors,
    )


def _earned_indicator(ind: dict, result: dict | None, year: dict) -> IndicatorEarned:
    montant = as_number(ind.get("montant"))
    kind = ind.get("type")
    level = result.get("niveau_atteint") if result else None
    part: float | None = None
    note = None
    cumulative = cumulative_reason(result, year) if result else None
    if result is None:
        note = "Pas de résultat noté pour cette année."
    elif cumulative:
        part = 0.0
        note = (
            f"Résultat compté depuis le début du contrat ({cumulative}) : il ne vaut pas un "
            "niveau, les cibles du contrat sont annuelles ; notez le résultat de l'année seule."
        )
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
        if level in LEVELS:
            share = as_number(as_dict(as_dict(ind.get("niveaux")).get(level)).get("part"))
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
    acquis = money(Decimal(str(montant)) * Decimal(str(part))) if montant and part else 0
    ident = ind.get("id")
    return IndicatorEarned(
        id=str(ident) if ident is not None else "?",
        libelle=str(ind.get("libelle") or ""),
        type=kind if isinstance(kind, str) else None,
        montant=money(montant) if montant is not None else None,
        resultat=result.get("resultat") if result else None,
        niveau_atteint=level if isinstance(level, str) else None,
        part=part,
        montant_acquis=acquis,
        note=note,
    )


def _text_or_none(value: object) -> str | None:
    """An identifier as written, when it is one (a list or a table is none)."""
    return value if isinstance(value, str) else None
