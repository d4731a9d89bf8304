"""Rules over several sections: dates against the calendar and against each other.

These rules have no step of their own (``step=None``): each finding belongs to the step of
the section it points to, so a meeting dated in the future holds back the mobilisation, a
decision dated in the future the validation.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator

from cpts_cli.checking.rules.engine import Context, hit, parse_date, rule
from cpts_cli.project.positions import escape, pointer
from cpts_cli.support.dates import as_month, plan_bounds
from cpts_cli.support.formatting import from_date, long_date
from cpts_cli.workflow.steps import STEPS

#: Lists of dated entries (histories): pointer, date key, what an entry is (for messages).
HISTORIES = (
    ("/mobilisation/reunions", "date", "la réunion"),
    ("/presentation/presentations", "date", "la présentation"),
    ("/validation/decisions", "date", "la décision"),
    ("/validation/fir", "date", "le financement FIR"),
    ("/lettre_intention/calendrier", "echeance", "l'échéance"),
)

#: Dated facts that have happened once they are written: (pointer of a list or of a
#: value, date key in each item or ``None``, how the message names it).
_DONE_LISTS = (
    ("/mobilisation/reunions", "date", "La réunion"),
    ("/presentation/presentations", "date", "La présentation"),
    ("/validation/decisions", "date", "La décision"),
    ("/validation/fir", "date", "Le financement FIR"),
)
_DONE_VALUES = (
    ("/validation/envoi_projet", "L'envoi du projet de santé à l'ARS"),
    ("/validation/contrat/date_signature", "La signature du contrat ACI"),
)


def _future(ctx: Context, value: object) -> _dt.date | None:
    day = parse_date(value)
    return day if day is not None and day > ctx.today else None


@rule(
    "CPTS-G005",
    step=None,
    title="Date à venir pour un fait accompli",
    message="{quoi} porte la date du {date}, une date à venir (nous sommes le "
    "{aujourdhui}) : {conseil}.",
)
def future_done_dates(ctx: Context):
    """Une réunion tenue, une présentation faite, une décision, un financement reçu, l'envoi
    du projet, la signature du contrat, la création d'une association déclarée et la fin
    d'une étape ont eu lieu : leur date ne peut pas être après aujourd'hui. Une étape
    terminée à une date à venir est un avertissement, les autres des erreurs de l'étape de
    leur section.

    Incorrect : `date_signature: 2031-06-20` le 1er novembre 2025. Correct : la date écrite
    sur le contrat signé ; tant qu'il n'est pas signé, pas de `contrat`.
    """
    today = long_date(ctx.today)
    fix = "corrigez la date, ou ne notez ce fait qu'une fois qu'il a eu lieu"
    for ptr, key, what in _DONE_LISTS:
        for i, item in ctx.items(ptr):
            day = _future(ctx, item.get(key))
            if day:
                yield hit(
                    f"{ptr}/{i}/{key}",
                    quoi=what,
                    date=long_date(day),
                    aujourdhui=today,
                    conseil=fix,
                )
    for ptr, what in _DONE_VALUES:
        day = _future(ctx, ctx.get(ptr))
        if day:
            yield hit(ptr, quoi=what, date=long_date(day), aujourdhui=today, conseil=fix)
    association = ctx.get("/cpts/association")
    if isinstance(association, dict) and association.get("statut") == "declaree":
        day = _future(ctx, association.get("date_creation"))
        if day:
            yield hit(
                "/cpts/association/date_creation",
                quoi="La création de l'association, notée « déclarée en préfecture »,",
                date=long_date(day),
                aujourdhui=today,
                conseil="si la déclaration est à venir, écrivez « statut: en_creation » "
                "(section cpts, association) ; sinon corrigez la date de création",
            )
    yield from _future_steps(ctx, today)


def _future_steps(ctx: Context, today: str):
    records = ctx.get("/etapes")
    if not isinstance(records, dict):
        return
    for step in STEPS:
        record = records.get(step.id)
        day = _future(ctx, record.get("terminee_le") if isinstance(record, dict) else None)
        if day:
            yield hit(
                pointer("etapes", step.id, "terminee_le"),
                "warning",
                quoi=f"La fin de l'étape « {step.label} »",
                date=long_date(day),
                aujourdhui=today,
                conseil="cette date est écrite par « cpts next » le jour où l'étape est "
                "terminée ; remettez la date réelle",
            )


@rule(
    "CPTS-G006",
    step=None,
    severity="warning",
    title="Historique dans le désordre",
    message="{quoi} {date} (position {position}) vient après une entrée {precedente} : "
    "classez la liste du plus ancien au plus récent.",
)
def histories_in_order(ctx: Context):
    """Les listes datées (réunions, présentations, décisions, financements FIR, calendrier de
    la lettre d'intention) se lisent du plus ancien au plus récent, dans le fichier comme
    dans les documents. Le constat nomme la première entrée mal rangée.

    Incorrect : une réunion du 2022-06-16 écrite avant celle du 2022-04-07. Correct : la
    réunion du 2022-04-07 d'abord.
    """
    for ptr, key, what in HISTORIES:
        latest: tuple[_dt.date, str] | None = None
        for i, item in ctx.items(ptr):
            # A planned date may be a month (« 2027-03 »): it is out of order only when it
            # ends before the latest one begins.
            bounds = plan_bounds(item.get(key))
            if bounds is None:
                continue
            shown = _day_or_month(item.get(key), bounds[0])
            if latest is not None and bounds[1] < latest[0]:
                yield hit(
                    f"{ptr}/{i}/{key}",
                    quoi=what[:1].upper() + what[1:],
                    date=shown,
                    position=i + 1,
                    precedente=latest[1],
                )
                break
            if latest is None or bounds[0] >= latest[0]:
                latest = (bounds[0], shown)


def _day_or_month(value: object, first: _dt.date) -> str:
    """« du 20 juin 2024 », or « de juin 2024 » for a month."""
    return from_date(value if as_month(value) else first) or ""


#: A date as users write it in a sentence: « 20 juin 2024 », « 1er juin 2024 »,
#: « 20/06/2024 », « 2024-06-20 ».
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
_DATE_RE = re.compile(
    r"(?P<d>\d{1,2})(?:er)?\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_SIGNED_RE = re.compile(r"\bsign(?:é|e|ée|ature)\b", re.IGNORECASE)
_CONTRACT_RE = re.compile(r"\bcontrat\b|\bACI\b", re.IGNORECASE)
_AMENDMENT_RE = re.compile(r"\bavenant\b|\baccord conventionnel\b", re.IGNORECASE)


def _date_of(match: re.Match) -> _dt.date | None:
    try:
        if match.group("iso"):
            return _dt.date.fromisoformat(match.group("iso"))
        if match.group("d2"):
            return _dt.date(int(match.group("y2")), int(match.group("m2")), int(match.group("d2")))
        month = _MONTHS.index(match.group("m").lower()) + 1
        return _dt.date(int(match.group("y")), month, int(match.group("d")))
    except ValueError:
        return None


def _texts(value: object, ptr: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield ptr, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _texts(child, f"{ptr}/{escape(str(key))}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _texts(child, f"{ptr}/{i}")


def signing_dates_in_text(text: str) -> list[_dt.date]:
    """The dates a sentence gives for the signing of the contract: a sentence that speaks of
    the contract (« contrat », « ACI ») being signed (« signé », « signature »), and not of
    an amendment of the national agreement, and the dates it contains."""
    out = []
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if not (_SIGNED_RE.search(sentence) and _CONTRACT_RE.search(sentence)):
            continue
        if _AMENDMENT_RE.search(sentence):
            continue
        out += [d for d in map(_date_of, _DATE_RE.finditer(sentence)) if d is not None]
    return out


#: Sections whose texts may speak of the signed contract (the letter's calendar gives a
#: planned date, not the one signed).
_SIGNATURE_TEXTS = ("validation", "mise_en_oeuvre", "projet_sante")


@rule(
    "CPTS-V010",
    step="validation",
    severity="warning",
    title="Date de signature du contrat différente",
    message="Ce texte date la signature du contrat du {ecrite}, mais le contrat est noté "
    "signé le {signature} (validation, contrat, date_signature) : mettez la même date "
    "aux deux endroits.",
)
def signing_date_everywhere(ctx: Context):
    """La date de signature du contrat ACI est celle de `validation.contrat.date_signature` ;
    un texte du fichier (commentaire d'une décision, activité d'une année, preuve, projet de
    santé) qui date la signature du contrat donne la même. Le calendrier de la lettre
    d'intention, qui donne une date prévue, n'est pas comparé.

    Incorrect : `date_signature: 2024-06-20` et « Contrat ACI signé le 2 juillet 2024 » dans
    un commentaire. Correct : « Contrat ACI signé le 20 juin 2024 ».
    """
    signature = parse_date(ctx.get("/validation/contrat/date_signature"))
    if signature is None:
        return
    for section in _SIGNATURE_TEXTS:
        for ptr, text in _texts(ctx.data.get(section), f"/{section}"):
            for day in signing_dates_in_text(text):
                if day != signature:
                    yield hit(ptr, ecrite=long_date(day), signature=long_date(signature))
                    break
