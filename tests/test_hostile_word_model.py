"""A hostile Word model (`cpts render --modele-docx`): only styles, headers and footers reach
the documents (issue 12, item 5)."""

from __future__ import annotations

import io
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HYPERLINK = f"{R}/hyperlink"
IMAGE = f"{R}/image"
TEMPLATE = f"{R}/attachedTemplate"


def png(width: int, height: int) -> bytes:
    """A real 1-bit PNG of ``width`` × ``height`` pixels (all black, compressed)."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    body = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def _rel(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{kind}" Target="{target}" TargetMode="External"/>'


def _add_rels(xml: str, *rels: str) -> str:
    return xml.replace("</Relationships>", "".join(rels) + "</Relationships>")


DDE_FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe '
    '"/k calc.exe" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>RESULTAT-CHAMP</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)
PAGE_FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)
LINKED_PICTURE = (
    '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="100" cy="100"/><wp:docPr id="90" name="lien"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="0" name="lien.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="rIdLienImage"/></pic:blipFill>'
    "<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
)


def hostile_model(tmp_path: Path, url: str, picture: bytes | None = None) -> Path:
    """A Word model whose header carries everything that must not reach the documents:
    external relationships (web and file:///), a linked picture, a DDEAUTO field and an
    INCLUDEPICTURE one, an attached template on the web."""
    from docx import Document

    doc = Document()
    header = doc.sections[0].header
    header.paragraphs[0].text = "EN-TETE-DU-MODELE"
    if picture is not None:
        header.paragraphs[0].add_run().add_picture(io.BytesIO(picture))
    doc.add_paragraph("corps du modèle")
    raw = io.BytesIO()
    doc.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    header_name = next(n for n in src.namelist() if re.match(r"word/header\d*\.xml$", n))
    header_rels = "word/_rels/" + header_name.split("/")[1] + ".rels"
    parts = {n: src.read(n) for n in src.namelist()}
    xml = parts[header_name].decode()
    xml = xml.replace(
        "</w:p>",
        DDE_FIELD
        + PAGE_FIELD
        + '<w:fldSimple w:instr=" INCLUDEPICTURE &quot;'
        + url
        + 'image.png&quot; \\d "><w:r><w:t>IMG</w:t></w:r></w:fldSimple>'
        + '<w:hyperlink r:id="rIdLienWeb"><w:r><w:t>SITE</w:t></w:r></w:hyperlink>'
        + LINKED_PICTURE
        + "</w:p>",
        1,
    )
    if 'xmlns:r="' not in xml:
        xml = xml.replace("<w:hdr ", f'<w:hdr xmlns:r="{R}" ', 1)
    parts[header_name] = xml.encode()
    empty = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    )
    rels = parts.get(header_rels, empty.encode()).decode()
    parts[header_rels] = _add_rels(
        rels,
        _rel("rIdLienWeb", HYPERLINK, url + "page"),
        _rel("rIdLienImage", IMAGE, url + "logo.png"),
        _rel("rIdFichier", HYPERLINK, "file:///etc/passwd"),
    ).encode()
    settings = parts["word/settings.xml"].decode()
    settings = re.sub(
        r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdModeleWeb"/>', settings, count=1
    )
    if 'xmlns:r="' not in settings.split(">", 2)[1]:
        settings = settings.replace("<w:settings ", f'<w:settings xmlns:r="{R}" ', 1)
    parts["word/settings.xml"] = settings.encode()
    parts["word/_rels/settings.xml.rels"] = _add_rels(
        empty, _rel("rIdModeleWeb", TEMPLATE, url + "modele.dotm")
    ).encode()
    doc_rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = _add_rels(
        doc_rels, _rel("rIdPasswd", HYPERLINK, "file:///etc/passwd")
    ).encode()
    path = tmp_path / "modele-hostile.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def _all_xml(docx: Path) -> dict[str, str]:
    with zipfile.ZipFile(docx) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def assert_clean(docx: Path) -> None:
    parts = _all_xml(docx)
    text = "\n".join(parts.values())
    # (The worked example's own text has no web link: any external link is the model's.)
    assert 'TargetMode="External"' not in text
    assert "127.0.0.1" not in text
    assert "file:///" not in text
    assert "attachedTemplate" not in text
    assert "DDEAUTO" not in text and "cmd.exe" not in text
    assert "INCLUDEPICTURE" not in text
    assert "r:link=" not in text
    headers = "".join(v for k, v in parts.items() if re.match(r"word/header\d*\.xml$", k))
    assert "EN-TETE-DU-MODELE" in headers  # the header itself is kept
    assert "RESULTAT-CHAMP" in headers  # (the field's last shown text, as plain text)
    assert "> PAGE </w:instrText>" in headers  # an allowed field of the model stays


def test_hostile_word_model_keeps_only_styles_headers_footers(tmp_path, cli):
    project = tmp_path / "projet"
    assert cli("init", "--exemple", "sud-dijonnais", project).code == 0
    model = hostile_model(tmp_path, "http://127.0.0.1:9/")
    out = tmp_path / "docs"
    result = cli("render", project / "cpts.yaml", "--modele-docx", model, "--out", out)
    assert result.code == 0, result
    written = sorted(out.glob("*.docx"))
    assert len(written) >= 2
    for docx in written:
        assert_clean(docx)
    said = result.out + result.err
    # One warning for all documents, naming what was removed.
    assert said.count("seuls ses styles") == 1, said
    warning = re.sub(r"\s+", " ", said[said.index("seuls ses styles") - 200 :])
    for word in ("liens vers l'extérieur", "modèle attaché", "images liées", "DDEAUTO"):
        assert word in warning, warning
    assert "INCLUDEPICTURE" in warning


def test_clean_model_keeps_a_plain_model_as_is(tmp_path, cli, example):
    """A model without anything external: no warning, its header kept."""
    from docx import Document

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "CHARTE"
    path = tmp_path / "simple.docx"
    doc.save(str(path))
    result = cli("render", example, "--modele-docx", path, "--doc", "presentation")
    assert result.code == 0, result
    assert "seuls ses styles" not in result.out + result.err


def test_oversized_picture_in_model_is_refused(tmp_path, cli, example):
    model = hostile_model(tmp_path, "http://127.0.0.1:9/", picture=png(20_000, 20_000))
    result = cli("render", example, "--modele-docx", model, "--doc", "presentation")
    assert result.code == 2, result
    said = re.sub(r"\s+", " ", result.out + result.err)
    assert "image trop grande" in said and "20000 × 20000 pixels" in said, said
    assert not (example.parent / "documents" / "presentation.docx").exists()


def test_model_picture_of_normal_size_is_kept(tmp_path, cli, example):
    model = hostile_model(tmp_path, "http://127.0.0.1:9/", picture=png(400, 100))
    result = cli("render", example, "--modele-docx", model, "--doc", "presentation")
    assert result.code == 0, result
    out = example.parent / "documents" / "presentation.docx"
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    assert_clean(out)


# ------------------------------------------------------------------ PDF: nothing fetched


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(1024) or b"(connexion)")
                except OSError:
                    self.hits.append(b"(connexion)")

    def close(self) -> None:
        self.stop = True
        self.thread.join(2)
        self.sock.close()


needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice absent",
)


def linked_docx(path: Path, url: str) -> Path:
    """A DOCX (not a model: given to LibreOffice as is) whose body links a picture and
    includes one by a field, both on ``url``."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("texte")
    raw = io.BytesIO()
    doc.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    parts = {n: src.read(n) for n in src.namelist()}
    body = parts["word/document.xml"].decode()
    body = body.replace(
        "<w:sectPr",
        "<w:p>"
        + LINKED_PICTURE
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        + f' INCLUDEPICTURE "{url}champ.png" \\d </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:sectPr',
        1,
    )
    parts["word/document.xml"] = body.encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = _add_rels(
        rels, _rel("rIdLienImage", IMAGE, url + "logo.png")
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


@needs_office
def test_libreoffice_fetches_nothing_even_for_a_linked_document(tmp_path):
    """The conversion itself (profile and load options) fetches nothing, even when given a
    document that still links to the web."""
    from cpts_cli.documents.pdf import Converter

    listener = Listener()
    try:
        docx = linked_docx(tmp_path / "lie.docx", listener.url)
        with Converter() as converter:
            converter.convert(docx, tmp_path / "lie.pdf")
            profile = str(converter.tmp)
        assert (tmp_path / "lie.pdf").read_bytes().startswith(b"%PDF")
    finally:
        listener.close()
    assert listener.hits == []
    # Nothing of LibreOffice outlives the conversion (a helper process was left running).
    assert _processes_mentioning(profile) == []


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in words:
            found.append(words)
    return found


@needs_office
def test_render_pdf_with_hostile_model_fetches_nothing(tmp_path):
    """`cpts render --format pdf` with a model linking to a local listener: no connection
    (child process, 500 MB and a time limit)."""
    listener = Listener()
    try:
        project = tmp_path / "projet"
        model = hostile_model(tmp_path, listener.url)
        init = run_limited("init", "--exemple", "sud-dijonnais", str(project))
        assert init.returncode == 0, init.stderr
        result = run_limited(
            "render",
            str(project / "cpts.yaml"),
            "--modele-docx",
            str(model),
            "--format",
            "pdf",
            "--doc",
            "presentation",
            "--out",
            str(tmp_path / "pdf"),
            timeout=240,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert (tmp_path / "pdf" / "presentation.pdf").read_bytes().startswith(b"%PDF")
    finally:
        listener.close()
    assert listener.hits == []


def run_limited(*args: str, timeout: float = 30, memory: int = 500 * 1024 * 1024):
    """``python -m cpts_cli ARGS`` in a child limited in memory (address space) and time."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "cpts_cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        preexec_fn=limit,
    )


def test_model_that_expands_too_much_is_refused(tmp_path, cli, example):
    """A model whose archive holds a member of 80 MB (80 kB compressed) is refused before
    it is expanded in full."""
    from docx import Document

    doc = Document()
    raw = io.BytesIO()
    doc.save(raw)
    path = tmp_path / "bombe.docx"
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for name in src.namelist():
            out.writestr(name, src.read(name))
        out.writestr("word/media/vide.bin", b"\0" * (80 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    result = cli("render", example, "--modele-docx", path, "--doc", "presentation")
    assert result.code == 2, result
    said = re.sub(r"\s+", " ", result.err)
    assert "trop volumineux une fois décompressé" in said, said
    assert not (example.parent / "documents" / "presentation.docx").exists()


def test_a_missing_font_is_said_with_what_to_install(monkeypatch):
    """The PDF fell back to DejaVu for Calibri silently: the pages were not Word's."""
    from cpts_cli.documents import pdf
    from cpts_cli.support.resources import shipped_dir

    reference = (shipped_dir("templates") / "reference.docx").read_bytes()
    found = {"Calibri": "DejaVu Sans", "Cambria": "Caladea"}
    monkeypatch.setattr(pdf, "_font_found", found.get)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/usr/bin/fc-match")
    warnings = pdf.font_warnings(reference)
    assert len(warnings) == 1 and "« Calibri » absente" in warnings[0]
    assert "fonts-crosextra-carlito" in warnings[0] and "« DejaVu Sans »" in warnings[0]
    found["Calibri"] = "Carlito"
    assert pdf.font_warnings(reference) == []
