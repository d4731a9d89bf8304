"""Answer checks shared by the options of ``init`` and the interactive prompts.

Each returns ``None`` when the answer is acceptable, else the French message of the rule it
applies (the same words ``cpts validate`` uses).
"""

from __future__ import annotations

import re

from cpts_cli.referentiel import store

_INSEE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
_SIREN = re.compile(r"^[0-9]{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_commune(code: str) -> str | None:
    code = code.strip().upper()
    if not _INSEE.match(code):
        return (
            f"« {code} » n'est pas un code INSEE (5 caractères, ex. 21231 ; le code "
            "postal ne convient pas)."
        )
    resolution = store.resolve_commune(code)
    if not resolution.is_known:
        hint = ""
        if resolution.suggestions:
            names = []
            for c in resolution.suggestions[:3]:
                commune = store.commune(c)
                names.append(f"{commune.nom} ({c})" if commune else c)
            hint = " ; codes proches : " + ", ".join(names)
        return f"Code commune inconnu : « {code} »{hint}."
    if not resolution.is_current and resolution.commune is not None:
        return (
            f"« {code} » est un ancien code : utilisez {resolution.commune.code} "
            f"({resolution.commune.nom})."
        )
    return None


def check_epci(siren: str) -> str | None:
    siren = siren.strip()
    if not _SIREN.match(siren):
        return f"« {siren} » n'est pas un SIREN d'intercommunalité (9 chiffres)."
    if store.epci(siren) is None:
        return f"Intercommunalité inconnue : SIREN « {siren} »."
    return None


def check_email(email: str) -> str | None:
    if not _EMAIL.match(email.strip()):
        return f"« {email} » n'est pas une adresse de courriel."
    return None


def check_profession(value: str) -> str | None:
    from cpts_cli.schema import vocabulary

    professions = vocabulary("profession")
    if value not in professions:
        return (
            "profession inconnue « "
            + value
            + " » ; valeurs possibles : "
            + ", ".join(professions)
            + "."
        )
    return None
