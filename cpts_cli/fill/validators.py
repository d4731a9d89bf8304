"""Answer checks shared by the options of ``init`` and the interactive prompts.

Each returns ``None`` when the answer is acceptable, else the French message of the rule it
applies (the same words ``cpts validate`` uses).
"""

from __future__ import annotations

import re

from cpts_cli.referentiel import store
from cpts_cli.territory.codes import INSEE_RE, SIREN_RE

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_commune(code: str) -> str | None:
    code = code.strip().upper()
    if not INSEE_RE.match(code):
        return (
            f"« {code} » n'est pas un code INSEE (5 caractères, ex. 21231 ; le code "
            "postal ne convient pas)."
        )
    resolution = store.resolve_commune(code, suggest=True)
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
    if not SIREN_RE.match(siren):
        return f"« {siren} » n'est pas un SIREN d'intercommunalité (9 chiffres)."
    if store.epci(siren) is None:
        return f"Intercommunalité inconnue : SIREN « {siren} »."
    return None


def check_email(email: str) -> str | None:
    if not _EMAIL.match(email.strip()):
        return f"« {email} » n'est pas une adresse de courriel."
    return None


def check_profession(value: str) -> str | None:
    from cpts_cli.checking.schema import vocabulary

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


# --------------------------------------------------------------------------- cpts fill
# The checks below give the words of the finding ``cpts validate`` would give for the same
# value (CPTS-S004 format, CPTS-S005 date, CPTS-S007 range, CPTS-D006 year), so that an
# answer refused at the prompt reads like the report the user would otherwise get.

_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DATE_FR = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def _template(finding_code: str, **values) -> str:
    import cpts_cli.checking.rules  # noqa: F401 - registers the rules' codes
    import cpts_cli.checking.schema  # noqa: F401 - registers the schema's codes
    from cpts_cli.checking.codes import REGISTRY

    return REGISTRY[finding_code].template.format(**values)


def _def_title(name: str) -> str:
    from cpts_cli.support.resources import schema

    return schema()["$defs"][name].get("title", name)


def _format_message(label: str, value: str, example: str | None) -> str:
    hint = f" (exemple : « {example} »)" if example else ""
    return _template("CPTS-S004", label=label, value=value, hint=hint)


def parse_date(text: str):
    """``2024-06-20`` or ``20/06/2024`` → a date; anything else → None."""
    import datetime as _dt

    m = _DATE_ISO.match(text)
    if m:
        y, mth, d = m.groups()
    else:
        m = _DATE_FR.match(text)
        if not m:
            return None
        d, mth, y = m.groups()
    try:
        return _dt.date(int(y), int(mth), int(d))
    except ValueError:
        return None


def check_date(text: str, label: str = "Date") -> str | None:
    if parse_date(text) is not None:
        return None
    from cpts_cli.checking.schema import _guess_date

    guess = _guess_date(text)
    hint = f", par exemple « {guess} »" if guess else ""
    return _template("CPTS-S005", label=label, value=text.strip(), hint=hint)


_MONTH_NUMERIC = re.compile(r"^\s*(?:(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{4})-(\d{1,2}))\s*$")
_MONTH_NAMED = re.compile(r"^\s*([^\W\d_]+)\.?\s+(\d{4})\s*$")
_MONTH_NAMES = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin",
    "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
)  # fmt: skip


def _month_number(word: str) -> int | None:
    """« mars », « Février », « fevr », « sept » → the month's number (unambiguous prefixes
    of three letters or more); None otherwise (« ju » could be June or July)."""
    import unicodedata

    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    found = [
        i for i, name in enumerate(_MONTH_NAMES, 1) if len(word) >= 3 and name.startswith(word)
    ]
    return found[0] if len(found) == 1 else None


def parse_plan_date(text: str):
    """A planned date: a day (as ``parse_date``) → a date; a month — « mars 2027 »,
    « 03/2027 », « 2027-03 » — → the text ``2027-03``; anything else → None."""
    day = parse_date(text)
    if day is not None:
        return day
    year = month = None
    m = _MONTH_NUMERIC.match(text)
    if m:
        month, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        month = int(month)
    else:
        m = _MONTH_NAMED.match(text)
        if m:
            month, year = _month_number(m.group(1)), m.group(2)
    if month is None or not 1 <= month <= 12:
        return None
    return f"{int(year):04d}-{month:02d}"


def check_plan_date(text: str, label: str = "Date") -> str | None:
    if parse_plan_date(text) is not None:
        return None
    from cpts_cli.checking.schema import _guess_date

    guess = _guess_date(text)
    hint = f", par exemple « {guess} »" if guess else ""
    hint += " ; ou un mois : « mars 2027 », 03/2027 ou 2027-03"
    return _template("CPTS-S005", label=label, value=text.strip(), hint=hint)


def parse_number(text: str) -> int | float | None:
    """A number as French users type it: ``8,9``, ``75 000``, ``1 234,5`` → 8.9, 75000…"""
    cleaned = "".join(text.split()).replace("\u202f", "").replace("€", "").replace("%", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return int(value) if value.is_integer() and "," not in cleaned and "." not in cleaned else value


def check_number(text: str, label: str = "Valeur", integer: bool = False) -> str | None:
    value = parse_number(text)
    if value is None or (integer and not isinstance(value, int)):
        expected = "un nombre entier" if integer else "un nombre"
        return _template(
            "CPTS-S001",
            label=label,
            expected=expected,
            found=f"du texte « {text.strip()} »",
            hint="",
        )
    return None


def check_range(
    value: float, label: str, minimum: float | None = None, maximum: float | None = None
) -> str | None:
    if minimum is not None and value < minimum:
        return _template("CPTS-S007", label=label, value=value, detail=f"minimum {minimum}")
    if maximum is not None and value > maximum:
        return _template("CPTS-S007", label=label, value=value, detail=f"maximum {maximum}")
    return None


def check_pattern(text: str, pattern: str, label: str, example: str | None = None) -> str | None:
    if re.search(pattern, text):
        return None
    return _format_message(label, text, example)


def _digits(text: str) -> str:
    return "".join(text.split())


def check_rpps(text: str) -> str | None:
    """An RPPS number: 11 digits (spaces typed between groups are accepted)."""
    value = _digits(text)
    if re.fullmatch(r"[0-9]{11}", value):
        return None
    return _format_message(_def_title("rpps"), text.strip(), "10101234567")


def check_finess(text: str) -> str | None:
    """A FINESS number: 9 characters, digits (2A/2B in front for Corsica)."""
    value = _digits(text).upper()
    if re.fullmatch(r"[0-9AB]{9}", value):
        return None
    return _format_message(_def_title("finess"), text.strip(), "210012345")


def check_rna(text: str) -> str | None:
    """An RNA number: W followed by 9 digits."""
    value = _digits(text).upper()
    if re.fullmatch(r"W[0-9]{9}", value):
        return None
    return _format_message(_def_title("rna"), text.strip(), "W212001234")


def check_siren(text: str) -> str | None:
    value = _digits(text)
    if re.fullmatch(r"[0-9]{9}", value):
        return None
    return _format_message(_def_title("siren"), text.strip(), "242100410")


def check_year(text: str, today=None, code: str = "?") -> str | None:
    """A year already begun (CPTS-D006: a published figure is about the past)."""
    from cpts_cli.support import dates

    problem = check_number(text, "Année", integer=True)
    if problem:
        return problem
    year = int(parse_number(text) or 0)
    current = (today or dates.today()).year
    if year > current:
        return _template("CPTS-D006", code=code, annee=year)
    return check_range(year, "Année", 1900, current)


def check_deadline(
    text: str,
    mission: str = "?",
    limit: int | None = None,
    what: str = "démarre",
    version: str = "",
) -> str | None:
    """Months after signature within the ACI's deadline for the mission (CPTS-H009)."""
    problem = check_number(text, "Nombre de mois", integer=True)
    if problem or limit is None:
        return problem
    months = int(parse_number(text) or 0)
    if months > limit:
        return _template(
            "CPTS-H009", mission=mission, what=what, mois=months, limite=limit, version=version
        )
    return None


#: The validators ``schemas/prompts.yaml`` names (``validator: rpps``).
NAMED = {
    "commune": check_commune,
    "epci": check_epci,
    "email": check_email,
    "rpps": check_rpps,
    "finess": check_finess,
    "rna": check_rna,
    "siren": check_siren,
    "year": check_year,
    "aci_deadline": check_deadline,
}
