"""A project file that travels: a relative modeline and the schema's copy beside the file
(cpts_cli/project/schema_copy.py), written by init and kept up to date by every command that
writes the project file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.project import schema_copy
from cpts_cli.project.schema_copy import MODELINE, SCHEMA_FILE, repair_modeline

from .conftest import ROOT

OLD_MODELINE = (
    "# yaml-language-server: $schema=file:///home/claire/.venv/lib/python3.12/"
    "site-packages/cpts_cli/schemas/cpts.schema.json"
)
SHIPPED = (ROOT / "schemas" / SCHEMA_FILE).read_bytes()


def _init(cli, folder: Path, *extra: str) -> Path:
    result = cli(
        "init", folder, "--no-input", "--nom", "CPTS du Val", "--porteur", "Dr Claire Martin",
        "--communes", "21166", *extra,
    )  # fmt: skip
    assert result.code == 0, result
    return folder / "cpts.yaml"


def _old_project(cli, folder: Path, schema: bytes | None = b"{}") -> Path:
    """A project as an older cpts init left it: absolute modeline, maybe an old copy."""
    path = _init(cli, folder)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = OLD_MODELINE
    path.write_text("\n".join(lines), encoding="utf-8")
    copy = folder / SCHEMA_FILE
    copy.unlink()
    if schema is not None:
        copy.write_bytes(schema)
    return path


def test_init_writes_the_schema_beside_the_file_with_a_relative_modeline(tmp_path, cli):
    path = _init(cli, tmp_path / "p")
    assert path.read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=./cpts.schema.json"
    )
    assert (tmp_path / "p" / SCHEMA_FILE).read_bytes() == SHIPPED


def test_init_example_writes_the_schema_too(tmp_path, cli):
    result = cli("init", "--exemple", "sud-dijonnais", tmp_path / "ex")
    assert result.code == 0, result
    assert (tmp_path / "ex" / "cpts.yaml").read_text(encoding="utf-8").startswith(MODELINE + "\n")
    assert (tmp_path / "ex" / SCHEMA_FILE).read_bytes() == SHIPPED


def test_a_copied_folder_keeps_a_modeline_that_resolves(tmp_path, cli):
    first = tmp_path / "chez-moi"
    _init(cli, first)
    copy = tmp_path / "ailleurs" / "chez-un-collegue"
    shutil.copytree(first, copy)
    shutil.rmtree(first)
    text = (copy / "cpts.yaml").read_text(encoding="utf-8")
    target = text.splitlines()[0].split("$schema=", 1)[1]
    assert not target.startswith(("/", "file:"))
    # Resolved against the YAML file's folder, as the YAML language server does.
    assert (copy / target).resolve().read_bytes() == SHIPPED
    assert cli("validate", copy / "cpts.yaml").code in (0, 1)


def test_a_write_repairs_an_absolute_modeline_and_refreshes_an_old_copy(tmp_path, cli):
    path = _old_project(cli, tmp_path / "p")
    before = path.read_text(encoding="utf-8")
    result = cli("territory", "add", "-f", path, "21355")
    assert result.code == 0, result
    assert "Attention" not in result.err
    after = path.read_text(encoding="utf-8")
    assert after.splitlines()[0] == MODELINE
    assert (tmp_path / "p" / SCHEMA_FILE).read_bytes() == SHIPPED
    # Only the modeline and the new code differ; every other line is kept.
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert len(old_lines) + 1 == len(new_lines)
    added = new_lines.index('    - "21355"  # Longvic')
    del new_lines[added]
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert changed == [0]


def test_a_missing_copy_is_written_again_by_a_write(tmp_path, cli):
    path = _init(cli, tmp_path / "p")
    (tmp_path / "p" / SCHEMA_FILE).unlink()  # a clone where it was not committed
    assert cli("territory", "add", "-f", path, "21355").code == 0
    assert (tmp_path / "p" / SCHEMA_FILE).read_bytes() == SHIPPED


def test_a_command_that_writes_nothing_changes_nothing(tmp_path, cli):
    path = _old_project(cli, tmp_path / "p")
    before = path.read_bytes()
    assert cli("validate", path).code in (0, 1)
    assert cli("territory", "add", "-f", path, "21166").code == 0  # already there
    assert path.read_bytes() == before
    assert (tmp_path / "p" / SCHEMA_FILE).read_bytes() == b"{}"


def test_next_repairs_the_modeline_of_a_crlf_file_with_a_bom(tmp_path, cli):
    path = _init(cli, tmp_path / "p")
    text = path.read_text(encoding="utf-8").replace('justification: ""', "justification: Bassin.")
    text = text.replace(MODELINE, OLD_MODELINE + "  # gardé")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = cli("next", path)
    assert result.code == 0, result
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + (MODELINE + "  # gardé\r\n").encode("utf-8"))
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_a_modeline_of_the_users_own_is_left_alone(tmp_path, cli):
    path = _init(cli, tmp_path / "p")
    (tmp_path / "p" / SCHEMA_FILE).unlink()
    own = "# yaml-language-server: $schema=https://exemple.fr/schemas/cpts.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace(MODELINE, own), encoding="utf-8")
    assert cli("territory", "add", "-f", path, "21355").code == 0
    assert path.read_text(encoding="utf-8").splitlines()[0] == own
    assert not (tmp_path / "p" / SCHEMA_FILE).exists()


@pytest.mark.parametrize(
    "target",
    [
        "file:///home/claire/.venv/lib/python3.12/site-packages/cpts_cli/schemas/cpts.schema.json",
        "file:///C:/Users/Claire/venv/Lib/site-packages/cpts_cli/schemas/cpts.schema.json",
        "/opt/cpts/schemas/cpts.schema.json",
        "C:\\cpts\\schemas\\cpts.schema.json",
    ],
)
def test_absolute_targets_are_repaired(target):
    text = f"#  yaml-language-server:  $schema={target} # note\r\nformat: 1\r\n"
    assert repair_modeline(text) == (
        "#  yaml-language-server:  $schema=./cpts.schema.json # note\r\nformat: 1\r\n"
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://exemple.fr/cpts.schema.json",
        "../commun/cpts.schema.json",
        "./cpts.schema.json",
        "file:///home/claire/autre.schema.json",
    ],
)
def test_other_targets_are_kept(target):
    text = f"# yaml-language-server: $schema={target}\nformat: 1\n"
    assert repair_modeline(text) == text


_line = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_line, max_size=8), st.lists(_line, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_repair_keeps_every_other_byte(before, after, end):
    around = [f"# {line}" if "yaml-language-server" in line else line for line in before + after]
    lines = around[: len(before)] + [OLD_MODELINE] + around[len(before) :]
    text = end.join(lines) + end
    expected = end.join(around[: len(before)] + [MODELINE] + around[len(before) :]) + end
    assert repair_modeline(text) == expected


def test_an_unwritable_copy_gives_a_warning_not_a_failure(tmp_path, cli):
    path = _old_project(cli, tmp_path / "p")
    copy = tmp_path / "p" / SCHEMA_FILE
    copy.chmod(0o444)
    result = cli("territory", "add", "-f", path, "21355")
    assert result.code == 0, result
    assert "21355" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert "Attention : la copie du schéma" in result.err and "lecture seule" in result.err
    assert copy.read_bytes() == b"{}"


def test_a_folder_in_the_way_gives_a_warning_at_init(tmp_path, cli):
    (tmp_path / "p" / SCHEMA_FILE).mkdir(parents=True)
    result = cli("init", tmp_path / "p", "--no-input", "--nom", "CPTS du Val", "--porteur", "A")
    assert result.code == 0, result
    assert (tmp_path / "p" / "cpts.yaml").exists()
    assert "Attention : la copie du schéma" in result.err
    assert "n'est pas un fichier ordinaire" in result.err


def test_a_copy_the_system_refuses_gives_a_warning(tmp_path, cli, monkeypatch):
    """The folder lets the project file be replaced but not a new file be created (what a
    read-only folder does to a new file; root ignores the permission bits, so the refusal
    is simulated)."""
    path = _old_project(cli, tmp_path / "p", schema=None)
    from cpts_cli.project import save as save_module

    original = save_module.write_atomic

    def refusing(target, data, **kwargs):
        if Path(target).name == SCHEMA_FILE:
            raise save_module.CptsError(
                f"Écriture impossible de « {target} » : permission refusée. Le fichier "
                "d'origine n'a pas été modifié."
            )
        return original(target, data, **kwargs)

    monkeypatch.setattr(save_module, "write_atomic", refusing)
    result = cli("territory", "add", "-f", path, "21355")
    assert result.code == 0, result
    assert "21355" in path.read_text(encoding="utf-8")
    assert "Attention : la copie du schéma" in result.err and "permission refusée" in result.err
    assert not (tmp_path / "p" / SCHEMA_FILE).exists()


def test_a_linked_project_file_gets_the_copy_beside_the_real_file(tmp_path, cli):
    real = _old_project(cli, tmp_path / "vrai", schema=None)
    link = tmp_path / "lien" / "cpts.yaml"
    link.parent.mkdir()
    link.symlink_to(real)
    assert cli("territory", "add", "-f", link, "21355").code == 0
    assert (tmp_path / "vrai" / SCHEMA_FILE).read_bytes() == SHIPPED
    assert sorted(p.name for p in link.parent.iterdir()) == ["cpts.yaml"]


def test_the_warning_is_given_once_per_copy(tmp_path, capsys):
    folder = tmp_path / "p"
    (folder / SCHEMA_FILE).mkdir(parents=True)
    schema_copy.after_write(folder / "cpts.yaml", MODELINE + "\n")
    schema_copy.after_write(folder / "cpts.yaml", MODELINE + "\n")
    assert capsys.readouterr().err.count("Attention") == 1


def _language_server() -> str | None:
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
def test_the_real_language_server_loads_the_copied_schema():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_modeline_lsp.py")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Identité de la CPTS" in proc.stdout
    assert "population" in proc.stdout
