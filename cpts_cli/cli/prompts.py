"""Interactive questions (questionary), each checked by the validators the options use."""

from __future__ import annotations

from collections.abc import Callable

from cpts_cli.fill.validators import check_commune, check_email, check_epci


def _validator(check: Callable[[str], str | None], optional: bool = True):
    def validate(text: str):
        text = text.strip()
        if not text:
            return True if optional else "Réponse obligatoire."
        return check(text) or True

    return validate


def _validate_list(check: Callable[[str], str | None]):
    def validate(text: str):
        for item in [v for v in text.replace(";", ",").replace(" ", ",").split(",") if v]:
            problem = check(item)
            if problem:
                return problem
        return True

    return validate


def ask_init(answers: dict, **io) -> dict:
    """Ask what the options did not give. ``io`` passes ``input``/``output`` for tests."""
    import questionary

    from cpts_cli.checking.schema import vocabulary

    out = dict(answers)
    style = questionary.Style([("qmark", "fg:#5f87af bold"), ("question", "bold")])

    def text(message: str, validate, default: str = "", instruction: str | None = None):
        return (
            questionary.text(
                message,
                validate=validate,
                default=default,
                style=style,
                instruction=instruction,
                **io,
            )
            .unsafe_ask()
            .strip()
        )

    if not out.get("nom"):
        out["nom"] = text("Nom de la CPTS :", _validator(lambda v: None, optional=False))
    if not out.get("porteur"):
        out["porteur"] = text("Nom du porteur du projet :", _validator(lambda v: None))
    if not out.get("profession"):
        labels = vocabulary("profession")
        choices = [questionary.Choice(label, value=key) for key, label in labels.items()]
        choices.insert(0, questionary.Choice("(ne pas préciser)", value=""))
        out["profession"] = (
            questionary.select(
                "Profession du porteur :", choices=choices, style=style, **io
            ).unsafe_ask()
            or None
        )
    if not out.get("email"):
        out["email"] = text("Courriel du porteur (facultatif) :", _validator(check_email)) or None
    if not out.get("communes") and not out.get("epci"):
        raw = text(
            "Codes INSEE des premières communes (séparés par des virgules, facultatif) :",
            _validate_list(check_commune),
            instruction="ex. 21166, 21355",
        )
        out["communes"] = [
            v.strip().upper()
            for v in raw.replace(";", ",").replace(" ", ",").split(",")
            if v.strip()
        ]
        if not out["communes"]:
            raw = text("SIREN des intercommunalités (facultatif) :", _validate_list(check_epci))
            out["epci"] = [
                v.strip() for v in raw.replace(";", ",").replace(" ", ",").split(",") if v.strip()
            ]
    return out
