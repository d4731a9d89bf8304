"""A template's error in French: what Jinja says in English, said for a coordinator.

``describe(exc)`` gives the kind (« erreur de syntaxe », « variable ou clé inconnue »,
« opération interdite dans un modèle », « erreur à l'exécution ») and, for the frequent
cases, the detail in French; an unknown filter or tag comes with the nearest known names.
Any other message of Jinja is kept, marked as its own words.
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


def _syntax(message: str) -> str | None:
    from cpts_cli.render.environment import FILTERS

    m = re.match(r"No filter named '([^']+)'", message)
    if m:
        return f"filtre inconnu « {m.group(1)} »{_near(m.group(1), FILTERS)}"
    m = re.match(r"No test named '([^']+)'", message)
    if m:
        return f"test inconnu « {m.group(1)} »"
    m = re.match(r"Encountered unknown tag '([^']+)'", message)
    if m:
        return f"balise inconnue « {{% {m.group(1)} %}} »{_near(m.group(1), _TAGS)}"
    m = re.match(
        r"Unexpected end of template\..*innermost block that needs to be closed is '(\w+)'",
        message,
        re.S,
    )
    if m:
        return f"le bloc « {m.group(1)} » n'est pas fermé (« {{% end{m.group(1)} %}} » manque)"
    if message.startswith("Unexpected end of template"):
        return "le modèle s'arrête au milieu d'une balise"
    m = re.match(r"Expected an expression, got '([^']+)'", message)
    if m:
        return f"une valeur ou une variable manque avant {_token(m.group(1))}"
    m = re.match(r"expected token '([^']+)', got '([^']+)'", message)
    if m:
        return f"{_token(m.group(1))} attendu, {_token(m.group(2))} trouvé"
    m = re.match(r"unexpected '(.+)'$", message)
    if m:
        return f"« {m.group(1)} » inattendu"
    m = re.match(r"unexpected char '(.+)' at", message)
    if m:
        return f"caractère inattendu « {m.group(1)} »"
    return None


def _undefined(message: str) -> str | None:
    m = re.match(r"'([^']+)' is undefined", message)
    if m:
        return f"« {m.group(1)} » n'existe pas"
    m = re.match(r"'[^']+' (?:object )?has no attribute '([^']+)'", message)
    if m:
        return f"pas de champ « {m.group(1)} » à cet endroit"
    m = re.match(r".* has no element (.+)$", message)
    if m:
        return f"pas d'élément {m.group(1)}"
    return None


def _security(message: str) -> str | None:
    m = re.match(r"access to attribute '([^']+)'", message)
    if m:
        return f"accès interdit à « {m.group(1)} »"
    if "range" in message and "too big" in message:
        return "boucle trop longue"
    return None


_RUNTIME = {
    "ZeroDivisionError": "division par zéro",
    "RecursionError": "appels imbriqués sans fin",
    "MemoryError": "mémoire épuisée",
    "OverflowError": "nombre trop grand",
}


def describe(exc: BaseException) -> str:
    """« kind (detail) » for the user: ``erreur de syntaxe (filtre inconnu « x »)``."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, TemplateSyntaxError):
        kind, detail = "erreur de syntaxe", _syntax(message)
    elif isinstance(exc, UndefinedError):
        kind, detail = "variable ou clé inconnue", _undefined(message)
    elif isinstance(exc, SecurityError):
        kind, detail = "opération interdite dans un modèle", _security(message)
    else:
        kind = "erreur à l'exécution"
        detail = _RUNTIME.get(type(exc).__name__)
        if detail is None:
            return f"{kind} ({type(exc).__name__}, message de Python : {message})"
    if detail is None:
        return f"{kind} (message de Jinja : {message.rstrip('.')})"
    return f"{kind} : {detail}"
