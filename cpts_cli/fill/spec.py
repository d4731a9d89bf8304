"""The questions of ``cpts fill``, read from ``schemas/prompts.yaml``.

The file says what to ask, in which order and how (kind, validator, condition); the words a
user reads — title, help, example, the French labels of a vocabulary — come from the JSON
Schema, looked up here at the node each question writes to, so that they are written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cpts_cli.project.positions import split

#: Kinds whose answer is one value typed or chosen at one prompt.
SCALAR_KINDS = frozenset(
    {
        "text", "long_text", "date", "month", "integer", "number", "value", "choice",
        "boolean", "code", "person",
    }
)  # fmt: skip
#: Kinds whose answer is a list of scalars.
SCALAR_LIST_KINDS = frozenset({"codes", "texts", "multi_choice"})
KINDS = SCALAR_KINDS | SCALAR_LIST_KINDS | {"list", "group", "map", "alternatives"}
KEY_SOURCES = frozenset({"socle", "projet", "uncovered_socle", "all", "contract_indicators"})
#: The keys a question may have in prompts.yaml (a typo is an error, not a silent default).
ALLOWED = frozenset(
    {
        "at", "kind", "title", "label", "codes", "required", "validator", "search", "choices",
        "default", "when", "unique", "fields", "value", "keys", "keyed", "options",
        "allow_empty", "masked", "add", "again",
    }
)  # fmt: skip


class PromptSpecError(ValueError):
    """``prompts.yaml`` does not say something the engine can ask (a bug, caught by tests)."""


@dataclass(frozen=True)
class Question:
    """One thing to ask, bound to the node of the schema it writes to."""

    at: str
    kind: str
    title: str
    help: str = ""
    example: Any = None
    codes: tuple[str, ...] = ()
    required: bool = False
    validator: str | None = None
    search: str | None = None
    choices: Any = None  # None: the schema's enum; a str: a named source; a dict: {from, …}
    enum: tuple[tuple[Any, str], ...] = ()  # (value, French label) from the schema
    default: Any = None
    when: dict | None = None
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    fields: tuple[Question, ...] = ()
    value: Question | None = None  # map: the question for each key
    keys: str | None = None
    keyed: dict | None = None
    options: tuple[Question, ...] = ()
    allow_empty: bool = False
    masked: str | None = None  # number: « masqué » writes null and sets this sibling key
    add: str = ""
    again: str = ""
    #: map: key -> (title, help) of the value under that key, from the schema.
    key_titles: tuple[tuple[str, str, str], ...] = ()
    label: str = ""  # an option of an alternative, as offered
    item_title: str = ""  # list: the schema title of one item
    item_help: str = ""
    schema_path: tuple[str, ...] = field(default=(), repr=False)

    @property
    def key(self) -> str:
        """The last token of ``at``: the key this question writes in its parent."""
        return split(self.at)[-1] if self.at.startswith("/") else self.at

    def for_key(self, key: str) -> Question:
        """A map's value question, titled for one key (a mission, a DGOS item…)."""
        assert self.value is not None
        for k, title, help_ in self.key_titles:
            if k == key:
                return _replace(
                    self.value,
                    at=key,
                    title=f"{self.title} — {title}",
                    help=help_ or self.value.help,
                )
        return _replace(self.value, at=key, title=key)

    def key_order(self) -> list[str]:
        return [k for k, _, _ in self.key_titles]


def _replace(q: Question, **changes) -> Question:
    from dataclasses import replace

    return replace(q, **changes)


# --------------------------------------------------------------------------- schema lookups


def _schema() -> dict:
    from cpts_cli.support.resources import schema

    return schema()


def deref(node: dict | None) -> dict | None:
    """Follow ``$ref`` (the referencing node's own keys win, as in the schema's use)."""
    root = _schema()
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        ref = node["$ref"]
        target = root
        for token in split(ref[1:]) if ref.startswith("#") else []:
            target = target.get(token) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return node
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


def child(node: dict | None, token: str) -> dict | None:
    """The schema of ``token`` under ``node``: a property, or ``items`` for ``[]`` / an index."""
    node = deref(node)
    if not isinstance(node, dict):
        return None
    if token == "[]" or token.isdigit():
        items = node.get("items")
        return deref(items) if isinstance(items, dict) else None
    props = node.get("properties") or {}
    return deref(props.get(token)) if token in props else None


def schema_at(tokens: tuple[str, ...] | list[str]) -> dict | None:
    node: dict | None = _schema()
    for token in tokens:
        node = child(node, token)
        if node is None:
            return None
    return node


def property_order(tokens: tuple[str, ...] | list[str]) -> list[str]:
    """The keys of the object at ``tokens``, in the schema's order (the file's key order)."""
    node = schema_at(tokens)
    return list((node or {}).get("properties") or {})


def _enum(node: dict) -> tuple[tuple[Any, str], ...]:
    values = node.get("enum") or []
    labels = node.get("enumDescriptions") or []
    return tuple((v, str(labels[i]) if i < len(labels) else str(v)) for i, v in enumerate(values))


# --------------------------------------------------------------------------- loading

#: The schema's descriptions speak to someone editing the YAML file; at a prompt, the advice
#: about quotes and YAML values does not apply (the tool writes them).
_YAML_ADVICE = (
    (re.compile(r"\s*[;,]\s*(?:écrivez-le\s+)?entre guillemets(?=[.;]|$)"), ""),
    (re.compile(r"\s*Laissez vide \(null\)[^.]*\.", re.S), ""),
    (re.compile(r"\bMettez true (quand|si)\b"), r"Oui \1"),
    (re.compile(r"\s*\(point décimal\)"), ""),
    (re.compile(r"\s*\(AAAA-MM(?:-JJ)?\)"), ""),  # the prompt says which forms it takes
)


def prompt_help(description: str) -> str:
    for pattern, replacement in _YAML_ADVICE:
        description = pattern.sub(replacement, description)
    return description.strip()


def _build(raw: dict, base: tuple[str, ...], where: str) -> Question:
    if not isinstance(raw, dict):
        raise PromptSpecError(f"{where} : une question est un bloc de clés.")
    unknown = set(raw) - ALLOWED
    if unknown:
        raise PromptSpecError(f"{where} : clés inconnues {sorted(unknown)}.")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise PromptSpecError(f"{where} : kind inconnu « {kind} ».")
    at = str(raw.get("at", ""))
    if kind == "alternatives":
        return _alternatives(raw, base, where, at)
    if not at:
        raise PromptSpecError(f"{where} : « at » manque.")
    tokens = tuple(split(at)) if at.startswith("/") else (*base, at)
    node = schema_at(tokens)
    if node is None:
        raise PromptSpecError(f"{where} : « {at} » n'existe pas dans le schéma.")
    common = _common(raw, node, at, tokens)
    if kind in ("choice", "multi_choice") and raw.get("choices") is None:
        target = child(node, "[]") if kind == "multi_choice" else node
        common["enum"] = _enum(target or {})
        if not common["enum"]:
            raise PromptSpecError(f"{where} : « {at} » n'a pas de liste de valeurs.")
    if kind in ("list", "codes", "texts", "multi_choice"):
        item = child(node, "[]") or {}
        common["item_title"] = str(item.get("title") or "")
        common["item_help"] = str(item.get("description") or "")
    if kind in ("list", "group"):
        common["fields"] = _fields(raw, tokens, where)
    if kind == "map":
        common.update(_map_parts(raw, node, at, tokens, where))
    return Question(**common)


def _alternatives(raw: dict, base: tuple[str, ...], where: str, at: str) -> Question:
    options = tuple(
        _build(opt, base, f"{where}/options/{i}") for i, opt in enumerate(raw.get("options") or [])
    )
    if not options:
        raise PromptSpecError(f"{where} : une alternative a des options.")
    return Question(
        at=at,
        kind=raw["kind"],
        title=str(raw.get("title") or ""),
        codes=tuple(raw.get("codes") or ()),
        options=options,
    )


def _common(raw: dict, node: dict, at: str, tokens: tuple[str, ...]) -> dict[str, Any]:
    """What every question but an alternative has: from prompts.yaml, else the schema."""
    title = str(raw.get("title") or node.get("title") or at)
    examples = node.get("examples") or []
    return dict(
        at=at,
        kind=raw["kind"],
        title=title,
        label=str(raw.get("label") or title),
        help=prompt_help(str(node.get("description") or "")),
        example=examples[0] if examples else None,
        codes=tuple(raw.get("codes") or ()),
        required=bool(raw.get("required", False)),
        validator=raw.get("validator"),
        search=raw.get("search"),
        choices=raw.get("choices"),
        default=raw.get("default"),
        when=raw.get("when"),
        unique=bool(raw.get("unique", False)),
        minimum=node.get("minimum"),
        maximum=node.get("maximum"),
        pattern=node.get("pattern"),
        keys=raw.get("keys"),
        keyed=raw.get("keyed"),
        allow_empty=bool(raw.get("allow_empty", False)),
        masked=raw.get("masked"),
        add=str(raw.get("add") or ""),
        again=str(raw.get("again") or ""),
        schema_path=tokens,
    )


def _fields(raw: dict, tokens: tuple[str, ...], where: str) -> tuple[Question, ...]:
    """The fields of a list's elements or of a group."""
    kind = raw["kind"]
    sub = (*tokens, "[]") if kind == "list" else tokens
    if kind == "list" and raw.get("keyed"):
        keyed = raw["keyed"]
        if keyed.get("keys") not in KEY_SOURCES or not keyed.get("field"):
            raise PromptSpecError(f"{where} : keyed = {{field, keys}}.")
        if keyed.get("optional") not in (None, "aci_missions"):
            raise PromptSpecError(f"{where} : keyed.optional inconnu « {keyed['optional']} ».")
    fields = tuple(
        _build(f, sub, f"{where}/fields/{i}") for i, f in enumerate(raw.get("fields") or [])
    )
    if not fields:
        raise PromptSpecError(f"{where} : « fields » manque.")
    return fields


def _map_parts(
    raw: dict, node: dict, at: str, tokens: tuple[str, ...], where: str
) -> dict[str, Any]:
    """A map's keys (titles from the schema) and the question asked for each value."""
    if raw.get("keys") not in KEY_SOURCES:
        raise PromptSpecError(f"{where} : keys inconnu « {raw.get('keys')} ».")
    props = node.get("properties") or {}
    key_titles = tuple(
        (
            k,
            str((deref(v) or {}).get("title") or k),
            str((deref(v) or {}).get("description") or ""),
        )
        for k, v in props.items()
    )
    value_raw = dict(raw.get("value") or {})
    first = next(iter(props), None)
    if first is None:
        raise PromptSpecError(f"{where} : « {at} » n'a pas de clés dans le schéma.")
    value_raw["at"] = first  # checked against the schema; retitled per key by for_key
    return {"key_titles": key_titles, "value": _build(value_raw, tokens, f"{where}/value")}


def parse(data: dict) -> dict[str, tuple[Question, ...]]:
    from cpts_cli.workflow.steps import STEP_IDS

    if not isinstance(data, dict) or not isinstance(data.get("etapes"), dict):
        raise PromptSpecError("prompts.yaml : la clé « etapes » manque.")
    out: dict[str, tuple[Question, ...]] = {}
    for step_id, questions in data["etapes"].items():
        if step_id not in STEP_IDS:
            raise PromptSpecError(f"prompts.yaml : étape inconnue « {step_id} ».")
        out[step_id] = tuple(_build(q, (), f"{step_id}/{i}") for i, q in enumerate(questions or []))
    return out


@lru_cache(maxsize=1)
def questions() -> dict[str, tuple[Question, ...]]:
    """Step id → its questions, in order (every step has an entry, maybe empty)."""
    from ruamel.yaml import YAML

    from cpts_cli.support.resources import shipped_dir
    from cpts_cli.workflow.steps import STEP_IDS

    text = (shipped_dir("schemas") / "prompts.yaml").read_text(encoding="utf-8")
    parsed = parse(YAML(typ="safe").load(text))
    return {s: parsed.get(s, ()) for s in STEP_IDS}


def walk(qs: tuple[Question, ...]):
    """Every question, depth first (options, fields and map values included)."""
    for q in qs:
        yield q
        yield from walk(q.options)
        yield from walk(q.fields)
        if q.value is not None:
            yield from walk((q.value,))
