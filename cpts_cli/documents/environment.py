"""The Jinja2 environment that turns a template and a context into Markdown text.

Safety rule: every value a template prints (``{{ … }}``) is escaped for Markdown, so that
whatever a user wrote (``# titre``, ``| a |``, ``**x**``, ``<b>``, ``{{ 7*7 }}``) appears as
written and cannot change the document's structure. Only text produced by our own filters
and helpers (numbers, dates, placeholders…), by macros and by blocks of the templates
themselves is trusted: it is an :class:`Md` string, which the ``finalize`` hook lets through.

The environment is sandboxed (a template cannot reach Python internals) and strict: an
undefined variable is an error that names the template file and line.
"""

from __future__ import annotations

import json
import math
import re
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.runtime import BlockReference, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cpts_cli.documents import template_limits as _limits
from cpts_cli.support import formatting as _format
from cpts_cli.support.dates import as_date
from cpts_cli.support.formatting import NBSP, month_year

#: Markers the DOCX builder understands; user text can never produce them (``<`` is escaped).
PAGE_BREAK = "<!-- saut-de-page -->"
TOC = "<!-- table-des-matieres -->"
#: ``<!-- bloc:encadre -->`` … ``<!-- fin-bloc -->``: the paragraphs between are boxed
#: (« encadre »), right-aligned (« droite »), centred (« centre ») or small (« petit »);
#: « signatures » gives the rows of a table room to sign.
BLOCK_START = "<!-- bloc:"
BLOCK_END = "<!-- fin-bloc -->"
#: ``<!-- ensemble -->`` … ``<!-- fin-ensemble -->``: what is between stays on one page when
#: it fits (a fiche-action); longer, it flows over the pages as usual.
KEEP_START = "<!-- ensemble -->"
KEEP_END = "<!-- fin-ensemble -->"
MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"


class Md(str):
    """Markdown text that is already safe: printed as is by templates."""

    __slots__ = ()


# --------------------------------------------------------------------------------- escaping

_WHITESPACE = re.compile(r"[ \t\r\n\f\v\u2028\u2029\x85]+")
# Characters that are Markdown syntax wherever they appear in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|&~])")
# Constructs that only matter at the start of a line: headings, quotes, lists, setext
# underlines, thematic breaks, ordered list markers ("1." / "1)").
_LINE_START = re.compile(r"^( ?)(?:([#>+=\-])|(\d{1,9})([.)]))")


def escape_md(value: Any) -> Md:
    """``value`` as literal Markdown text on one line (whitespace runs become one space)."""
    if isinstance(value, Md):
        return value
    text = _plain(value)
    # Whitespace runs become one space (no line break, no indented code block); a space
    # at either end is kept: it may separate words in the template.
    text = _WHITESPACE.sub(" ", text)
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(_escape_start, text)
    return Md(text)


def _escape_start(m: re.Match) -> str:
    if m.group(2):
        return m.group(1) + "\\" + m.group(2)
    return m.group(1) + m.group(3) + "\\" + m.group(4)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def finalize(value: Any) -> Any:
    """Jinja ``finalize`` hook: what a ``{{ … }}`` prints."""
    if isinstance(value, Md):
        return value
    return escape_md(value)


def paragraphs(value: Any) -> Md:
    """User text kept as paragraphs: blank lines separate paragraphs, each escaped.

    Only for use at block level in a template (on a line of its own)."""
    if isinstance(value, Md):
        return value
    text = _plain(value).replace("\r\n", "\n").replace("\r", "\n")
    parts = [escape_md(p) for p in re.split(r"\n[ \t]*\n", text)]
    return Md("\n\n".join(p for p in parts if p))


# --------------------------------------------------------------------------------- formatting


def date_fr(value: Any, default: str = "") -> Md:
    """``2024-06-20`` → « 20 juin 2024 » (« 1er » for the first day); a month planned
    ``2027-03`` → « mars 2027 »."""
    if value is None or value == "":
        return Md(default)
    text = _format.plan_date(value, NBSP)
    if text is None:
        return escape_md(value)
    return Md(text.replace(" ", NBSP))  # never cut inside a date


def from_date_fr(value: Any) -> Md:
    """« du 20 juin 2024 », « de mars 2027 », « d'avril 2027 » (a period's start)."""
    text = _format.from_date(value, NBSP)  # the date kept on one line, as date_fr
    return escape_md(value) if text is None else Md(text)


def to_date_fr(value: Any) -> Md:
    """« au 20 juin 2024 », « à mars 2027 » (a period's end)."""
    text = _format.to_date(value, NBSP)
    return escape_md(value) if text is None else Md(text)


def month_fr(value: Any) -> Md:
    """``2024-06-20`` → « juin 2024 »."""
    d = as_date(value)
    if d is None:
        return escape_md(value)
    return Md(month_year(d))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_fr(value: Any, decimals: int | None = None) -> Md:
    """86751 → « 86 751 », 9.6 → « 9,6 » (no-break space between thousands)."""
    if not is_number(value):
        return escape_md(value)
    if isinstance(value, float) and value != value:  # NaN
        return Md("—")
    return Md(_minus(_format.decimal(value, decimals, NBSP)))


def _minus(text: str) -> str:
    """A negative number in a document takes the minus sign (−0,1), not the hyphen."""
    return "\u2212" + text[1:] if text.startswith("-") else text


def euros(value: Any) -> Md:
    """75000 → « 75 000 € »; a non-number is printed as written."""
    if not is_number(value):
        return escape_md(value) if value not in (None, "") else Md("—")
    if not math.isfinite(value):
        return Md("—")
    return Md(_minus(_format.euros(value, NBSP)))


def percent(value: Any, decimals: int = 0) -> Md:
    """0.75 → « 75 % »."""
    if not is_number(value):
        return escape_md(value)
    return Md(f"{number_fr(value * 100, decimals)}{NBSP}%")


def with_unit(value: Any, unit: Any = None) -> Md:
    """A value and its unit: « 9,6 % », « 312 pour 1 000 habitants »."""
    shown = number_fr(value) if is_number(value) else escape_md(value)
    if unit in (None, ""):
        return shown
    unit_text = escape_md(unit)
    if str(unit).startswith("%"):
        return Md(f"{shown}{NBSP}{unit_text}")
    return Md(f"{shown} {unit_text}")


def or_dash(value: Any) -> Md:
    """The value escaped, or « — » when it is empty (for table cells)."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return Md("—")
    return escape_md(value)


def join_md(items: Any, separator: str = ", ") -> Md:
    """``join`` that escapes each item (unless already Markdown)."""
    if items is None:
        return Md("")
    return Md(str(separator).join(escape_md(i) for i in items))


def list_fr(items: Any, conjunction: str = "et") -> Md:
    """[a, b, c] → « a, b et c » (:func:`cpts_cli.support.formatting.list_fr`)."""
    parts = [str(escape_md(i)) for i in (items or []) if i not in (None, "")]
    return Md(_format.list_fr(parts, conjunction))


def label_and_unit(label: Any, unit: Any) -> Md:
    """An indicator's label followed by its unit in parentheses (:func:`cpts_cli.support.formatting.label_and_unit`)."""
    return Md(_format.label_and_unit(str(escape_md(label)), str(escape_md(unit))))


def of_place(name: Any) -> Md:
    """« de » before a place name: « d'Annecy », « du Havre » (:func:`cpts_cli.support.formatting.of_name`)."""
    return Md(_format.of_name(str(escape_md(name))))


def plural(count: Any, singular: str, plural_form: str | None = None) -> Md:
    """(3, "commune") → « 3 communes »."""
    n = count if is_number(count) else 0
    word = singular if abs(n) < 2 else (plural_form or singular + "s")
    return Md(f"{number_fr(n)} {escape_md(word)}")


def lower_first(value: Any) -> Md:
    """A label inside a sentence (:func:`cpts_cli.support.formatting.lower_first`)."""
    if value is None:
        return Md("")
    return Md(_format.lower_first(str(value if isinstance(value, Md) else escape_md(value))))


def sentence(value: Any) -> Any:
    """A user's text ended as a sentence: a full stop added when it has no final
    punctuation (« Financement de la coordination » → « … coordination. »)."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.rstrip()
    return text if text[-1] in ".!?…" else text + "."


_TITLES = ("Dr ", "Dr. ", "Pr ", "Pr. ", "Docteur ", "Professeur ")


def with_article(value: Any) -> Any:
    """A person's name after « par », « avec »…: a title takes its article (« Dr Favre » →
    « le Dr Favre »)."""
    if isinstance(value, str) and value.startswith(_TITLES):
        return "le " + value
    return value


def agreed_unit(unit: Any, value: Any) -> Md:
    """« patients » after 0 or 1 → « patient » (:func:`cpts_cli.support.formatting.unit_agreed`)."""
    if unit in (None, ""):
        return Md("")
    return escape_md(_format.unit_agreed(str(unit), value))


#: How every placeholder begins in the Markdown of a document.
PLACEHOLDER_START = f"{MARK_OPEN}\\[À COMPLÉTER"


def placeholder(label: Any) -> Md:
    """A visible, highlighted placeholder for a missing item."""
    return Md(f"{PLACEHOLDER_START} : {escape_md(label)}\\]{MARK_CLOSE}")


def filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict, tuple)):
        return bool(value)
    return True


def or_placeholder(value: Any, label: Any) -> Md:
    """The value escaped, or a placeholder naming what is missing."""
    if not filled(value):
        return placeholder(label)
    return escape_md(value)


def paragraphs_or_placeholder(value: Any, label: Any) -> Md:
    if not filled(value):
        return placeholder(label)
    return paragraphs(value)


def yaml_string(value: Any) -> Md:
    """A front-matter value as JSON (valid YAML), never Markdown."""
    if value is None or isinstance(value, (bool, int, float)):
        return Md(json.dumps(value))
    if isinstance(value, (list, tuple)):
        return Md(
            json.dumps([_WHITESPACE.sub(" ", _plain(v)).strip() for v in value], ensure_ascii=False)
        )
    return Md(json.dumps(_WHITESPACE.sub(" ", _plain(value)).strip(), ensure_ascii=False))


def page_break() -> Md:
    return Md(PAGE_BREAK)


def table_of_contents() -> Md:
    return Md(TOC)


FILTERS = {
    "md": escape_md,
    "texte": escape_md,
    "paragraphes": paragraphs,
    "date_fr": date_fr,
    "mois_fr": month_fr,
    "du_date": from_date_fr,
    "au_date": to_date_fr,
    "nombre": number_fr,
    "euros": euros,
    "pourcent": percent,
    "avec_unite": with_unit,
    "ou_tiret": or_dash,
    "join": join_md,
    "liste_fr": list_fr,
    "pluriel": plural,
    "minuscule": lower_first,
    "phrase": sentence,
    "avec_article": with_article,
    "accord": agreed_unit,
    "dit_unite": _format.label_says_unit,
    "de": of_place,
    "avec_unite_entre_parentheses": label_and_unit,
    "ou_a_completer": or_placeholder,
    "paragraphes_ou_a_completer": paragraphs_or_placeholder,
    "yaml": yaml_string,
}

GLOBALS = {
    "a_completer": placeholder,
    "saut_de_page": page_break,
    "table_des_matieres": table_of_contents,
    "rempli": filled,
}


# --------------------------------------------------------------------------------- environment


class MarkdownEnvironment(ImmutableSandboxedEnvironment):
    """Sandboxed, strict, Markdown-escaping environment.

    Macros (and ``super()`` / ``self.block()``) return text the template wrote itself, with
    its values already escaped: it is marked as Markdown so that printing it does not
    escape it a second time.

    Rendering is bounded in time, memory and size (:mod:`.template_limits`): every loop,
    call and ``*``, ``**``, ``%``, ``+``, ``~`` operator is checked.
    """

    intercepted_binops = frozenset(_limits.BINOPS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.budget = _limits.Budget()

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        __self.budget.check()
        args = _limits.check_call(__obj, args, kwargs)
        rv = super().call(__context, __obj, *args, **kwargs)
        if isinstance(__obj, (Macro, BlockReference)) and isinstance(rv, str):
            return Md(rv)
        return rv

    def call_binop(self, context, operator: str, left, right):
        self.budget.check()
        _limits.BINOP_CHECKS[operator](left, right)
        return _limits.BINOPS[operator](left, right)

    def _parse(self, source, name, filename):
        return _limits.bound_tree(super()._parse(source, name, filename))

    def render_bounded(self, template, context: dict) -> str:
        """``template.render(context)`` within the limits of :mod:`.template_limits`."""
        return _limits.render_bounded(self, template, context)


class TraversableLoader(BaseLoader):
    """Templates shipped with the package (works from a wheel or a source checkout)."""

    def __init__(self, root: Traversable) -> None:
        self.root = root

    def get_source(self, environment, template: str):
        node = self.root
        for part in template.split("/"):
            if part in ("", ".", ".."):
                raise TemplateNotFound(template)
            node = node / part
        if not node.is_file():
            raise TemplateNotFound(template)
        source = node.read_text(encoding="utf-8")
        return source, str(node), lambda: True


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache (as Python keeps ``.pyc`` files).

    Compiling the templates is most of Jinja's work; a template is recompiled whenever its
    text changes (Jinja checks a checksum of the source), and the folder's name carries a
    fingerprint of this module and of the Jinja and Python versions. A cache that cannot
    be read or written is ignored: rendering never depends on it.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged entry is only a cache miss
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        from cpts_cli.support import cache

        try:
            super().dump_bytecode(bucket)
        except OSError:
            return
        cache.prune("modeles", Path(self.directory))


def template_cache() -> TemplateCache | None:
    import sys

    import jinja2

    from cpts_cli.support import cache

    # (template_limits rewrites every parsed template: its changes change the compiled code.)
    key = cache.fingerprint(
        Path(__file__).read_bytes(),
        Path(_limits.__file__).read_bytes(),
        jinja2.__version__,
        sys.version,
    )
    where = cache.folder("modeles", key)
    return TemplateCache(str(where)) if where is not None else None


def make_environment(templates_dir: Path | None = None) -> MarkdownEnvironment:
    """The environment: the user's templates (file by file) first, then ours."""
    from cpts_cli.support.resources import shipped_dir

    loaders: list[BaseLoader] = []
    if templates_dir is not None:
        loaders.append(FileSystemLoader(str(templates_dir), encoding="utf-8"))
    loaders.append(TraversableLoader(shipped_dir("templates")))
    env = MarkdownEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        finalize=finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.loopcontrols"],
        bytecode_cache=template_cache(),
    )
    env.filters.update(_limits.bounded_filters(env.filters))
    env.filters.update(FILTERS)
    env.filters.update(_limits.loop_filters())
    env.globals.update(GLOBALS)
    env.globals["lipsum"] = _limits.bounded_lipsum(env.globals["lipsum"])
    return env
