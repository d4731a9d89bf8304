"""Writes only where asked, and as asked (issue 12, item 4).

A project file that is a symbolic link is written through to its target (the link kept); a
read-only file is refused; a project file that is not a plain file (device, FIFO, folder,
standard input) is refused before anything is read or written. Every refusal leaves every
byte as it was: each test compares a snapshot of the whole folder before and after.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT

#: The commands that write the project file; ``{f}`` is the file, ``{src}`` a CSV to import.
WRITERS = {
    "territory add": ["territory", "add", "-f", "{f}", "21003"],
    "territory remove": ["territory", "remove", "-f", "{f}", "21166"],
    "next": ["next", "{f}"],
    "actors import": ["actors", "import", "{src}", "-f", "{f}"],
    "fill": ["fill", "-f", "{f}"],
}


def _args(name: str, f: Path, src: Path) -> list[str]:
    return [a.format(f=f, src=src) for a in WRITERS[name]]


def snapshot(folder: Path) -> dict:
    """Every entry under ``folder``: its kind, permission bits, and bytes or link target."""
    out = {}
    for path in sorted(folder.rglob("*")):
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            out[path] = ("lien", os.readlink(path))
        elif stat.S_ISREG(info.st_mode):
            out[path] = ("fichier", stat.S_IMODE(info.st_mode), path.read_bytes())
        else:
            out[path] = ("autre", stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
    return out


@pytest.fixture
def src(tmp_path) -> Path:
    path = tmp_path / "acteurs.csv"
    path.write_text("Nom;Prénom;Profession;Commune\nLambert;Nadia;IDE;21166\n", encoding="utf-8")
    return path


@pytest.fixture
def ready(tmp_path, cli) -> Path:
    """A project whose current step (territoire) is complete: ``cpts next`` writes it."""
    folder = tmp_path / "projet"
    result = cli("init", folder, "--no-input", "--nom", "CPTS du Val", "--communes", "21166")
    assert result.code == 0, result
    path = folder / "cpts.yaml"
    path.write_text(path.read_text().replace('justification: ""', "justification: Bassin de vie."))
    return path


def _project_for(name: str, example: Path, ready: Path) -> Path:
    return ready if name == "next" else example


# --------------------------------------------------------------------------- symbolic links


@pytest.mark.parametrize("name", ["territory add", "next", "actors import"])
def test_a_linked_project_file_is_written_through_and_the_link_kept(
    name, example, ready, src, tmp_path, cli
):
    real = _project_for(name, example, ready)
    link = tmp_path / "lien" / "cpts.yaml"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(real, link.parent))
    before = real.read_bytes()
    os.chmod(real, 0o640)

    result = cli(*_args(name, link, src))

    assert result.code == 0, result
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(real, link.parent)
    assert real.read_bytes() != before  # the target got the edit
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert sorted(p.name for p in link.parent.iterdir()) == ["cpts.yaml"]  # no stray file


def test_a_dangling_link_is_refused_and_nothing_is_created(example, tmp_path, cli):
    link = tmp_path / "lien.yaml"
    link.symlink_to(tmp_path / "ailleurs" / "absent.yaml")
    before = snapshot(tmp_path)
    result = cli("territory", "add", "-f", link, "21003")
    assert result.code == 2
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- read-only files


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_read_only_project_file_is_refused_and_left_untouched(
    name, example, ready, src, tmp_path, cli
):
    path = _project_for(name, example, ready)
    os.chmod(path, 0o444)  # root may still write it: cpts must look at the bits
    before = snapshot(tmp_path)

    result = cli(*_args(name, path, src))

    assert result.code == 2, result
    assert f"« {path} » est en lecture seule : il n'a pas été modifié." in result.err
    assert snapshot(tmp_path) == before


def test_actors_import_says_read_only_before_reading_the_source(
    example, src, tmp_path, cli, monkeypatch
):
    """A national extraction takes seconds to read: the refusal comes first."""
    import cpts_cli.actors.importing.run as run

    def never(*args, **kwargs):
        raise AssertionError("the source was read")

    monkeypatch.setattr(run, "import_actors", never)
    os.chmod(example, 0o444)
    before = snapshot(tmp_path)
    result = cli("actors", "import", "-f", example, src)
    assert result.code == 2, result
    assert "est en lecture seule : il n'a pas été modifié." in result.err
    assert snapshot(tmp_path) == before


def test_a_read_only_target_of_a_link_is_refused(example, tmp_path, cli):
    link = tmp_path / "lien.yaml"
    link.symlink_to(example)
    os.chmod(example, 0o444)
    before = snapshot(tmp_path)
    result = cli("territory", "add", "-f", link, "21003")
    assert result.code == 2
    assert f"« {example} » (la cible du lien « {link} ») est en lecture seule" in result.err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", [["territory", "add"], ["territory", "remove"]])
def test_dry_run_on_a_read_only_file_still_answers(command, example, tmp_path, cli):
    code = "21003" if command[1] == "add" else "21166"
    os.chmod(example, 0o444)
    before = snapshot(tmp_path)
    result = cli(*command, "-f", example, code, "--dry-run")
    assert result.code == 0, result
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_the_permission_bits_are_kept_on_rewrite(mode, example, cli):
    os.chmod(example, mode)
    result = cli("territory", "add", "-f", example, "21003")
    assert result.code == 0, result
    assert stat.S_IMODE(os.stat(example).st_mode) == mode
    assert "21003" in example.read_text()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mode=st.integers(0, 0o7777), data=st.binary(max_size=64))
def test_write_atomic_keeps_the_bits_or_refuses_a_read_only_file(mode, data, tmp_path):
    from cpts_cli.project.save import write_atomic
    from cpts_cli.support.errors import CptsError

    path = tmp_path / "fichier.yaml"
    if path.exists():
        os.chmod(path, 0o600)
        path.unlink()
    path.write_bytes(b"avant\n")
    os.chmod(path, mode)
    before = snapshot(tmp_path)
    if mode & 0o222:
        write_atomic(path, data)
        assert path.read_bytes() == data
        assert stat.S_IMODE(os.stat(path).st_mode) == mode
        assert sorted(tmp_path.iterdir()) == [path]  # no temporary file left
    else:
        with pytest.raises(CptsError, match="est en lecture seule : il n'a pas été modifié"):
            write_atomic(path, data)
        assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="only the administrator may give a file away")
def test_the_administrator_editing_someone_s_file_keeps_its_owner(example, cli):
    os.chown(example, 12345, 23456)
    result = cli("territory", "add", "-f", example, "21003")
    assert result.code == 0, result
    info = os.stat(example)
    assert (info.st_uid, info.st_gid) == (12345, 23456)
    assert "21003" in example.read_text()


# --------------------------------------------------------------------------- not plain files


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_device_is_refused_before_it_is_read(name, tmp_path, src, cli):
    result = cli(*_args(name, Path("/dev/null"), src))
    assert result.code == 2
    assert (
        "« /dev/null » n'est pas un fichier projet mais un périphérique : rien n'a été lu ni "
        "écrit." in result.err
    )


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_folder_is_refused(name, tmp_path, src, cli):
    folder = tmp_path / "dossier"
    folder.mkdir()
    before = snapshot(tmp_path)
    result = cli(*_args(name, folder, src))
    assert result.code == 2
    assert "est un dossier" in result.err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_fifo_is_refused_before_it_is_opened(name, tmp_path, src):
    # In a child with a time limit: a command that opened the FIFO would wait forever.
    fifo = tmp_path / "cpts.yaml"
    os.mkfifo(fifo)
    before = snapshot(tmp_path)
    result = _child(_args(name, fifo, src), tmp_path)
    assert result.returncode == 2
    assert "n'est pas un fichier projet mais un tube (FIFO)" in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_link_to_a_standard_stream_is_refused_and_kept(name, example, src, tmp_path, cli):
    """/dev/stdin is a link to /proc/self/fd/0: a link to a file descriptor of /proc stands
    for it here (the real /dev/stdin is never put at risk by the tests). Before, the link
    was replaced by a regular file."""
    with open(example, "rb") as handle:
        link = tmp_path / "stdin.yaml"
        link.symlink_to(f"/proc/self/fd/{handle.fileno()}")
        before = snapshot(tmp_path)
        result = cli(*_args(name, link, src))
        assert snapshot(tmp_path) == before
    assert result.code == 2
    assert (
        f"« {link} » n'est pas un fichier projet (entrée standard ou fichier du système) : "
        "rien n'a été lu ni écrit." in result.err
    )


@pytest.mark.parametrize("path", ["/dev/stdin", "/dev/fd/0", "/proc/self/environ"])
def test_standard_streams_and_system_files_are_not_project_files(path):
    from cpts_cli.project.files import check_project_path
    from cpts_cli.support.errors import CptsError

    with pytest.raises(CptsError, match="entrée standard ou fichier du système"):
        check_project_path(Path(path))


def test_the_default_file_is_checked_too(tmp_path):
    os.mkfifo(tmp_path / "cpts.yaml")
    result = _child(["next"], tmp_path)
    assert result.returncode == 2
    assert "« cpts.yaml » n'est pas un fichier projet mais un tube (FIFO)" in result.stderr


def _child(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``cpts args`` in a child process with a time limit (a FIFO opened would block)."""
    return subprocess.run(
        [sys.executable, "-m", "cpts_cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=30,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONPATH": str(ROOT)},
    )


# --------------------------------------------------------------------------- cpts init


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_init_never_writes_through_or_over_a_link(force, tmp_path, cli):
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    kept = elsewhere / "important.txt"
    kept.write_text("à garder\n")
    folder = tmp_path / "projet"
    folder.mkdir()
    (folder / "cpts.yaml").symlink_to(kept)
    (folder / "absent.yaml").symlink_to(elsewhere / "nouveau.yaml")
    before = snapshot(tmp_path)
    result = cli("init", folder, "--exemple", "sud-dijonnais", *force)
    assert result.code == 2
    assert f"« {folder / 'cpts.yaml'} » est un lien symbolique (vers « {kept} »)" in result.err
    assert snapshot(tmp_path) == before


def test_init_over_a_dangling_link_creates_nothing_elsewhere(tmp_path, cli):
    folder = tmp_path / "projet"
    folder.mkdir()
    (folder / "cpts.yaml").symlink_to(tmp_path / "ailleurs" / "cpts.yaml")
    (tmp_path / "ailleurs").mkdir()
    before = snapshot(tmp_path)
    result = cli("init", folder, "--exemple", "sud-dijonnais")
    assert result.code == 2
    assert "est un lien symbolique" in result.err
    assert snapshot(tmp_path) == before


def test_init_force_refuses_a_read_only_file(tmp_path, cli):
    folder = tmp_path / "projet"
    folder.mkdir()
    (folder / "cpts.yaml").write_text("ancien: oui\n")
    os.chmod(folder / "cpts.yaml", 0o444)
    before = snapshot(tmp_path)
    result = cli("init", folder, "--exemple", "sud-dijonnais", "--force")
    assert result.code == 2
    assert "est en lecture seule : il n'a pas été modifié." in result.err
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- render


def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "ailleurs"
    folder.mkdir()
    (folder / "diagnostic.md").write_text("à garder\n")
    return folder


def test_render_default_folder_linked_outside_the_project_is_refused(example, tmp_path, cli):
    outside = _outside(tmp_path)
    project = tmp_path / "projet"
    project.mkdir()
    path = project / "cpts.yaml"
    example.rename(path)
    (project / "documents").symlink_to(outside)
    before = snapshot(tmp_path)
    result = cli("render", path, "--format", "md", "--brouillon")
    assert result.code == 2
    assert "Chemin de sortie refusé" in result.err and "(lien symbolique)" in result.err
    assert snapshot(tmp_path) == before


def test_render_images_folder_linked_outside_is_refused_before_any_document(example, tmp_path, cli):
    outside = _outside(tmp_path)
    out = tmp_path / "sortie"
    out.mkdir()
    (out / "images").symlink_to(outside)
    before = snapshot(tmp_path)
    result = cli("render", example, "--out", out, "--format", "md", "--brouillon")
    assert result.code == 2
    assert f"« {out / 'images'} » mène hors du dossier « {out} »" in result.err
    assert snapshot(tmp_path) == before


def test_render_project_sub_folder_linked_outside_is_refused(example, tmp_path, cli):
    outside = _outside(tmp_path)
    second = tmp_path / "second.yaml"
    second.write_bytes(example.read_bytes())
    out = tmp_path / "sortie"
    args = ["render", example, second, "--out", out, "--format", "md", "--brouillon", "-q"]
    assert cli(*args).code == 0
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2  # one sub-folder per project
    shutil.rmtree(out)
    out.mkdir()
    for name in names:
        (out / name).symlink_to(outside)
    before = snapshot(tmp_path)
    result = cli(*args)
    assert result.code == 2
    assert f"« {out / names[0]} » mène hors du dossier « {out} »" in result.err
    assert snapshot(tmp_path) == before


def test_render_refuses_a_read_only_document(example, tmp_path, cli):
    out = tmp_path / "sortie"
    assert cli("render", example, "--out", out, "--format", "md", "--brouillon").code == 0
    os.chmod(out / "diagnostic-brouillon.md", 0o444)
    before = snapshot(tmp_path)
    result = cli("render", example, "--out", out, "--format", "md", "--brouillon")
    assert result.code == 2
    assert f"« {out / 'diagnostic-brouillon.md'} » est en lecture seule" in result.err
    assert snapshot(tmp_path) == before


def test_export_templates_into_a_partials_link_outside_is_refused(tmp_path, cli):
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "partials").symlink_to(outside)
    result = cli("render", "--exporter-modeles", folder)
    assert result.code == 2
    assert f"« {folder / 'partials'} » mène hors du dossier « {folder} »" in result.err
    assert list(outside.iterdir()) == []
