"""A value of the wrong type anywhere in ``cpts.yaml`` is a finding at its own line and
column, never an internal error.

The key list is not written by hand: it is every property path of the schema
(``schemas/cpts.schema.json``, following ``$ref``, ``properties`` and ``items``), so a key
added to the schema is fuzzed the day it exists.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cpts_cli.checking.check import check_document
from cpts_cli.project.load import parse_text
from cpts_cli.project.positions import pointer
from cpts_cli.support.resources import schema

from .conftest import EXAMPLES, TODAY, run_cli

#: A list item in a schema path (the item is chosen among those of the example).
ITEM = "[]"


def _deref(node: dict, root: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for token in node["$ref"].lstrip("#/").split("/"):
            target = target[token]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def schema_paths() -> list[tuple[str, ...]]:
    """Every property path of the schema: ``("territoire", "population", "valeur")``,
    ``("mobilisation", "acteurs", ITEM, "nom")``…, each item of a list included."""
    root = schema()
    found: list[tuple[str, ...]] = []
    stack: list[tuple[dict, tuple[str, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        node = _deref(node, root)
        if path:
            found.append(path)
        if len(path) > 12:  # the schema has no recursion; a guard all the same
            continue
        for key, sub in (node.get("properties") or {}).items():
            stack.append((sub, (*path, key)))
        if isinstance(node.get("items"), dict):
            stack.append((node["items"], (*path, ITEM)))
    return sorted(set(found))


PATHS = schema_paths()

HOSTILE = st.one_of(
    st.sampled_from(
        [
            True,
            False,
            None,
            [],
            {},
            "",
            "texte",
            "2023-02-30",
            -1,
            0,
            -(10**30),
            10**30,
            2**63,
            1.5,
            -0.5,
            1e308,
            [1, "a"],
            [None],
            [{"x": 1}],
            {"valeur": True, "source": "x"},
            {"x": [1, 2]},
        ]
    ),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4)), max_size=3),
)


def _example() -> dict:
    return YAML(typ="safe").load((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))


EXAMPLE = _example()


def inject(data: dict, path: tuple[str, ...], value, pick: int) -> tuple[dict, str]:
    """A copy of ``data`` with ``value`` at ``path`` (containers created on the way; a list
    item chosen by ``pick`` among those present); the JSON pointer of the value."""
    data = copy.deepcopy(data)
    node = data
    tokens: list = []
    for i, token in enumerate(path):
        last = i == len(path) - 1
        nxt = None if last else ([] if path[i + 1] == ITEM else {})
        if token == ITEM:
            if not isinstance(node, list):
                raise AssertionError(path)
            if not node:
                node.append(nxt if not last else None)
            index = pick % len(node)
            tokens.append(index)
            if last:
                node[index] = value
            elif not isinstance(node[index], type(nxt)):
                node[index] = nxt
            node = node[index]
        else:
            tokens.append(token)
            if last:
                node[token] = value
            elif not isinstance(node.get(token), type(nxt)):
                node[token] = nxt
            node = node[token]
    return data, pointer(*tokens)


def dump(data: dict) -> str:
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _valid_here(path: tuple[str, ...], value) -> bool:
    import jsonschema

    from cpts_cli.checking.schema import _subschema_for

    sub = _subschema_for([0 if t == ITEM else t for t in path])
    cls = jsonschema.Draft202012Validator
    validator = cls({**(sub or {}), "$defs": schema()["$defs"]}, format_checker=cls.FORMAT_CHECKER)
    return validator.is_valid(value)


def test_schema_paths_reach_every_key():
    """The generated key list goes down to the leaves the review found unguarded."""
    assert ("territoire", "population", "valeur") in PATHS
    assert ("territoire", "population", "source") in PATHS
    assert ("mobilisation", "acteurs", ITEM, "profession") in PATHS
    assert ("cpts", "association", "date_creation") in PATHS
    assert len(PATHS) > 150


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(path=st.sampled_from(PATHS), value=HOSTILE, pick=st.integers(0, 50))
def test_hostile_value_is_a_finding_at_its_place(path, value, pick):
    data, ptr = inject(EXAMPLE, path, value, pick)
    doc = parse_text(dump(data))
    assert doc.parsed, doc.findings
    report = check_document(doc, etape="mise_en_oeuvre", today=TODAY)
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)
    if not _valid_here(path, value):
        at_value = [f for f in report.findings if f.path == ptr or f.path.startswith(ptr + "/")]
        assert at_value, (ptr, value, [f.to_dict() for f in report.findings])
        line, column = doc.locate(ptr)
        assert any((f.line, f.column) >= (line, column) for f in at_value)


COMMANDS = (
    ["validate"],
    ["validate", "--format", "json"],
    ["status"],
    ["status", "--format", "json"],
    ["funding"],
    ["territory", "info"],
    ["next"],
)


@pytest.fixture(scope="module")
def quiet_env():
    old = {k: os.environ.get(k) for k in ("NO_COLOR", "COLUMNS", "SOURCE_DATE_EPOCH")}
    os.environ.update(
        NO_COLOR="1",
        COLUMNS="200",
        SOURCE_DATE_EPOCH=str(
            int(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC).timestamp())
        ),
    )
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(path=st.sampled_from(PATHS), value=HOSTILE, pick=st.integers(0, 50))
def test_commands_never_crash_on_hostile_value(tmp_path_factory, quiet_env, path, value, pick):
    data, _ = inject(EXAMPLE, path, value, pick)
    folder = tmp_path_factory.mktemp("hostile")
    file = Path(folder) / "cpts.yaml"
    file.write_text(dump(data), encoding="utf-8")
    for command in COMMANDS:
        result = run_cli([*command, file])
        assert "Erreur interne" not in result.out + result.err, (command, path, value, result)
        assert result.code in (0, 1, 2), (command, path, value, result)


POPULATION_CASES = [
    {"valeur": True, "source": "x"},
    {"valeur": "34 500", "source": "x"},
    {"valeur": [1], "source": "x"},
    {"valeur": -5, "source": "x"},
    {"valeur": 10**30, "source": "x"},
    {"valeur": 34500, "source": ["x"]},
    {"valeur": None, "source": None},
    "34500",
    [34500],
    True,
]


@pytest.mark.parametrize("population", POPULATION_CASES, ids=repr)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_population_of_any_type(tmp_path, cli, population, command):
    """The review's case: ``population: {valeur: true, source: x}`` ended in a TypeError."""
    data, _ = inject(EXAMPLE, ("territoire", "population"), population, 0)
    file = tmp_path / "cpts.yaml"
    file.write_text(dump(data), encoding="utf-8")
    result = cli(*command, file)
    assert "Erreur interne" not in result.out + result.err, result
    assert result.code in (0, 1, 2), result


#: The crashes the fuzzing above found in the rules, each kept as a fixed case.
FOUND = [
    (("diagnostic", "constats", ITEM, "id"), []),
    (("diagnostic", "constats", ITEM, "id"), {}),
    (("priorites", "problematiques", ITEM, "id"), ["P1"]),
    (("priorites", "problematiques", ITEM, "mission"), {"x": 1}),
    (("mise_en_oeuvre", "annees", ITEM, "annee"), [1]),
    (("mise_en_oeuvre", "annees", ITEM, "annee"), {}),
    (("mise_en_oeuvre", "annees", ITEM, "resultats"), True),
    (("mise_en_oeuvre", "annees", ITEM, "resultats"), -1),
    (("mise_en_oeuvre", "annees", ITEM, "resultats", ITEM, "indicateur"), ["I1"]),
    (("validation", "contrat", "missions", ITEM, "mission"), ["parcours"]),
    (("validation", "contrat", "missions", ITEM, "indicateurs"), 3),
    (("territoire", "population"), {"valeur": True, "source": "x"}),
    (("territoire", "population"), {"valeur": -5, "source": "x"}),
]


@pytest.mark.parametrize("path,value", FOUND, ids=[f"{'/'.join(p)}={v!r}" for p, v in FOUND])
def test_found_crashes_are_findings(path, value):
    data, ptr = inject(EXAMPLE, path, value, 0)
    doc = parse_text(dump(data))
    report = check_document(doc, etape="mise_en_oeuvre", today=TODAY)
    at_value = [
        f for f in report.findings if f.path.startswith(ptr) and f.code.startswith("CPTS-S")
    ]
    assert at_value, [f.to_dict() for f in report.findings]
    assert (at_value[0].line, at_value[0].column) == doc.locate(at_value[0].path)


#: Values that used to crash ``funding`` (an amount beyond Decimal's precision, an indicator
#: identifier that is a list): ignored there, reported by ``validate`` at their line.
FUNDING_CRASHES = [
    (("validation", "contrat", "fonctionnement"), 10**30),
    (("validation", "contrat", "fonctionnement"), 1e300),
    (("validation", "contrat", "missions", ITEM, "fixe"), 10**30),
    (("validation", "contrat", "missions", ITEM, "indicateurs", ITEM, "id"), []),
]


@pytest.mark.parametrize(
    "path,value", FUNDING_CRASHES, ids=[f"{'/'.join(p)}={v!r}" for p, v in FUNDING_CRASHES]
)
def test_funding_ignores_what_validate_reports(tmp_path, cli, path, value):
    data, _ = inject(EXAMPLE, path, value, 0)
    file = tmp_path / "cpts.yaml"
    file.write_text(dump(data), encoding="utf-8")
    result = cli("funding", file)
    assert result.code in (0, 1, 2), result
    assert "Erreur interne" not in result.out + result.err
    if isinstance(value, int | float):  # an amount no contract can hold: said at its line
        line = cli("validate", file).out
        assert "erreur CPTS-S007" in line and "maximum 100" in line
