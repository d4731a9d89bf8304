"""The questions of ``cpts init`` without ``--no-input``, in French
(:mod:`cpts_cli.cli.questions`), each checked by the validators the options use.

Communes and intercommunalities are asked by code or by name (« Annecy, St Jorioz, 74010 »,
« Grand Annecy »): a name that designates one place is taken and said; several places give a
choice (code, department, population, the words of ``init --communes``); none gives the
nearest names and the question again, the answer ready to correct.
"""

from __future__ import annotations

from collections.abc import Callable

from cpts_cli.cli import questions
from cpts_cli.fill.validators import check_commune, check_email, check_epci

Check = Callable[[str], "str | None"]
Say = Callable[[str, str], None]
_SAY_STYLES = {"ok": ("✔ ", "green"), "refused": ("✗ ", "bold red")}


def _validator(check: Check, optional: bool = True):
    def validate(text: str):
        text = text.strip()
        if not text:
            return True if optional else "Réponse obligatoire."
        return check(text) or True

    return validate


def _validate_codes(check: Check):
    """The codes of the answer checked as they are typed; names are looked up on Entrée."""
    from cpts_cli.territory.names import looks_like_code, split_entries

    def validate(text: str):
        for item in split_entries(text):
            problem = check(item) if looks_like_code(item) else None
            if problem:
                return problem
        return True

    return validate


def _say(text: str, kind: str) -> None:
    from rich.markup import escape

    from cpts_cli.cli.common import console
    from cpts_cli.cli.reporters import visible

    prefix, style = _SAY_STYLES.get(kind, ("", ""))
    console().print(prefix + escape(visible(text)), style=style or None, soft_wrap=False)


def ask_init(answers: dict, say: Say | None = None, **io) -> dict:
    """Ask what the options did not give. ``say(text, kind)`` prints what was understood or
    refused (« ok », « refused »); ``io`` passes ``input``/``output`` for tests."""
    from cpts_cli.checking.schema import vocabulary

    out = dict(answers)
    say = say or _say

    def text(message: str, validate, default: str = "", instruction: str | None = None):
        return (
            questions.text(
                message, validate=validate, default=default, instruction=instruction, **io
            )
            .unsafe_ask()
            .strip()
        )

    if not out.get("nom"):
        out["nom"] = text("Nom de la CPTS :", _validator(lambda v: None, optional=False))
    if not out.get("porteur"):
        out["porteur"] = text("Nom du porteur du projet :", _validator(lambda v: None))
    if not out.get("profession"):
        choices = [("", "(ne pas préciser)"), *vocabulary("profession").items()]
        out["profession"] = (
            questions.select("Profession du porteur :", choices, **io).unsafe_ask() or None
        )
    if not out.get("email"):
        out["email"] = text("Courriel du porteur (facultatif) :", _validator(check_email)) or None
    if not out.get("communes") and not out.get("epci"):
        from cpts_cli.territory.names import COMMUNES, EPCI

        places = Places(say, io)
        out["communes"] = places.ask(
            "Premières communes (facultatif) :",
            COMMUNES,
            check_commune,
            "(codes INSEE ou noms, ex. Annecy, St Jorioz, 74010)",
        )
        if not out["communes"]:
            out["epci"] = places.ask(
                "Intercommunalités (facultatif) :",
                EPCI,
                check_epci,
                "(SIREN ou noms, ex. Grand Annecy, 200066793)",
            )
    return out


class Places:
    """Codes or names of communes (or EPCI) typed on one line, turned into codes."""

    def __init__(self, say: Say, io: dict) -> None:
        self.say = say
        self.io = io

    def ask(self, message: str, which: str, check: Check, instruction: str) -> list[str]:
        answer = ""
        while True:
            answer = (
                questions.text(
                    message,
                    default=answer,
                    validate=_validate_codes(check),
                    instruction=instruction,
                    **self.io,
                )
                .unsafe_ask()
                .strip()
            )
            codes = self.codes(answer, which, check)
            if codes is not None:
                return codes

    def codes(self, answer: str, which: str, check: Check) -> list[str] | None:
        """The codes of ``answer`` in order, once each; ``None`` when a name must be retyped
        (said why)."""
        from cpts_cli.territory.names import looks_like_code, split_entries

        codes: list[str] = []
        for entry in split_entries(answer):
            code = entry.upper() if looks_like_code(entry) else self.code_of(entry, which)
            if code is None:
                return None
            problem = check(code)
            if problem:
                self.say(problem, "refused")
                return None
            if code not in codes:
                codes.append(code)
        return codes

    def code_of(self, name: str, which: str) -> str | None:
        """The code ``name`` designates: taken when one place, chosen among several; ``None``
        when none (the nearest names said) or none of the places offered was the one."""
        from cpts_cli.support.formatting import shortened
        from cpts_cli.territory.names import candidates, describe, unknown_name

        found = candidates(name, which)
        quoted = shortened(name)
        if not found:
            self.say(unknown_name(name, which) + " Corrigez la réponse.", "refused")
            return None
        if len(found) == 1:
            self.say(f"« {quoted} » : {describe(found[0])}.", "ok")
            return found[0].code
        choices = [(r.code, describe(r)) for r in found]
        choices.append((None, "(aucune de celles-ci : corriger la réponse)"))
        # The answered line says which place was chosen.
        return questions.select(f"« {quoted} » : laquelle ?", choices, **self.io).unsafe_ask()


def choose_place(text: str, found: list, **io) -> str | None:
    """A person in a terminal picks the place a name designates among several (``cpts
    territory add Saint-Jean``, ``cpts init --communes …``); ``None``: none of them."""
    from cpts_cli.support.formatting import shortened
    from cpts_cli.territory.names import describe

    choices = [(r.code, describe(r)) for r in found[:30]]
    choices.append((None, "(aucune de celles-ci : ne rien écrire)"))
    return questions.select(f"« {shortened(text)} » : laquelle ?", choices, **io).unsafe_ask()
