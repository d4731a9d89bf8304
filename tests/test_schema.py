"""The JSON Schema: valid 2020-12, documented everywhere, accepted by check-jsonschema."""

from __future__ import annotations

import json
import shutil
import subprocess

import jsonschema
import pytest

from cpts_cli.project.load import read_path
from cpts_cli.support.resources import schema

from .conftest import EXAMPLES, ROOT, run_python

SCHEMA_FILE = ROOT / "schemas" / "cpts.schema.json"


def test_schema_passes_the_metaschema():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _walk(node, path="#"):
    if not isinstance(node, dict):
        return
    yield path, node
    for key in ("properties", "$defs"):
        for name, sub in (node.get(key) or {}).items():
            yield from _walk(sub, f"{path}/{key}/{name}")
    if isinstance(node.get("items"), dict):
        yield from _walk(node["items"], f"{path}/items")


def test_every_property_has_a_french_description_and_an_example():
    missing = []
    for path, node in _walk(schema()):
        if path == "#":
            continue
        if not node.get("description"):
            missing.append((path, "description"))
        if not node.get("examples") and path != "#/$defs/cle_inconnue":
            missing.append((path, "examples"))  # an unknown key has no example to give
    assert missing == []


def test_every_example_is_valid_against_its_own_schema():
    root = schema()
    for path, node in _walk(root):
        if path == "#" or "/$defs/" in path and path.count("/") > 2:
            continue
        sub = {**node, "$defs": root["$defs"]}
        validator = jsonschema.Draft202012Validator(
            sub, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        for example in node.get("examples", []):
            errors = list(validator.iter_errors(example))
            assert not errors, (path, example, errors[0].message)


def test_vocabularies_have_french_labels():
    for name, node in schema()["$defs"].items():
        if "enum" in node:
            assert len(node["enumDescriptions"]) == len(node["enum"]), name
    from cpts_cli.checking.schema import vocabulary

    assert vocabulary("profession")["masseur_kinesitherapeute"] == "Masseur-kinésithérapeute"
    assert len(vocabulary("mission")) == 6


def test_shipped_examples_are_schema_valid():
    for example in EXAMPLES.glob("*.yaml"):
        doc = read_path(example)
        errors = list(
            jsonschema.Draft202012Validator(
                schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
            ).iter_errors(doc.plain)
        )
        assert errors == [], example


def test_check_jsonschema_accepts_schema_and_example(tmp_path):
    exe = shutil.which("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema absent")
    proc = subprocess.run(
        [exe, "--check-metaschema", str(SCHEMA_FILE)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # check-jsonschema reads YAML dates as dates: give it the JSON form the tool validates.
    doc = read_path(EXAMPLES / "sud-dijonnais.yaml")
    instance = tmp_path / "exemple.json"
    instance.write_text(json.dumps(doc.plain, ensure_ascii=False))
    proc = subprocess.run(
        [exe, "--schemafile", str(SCHEMA_FILE), str(instance)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_findings_are_french_and_positioned(tmp_path):
    from cpts_cli.checking.check import check_path

    path = tmp_path / "cpts.yaml"
    path.write_text(
        "format: 1\n"
        "cpts:\n"
        "  nom: A\n"
        "  porteur: {nom: X, email: pas-un-courriel}\n"
        "territoire:\n"
        "  communes: [01001]\n"
        "  justificaton: x\n"
        "mobilisation:\n"
        "  acteurs:\n"
        "    - nom: B\n"
        "      profession: medecin\n"
        "  reunions:\n"
        "    - date: 20/06/2024\n"
    )
    found = {(f.code, f.line, f.column): f.message for f in check_path(path).findings}
    assert 'Écrivez-le entre guillemets : "01001"' in found[("CPTS-S001", 6, 14)]
    assert "vouliez-vous dire « justification » ?" in found[("CPTS-S002", 7, 3)]
    assert "vouliez-vous dire « medecin_generaliste » ?" in found[("CPTS-S003", 11, 7)]
    assert "par exemple « 2024-06-20 »" in found[("CPTS-S005", 13, 7)]
    assert ("CPTS-S004", 4, 21) in found


def test_python_module_prints_schema():
    proc = run_python("-m", "cpts_cli", "schema")
    assert json.loads(proc.stdout) == schema()


def test_mission_labels_match_the_aci_data():
    """Missions are declared by the ACI data (versioned); the schema repeats their labels only
    for editors: they must not drift apart."""
    from cpts_cli.checking.schema import vocabulary
    from cpts_cli.referentiel import aci

    labels = vocabulary("mission")
    for version in aci.versions():
        for mission in aci.load(version).missions.values():
            assert labels[mission.code] == mission.libelle, (version, mission.code)
    assert set(labels) == set(aci.load(None).missions)


def _nodes(node, path="#"):
    """Every subschema of the schema, wherever it sits."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _nodes(value, f"{path}/{n}")


_REGEX_MARKS = ("^", "$", "[", "]", "{", "}", "\\", "(?", "|", "+")


def test_every_pattern_has_a_french_message_for_the_editor_without_the_regex():
    """The YAML language server shows ``patternErrorMessage`` instead of « String does not
    match the pattern of "^[0-9]{9}$" », and ``errorMessage`` instead of « Incorrect type »
    (a code written without quotes is a number)."""
    patterns = [(path, node) for path, node in _nodes(schema()) if "pattern" in node]
    assert len(patterns) >= 6
    for path, node in patterns:
        example = node["examples"][0]
        for key in ("patternErrorMessage", "errorMessage"):
            message = node.get(key, "")
            assert f'par exemple "{example}"' in message, (path, key, message)
            assert not any(mark in message for mark in _REGEX_MARKS), (path, key, message)
            assert node["pattern"] not in message
        assert "invalide" in node["patternErrorMessage"], path
        assert jsonschema.Draft202012Validator(node).is_valid(example)


def _subschemas(node, path="#"):
    """Every subschema (properties, items, $defs), never an example."""
    yield path, node
    for key in ("properties", "$defs"):
        for name, sub in (node.get(key) or {}).items():
            yield from _subschemas(sub, f"{path}/{key}/{name}")
    if isinstance(node.get("items"), dict):
        yield from _subschemas(node["items"], f"{path}/items")


_TYPE_MESSAGES = {
    "string": "Texte attendu pour « {} » : écrivez-le entre guillemets",
    "integer": "Nombre entier attendu pour « {} »",
    "number": "Nombre attendu pour « {} »",
    "boolean": "« true » ou « false » attendu pour « {} »",
    "array": "Liste attendue pour « {} » : un élément par ligne",
}


def test_every_value_has_a_french_message_for_the_editor():
    """``errorMessage`` replaces the server's « Incorrect type. Expected "string". » and
    « Value is not accepted. Valid values: … » (an object keeps the server's own: its
    ``errorMessage`` would also hide the name of a missing key)."""
    checked = 0
    for path, node in _subschemas(schema()):
        if "type" not in node or node["type"] == "object" or "pattern" in node:
            continue
        message = node["errorMessage"]
        title = node["title"]
        checked += 1
        if node.get("format") == "date":
            assert message.startswith("Date invalide : "), path
            assert "AAAA-MM-JJ" in message
        elif node.get("format") == "email":
            assert message.startswith("Courriel invalide : "), path
        elif isinstance(node.get("enum"), list):
            assert message.startswith(f"Valeur hors de la liste pour « {title} »"), path
            values = [str(v) for v in node["enum"]]
            listed = f"valeurs possibles : {', '.join(values)}."
            assert message.endswith(listed) or f"({len(values)} valeurs possibles)" in message
        elif isinstance(node["type"], list):
            assert f"attendu pour « {title} »" in message, path
        else:
            assert message.startswith(_TYPE_MESSAGES[node["type"]].format(title)), path
        assert not any(mark in message for mark in ("Expected", "String", "Value")), path
    assert checked > 150


def test_unknown_keys_go_to_one_explained_subschema_that_accepts_anything():
    from cpts_cli.checking.schema import UNKNOWN_KEY, strict

    root = schema()
    extras = [n["additionalProperties"] for _p, n in _nodes(root) if "additionalProperties" in n]
    assert len(extras) >= 57
    assert all(extra == UNKNOWN_KEY for extra in extras)
    target = root["$defs"]["cle_inconnue"]
    assert "cpts validate" in target["description"]
    assert not {"type", "not", "enum", "const"} & set(target)  # any value is accepted
    # cpts validate's own validation still refuses them (its warning CPTS-S002)
    assert all(n["additionalProperties"] is False
               for _p, n in _nodes(strict(root)) if "additionalProperties" in n)  # fmt: skip
