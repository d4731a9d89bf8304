"""The editor, check-jsonschema and ``cpts validate`` agree on what is an error.

The editor and check-jsonschema read the shipped schema (``schemas/cpts.schema.json``, copied
beside each project); ``cpts validate`` adds its own rules. For a mistake the schema can see,
the schema's verdict (an error or not, with the validator class check-jsonschema picks for
the schema) must be ``cpts validate``'s gravity: ``erreur`` ⇔ schema error. An unknown key is
a warning (SPEC § Findings): no error for the schema, an ``avertissement`` that suggests the
nearest key for ``cpts validate``.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.project.load import read_path
from cpts_cli.support.resources import schema

from .conftest import EXAMPLES, ROOT, run_cli

BASE = EXAMPLES / "sud-dijonnais.yaml"
SCHEMA_FILE = ROOT / "schemas" / "cpts.schema.json"


def _base() -> dict:
    return read_path(BASE).plain


def _set(path: str, value) -> Callable[[dict], None]:
    *parents, last = path.strip("/").split("/")

    def apply(doc: dict) -> None:
        node = doc
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        node[int(last) if isinstance(node, list) else last] = value

    return apply


def _drop(path: str) -> Callable[[dict], None]:
    *parents, last = path.strip("/").split("/")

    def apply(doc: dict) -> None:
        node = doc
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        del node[last]

    return apply


#: (name, mutation of the worked example, pointer where cpts validate must say something,
#: the gravity it must give there).
CASES = [
    ("clé inconnue à la racine", _set("/formatt", 1), "/formatt", "avertissement"),
    ("clé mal orthographiée", _set("/territoire/justificaton", "x"),
     "/territoire/justificaton", "avertissement"),
    ("clé inconnue dans un acteur", _set("/mobilisation/acteurs/0/prenon", "Claire"),
     "/mobilisation/acteurs/0/prenon", "avertissement"),
    ("clé inconnue dans le porteur", _set("/cpts/porteur/telephonne", "03"),
     "/cpts/porteur/telephonne", "avertissement"),
    ("code INSEE à 4 chiffres", _set("/territoire/communes/0", "2116"),
     "/territoire/communes/0", "erreur"),
    ("code INSEE en nombre", _set("/territoire/communes/0", 21166),
     "/territoire/communes/0", "erreur"),
    ("SIREN à 8 chiffres", _set("/territoire/epci", ["24210041"]),
     "/territoire/epci/0", "erreur"),
    ("RPPS trop court", _set("/mobilisation/acteurs/0/rpps", "123"),
     "/mobilisation/acteurs/0/rpps", "erreur"),
    ("RNA sans W", _set("/cpts/association/rna", "212004587"),
     "/cpts/association/rna", "erreur"),
    ("date à la française", _set("/mobilisation/reunions/0/date", "10/02/2022"),
     "/mobilisation/reunions/0/date", "erreur"),
    ("courriel sans @", _set("/cpts/porteur/email", "claire.morel"),
     "/cpts/porteur/email", "erreur"),
    ("profession hors liste", _set("/mobilisation/acteurs/0/profession", "medecin"),
     "/mobilisation/acteurs/0/profession", "erreur"),
    ("nom d'acteur absent", _drop("/mobilisation/acteurs/0/nom"),
     "/mobilisation/acteurs/0", "erreur"),
    ("participants négatifs", _set("/mobilisation/reunions/0/participants", -3),
     "/mobilisation/reunions/0/participants", "erreur"),
    ("communes en texte seul", _set("/territoire/communes", "21166"),
     "/territoire/communes", "erreur"),
]  # fmt: skip


def _schema_errors(doc: dict) -> list:
    """The schema's verdict, as check-jsonschema gets it: the validator class the schema's
    ``$schema`` names, with format checking."""
    shipped = schema()
    cls = jsonschema.validators.validator_for(shipped)
    return list(cls(shipped, format_checker=cls.FORMAT_CHECKER).iter_errors(doc))


def _validate(path: Path) -> list[dict]:
    result = run_cli(["validate", str(path), "--format", "json"])
    assert result.code in (0, 1), result.out + result.err
    return result.json()["fichiers"][0]["constats"]


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "cpts.yaml"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_the_worked_example_is_clean_for_both():
    assert _schema_errors(_base()) == []
    assert [f for f in _validate(BASE) if f["gravite"] == "erreur"] == []


@pytest.mark.parametrize(("name", "mutate", "where", "gravity"), CASES, ids=[c[0] for c in CASES])
def test_schema_and_cpts_validate_agree(tmp_path, name, mutate, where, gravity):
    doc = copy.deepcopy(_base())
    mutate(doc)
    found = _validate(_write(tmp_path, doc))
    here = {f["gravite"] for f in found if f["chemin"] == where}
    assert gravity in here, (name, found)
    cpts_error = any(f["gravite"] == "erreur" for f in found)
    schema_error = bool(_schema_errors(doc))
    assert schema_error == cpts_error == (gravity == "erreur"), (name, found)


def test_an_unknown_key_is_a_warning_with_the_nearest_key_for_cpts_and_no_error_for_schema(
    tmp_path,
):
    doc = copy.deepcopy(_base())
    doc["territoire"]["justificaton"] = "bassin de vie"
    assert _schema_errors(doc) == []  # what the editor and check-jsonschema now say
    result = run_cli(["validate", str(_write(tmp_path, doc))])
    assert result.code == 0, result.out
    assert "avertissement CPTS-S002" in result.out
    assert "vouliez-vous dire « justification » ?" in result.out


def _property_names(node) -> set[str]:
    """Every key the schema knows, anywhere."""
    if isinstance(node, list):
        return set().union(*map(_property_names, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    names = set(node.get("properties") or {})
    return names.union(*(_property_names(v) for v in node.values()))


_KNOWN = _property_names(schema())


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.from_regex(r"[a-z][a-z_]{2,20}", fullmatch=True).filter(lambda k: k not in _KNOWN),
    where=st.sampled_from(["territoire", "cpts", "cpts/porteur", "mobilisation/acteurs/0"]),
)
def test_any_unknown_key_anywhere_is_a_warning_for_both(tmp_path, key, where):
    doc = copy.deepcopy(_base())
    node = doc
    for token in where.split("/"):
        node = node[int(token)] if isinstance(node, list) else node[token]
    if key in node:
        return
    node[key] = "x"
    assert _schema_errors(doc) == []
    found = _validate(_write(tmp_path, doc))
    assert [(f["gravite"], f["code"], f["chemin"]) for f in found] == [
        ("avertissement", "CPTS-S002", f"/{where}/{key}")
    ]


def test_check_jsonschema_agrees_on_the_same_files(tmp_path):
    exe = shutil.which("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema absent (pip install check-jsonschema)")
    for name, mutate, _where, gravity in CASES:
        doc = copy.deepcopy(_base())
        mutate(doc)
        path = _write(tmp_path, doc)
        proc = subprocess.run(
            [exe, "--schemafile", str(SCHEMA_FILE), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == (1 if gravity == "erreur" else 0), (name, proc.stdout)


def _language_server() -> str | None:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from check_modeline_lsp import find_server
    finally:
        sys.path.pop(0)
    return find_server(None)


@pytest.mark.skipif(
    _language_server() is None,
    reason="yaml-language-server absent (npm install yaml-language-server, ou "
    "CPTS_YAML_LANGUAGE_SERVER=chemin)",
)
def test_the_real_language_server_agrees_and_speaks_french():
    import sys

    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_schema_lsp.py")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Code commune INSEE invalide" in proc.stdout
    assert "Clé inconnue de cpts" in proc.stdout
