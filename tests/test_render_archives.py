"""What was sent stays as it was sent (``cpts render``): a final document whose step is done is
kept in ``archives/`` before being replaced by other content; drafts have their own names and
never touch a final document; ``--brouillon`` alone writes the drafts up to the current step."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .test_render_cli import keep_steps, load_example, save
from .test_render_support import body_text, part_xml

LETTER = "Recenser les patients sans médecin traitant"
SENT_DAY = dt.date(2026, 11, 30)


def set_date(path: Path, day: dt.date = SENT_DAY) -> None:
    """Give ``path`` a modification date (midday, local time: the same day everywhere)."""
    stamp = dt.datetime(day.year, day.month, day.day, 12).timestamp()
    os.utime(path, (stamp, stamp))


def edit_letter(project: Path, new: str, old: str = LETTER) -> None:
    text = project.read_text(encoding="utf-8")
    assert text.count(old) == 1
    project.write_text(text.replace(old, new), encoding="utf-8")


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def render_letter(cli, project: Path, *args):
    result = cli("render", project, "--doc", "lettre-intention", *args)
    assert result.code == 0, result
    return result


def test_a_changed_final_document_of_a_done_step_is_kept_in_archives(example, cli):
    docs = example.parent / "documents"
    render_letter(cli, example)
    letter = docs / "lettre-intention.docx"
    sent = letter.read_bytes()
    set_date(letter)
    edit_letter(example, "Recenser un à un les patients sans médecin traitant")
    result = render_letter(cli, example)
    kept = docs / "archives" / "lettre-intention-2026-11-30.docx"
    assert f"Version précédente gardée : {kept}" in result.out
    assert tree(docs) == ["archives", f"archives/{kept.name}", "lettre-intention.docx"]
    # The archive is the file sent, byte for byte, with its date; the new one says the new text.
    assert kept.read_bytes() == sent
    assert dt.date.fromtimestamp(kept.stat().st_mtime) == SENT_DAY
    assert LETTER in body_text(kept) and "un à un" not in body_text(kept)
    assert "Recenser un à un les patients" in body_text(letter)


def test_an_archive_is_never_overwritten(example, cli):
    docs = example.parent / "documents"
    render_letter(cli, example, "--format", "md")
    letter = docs / "lettre-intention.md"
    archives = docs / "archives"
    archives.mkdir()
    (archives / "lettre-intention-2026-11-30.md").write_text("premier envoi")
    (archives / "lettre-intention-2026-11-30-2.md").write_text("deuxième envoi")
    sent = letter.read_bytes()
    set_date(letter)
    edit_letter(example, "Recenser avec la CPAM les patients sans médecin traitant")
    result = render_letter(cli, example, "--format", "md")
    third = archives / "lettre-intention-2026-11-30-3.md"
    assert f"Version précédente gardée : {third}" in result.out
    assert third.read_bytes() == sent
    assert (archives / "lettre-intention-2026-11-30.md").read_text() == "premier envoi"
    assert (archives / "lettre-intention-2026-11-30-2.md").read_text() == "deuxième envoi"
    # Changed again the same day: one more, after those.
    set_date(letter)
    edit_letter(example, "Recenser encore", "Recenser avec la CPAM")
    render_letter(cli, example, "--format", "md")
    assert (archives / "lettre-intention-2026-11-30-4.md").exists()
    assert "avec la CPAM" in (archives / "lettre-intention-2026-11-30-4.md").read_text()


def test_the_same_content_makes_no_archive_and_leaves_the_file_as_it_was(
    example, cli, monkeypatch
):
    docs = example.parent / "documents"
    render_letter(cli, example)
    letter = docs / "lettre-intention.docx"
    sent = letter.read_bytes()
    set_date(letter)
    # Byte-identical output (reproducible render), then the same document rendered an hour
    # later (only the time in its properties differs).
    result = render_letter(cli, example)
    assert "(inchangé)" in result.out and "Version précédente" not in result.out
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(os.environ["SOURCE_DATE_EPOCH"]) + 3600))
    result = render_letter(cli, example)
    assert "(inchangé)" in result.out and "Version précédente" not in result.out
    assert tree(docs) == ["lettre-intention.docx"]
    assert letter.read_bytes() == sent
    assert dt.date.fromtimestamp(letter.stat().st_mtime) == SENT_DAY


def test_a_final_document_whose_step_is_not_done_is_simply_replaced(tmp_path, cli):
    data = load_example()
    del data["etapes"]["lettre_intention"]  # complete, not yet recorded as done
    project = save(data, tmp_path / "cpts.yaml")
    render_letter(cli, project)
    letter = tmp_path / "documents" / "lettre-intention.docx"
    letter.write_bytes(b"ancienne version")
    result = render_letter(cli, project)
    assert "Version précédente" not in result.out
    assert tree(tmp_path / "documents") == ["lettre-intention.docx"]
    assert letter.read_bytes()[:2] == b"PK"


def test_drafts_have_their_own_names_and_never_touch_a_final_document(example, cli):
    docs = example.parent / "documents"
    render_letter(cli, example)
    final = docs / "lettre-intention.docx"
    sent = final.read_bytes()
    edit_letter(example, "Recenser en brouillon les patients sans médecin traitant")
    result = render_letter(cli, example, "--brouillon")
    draft = docs / "lettre-intention-brouillon.docx"
    assert f"✔ {draft}" in result.out and "Version précédente" not in result.out
    assert tree(docs) == ["lettre-intention-brouillon.docx", "lettre-intention.docx"]
    assert final.read_bytes() == sent
    assert "BROUILLON" in part_xml(draft, "word/header")
    assert "BROUILLON" not in part_xml(final, "word/header")
    assert "Recenser en brouillon" in body_text(draft)
    # A final render replaces (and keeps) the final document, never the draft.
    drafted = draft.read_bytes()
    render_letter(cli, example)
    assert draft.read_bytes() == drafted
    assert "Recenser en brouillon" in body_text(final)
    (kept,) = (docs / "archives").iterdir()
    assert kept.read_bytes() == sent


def test_a_document_that_must_be_a_draft_never_replaces_the_final_one(example, cli):
    """The final letter was sent; the project loses a point (its step no longer complete):
    the letter written now is a draft, beside the final one."""
    docs = example.parent / "documents"
    render_letter(cli, example, "--format", "md")
    sent = (docs / "lettre-intention.md").read_bytes()
    data = load_example()
    del data["lettre_intention"]["orientations"]
    save(data, example)
    result = render_letter(cli, example, "--format", "md")
    assert "lettre-intention : brouillon" in result.out
    assert tree(docs) == ["images", "images/carte-territoire.png",
                          "lettre-intention-brouillon.md", "lettre-intention.md"]  # fmt: skip
    assert (docs / "lettre-intention.md").read_bytes() == sent


def test_brouillon_alone_writes_the_drafts_up_to_the_current_step(tmp_path, cli):
    data = load_example()
    keep_steps(data, "territoire", "mobilisation", "diagnostic")  # current: priorités (4)
    project = save(data, tmp_path / "cpts.yaml")
    result = cli("render", project, "--brouillon", "--format", "md")
    assert result.code == 0, result
    docs = tmp_path / "documents"
    names = [n for n in tree(docs) if not n.startswith("images")]
    # Step 4 has no document: up to the next one, the letter (step 5).
    assert names == ["diagnostic-brouillon.md", "lettre-intention-brouillon.md"]
    for name in names:
        assert f"✔ {docs / name}" in result.out
    assert "diagnostic : brouillon" in result.out and "lettre-intention : brouillon" in result.out
    # Without --brouillon: the documents whose step is reached, nothing more.
    result = cli("render", project, "--format", "md")
    assert result.code == 0, result
    assert "diagnostic.md" in tree(docs) and "lettre-intention.md" not in tree(docs)


def test_brouillon_alone_on_a_project_at_its_last_step_writes_every_draft(example, cli):
    result = cli("render", example, "--brouillon", "--format", "md", "-q")
    assert result.code == 0, result
    docs = example.parent / "documents"
    drafts = sorted(p.name for p in docs.glob("*.md"))
    from cpts_cli.documents import DELIVERABLES

    assert drafts == sorted(f"{d}-brouillon.md" for d in DELIVERABLES)


def test_json_report_names_the_files_and_the_version_kept(example, cli):
    docs = example.parent / "documents"
    render_letter(cli, example, "--format", "md")
    set_date(docs / "lettre-intention.md")
    edit_letter(example, "Recenser vite les patients sans médecin traitant")
    result = cli(
        "render", example, "--doc", "lettre-intention", "--format", "md", "--format", "json"
    )
    assert result.code == 0, result
    (report,) = result.json()["fichiers"]
    assert report["fichier"] == str(example) and report["erreur"] is None
    assert report["documents"] == [
        {
            "document": "lettre-intention",
            "chemin": str(docs / "lettre-intention.md"),
            "brouillon": False,
            "a_completer": None,
            "inchange": False,
            "version_precedente": str(docs / "archives" / "lettre-intention-2026-11-30.md"),
        }
    ]
    result = cli(
        "render", example, "--doc", "lettre-intention", "--format", "json", "--format", "md"
    )
    (document,) = result.json()["fichiers"][0]["documents"]
    assert document["inchange"] is True and document["version_precedente"] is None


def test_json_report_of_a_refused_document(tmp_path, cli):
    data = load_example()
    keep_steps(data, "territoire", "mobilisation")
    del data["diagnostic"]["constats"]  # step 3 incomplete
    project = save(data, tmp_path / "cpts.yaml")
    result = cli("render", project, "--doc", "projet-sante", "--format", "json")
    assert result.code == 1
    (report,) = result.json()["fichiers"]
    (refused,) = report["refuses"]
    assert refused["document"] == "projet-sante" and refused["manquants"]
    assert report["documents"] == [] and not (tmp_path / "documents").exists()


def test_one_document_format_at_most(example, cli):
    result = cli("render", example, "--format", "md", "--format", "pdf")
    assert result.code == 2
    assert "un seul format de documents" in result.err
    assert not (example.parent / "documents").exists()


def test_archives_folder_leading_outside_is_refused(example, cli, tmp_path):
    docs = example.parent / "documents"
    render_letter(cli, example, "--format", "md")
    sent = (docs / "lettre-intention.md").read_bytes()
    elsewhere = tmp_path.parent / (tmp_path.name + "-ailleurs")
    elsewhere.mkdir()
    try:
        (docs / "archives").symlink_to(elsewhere, target_is_directory=True)
        edit_letter(example, "Recenser ailleurs les patients sans médecin traitant")
        result = cli("render", example, "--doc", "lettre-intention", "--format", "md")
        assert result.code == 2, result
        assert "mène hors du dossier" in result.err
        assert (docs / "lettre-intention.md").read_bytes() == sent
        assert list(elsewhere.iterdir()) == []
    finally:
        shutil.rmtree(elsewhere)


def test_a_read_only_final_document_is_refused_before_any_archive(example, cli):
    docs = example.parent / "documents"
    render_letter(cli, example, "--format", "md")
    letter = docs / "lettre-intention.md"
    letter.chmod(0o444)
    edit_letter(example, "Recenser lentement les patients sans médecin traitant")
    result = cli("render", example, "--doc", "lettre-intention", "--format", "md")
    assert result.code == 2 and "lecture seule" in result.err
    assert not (docs / "archives").exists()


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice absent"
)
def test_the_same_pdf_rendered_again_makes_no_archive(example, cli):
    """LibreOffice stamps each PDF with the time of conversion: not a change of content."""
    docs = example.parent / "documents"
    render_letter(cli, example, "--format", "pdf")
    sent = (docs / "lettre-intention.pdf").read_bytes()
    result = render_letter(cli, example, "--format", "pdf")
    assert "(inchangé)" in result.out
    assert tree(docs) == ["lettre-intention.pdf"]
    assert (docs / "lettre-intention.pdf").read_bytes() == sent
    edit_letter(example, "Recenser sans tarder les patients sans médecin traitant")
    result = render_letter(cli, example, "--format", "pdf")
    assert "Version précédente gardée" in result.out
    (kept,) = (docs / "archives").iterdir()
    assert kept.read_bytes() == sent


# ------------------------------------------------------------------------------ API


@settings(max_examples=25, deadline=None)
@given(taken=st.sets(st.integers(min_value=1, max_value=6), max_size=5))
def test_publish_takes_the_first_free_archive_name(tmp_path_factory, taken):
    from cpts_cli.documents.output import publish

    out = tmp_path_factory.mktemp("out")
    archives = out / "archives"
    archives.mkdir()
    for k in taken:
        suffix = "" if k == 1 else f"-{k}"
        (archives / f"rapport-annuel-2026-11-30{suffix}.md").write_text(f"archive {k}")
    target = out / "rapport-annuel.md"
    target.write_text("envoyé")
    set_date(target)
    written = publish(out, target, b"nouveau", doc_id="rapport-annuel", draft=False, sent=True)
    first_free = min(set(range(1, 8)) - taken)
    expected = f"rapport-annuel-2026-11-30{'' if first_free == 1 else f'-{first_free}'}.md"
    assert written.previous == archives / expected
    assert written.previous.read_text() == "envoyé" and target.read_text() == "nouveau"
    for k in taken:
        suffix = "" if k == 1 else f"-{k}"
        assert (archives / f"rapport-annuel-2026-11-30{suffix}.md").read_text() == f"archive {k}"


def test_pdf_renders_differing_only_by_their_time_are_the_same_content():
    from cpts_cli.documents.output import same_content

    def pdf(when: bytes, ident: bytes, text: bytes = b"BT (Lettre) Tj ET") -> bytes:
        return (
            b"%PDF-1.6\n1 0 obj<</Producer(LibreOffice)/CreationDate(D:" + when + b"Z')>>\n"
            + text + b"\ntrailer<</Size 9/ID [ <" + ident + b"> <" + ident + b"> ]\n"
            b"/DocChecksum /" + ident + b">>\n%%EOF"
        )

    one = pdf(b"20261203102527", b"1E4E552E88E7E479")
    later = pdf(b"20261204081502", b"9A0B55FF88E7E400")
    assert same_content(one, later, ".pdf")
    assert not same_content(one, pdf(b"20261203102527", b"1E4E552E88E7E479", b"(Autre)"), ".pdf")
    assert not same_content(b"texte", b"texte modifie", ".md")
    assert not same_content(b"PK pas un zip", b"PK autre", ".docx")
