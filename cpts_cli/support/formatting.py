"""French renderings of dates, numbers and amounts, shared by the commands and the documents.

The documents' Jinja filters (``documents/environment.py``) wrap these with Markdown
escaping; the commands print them as they are.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_UP, Context, Decimal

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def long_date(day: _dt.date, space: str = " ") -> str:
    """``2024-06-20`` → ``20 juin 2024`` (``1er`` for the first day)."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first}{space}{MONTHS[day.month - 1]} {day.year}"


def month_year(day: _dt.date) -> str:
    """``2024-06-20`` → ``juin 2024``."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def plan_date(value, space: str = " ") -> str | None:
    """A planned date as French text: a day (« 20 juin 2024 ») or a month written
    ``2027-03`` (« mars 2027 »); None when it is neither."""
    from cpts_cli.support.dates import as_date, as_month

    day = as_date(value)
    if day is not None:
        return long_date(day, space)
    month = as_month(value)
    if month is None:
        return None
    return f"{MONTHS[month[1] - 1]}{space}{month[0]}"


def from_date(value, space: str = " ") -> str | None:
    """« du 20 juin 2024 », « de mars 2027 », « d'avril 2027 » (None: not a date);
    ``space`` inside the date."""
    text = plan_date(value, space)
    if text is None:
        return None
    text = text.replace(" ", space)
    if text[0].isdigit():
        return f"du {text}"
    return f"d'{text}" if text[0] in "aeiouyéè" else f"de {text}"


def to_date(value, space: str = " ") -> str | None:
    """« au 20 juin 2024 », « à mars 2027 » (None: not a date); ``space`` inside the date."""
    text = plan_date(value, space)
    if text is None:
        return None
    text = text.replace(" ", space)
    return f"au {text}" if text[0].isdigit() else f"à {text}"


def thousands(n: int, sep: str = NARROW_NBSP) -> str:
    """``86751`` → ``86 751``."""
    return f"{n:,}".replace(",", sep)


def fmt_int(n: int | None) -> str:
    """``86751`` → ``86 751``; ``None`` → « inconnue » (a population nobody published)."""
    return "inconnue" if n is None else thousands(n)


def decimal(value: int | float, decimals: int | None = None, sep: str = NARROW_NBSP) -> str:
    """``9.6`` → ``9,6``, ``86751`` → ``86 751``; ``decimals`` fixes the number of decimals,
    otherwise up to four are kept, without trailing zeros."""
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif isinstance(value, int) or float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", sep)


def euros(value: int | float | Decimal, sep: str = NARROW_NBSP) -> str:
    """``75000`` → ``75 000 €``; cents, rounded half up, only when there are some. Any
    magnitude (the precision grows with it); a value that is not a number is written as is."""
    d = Decimal(str(value))
    if not d.is_finite():
        return f"{value}{NBSP}€"
    precision = Context(prec=max(28, d.adjusted() + 4))
    d = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=precision)
    units = int(d)
    cents = int(abs(d - units) * 100)
    text = ("-" if d < 0 and units == 0 else "") + thousands(units, sep)
    if cents:
        text += f",{cents:02d}"
    return text + NBSP + "€"


def shortened(text: str, limit: int = 400) -> str:
    """Text quoted in a message, cut when it is very long: « aaa… (5 000 caractères) »."""
    if len(text) > limit:
        return f"{text[:120]}… ({fmt_int(len(text))} caractères)"
    return text


def counted(n: int, word: str, words: str | None = None) -> str:
    """``3, "commune"`` → ``3 communes``; French singular for 0 and 1 (``0 commune``)."""
    return f"{fmt_int(n)} {word if n <= 1 else (words or word + 's')}"


def date_text(value: object, missing: str = "") -> str:
    """A date or an ISO text → ``20 juin 2024``; a text that is not a date is kept as
    written; ``None`` or empty → ``missing``."""
    from cpts_cli.support.dates import as_date

    if value is None or value == "":
        return missing
    day = as_date(value)
    return long_date(day) if day is not None else str(value)


def lower_first(text: str) -> str:
    """A label inside a sentence: « Infirmier » → « infirmier », « Rédiger une lettre à
    l'ARS » → « rédiger une lettre à l'ARS ». Only the first letter, and never that of an
    acronym (« ARS », « CPTS », « MSP »): ``str.lower`` wrote « à l'ars »."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            following = text[i + 1 : i + 2]
            if ch.isupper() and not (following.isalpha() and following.isupper()):
                return text[:i] + ch.lower() + text[i + 1 :]
            return text
    return text


def unit_agreed(unit: str, value: object) -> str:
    """A unit after its number, in French agreement: 0 and 1 take the singular (« 0 patient »,
    « 1 réunion »). Only a single word ending in « s » is made singular; a longer unit
    (« pour 1 000 habitants ») is left as written."""
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    word = unit.strip()
    if number is None or abs(number) >= 2 or " " in word or len(word) < 3:
        return unit
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return unit


_VOWELS = "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒaeiouyàâäéèêëîïôöùûüœ"


def of_name(name: str) -> str:
    """« de » before a place name, the French way: « d'Annecy », « du Havre », « des Ulis »,
    « de La Rochelle », « de Chenôve »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1] in _VOWELS:
        return "d'" + name
    return "de " + name


def label_and_unit(label: str, unit: str) -> str:
    """« Taux d'évolution (2015-2021) » and « % par an » → « Taux d'évolution (2015-2021,
    % par an) »: one pair of parentheses, not two side by side."""
    label = label.rstrip()
    if label.endswith(")") and label.count("(") == label.count(")"):
        return f"{label[:-1]}, {unit})"
    return f"{label} ({unit})"


_RATE = re.compile(r"^(pour|par)\s+[\d\s\u00a0\u202f]*\d", re.IGNORECASE)


def label_says_unit(label: object, unit: object) -> bool:
    """Whether an indicator's label already says its unit: the unit itself (« en % »), or the
    same rate (« Places en EHPAD pour 1 000 personnes de 75 ans et plus » with the unit
    « pour 1 000 habitants de 75 ans et plus »), so that the document does not repeat it."""
    if not isinstance(label, str) or not isinstance(unit, str) or not unit.strip():
        return False

    def plain(text: str) -> str:
        return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip().lower()

    said, unit = plain(label), plain(unit)
    if unit in said:
        return True
    rate = _RATE.match(unit)
    return bool(rate) and rate.group(0) in said


NNBSP = "\u202f"  # narrow no-break space: before ; : ! ? and inside « »
_NBSP = "\u00a0"
_BEFORE_PUNCT = re.compile(r"[ \u00a0](?=[;:!?](?:\s|$|[»)\]]))")
_OPEN_QUOTE = re.compile(r"«[ \u00a0]")
_CLOSE_QUOTE = re.compile(r"[ \u00a0]»")
_APOSTROPHE = re.compile(r"(?<=[A-Za-zÀ-ÿœŒ])'(?=[A-Za-zÀ-ÿœŒ0-9])")
_NUMBER_THEN_WORD = re.compile(r"(?<=\d) (?=[€%‰]|[a-zà-ÿœ]+\b)")
_PHONE = re.compile(r"\b0\d(?:[ .]\d\d){4}\b")


def french_typography(text: str) -> str:
    """French composition of a text a document prints (the user's and ours alike):
    narrow no-break space before « ; : ! ? » and inside « », typographic apostrophe,
    no-break space between a number and what it counts (« 30 patients », « 75 000 € »)
    and inside a phone number. Idempotent; only spaces and straight apostrophes change."""
    if not text:
        return text
    text = _BEFORE_PUNCT.sub(NNBSP, text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    text = _CLOSE_QUOTE.sub(NNBSP + "»", text)
    text = _APOSTROPHE.sub("’", text)
    text = _NUMBER_THEN_WORD.sub(_NBSP, text)
    return _PHONE.sub(lambda m: m.group(0).replace(" ", _NBSP), text)


def list_fr(items: list[str], conjunction: str = "et") -> str:
    """[a, b, c] → « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
