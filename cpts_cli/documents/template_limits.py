"""Limits of a template's rendering: time, size of what it makes, memory.

The Jinja sandbox keeps a template away from Python's internals, not from endless work: a
user's template could loop for hours (``range(100000)`` twice nested) or make a text of ten
gigabytes in one operation (``'x' * 10**10``). So, for the templates of one project:

* the rendering stops after :data:`MAX_SECONDS` seconds (all documents together): the time
  is checked at each turn of a loop (:func:`bounded_loop`, wrapped around every ``for``),
  each call and each operator;
* a document's Markdown stops at :data:`MAX_OUTPUT` characters;
* one text, list or number made by the template stays under :data:`MAX_SIZE` characters or
  items (``*``, ``+``, ``~``, ``%``, ``**``, the padding and replacing methods and filters),
  each checked *before* it is made;
* the memory of the process may not grow by more than :data:`MAX_MEMORY` bytes.

When a limit is reached, :class:`TemplateLimit` says which, in French.
"""

from __future__ import annotations

import operator
import re
import sys
import time
from typing import Any

#: Wall-clock seconds for the templates of one project (the worked examples take < 0.5 s).
MAX_SECONDS = 10.0
#: Characters of one document's Markdown (the worked examples: < 100 000).
MAX_OUTPUT = 10_000_000
#: Characters or items of one text or list a template makes.
MAX_SIZE = 10_000_000
#: Bits of one integer a template makes (about 30 000 digits).
MAX_INT_BITS = 100_000
#: Growth of the process's memory while rendering.
MAX_MEMORY = 512 * 1024 * 1024
#: Count parameters of filters that loop on them (``slice``), and ``lipsum``'s paragraphs.
MAX_COUNT = 100_000


class TemplateLimit(Exception):
    """A limit of :mod:`template_limits` reached; ``str(exc)`` is the French detail."""


def _mega(n: int) -> str:
    return f"{n // 1_000_000} millions"


class Budget:
    """The time and memory one project's templates may use."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.deadline = float("inf")
        self.started = 0.0
        self.memory_at_start = 0
        self.ticks = 0

    def begin(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + MAX_SECONDS - self.spent
        self.memory_at_start = _peak_memory()

    def end(self) -> None:
        self.spent += time.monotonic() - self.started
        self.deadline = float("inf")

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(
                f"le rendu des modèles dépasse {MAX_SECONDS:g} secondes (une boucle sans fin, "
                "ou trop de tours de boucle ?)"
            )
        self.ticks += 1
        if not self.ticks & 63 and self.memory_at_start:
            self.check_memory()

    def check_memory(self) -> None:
        if _peak_memory() - self.memory_at_start > MAX_MEMORY:
            raise TemplateLimit(
                f"le rendu des modèles demande plus de {MAX_MEMORY // (1024 * 1024)} Mo de mémoire"
            )


def _peak_memory() -> int:
    """The process's peak resident memory, in bytes (0 where it cannot be known)."""
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def too_large(size: int) -> TemplateLimit:
    return TemplateLimit(
        f"le modèle fabrique un texte ou une liste trop grand ({size:,} caractères ou éléments "
        f"; au plus {_mega(MAX_SIZE)})".replace(",", "\u202f")
    )


def check_size(size: int) -> None:
    if size > MAX_SIZE:
        raise too_large(size)


def _length(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 1


# ------------------------------------------------------------------------- operators


def _product_size(left: Any, right: Any) -> None:
    """``left * right``: a repeated text or list, or a large integer product."""
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
            check_size(len(seq) * max(n, 0))
            return
    if isinstance(left, int) and isinstance(right, int):
        _check_bits(abs(left).bit_length() + abs(right).bit_length())


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimit(
            f"le modèle fabrique un nombre trop grand (plus de {MAX_INT_BITS * 3 // 10:,} "
            "chiffres)".replace(",", "\u202f")
        )


def _power_size(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        _check_bits(abs(left).bit_length() * min(right, MAX_INT_BITS + 1))


_SPEC_WIDTH = re.compile(r"\d{8,}")
_NESTED_SPEC = re.compile(r"\{[^{}]*:[^{}]*\{")


def check_format(text: str, args: tuple, kwargs: dict | None = None) -> None:
    """``text % args`` or ``text.format(*args, **kwargs)``: no width or precision of ten
    million or more, written or given as an argument."""
    if not isinstance(text, str):
        return
    if _SPEC_WIDTH.search(text):
        widths = [int(w) for w in re.findall(r"[%:][^\s%{}]*?(\d{8,})", text)]
        if widths and max(widths) > MAX_SIZE:
            raise too_large(max(widths))
    if "*" in text or _NESTED_SPEC.search(text):
        values = list(args if isinstance(args, (tuple, list)) else (args,))
        values += list((kwargs or {}).values())
        if isinstance(args, dict):
            values += list(args.values())
        for value in values:
            if isinstance(value, int) and abs(value) > MAX_SIZE:
                raise too_large(abs(value))


def _modulo_size(left: Any, right: Any) -> None:
    if isinstance(left, str):
        check_format(left, right)
        check_size(len(left) + sum(_length(v) for v in _as_tuple(right)))


def _as_tuple(value: Any) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _sum_size(left: Any, right: Any) -> None:
    if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        check_size(len(left) + len(right))


BINOP_CHECKS = {"*": _product_size, "**": _power_size, "%": _modulo_size, "+": _sum_size}
BINOPS = {
    "*": operator.mul,
    "**": operator.pow,
    "%": operator.mod,
    "+": operator.add,
}


# ------------------------------------------------------------------------- str methods


def _method_size(text: str, name: str, args: tuple, kwargs: dict) -> int | None:
    """The size of ``text.name(*args)``, for the methods that can make a text much longer."""
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        return max(len(text), width if isinstance(width, int) else 0)
    if name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        return len(text) + text.count("\t") * (size if isinstance(size, int) else 8)
    if name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, str) and isinstance(new, str):
            count = text.count(old) if old else len(text) + 1
            return len(text) + count * max(len(new) - len(old), 0)
    if name == "translate" and args and isinstance(args[0], dict):
        longest = max((_length(v) for v in args[0].values() if isinstance(v, str)), default=1)
        return len(text) * max(longest, 1)
    return None


def check_call(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Refuse a call of a text method that would make too large a text; ``args`` (a
    ``join``'s items made a tuple, so that they are counted once and used once)."""
    wrapped = getattr(obj, "__wrapped__", obj)
    owner = getattr(wrapped, "__self__", None)
    if not isinstance(owner, str):
        return args
    name = getattr(wrapped, "__name__", "")
    if name in ("format", "format_map"):
        check_format(owner, args, kwargs)
        return args
    if name == "join" and args:
        items = tuple(args[0])
        check_size(sum(_length(i) for i in items) + len(owner) * max(len(items) - 1, 0))
        return (items, *args[1:])
    size = _method_size(owner, name, args, kwargs)
    if size is not None:
        check_size(size)
    return args


# ------------------------------------------------------------------------- filters


def bounded_filters(filters: dict) -> dict:
    """Jinja's filters that take a size or a count, checked first."""
    center, indent, fmt = filters["center"], filters["indent"], filters["format"]
    replace, slice_, batch = filters["replace"], filters["slice"], filters["batch"]

    def bounded_center(value, width=80):
        check_size(width if isinstance(width, int) else 0)
        return center(value, width)

    def bounded_indent(value, width=4, *args, **kwargs):
        n = width if isinstance(width, int) else _length(width)
        check_size(len(str(value)) + (str(value).count("\n") + 1) * max(n, 0))
        return indent(value, width, *args, **kwargs)

    def bounded_format(value, *args, **kwargs):
        check_format(value, args, kwargs)
        return fmt(value, *args, **kwargs)

    def bounded_slice(value, slices, fill_with=None):
        if isinstance(slices, int) and slices > MAX_COUNT:
            raise too_large(slices)
        return slice_(value, slices, fill_with)

    def bounded_batch(value, linecount, fill_with=None):
        if isinstance(linecount, int):
            check_size(linecount)
        return batch(value, linecount, fill_with)

    out = {
        "center": bounded_center,
        "indent": bounded_indent,
        "format": bounded_format,
        "slice": bounded_slice,
        "batch": bounded_batch,
    }
    from jinja2 import pass_eval_context

    @pass_eval_context
    def bounded_replace(eval_ctx, s, old, new, count=None):
        size = _method_size(str(s), "replace", (str(old), str(new)), {})
        check_size(size or 0)
        return replace(eval_ctx, s, old, new, count)

    out["replace"] = bounded_replace
    return out


def bounded_lipsum(lipsum):
    """``lipsum(n, html, min, max)``: at most 1 000 paragraphs of 1 000 words."""

    def lipsum_(*args, **kwargs):
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > 1000:
                raise too_large(value)
        return lipsum(*args, **kwargs)

    return lipsum_


# ------------------------------------------------------------------------- loops, concat

#: The names under which the environment knows :func:`bounded_loop` and
#: :func:`bounded_concat` (wrapped around every ``for`` and ``~`` when a template is parsed).
LOOP_FILTER = "_cpts_boucle"
CONCAT_FILTER = "_cpts_concat"


def _budget(context) -> Budget | None:
    return getattr(context.environment, "budget", None)


def _bounded_loop(context, iterable):
    budget = _budget(context)
    if budget is None:
        yield from iterable
        return
    check = budget.check
    for item in iterable:
        check()
        yield item


def _bounded_concat(context, items) -> str:
    parts = [str(x) for x in items]
    check_size(sum(map(len, parts)))
    return "".join(parts)


def loop_filters() -> dict:
    from jinja2 import pass_context

    return {LOOP_FILTER: pass_context(_bounded_loop), CONCAT_FILTER: pass_context(_bounded_concat)}


def bound_tree(tree):
    """The parsed template with every ``for`` iterable and every ``~`` checked."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    class Bound(NodeTransformer):
        def visit_For(self, node):  # noqa: N802 - Jinja's visitor names
            node = self.generic_visit(node)
            node.iter = nodes.Filter(node.iter, LOOP_FILTER, [], [], None, None, lineno=node.lineno)
            return node

        def visit_Concat(self, node):  # noqa: N802
            node = self.generic_visit(node)
            items = nodes.List(node.nodes, lineno=node.lineno)
            return nodes.Filter(items, CONCAT_FILTER, [], [], None, None, lineno=node.lineno)

    return Bound().visit(tree)


def render_bounded(environment, template, context: dict) -> str:
    """``template.render(context)`` within the limits (time shared by the documents of a
    project, memory, size of the Markdown)."""
    budget = environment.budget
    budget.begin()
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateLimit(
                    f"le document dépasse {_mega(MAX_OUTPUT)} de caractères (une boucle qui "
                    "écrit sans fin ?)"
                )
            out.append(chunk)
        budget.check()
        budget.check_memory()
        return "".join(out)
    finally:
        budget.end()
