"""Click's and Typer's own words, in French.

Click marks its messages with gettext; we install a translation function in each Click
module (and Typer's), so ``--help``, usage errors and prompts speak French whatever the
user's locale. Unknown strings fall back to English rather than failing.
"""

from __future__ import annotations

import sys

FR: dict[str, str] = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Arguments": "Arguments",
    "Commands": "Commandes",
    "Positional arguments": "Arguments positionnels",
    "Show this message and exit.": "Afficher ce message et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Aborted!": "Interrompu.",
    "Aborted.": "Interrompu.",
    "Error": "Erreur",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : « {name} ».",
    "No such option: {name}": "Option inconnue : {name}",
    "No such option {name!r}.": "Option inconnue : « {name} ».",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "Essayez [blue]« {command_path} {help_option} »[/] pour l'aide.",
    "Error: {message}": "Erreur : {message}",
    "Error: invalid input": "Erreur : saisie invalide",
    "Error: The two entered values do not match.": "Erreur : les deux saisies diffèrent.",
    "unknown error": "erreur inconnue",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir le fichier « {filename} » : {message}",
    "Option {name!r} does not take a value.": "L'option « {name} » ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L'argument « {name} » prend {nargs} valeurs.",
    "required": "obligatoire",
    "[required]": "[obligatoire]",
    "default: {default}": "défaut : {default}",
    "[default: {}]": "[défaut : {}]",
    "env var: {var}": "variable d'environnement : {var}",
    "[env var: {}]": "[variable d'environnement : {}]",
    "(dynamic)": "(dynamique)",
    "(deprecated) ": "(obsolète) ",
    "deprecated": "obsolète",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Repeat for confirmation": "Répétez pour confirmer",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a file.": "{name} « {filename} » est un fichier.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » est un dossier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » illisible.",
    "{name} {filename!r} is not writable.": "{name} « {filename} » non modifiable.",
    "{name} {filename!r} is not executable.": "{name} « {filename} » non exécutable.",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "« {value} » n'est pas un booléen valide. Valeurs reconnues : {states}",
    "{value!r} is not a valid UUID.": "« {value} » n'est pas un UUID valide.",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "Value must be an iterable.": "La valeur doit être une liste.",
}

FR_PLURAL: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": (
        "Argument en trop : {args}",
        "Arguments en trop : {args}",
    ),
    "Option {name!r} requires an argument.": (
        "L'option « {name} » attend une valeur.",
        "L'option « {name} » attend {nargs} valeurs.",
    ),
    "Did you mean {possibility}?": (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l'une de : {possibilities} ?)",
    ),
    "{value!r} is not {choice}.": (
        "« {value} » n'est pas {choice}.",
        "« {value} » ne fait pas partie de : {choices}.",
    ),
    "{value!r} does not match the format {format}.": (
        "« {value} » ne correspond pas au format {format}.",
        "« {value} » ne correspond à aucun des formats {formats}.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Attend {nargs} valeurs, 1 donnée.",
        "Attend {nargs} valeurs, {len} données.",
    ),
}


def gettext(message: str) -> str:
    return FR.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    pair = FR_PLURAL.get(singular)
    if pair is None:
        return singular if n == 1 else plural
    return pair[0] if n == 1 else pair[1]


_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click.shell_completion",
    "typer.core",
    "typer.main",
)

_RICH_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def install() -> None:
    """Patch the gettext names Click and Typer bound at import time."""
    for name in _CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def install_rich() -> None:
    """Typer's Rich help computes its labels at import: translate them once it is loaded."""
    module = sys.modules.get("typer.rich_utils")
    if module is None:
        return
    for attr, english in _RICH_CONSTANTS.items():
        if hasattr(module, attr):
            setattr(module, attr, gettext(english))
    if hasattr(module, "_"):
        module._ = gettext
