"""Click's and Typer's own words, in French.

Typer 0.26+ runs on its own copy of Click, whose words are plain English strings (the
``click`` package marked them with gettext); Typer's own modules still use gettext. All are
made to speak French whatever the user's locale:

- ``install()`` / ``install_rich()``: a translation function in Typer's gettext-using
  modules, and Rich help's labels, which Typer computes at import;
- ``frenchify(command)``: on the command tree, Click's public hooks — the context class
  (its help formatter writes « Utilisation : »), the help option's help, and the type
  column and usage line named as Click named them (« FICHIER », not ``<file>``);
- ``french_error(exc)``: a usage error's message, rebuilt in French from the English one.

Unknown strings fall back to English rather than failing; the tests scan every help and
the usual usage errors for Click's English words.
"""

from __future__ import annotations

import re
import sys

import typer

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


#: Typer's modules that use gettext, and the click package's, which Typer < 0.26 runs on
#: (not the pinned versions, but what a shared environment may still hold).
_GETTEXT_MODULES = (
    "typer.core",
    "typer.main",
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click.shell_completion",
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
    """Patch the gettext names Typer (and Click) bound at import time."""
    for name in _GETTEXT_MODULES:
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


USAGE_PREFIX = "Utilisation : "
HELP_OPTION_HELP = FR["Show this message and exit."]


def _click_class(name: str) -> type:
    """A class of the Click Typer runs on (``ClickException``, ``UsageError``), found among
    the bases of ``typer.BadParameter``: the same in both Clicks, no private import."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == name:
            return cls
    raise ImportError(f"{name} introuvable parmi les bases de typer.BadParameter")


ClickException = _click_class("ClickException")
UsageError = _click_class("UsageError")


class FrenchHelpFormatter(typer.Context.formatter_class):
    """Click's help formatter, with the usage line starting « Utilisation : »."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)


class FrenchContext(typer.Context):
    formatter_class = FrenchHelpFormatter


def frenchify(command) -> None:
    """French words for ``command`` and every subcommand: their contexts format help and
    usage errors with « Utilisation : », the help option says « Afficher ce message et
    quitter. », values are named « FICHIER », « TEXTE »… (Click's public hooks: the
    command's ``context_class``, ``get_help_option``, a parameter's ``metavar`` and
    ``get_usage_pieces``; Typer 0.29's ``display_type_rich``)."""
    command.context_class = FrenchContext
    get_help_option = command.get_help_option

    def french_help_option(ctx):
        option = get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
            _click_type_names(option)
        return option

    command.get_help_option = french_help_option
    for param in command.params:
        _click_type_names(param)
    for sub in getattr(command, "commands", {}).values():
        frenchify(sub)


#: Typer 0.29 names a value's type after Python's (``<str>``, ``<file>``, ``<bool>``): in
#: French, in capitals as Click wrote them (its « FICHIER », « DOSSIER »); nothing for a flag.
_TYPE_NAMES = {
    "bool": "",
    "str": "TEXTE",
    "int": "ENTIER",
    "float": "NOMBRE",
    "int range": "ENTIER",
    "float range": "NOMBRE",
    "file": FR["file"].upper(),
    "dir": FR["directory"].upper(),
    "path": FR["path"].upper(),
    "Path": FR["path"].upper(),
}


def click_type_name(label: str) -> str:
    """Typer 0.29's ``<list[Path]>``, ``<str>``, ``<text|json>`` in French, as Click
    wrote types: « CHEMIN », « TEXTE », « [text|json] »."""
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    if inner.startswith("list[") and inner.endswith("]"):
        inner = inner[5:-1]
    if inner in _TYPE_NAMES:
        return _TYPE_NAMES[inner]
    if "|" in inner:
        return f"[{inner}]"
    return inner.upper()


def _click_type_names(param) -> None:
    """On Typer 0.29 (its parameters have ``display_type_rich``), the help names types and
    arguments as Click did, in French: an option's type « FICHIER », « TEXTE »
    (not ``<file>``), nothing for a flag; an argument « [FICHIERS]... » in the usage line and
    the type column (not ``[fichiers]...`` and ``<list[Path]>``)."""
    display_type_rich = getattr(param, "display_type_rich", None)
    if display_type_rich is None:  # Typer < 0.29: Click's types, named in English
        _french_metavar(param)
        return
    if param.param_type_name == "argument":
        metavar = _argument_metavar(param)
        param.display_type_rich = lambda ctx: metavar
        param.get_usage_pieces = lambda ctx: [metavar]
        return
    if param.metavar is not None:
        return

    def french_type(ctx):
        label = display_type_rich(ctx=ctx)
        return label if label is None else click_type_name(label)

    param.display_type_rich = french_type


#: The names of Click's types in French (Typer < 0.29 names a value after its Click type).
_CLICK_TYPES = {
    "text": "TEXTE",
    "integer": "ENTIER",
    "integer range": "ENTIER",
    "float": "NOMBRE",
    "float range": "NOMBRE",
}


def _french_metavar(param) -> None:
    """An option's value named in French (« TEXTE », « ENTIER ») where Click writes its
    type's English name: through its metavar, Click's public attribute for it."""
    if param.param_type_name != "option" or param.metavar is not None:
        return
    if getattr(param, "is_flag", False):
        return
    french = _CLICK_TYPES.get(getattr(getattr(param, "type", None), "name", None))
    if french:
        param.metavar = french


def _argument_metavar(param) -> str:
    """Click's ``Argument.make_metavar``: the metavar given, else the name in capitals,
    bracketed when optional, « ... » when it takes several values."""
    if param.metavar is not None:
        return param.metavar
    metavar = param.name.upper()
    if not param.required:
        metavar = f"[{metavar}]"
    return metavar + ("..." if param.nargs != 1 else "")


def french_error(exc):
    """``exc`` (a Click error) with its message in French: itself when already French
    (Click with gettext), else a new error of the same kind, context and exit code."""
    message = exc.format_message()
    french = translate(message)
    if french == message:
        return exc
    if isinstance(exc, UsageError):
        new = UsageError(french, ctx=exc.ctx)
    else:
        new = ClickException(french)
    new.exit_code = exc.exit_code
    return new


def _extra_arguments(m: re.Match) -> str:
    args = m["args"]
    one, many = FR_PLURAL["Got unexpected extra argument ({args})"]
    return (many if len(args.split()) > 1 else one).format(args=args)


def _possible_options(m: re.Match) -> str:
    names = m["names"].split(", ")
    one, many = FR_PLURAL["Did you mean {possibility}?"]
    if len(names) == 1:
        return one.format(possibility=names[0])
    return many.format(possibilities=m["names"])


def _missing(m: re.Match) -> str:
    kind = {"argument": "Missing argument", "option": "Missing option"}.get(
        m["kind"], "Missing parameter"
    )
    return f"{FR[kind]}{m['rest']}"


def _requires(m: re.Match) -> str:
    one, many = FR_PLURAL["Option {name!r} requires an argument."]
    nargs = int(m["nargs"]) if m["nargs"] else 1
    return (one if nargs == 1 else many).format(name=m["name"], nargs=nargs)


_PATH_KINDS = {"file": "file", "dir": "directory", "directory": "directory", "path": "path"}


def _path_error(m: re.Match) -> str:
    template = FR[f"{{name}} {{filename!r}} {m['what']}."]
    kind = FR[_PATH_KINDS[m["label"].lower()]]
    return template.format(name=kind.capitalize(), filename=m["name"])


#: Typer 0.29 converts values with pydantic: its messages (the first error) in French.
_PYDANTIC_TYPES = {
    "integer": "Un nombre entier est attendu.",
    "number": "Un nombre est attendu.",
    "boolean": "Un booléen (oui/non) est attendu.",
    "string": "Un texte est attendu.",
    "date": "Une date (AAAA-MM-JJ) est attendue.",
    "datetime": "Une date et une heure sont attendues.",
}
_PYDANTIC_BOUNDS = {
    "greater than": "supérieure à",
    "greater than or equal to": "supérieure ou égale à",
    "less than": "inférieure à",
    "less than or equal to": "inférieure ou égale à",
}


def _sub(template: str, **names: str):
    """A replacement: the French of ``template`` with the groups ``names`` maps to."""
    return lambda m: FR[template].format(**{k: m[v] if v else "" for k, v in names.items()})


#: The English sentences of the Click inside Typer 0.26+ (f-strings, no gettext), each with
#: its French; applied in order, every match replaced.
_ENGLISH: list[tuple[re.Pattern, object]] = [
    (re.compile(r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<args>.*)\)"), _extra_arguments),
    (re.compile(r"\(Possible options: (?P<names>[^)]*)\)"), _possible_options),
    (re.compile(r"\.? ?Did you mean (?P<names>.*?)\?"), lambda m: " " + _possible_options(m)),
    (re.compile(r"No such option: (?P<name>\S+)"), _sub("No such option: {name}", name="name")),
    (
        re.compile(r"No such command '(?P<name>[^']*)'\."),
        _sub("No such command {name!r}.", name="name"),
    ),
    (re.compile(r"^Missing command\."), _sub("Missing command.")),
    (re.compile(r"^Missing (?P<kind>argument|option|parameter)(?P<rest>.*)"), _missing),
    (
        re.compile(r"^Missing parameter: (?P<name>.*)"),
        _sub("Missing parameter: {param_name}", param_name="name"),
    ),
    (
        re.compile(r"^Invalid value for (?P<hint>.*?): "),
        _sub("Invalid value for {param_hint}: {message}", param_hint="hint", message=""),
    ),
    (re.compile(r"^Invalid value: "), _sub("Invalid value: {message}", message="")),
    (
        re.compile(r"Option '(?P<name>[^']*)' requires (?:an argument|(?P<nargs>\d+) arguments)\."),
        _requires,
    ),
    (
        re.compile(r"Option '(?P<name>[^']*)' does not take a value\."),
        _sub("Option {name!r} does not take a value.", name="name"),
    ),
    (
        re.compile(r"Argument '(?P<name>[^']*)' takes (?P<nargs>\d+) values\."),
        _sub("Argument {name!r} takes {nargs} values.", name="name", nargs="nargs"),
    ),
    (
        re.compile(r"'(?P<value>[^']*)' is not one of (?P<choices>.*?)\.$"),
        lambda m: FR_PLURAL["{value!r} is not {choice}."][1].format(
            value=m["value"], choices=m["choices"]
        ),
    ),
    (
        re.compile(r"Value '(?P<value>[^']*)' is not a valid (?P<label>\w+)\."),
        lambda m: FR["{value!r} is not a valid {number_type}."].format(
            value=m["value"], number_type=m["label"]
        ),
    ),
    (re.compile(r"\bValue error, "), lambda m: ""),
    (
        re.compile(
            r"Input should be a valid (?P<type>integer|number|boolean|string|date|datetime)\b.*"
        ),
        lambda m: _PYDANTIC_TYPES[m["type"]],
    ),
    (
        re.compile(
            r"Input should be (?P<bound>(?:greater|less) than(?: or equal to)?) (?P<limit>\S+)"
        ),
        lambda m: f"La valeur doit être {_PYDANTIC_BOUNDS[m['bound']]} {m['limit']}.",
    ),
    (
        re.compile(
            r"(?P<label>File|Directory|Path|file|dir|directory|path) '(?P<name>[^']*)' "
            r"(?P<what>does not exist|is a file|is a directory|is not readable|is not writable)\."
        ),
        _path_error,
    ),
]


def translate(message: str) -> str:
    """``message`` with the English sentences of Click (inside Typer 0.26+) in French."""
    for pattern, french in _ENGLISH:
        message = pattern.sub(french, message)
    return message
