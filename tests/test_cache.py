"""The user's cache (compiled templates): a speed-up only, never a dependency."""

from __future__ import annotations

import pytest

from cpts_cli.support import cache
from cpts_cli.support.formatting import french_typography as fr

from .test_render_support import body_text, structure


def _render(cli, project, out, *extra):
    result = cli("render", project, "--out", out, "--doc", "lettre-intention", *extra)
    assert result.code == 0, result
    return out / "lettre-intention.docx"


def _entries(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_templates_are_compiled_once_then_read_from_the_cache(example, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    first = _render(cli, example, tmp_path / "a")
    entries = _entries(tmp_path / "c")
    assert entries and all(p.parent.name.startswith(("modeles-", "cartes-")) for p in entries)
    compiled = [p for p in entries if p.parent.name.startswith("modeles-")]
    stamps = {p: p.stat().st_mtime_ns for p in compiled}
    second = _render(cli, example, tmp_path / "b")
    assert {p: p.stat().st_mtime_ns for p in compiled} == stamps
    assert _entries(tmp_path / "c") == entries  # nothing new: compiled once, map read back
    assert structure(second) == structure(first)
    assert body_text(second) == body_text(first)


def test_damaged_cache_entries_are_rebuilt(example, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    first = _render(cli, example, tmp_path / "a")
    for entry in _entries(tmp_path / "c"):
        entry.write_bytes(b"\x00garbage" * 7)
    second = _render(cli, example, tmp_path / "b")
    assert body_text(second) == body_text(first)
    assert all(b"garbage" not in p.read_bytes() for p in _entries(tmp_path / "c"))


@pytest.mark.parametrize("kind", ["file", "off"])
def test_unusable_or_disabled_cache_changes_nothing(example, tmp_path, cli, monkeypatch, kind):
    if kind == "file":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x", encoding="utf-8")
        monkeypatch.setenv("CPTS_CACHE_DIR", str(blocker / "sub"))
        assert cache.folder("modeles", "k") is None
    else:
        monkeypatch.setenv("CPTS_CACHE_DIR", "")
        assert cache.root() is None
    assert fr("Objet : lettre d'intention") in body_text(_render(cli, example, tmp_path / "a"))


def test_an_edited_user_template_is_recompiled(example, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    mine = tmp_path / "modeles"
    mine.mkdir()
    template = mine / "lettre-intention.md.j2"
    template.write_text("# Version un\n", encoding="utf-8")
    assert "Version un" in body_text(_render(cli, example, tmp_path / "a", "--templates", mine))
    template.write_text("# Version deux\n\n{{ cpts.nom }}\n", encoding="utf-8")
    text = body_text(_render(cli, example, tmp_path / "b", "--templates", mine))
    assert "Version deux" in text and "Version un" not in text


def test_errors_in_a_cached_user_template_keep_their_line(example, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    mine = tmp_path / "modeles"
    mine.mkdir()
    (mine / "lettre-intention.md.j2").write_text("a\n\nb\n{{ cpts.nope }}\n", encoding="utf-8")
    for _ in range(2):  # compiled, then read back from the cache
        result = cli("render", example, "--templates", mine, "--doc", "lettre-intention")
        assert result.code == 2
        assert "lettre-intention.md.j2" in result.err and "ligne 4" in result.err


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("CPTS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.root() == tmp_path / "xdg" / "cpts"
    monkeypatch.setenv("XDG_CACHE_HOME", "relatif")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.root() == tmp_path / "home" / ".cache" / "cpts"
    assert cache.fingerprint("a", b"b") != cache.fingerprint("ab")


# ------------------------------------------------------------------------------ charts


def _diagnostic_images(path):
    from .test_render_support import open_docx

    doc = open_docx(path)
    return [
        rel.target_part.blob for rel in doc.part.rels.values() if rel.reltype.endswith("/image")
    ]


def _expected_charts(project):
    """The map and the charts drawn directly in this process, in the diagnostic's order."""
    from cpts_cli.documents.charts import _request, draw
    from cpts_cli.documents.context import build_context
    from cpts_cli.project.load import read_path
    from cpts_cli.support.dates import today

    context = build_context(read_path(project).plain, today=today())
    return [draw(_request(g)) for g in [context["carte"], *context["diagnostic"]["graphiques"]]]


def _render_diagnostic(cli, project, out):
    result = cli("render", project, "--out", out, "--doc", "diagnostic")
    assert result.code == 0, result
    return _diagnostic_images(out / "diagnostic.docx")


def test_charts_come_from_the_helper_process_then_from_the_cache(
    example, tmp_path, cli, monkeypatch
):
    from cpts_cli.documents import chart_worker

    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    started = []
    real_start = chart_worker.start
    monkeypatch.setattr(
        chart_worker,
        "start",
        lambda requests: started.append(len(requests)) or real_start(requests),
    )
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "x"))
    expected = _expected_charts(example)  # (drawn with another cache)
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    assert len(expected) == 11  # the map, then ten charts
    assert sorted(_render_diagnostic(cli, example, tmp_path / "a")) == sorted(expected)
    assert started == [11]
    assert len(list((tmp_path / "c").glob("graphiques-*/*.png"))) == 10
    assert len(list((tmp_path / "c").glob("cartes-*/*.png"))) == 1
    # Second time: every chart is in the cache, no helper, the same images.
    assert sorted(_render_diagnostic(cli, example, tmp_path / "b")) == sorted(expected)
    assert started == [11]


@pytest.mark.parametrize(
    "helper",
    [
        "import sys; sys.stdout.buffer.write(b'\\x00' * 8 + b'garbage')",  # nonsense
        "import sys; sys.exit(3)",  # fails
        None,  # cannot start at all
    ],
)
def test_a_failing_helper_only_means_charts_drawn_here(example, tmp_path, cli, monkeypatch, helper):
    import subprocess
    import sys

    from cpts_cli.documents import chart_worker

    monkeypatch.setenv("CPTS_CACHE_DIR", "")

    def fake_start(requests):
        if helper is None:
            return None
        proc = subprocess.Popen(
            [sys.executable, "-c", helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        proc.stdin.close()
        proc.stdin = None
        return proc

    monkeypatch.setattr(chart_worker, "start", fake_start)
    assert sorted(_render_diagnostic(cli, example, tmp_path / "a")) == sorted(
        _expected_charts(example)
    )


def test_damaged_chart_in_the_cache_is_drawn_again(example, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    expected = sorted(_expected_charts(example))
    _render_diagnostic(cli, example, tmp_path / "a")
    entries = sorted((tmp_path / "c").glob("graphiques-*/*.png"))
    entries[0].write_bytes(entries[0].read_bytes()[:-100])  # truncated
    entries[1].write_bytes(b"")
    assert sorted(_render_diagnostic(cli, example, tmp_path / "b")) == expected


def test_helper_protocol_round_trip():
    from cpts_cli.documents import chart_worker
    from cpts_cli.documents.charts import theme_chart

    requests = [
        {"legende": "A", "indicateurs": [{"libelle": "x", "valeur": 2, "unite": "%"}]},
        {
            "legende": "B",
            "indicateurs": [{"libelle": "é" * 200, "valeur": -1.5, "references": {"france": 3}}],
        },
    ]
    proc = chart_worker.start(requests)
    assert proc is not None
    assert chart_worker.finish(proc, 2) == [
        theme_chart(r["legende"], r["indicateurs"]) for r in requests
    ]


def test_helper_started_early_is_stopped_when_the_document_is_refused(
    example, tmp_path, cli, monkeypatch
):
    from cpts_cli.documents import chart_worker

    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    lines = example.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("mobilisation:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("diagnostic:"))
    example.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    started, stopped = [], []
    real_start, real_stop = chart_worker.start, chart_worker.stop

    def spy_start(requests):
        proc = real_start(requests)
        started.append(proc)
        return proc

    monkeypatch.setattr(chart_worker, "start", spy_start)
    monkeypatch.setattr(chart_worker, "stop", lambda p: stopped.append(p) or real_stop(p))
    result = cli("render", example, "--doc", "diagnostic")
    assert result.code == 1 and "Refusé" in result.err
    assert started and started == stopped  # drawn early, stopped with the refusal
    assert all(p.poll() is not None for p in started)
    assert not (example.parent / "documents" / "diagnostic.docx").exists()


def test_the_cache_stays_small(tmp_path):
    import os
    import time

    kind = tmp_path / "graphiques-abc"
    kind.mkdir()
    for i in range(12):
        entry = kind / f"{i:02d}.png"
        entry.write_bytes(b"x")
        os.utime(entry, (1_000_000 + i, 1_000_000 + i))
    cache.touch(kind / "00.png")  # used just now: kept
    old_version = tmp_path / "graphiques-old"
    old_version.mkdir()
    (old_version / "a.png").write_bytes(b"x")
    os.utime(old_version, (time.time() - 40 * 86400,) * 2)
    recent_version = tmp_path / "graphiques-other"
    recent_version.mkdir()
    cache.prune("graphiques", kind, max_entries=5)
    left = sorted(p.name for p in kind.iterdir())
    assert left == ["00.png", "08.png", "09.png", "10.png", "11.png"]
    assert not old_version.exists() and recent_version.exists()
    cache.prune("graphiques", tmp_path / "absent")  # never fails


def test_the_sandbox_holds_for_templates_read_from_the_cache(example, tmp_path, cli, monkeypatch):
    """Jinja bakes the sandbox's checks into the compiled code: a template read back from the
    cache is as confined as one just compiled."""
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    mine = tmp_path / "modeles"
    mine.mkdir()
    (mine / "lettre-intention.md.j2").write_text(
        "{{ cpts.nom.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    for attempt in range(2):
        result = cli("render", example, "--templates", mine, "--doc", "lettre-intention")
        assert result.code == 2, (attempt, result)
        assert "accès interdit" in result.err
    assert list((tmp_path / "c").glob("modeles-*/*"))  # the second time came from the cache


def test_charts_that_cannot_be_drawn_leave_a_marked_place_and_a_warning(
    example, tmp_path, cli, monkeypatch
):
    from cpts_cli.documents import chart_worker, charts

    monkeypatch.setenv("CPTS_CACHE_DIR", "")
    monkeypatch.setattr(chart_worker, "start", lambda requests: None)

    def broken(*args, **kwargs):
        raise ImportError("No module named 'matplotlib'")

    monkeypatch.setattr(charts, "theme_chart", broken)
    result = cli("render", example, "--doc", "diagnostic")
    assert result.code == 0, result
    assert "10 graphiques n'ont pas pu être dessinés" in result.err
    assert "ImportError" in result.err and "Traceback" not in result.err
    text = body_text(example.parent / "documents" / "diagnostic.docx")
    assert text.count(fr("[image absente : images/diagnostic-")) == 10


def _edits(cli, project):
    """Three commands that rewrite the project file, one after the other."""
    assert cli("territory", "add", "21003", "-f", project).code == 0
    assert cli("territory", "remove", "21003", "-f", project).code == 0
    assert cli("territory", "add", "21005", "21031", "-f", project).code == 0


def test_the_texts_cpts_writes_are_remembered_and_give_the_same_file(
    example, tmp_path, cli, monkeypatch
):
    """A project file that ruamel.yaml writes back unchanged is remembered (by its hash):
    the next edit does not read it twice. The file written is the same as without a cache."""
    plain = tmp_path / "sans-cache" / "cpts.yaml"
    plain.parent.mkdir()
    plain.write_bytes(example.read_bytes())
    monkeypatch.setenv("CPTS_CACHE_DIR", "")
    _edits(cli, plain)
    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    _edits(cli, example)
    assert example.read_bytes() == plain.read_bytes()
    remembered = [p for p in _entries(tmp_path / "c") if p.parent.name.startswith("canonique-")]
    assert len(remembered) >= 2


def test_a_false_memory_of_a_text_never_changes_what_the_file_says(
    example, tmp_path, cli, monkeypatch
):
    """Even told (wrongly) that a hand-formatted file is what ruamel writes, an edit keeps
    every value of the file and adds the new one: the text is checked against the tree."""
    from ruamel.yaml import YAML

    from cpts_cli.project import save

    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    text = example.read_text(encoding="utf-8").replace(
        "territoire:\n", "territoire:   # mis en forme à la main\n", 1
    ).replace("  communes:\n", "  communes:\n\n\n", 1)
    example.write_text(text, encoding="utf-8")
    save._remember_canonical(text)
    before = YAML(typ="safe").load(text)
    assert cli("territory", "add", "21003", "-f", example).code == 0
    after = YAML(typ="safe").load(example.read_text(encoding="utf-8"))
    assert after["territoire"]["communes"] == [*before["territoire"]["communes"], "21003"] or (
        sorted(after["territoire"]["communes"]) == sorted([*before["territoire"]["communes"], "21003"])
    )
    after["territoire"]["communes"] = before["territoire"]["communes"]
    assert after == before
