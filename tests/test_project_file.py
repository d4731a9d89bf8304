"""The project file layer: round trip byte for byte, targeted edits, atomic and safe writes."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap

from cpts_cli.project.load import parse_bytes, read_path
from cpts_cli.project.positions import locate
from cpts_cli.project.save import save, updated_text
from cpts_cli.support.errors import ConflictError, CptsError

HAND_WRITTEN = {
    "comments_and_blank_lines": """\
# Mon projet de CPTS
format: 1   # ne pas toucher

cpts:
  # le nom officiel
  nom: CPTS du Val   # commentaire en fin de ligne


  porteur:
    nom: Dr Martin
territoire:
  communes:
  - "21231"     # Dijon
  - '21166'
""",
    "flow_style": """\
format: 1
cpts: {nom: "CPTS A",  porteur: {nom: 'Dr X', email: x@y.fr}}
territoire:
  communes: [ "21231",   '21166' ]
  epci: []
""",
    "quoting_styles": """\
format: 1
cpts:
  nom: 'L''Arche de l''Ouche'
  porteur:
    nom: "Dr \\"Doc\\" Martin"
    telephone: "03 80 00 00 00"
  coordinateur: {nom: plain text}
""",
    "folded_and_literal": """\
format: 1
cpts:
  nom: CPTS
territoire:
  justification: >-
    Un long texte replié sur plusieurs lignes, qui dépasse largement la largeur
    habituelle d'un éditeur de texte et que l'outil ne doit jamais reformater, même
    quand il réécrit le fichier.
  communes:
      - "21231"
projet_sante:
  items_dgos:
    besoins_identifies: |
      Ligne 1
        Ligne 2 indentée

      Ligne 4 après un blanc
""",
    "four_space_indent": """\
format: 1
cpts:
    nom: CPTS
    porteur:
        nom: Dr X
etapes:
    territoire:
        terminee_le: 2024-01-02
""",
    "long_lines": "format: 1\ncpts:\n  nom: " + "mot " * 60 + "\n",
}


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_load_then_save_changes_nothing(tmp_path, name):
    path = tmp_path / "cpts.yaml"
    raw = HAND_WRITTEN[name].encode()
    path.write_bytes(raw)
    doc = read_path(path)
    assert doc.parsed and not [f for f in doc.findings if f.severity.value == "error"]
    assert updated_text(doc) == doc.text
    assert save(doc) is False
    assert path.read_bytes() == raw


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_crlf_and_bom_survive(tmp_path, name):
    raw = b"\xef\xbb\xbf" + HAND_WRITTEN[name].replace("\n", "\r\n").encode()
    path = tmp_path / "cpts.yaml"
    path.write_bytes(raw)
    doc = read_path(path)
    assert doc.bom and doc.crlf
    assert [f.code for f in doc.findings] == ["CPTS-Y009"]
    doc.data["cpts"]["nom"] = "Autre nom"
    assert save(doc) is True
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert b"Autre nom" in new


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    import difflib

    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, before.splitlines(), after.splitlines()
    ).get_opcodes():
        if tag != "equal":
            out.append(
                ("\n".join(before.splitlines()[i1:i2]), "\n".join(after.splitlines()[j1:j2]))
            )
    return out


def _edit_and_save(tmp_path, name: str, change) -> tuple[Path, str, str]:
    """Write the hand-written file ``name``, apply ``change`` to its data, save it;
    returns (path, text before, text after)."""
    src = HAND_WRITTEN[name]
    path = tmp_path / "cpts.yaml"
    path.write_text(src)
    doc = read_path(path)
    change(doc.data)
    save(doc)
    return path, src, path.read_text()


def test_targeted_edit_changes_only_its_lines(tmp_path):
    _, src, after = _edit_and_save(
        tmp_path,
        "comments_and_blank_lines",
        lambda data: data["territoire"]["communes"].append("21355"),
    )
    changes = _changed_lines(src, after)
    assert (
        changes == [("", '  - "21355"')]
        or changes == [("", "  - '21355'")]
        or changes == [("", "  - 21355")]
    ), changes
    assert "# commentaire en fin de ligne" in after and "\n\n\n  porteur" in after


def test_edit_in_flow_style_keeps_other_lines(tmp_path):
    path, src, after = _edit_and_save(
        tmp_path, "flow_style", lambda data: data["territoire"]["epci"].append("242100410")
    )
    # the cpts line, written with odd spacing, is not touched
    assert after.splitlines()[1] == src.splitlines()[1]
    assert read_path(path).plain["territoire"]["epci"] == ["242100410"]


def test_adding_a_step_record_in_a_four_space_file(tmp_path):
    def add_record(data):
        data["etapes"]["mobilisation"] = CommentedMap(terminee_le=dt.date(2024, 5, 6))

    _, src, after = _edit_and_save(tmp_path, "four_space_indent", add_record)
    assert after.startswith(src)
    assert after[len(src) :] == "    mobilisation:\n        terminee_le: 2024-05-06\n"


def test_save_refuses_when_the_file_changed_meanwhile(tmp_path):
    path = tmp_path / "cpts.yaml"
    path.write_text(HAND_WRITTEN["flow_style"])
    doc = read_path(path)
    path.write_text(HAND_WRITTEN["flow_style"] + "# ajouté par quelqu'un d'autre\n")
    doc.data["cpts"]["nom"] = "X"
    with pytest.raises(ConflictError):
        save(doc)
    assert path.read_text().endswith("# ajouté par quelqu'un d'autre\n")


def test_save_keeps_permissions_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "cpts.yaml"
    path.write_text(HAND_WRITTEN["flow_style"])
    os.chmod(path, 0o640)
    doc = read_path(path)
    doc.data["cpts"]["nom"] = "X"
    assert save(doc)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cpts.yaml"]


def test_failed_write_leaves_the_original(tmp_path, monkeypatch):
    path = tmp_path / "cpts.yaml"
    path.write_text(HAND_WRITTEN["flow_style"])
    doc = read_path(path)
    doc.data["cpts"]["nom"] = "X"

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(CptsError) as err:
        save(doc)
    assert "n'a pas été modifié" in err.value.message
    assert path.read_text() == HAND_WRITTEN["flow_style"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cpts.yaml"]


def test_positions_point_at_keys_and_items():
    doc = parse_bytes(HAND_WRITTEN["comments_and_blank_lines"].encode())
    assert locate(doc.data, "/cpts/nom") == (6, 3)
    assert locate(doc.data, "/territoire/communes/1") == (14, 5)
    # a missing key points at its deepest existing parent
    assert locate(doc.data, "/cpts/association/nom") == (4, 1)
    flow = parse_bytes(HAND_WRITTEN["flow_style"].encode())
    assert locate(flow.data, "/territoire/communes/1") == (4, 26)


def test_migration_hook_runs_in_order():
    from cpts_cli.project.migrate import migrate

    calls = []
    table = {0: lambda d: calls.append(("0→1", dict(d))), 1: lambda d: calls.append("1→2")}
    data = {"format": 0}
    # CURRENT_FORMAT is 1: only the 0→1 migration applies
    assert migrate(data, table) == [0]
    assert data["format"] == 1 and len(calls) == 1


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(value=texts)
def test_any_text_value_round_trips(tmp_path_factory, value):
    """Whatever a user types as a value is written so that it reads back identical."""
    path = tmp_path_factory.mktemp("rt") / "cpts.yaml"
    path.write_text("format: 1\n# garder\ncpts:\n  nom: A\n")
    doc = read_path(path)
    doc.data["cpts"]["nom"] = value
    save(doc)
    again = read_path(path)
    assert again.plain["cpts"]["nom"] == value
    assert "# garder" in path.read_text()


def test_brackets_in_texts_are_not_nesting():
    """Only real nesting is bounded: « [ » and « { » written in texts, even unbalanced and by
    hundreds, are text (quoted, plain, across lines or in a block)."""
    from cpts_cli.project.load import MAX_FLOW_DEPTH, parse_bytes

    many = MAX_FLOW_DEPTH * 3
    text = (
        "format: 1\n"
        f'a: "{"[" * many} \\" {"{" * many}"\n'
        f"b: '{'[' * many} '' {'{' * many}'\n"
        f"c: voir {'[' * many} et\n  suite {'{' * many}\n"
        f"d: |\n  {'[' * many}\n  {'{' * many}\n"
        "e: [1, [2, [3]], {x: [4]}]\n"
    )
    doc = parse_bytes(text.encode("utf-8"))
    assert doc.parsed and not doc.findings
    assert doc.plain["a"].startswith("[[[") and doc.plain["e"][2] == {"x": [4]}
    nested = "format: 1\nx: " + "[" * (MAX_FLOW_DEPTH + 1) + "]" * (MAX_FLOW_DEPTH + 1) + "\n"
    deep = parse_bytes(nested.encode("utf-8"))
    assert not deep.parsed and deep.findings[0].code == "CPTS-Y001"
    assert deep.findings[0].line == 2
