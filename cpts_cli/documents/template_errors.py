"""A template's error in French: what Jinja says in English, said for a coordinator.

``describe(exc)`` gives the kind (« erreur de syntaxe », « variable ou clé inconnue »,
« opération interdite dans un modèle », « erreur à l'exécution ») and, for the frequent
cases, the detail in French; an unknown filter or tag comes with the nearest known names.
Any other message is only its kind, in French; ``--debug`` adds the original words.
"""

from __future__ import annotations

import difflib
import re

#: Jinja's names of the tokens it expected or found.
_TOKENS = {
    "end of statement block": "« %} »",
    "end of print statement": "« }} »",
    "end of template": "la fin du modèle",
    "end of comment": "« #} »",
    "name": "un nom",
    "integer": "un nombre",
    "string": "un texte",
    "end of line": "la fin de la ligne",
}

_TAGS = (
    "if elif else endif for endfor set endset macro endmacro call endcall include import from "
    "block endblock extends filter endfilter with endwith raw endraw break continue"
).split()


def _token(text: str) -> str:
    return _TOKENS.get(text, f"« {text} »")


def _near(name: str, known) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f" ; vouliez-vous dire {' ou '.join(f'« {c} »' for c in close)} ?" if close else ""


def _filters():
    from cpts_cli.documents.environment import FILTERS

    return FILTERS


#: (Jinja's English message, what to say) for each kind of error; first match wins.
_SYNTAX = [
    (r"No filter named '([^']+)'", lambda m: f"filtre inconnu « {m[1]} »{_near(m[1], _filters())}"),
    (r"No test named '([^']+)'", lambda m: f"test inconnu « {m[1]} »"),
    (
        r"Encountered unknown tag '([^']+)'",
        lambda m: f"balise inconnue « {{% {m[1]} %}} »{_near(m[1], _TAGS)}",
    ),
    (
        r"Unexpected end of template\..*innermost block that needs to be closed is '(\w+)'",
        lambda m: f"le bloc « {m[1]} » n'est pas fermé (« {{% end{m[1]} %}} » manque)",
    ),
    (r"Unexpected end of template", lambda m: "le modèle s'arrête au milieu d'une balise"),
    (
        r"Expected an expression, got '([^']+)'",
        lambda m: f"une valeur ou une variable manque avant {_token(m[1])}",
    ),
    (
        r"expected token '([^']+)', got '([^']+)'",
        lambda m: f"{_token(m[1])} attendu, {_token(m[2])} trouvé",
    ),
    (
        r"unexpected end of template, expected '([^']+)'",
        lambda m: f"le modèle s'arrête avant {_token(m[1])}",
    ),
    (r"unexpected '(.+)', expected '(.+)'$", lambda m: f"« {m[1]} » au lieu de « {m[2]} »"),
    (r"unexpected '(.+)'$", lambda m: f"« {m[1]} » inattendu"),
    (r"unexpected char '(.+)' at", lambda m: f"caractère inattendu « {m[1]} »"),
    (r"tag name expected", lambda m: "nom de balise attendu après « {% »"),
    (r"block '([^']+)' defined twice", lambda m: f"le bloc « {m[1]} » est défini deux fois"),
    (r"Block names in Jinja", lambda m: "nom de bloc sans tiret (« _ » à la place)"),
    (r"expected name or number", lambda m: "un nom ou un nombre attendu après le point"),
    (r"expected subscript expression", lambda m: "un indice attendu entre crochets"),
    (r"invalid syntax for function call", lambda m: "appel de fonction mal écrit"),
    (r"expected call", lambda m: "un appel attendu"),
    (
        r"non-default argument follows default",
        lambda m: "un paramètre sans valeur par défaut suit un paramètre qui en a une",
    ),
    (r"You cannot chain multiple tests", lambda m: "un seul « is » par test"),
    (
        r"cannot use extend from a non top-level",
        lambda m: "« {% extends %} » doit être au premier niveau du modèle",
    ),
    (r"can't assign to '(\w+)'", lambda m: "on ne peut donner une valeur qu'à un nom"),
    (r"Can't assign to special loop", lambda m: "« loop » est réservé aux boucles"),
    (r"names starting with an underline", lambda m: "un nom importé ne commence pas par « _ »"),
    (r"Invalid character in identifier", lambda m: "caractère interdit dans un nom"),
    (r"Required blocks can only contain", lambda m: "un bloc « required » reste vide"),
    (
        r".*\"caller\" argument",
        lambda m: "le paramètre « caller » doit avoir une valeur par défaut",
    ),
]
_UNDEFINED = [
    (r"'([^']+)' is undefined", lambda m: f"« {m[1]} » n'existe pas"),
    (
        r"'[^']+' (?:object )?has no attribute '([^']+)'",
        lambda m: f"pas de champ « {m[1]} » à cet endroit",
    ),
    (r".* has no element (.+)$", lambda m: f"pas d'élément {m[1]}"),
]
_SECURITY = [
    (r"access to attribute '([^']+)'", lambda m: f"accès interdit à « {m[1]} »"),
]


def _first(rules, message: str) -> str | None:
    for pattern, say in rules:
        m = re.match(pattern, message, re.S)
        if m:
            return say(m)
    return None


_RUNTIME = {
    "ZeroDivisionError": "division par zéro",
    "RecursionError": "appels imbriqués sans fin",
    "MemoryError": "mémoire épuisée",
    "OverflowError": "nombre trop grand",
    "IndexError": "élément absent (position hors de la liste, ou champ « {0} » d'un format "
    "sans valeur)",
    "KeyError": "clé absente",
    "TypeError": "opération impossible sur ce type de valeur (texte, nombre, liste…)",
    "ValueError": "valeur impossible pour cette opération",
    "AttributeError": "champ ou méthode absent",
    "UnicodeError": "texte impossible à encoder ou décoder",
    "StopIteration": "liste vide",
    "FilterArgumentError": "argument impossible pour ce filtre",
    "TemplateRuntimeError": "le modèle ne peut pas être produit (bloc requis absent, "
    "« extends » répété…)",
}
#: Python's messages said in French (first match wins), for the cases a template meets.
_PYTHON = [
    (r"Exceeds the limit \(\d+ digits\)", lambda m: "nombre trop grand pour être écrit"),
    (r"format_map\(\) takes", lambda m: "format_map() attend un seul dictionnaire"),
    (
        r"Replacement index (\d+) out of range",
        lambda m: f"aucune valeur pour le champ « {{{m[1]}}} »",
    ),
    (r"tuple index out of range", lambda m: "un champ « {0} » du format n'a pas de valeur"),
    (r"unsupported operand type", lambda m: "opération impossible entre ces types de valeurs"),
    (
        r"can only concatenate str",
        lambda m: "« + » entre un texte et une autre valeur : utilisez « ~ »",
    ),
    (r"can only concatenate", lambda m: "opération impossible entre ces types de valeurs"),
    (r"'(\w+)' object is not iterable", lambda m: "cette valeur n'est pas une liste"),
    (
        r"'(\w+)' object is not callable",
        lambda m: "cette valeur ne s'appelle pas comme une fonction",
    ),
    (r"invalid literal for int", lambda m: "texte qui n'est pas un nombre entier"),
    (r"could not convert string to float", lambda m: "texte qui n'est pas un nombre"),
]


def describe(exc: BaseException) -> str:
    """« kind (detail) » for the user: ``erreur de syntaxe (filtre inconnu « x »)``."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from cpts_cli.documents.template_limits import TemplateLimit

    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, TemplateLimit):
        return f"limite atteinte : {exc}"
    if isinstance(exc, TemplateSyntaxError):
        kind, detail = "erreur de syntaxe", _first(_SYNTAX, message)
    elif isinstance(exc, UndefinedError):
        kind, detail = "variable ou clé inconnue", _first(_UNDEFINED, message)
    elif isinstance(exc, SecurityError):
        kind, detail = "opération interdite dans un modèle", _first(_SECURITY, message)
    elif isinstance(exc, UnicodeDecodeError):
        return (
            f"le fichier n'est pas écrit en UTF-8 (octet n° {exc.start + 1}) : enregistrez-le "
            "en UTF-8 dans votre éditeur"
        )
    else:
        said = _runtime(exc, message)
        if said.startswith("erreur inattendue"):
            said += _technical(exc, message)
        return f"erreur à l'exécution : {said}"
    if detail is None:
        return kind + _technical(exc, message)
    return f"{kind} : {detail}"


def _technical(exc: BaseException, message: str) -> str:
    """Jinja's or Python's own words, for ``--debug`` only (a bug report)."""
    from cpts_cli.support import debug

    if not debug.enabled():
        return ""
    return f" (détail technique : {type(exc).__name__} : {message})"


def _runtime(exc: BaseException, message: str) -> str:
    """A Python error in French: its message when known, else its kind (never English)."""
    said = _first(_PYTHON, message)
    if said is not None:
        return said
    for cls in type(exc).__mro__:
        if cls.__name__ in _RUNTIME:
            detail = _RUNTIME[cls.__name__]
            if cls.__name__ == "KeyError" and exc.args:
                detail += f" « {exc.args[0]} »"
            return detail
    return f"erreur inattendue ({type(exc).__name__})"
