"""``cpts actors import`` of hostile files (issue 12): every one is refused in French (exit 2)
or read right, within 30 s and 500 MB, and the project file is never changed by a refusal.

The hostile files are made here, small on disk: a zip member's declared size is forged in
the central directory rather than compressed for real. The cases that could hang or explode
run in a child process with its address space limited and a timeout, so that a regression
fails instead of hanging the suite.
"""

from __future__ import annotations

import io
import os
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.actors.importing.limits import MAX_LINE_BYTES, Bounded, long_line
from cpts_cli.support.errors import CptsError

from .conftest import ROOT
from .test_actors_import import HEADER, LINES, _by_name, assert_refused, extraction, project

__all__ = ["project"]  # the fixture, used by name

MEMORY = 500 * 1024**2
TIMEOUT = 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_bounded(*args: object) -> subprocess.CompletedProcess[str]:
    """``cpts`` in a child limited to 500 MB of address space and 30 s."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cpts_cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=TIMEOUT,
        env=env,
        preexec_fn=_limit_memory,
    )


def assert_refused_bounded(project: Path, source: Path, words: str) -> None:
    before = project.read_bytes()
    result = run_bounded("actors", "import", source, "-f", project)
    assert result.returncode == 2, result
    assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "interne" not in result.stderr
    assert project.read_bytes() == before


def _central_entries(data: bytes):
    """(offset, name) of each central directory entry of a zip."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        (length,) = struct.unpack_from("<H", data, at + 28)
        yield at, data[at + 46 : at + 46 + length].decode()
        at = data.find(b"PK\x01\x02", at + 46 + length)


def forge_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s declared (uncompressed) size set to ``size``."""
    out = bytearray(data)
    for at, name in _central_entries(data):
        if name == member:
            struct.pack_into("<I", out, at + 24, size)
    return bytes(out)


def forge_encrypted(data: bytes) -> bytes:
    """The zip with every member flagged as encrypted (as a password-protected one is)."""
    out = bytearray(data)
    for at, _name in _central_entries(data):
        out[at + 8] |= 1
        (local,) = struct.unpack_from("<I", data, at + 42)
        out[local + 6] |= 1
    return bytes(out)


def rpps_zip(lines: list[str] = LINES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("PS_LibreAcces_Personne_activite_1.txt", extraction(lines))
    return buffer.getvalue()


def workbook(cell: str = "A1") -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Profession", "Commune"])
    sheet.append(["Perrin", "Nadia", "Infirmière", "21166"])
    if cell != "A1":
        sheet[cell] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, member: str, change) -> bytes:
    """The zip with ``member``'s content replaced by ``change(content)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename == member:
                content = change(content)
            new.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --------------------------------------------------------------------------- zips


def test_an_encrypted_zip_is_refused_in_french(project, tmp_path, cli):
    source = tmp_path / "PS_LibreAcces.zip"
    source.write_bytes(forge_encrypted(rpps_zip()))
    assert_refused(cli, project, source, "protégée par un mot de passe")
    source = tmp_path / "acteurs.xlsx"
    source.write_bytes(forge_encrypted(workbook()))
    assert_refused(cli, project, source, "protégée par un mot de passe")


def test_a_zip_whose_rpps_member_declares_3_gb_is_refused_before_reading(project, tmp_path):
    source = tmp_path / "PS_LibreAcces.zip"
    member = "PS_LibreAcces_Personne_activite_1.txt"
    source.write_bytes(forge_size(rpps_zip(), member, 3_000_000_000))
    assert source.stat().st_size < 10_000
    assert_refused_bounded(project, source, "est trop gros (2\u202f861 Mo)")


def test_a_zip_member_that_expands_beyond_its_declared_size_is_refused(project, tmp_path):
    # 200 MB of lines that all look right, declared as 10 KB: never more than declared is
    # decompressed, and the member is refused (its checksum does not match).
    text = extraction(LINES * 20)
    body = text.split(b"\n", 1)[1]
    data = text + body * (200 * 1024**2 // len(body))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("PS_LibreAcces_Personne_activite_1.txt", data)
    source = tmp_path / "PS_LibreAcces.zip"
    source.write_bytes(
        forge_size(buffer.getvalue(), "PS_LibreAcces_Personne_activite_1.txt", 10_000)
    )
    assert_refused_bounded(project, source, "abîmée ou incomplète")


def test_the_decompressed_size_is_counted_whatever_is_declared():
    stream = Bounded(io.BytesIO(b"x" * 1000), "a.zip:b.txt", 600)
    assert stream.read(500) == b"x" * 500
    with pytest.raises(CptsError, match="« a.zip:b.txt » est trop gros"):
        stream.read(500)
    with pytest.raises(CptsError):
        Bounded(io.BytesIO(b"x" * 1000), "a.zip:b.txt", 600).read()


def test_a_sound_rpps_zip_still_imports(project, tmp_path, cli):
    source = tmp_path / "PS_LibreAcces.zip"
    source.write_bytes(rpps_zip())
    result = cli("actors", "import", source, "-f", project)
    assert result.code == 0, result
    assert "Dupont-Martin" in _by_name(project)


# --------------------------------------------------------------------------- workbooks


def test_an_xlsx_with_one_cell_at_xfd1048576_is_refused_at_once(project, tmp_path):
    source = tmp_path / "acteurs.xlsx"
    source.write_bytes(workbook("XFD1048576"))
    assert source.stat().st_size < 10_000
    assert_refused_bounded(
        project, source, "déclare 1\u202f048\u202f576\u202f×\u202f16\u202f384 cellules"
    )


def test_an_xlsx_without_dimension_is_bounded_while_read(project, tmp_path):
    # The same cell, the sheet's <dimension> removed: caught while reading.
    def drop_dimension(xml: bytes) -> bytes:
        start = xml.find(b"<dimension")
        return xml[:start] + xml[xml.find(b">", start) + 1 :]

    source = tmp_path / "acteurs.xlsx"
    source.write_bytes(
        rewrite_member(workbook("XFD1048576"), "xl/worksheets/sheet1.xml", drop_dimension)
    )
    assert_refused_bounded(project, source, "a plus de 1\u202f000 colonnes")


def test_an_xlsx_whose_sheet_expands_to_1_gb_is_refused_before_reading(project, tmp_path):
    source = tmp_path / "acteurs.xlsx"
    source.write_bytes(forge_size(workbook(), "xl/worksheets/sheet1.xml", 2**30))
    assert_refused_bounded(project, source, "sheet1.xml » est trop gros (1\u202f024 Mo)")


def test_an_xlsx_part_that_expands_beyond_its_declared_size_is_refused(project, tmp_path):
    source = tmp_path / "acteurs.xlsx"
    padded = rewrite_member(
        workbook(), "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * 300 * 1024**2
    )
    source.write_bytes(forge_size(padded, "xl/worksheets/sheet1.xml", 4000))
    assert_refused_bounded(project, source, "abîmée ou incomplète")


# --------------------------------------------------------------------------- lines and files


def test_a_line_without_end_is_refused_with_its_number(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_bytes(b"nom;profession\nMartin;infirmier\n" + b"x" * (MAX_LINE_BYTES + 10))
    assert_refused(cli, project, source, "La ligne 3 de « acteurs.csv » dépasse 1 Mo")
    source = tmp_path / "rpps.txt"
    source.write_bytes(extraction() + b"1|" * (3 * MAX_LINE_BYTES))
    assert_refused(cli, project, source, f"La ligne {len(LINES) + 2} de « rpps.txt » dépasse")
    source.write_bytes(HEADER.encode() + b"|" * (5 * MAX_LINE_BYTES))
    assert_refused(cli, project, source, "La ligne 1 de « rpps.txt » dépasse")


def test_an_rpps_line_too_long_within_a_block_is_refused(project, tmp_path, cli):
    source = tmp_path / "rpps.txt"
    long = LINES[1].replace("Chenôve", "C" * (MAX_LINE_BYTES + 5))
    source.write_bytes(extraction([LINES[0], long, LINES[2]]))
    assert_refused(cli, project, source, "La ligne 3 de « rpps.txt » dépasse")


def test_a_quoted_cell_that_never_ends_is_refused(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_bytes(b'nom;profession\n"Martin;infirmier\n' + b"abc\n" * 300_000)
    assert_refused(cli, project, source, "guillemet non fermé")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(2, 30))
def test_long_line_finds_exactly_the_lines_beyond_the_cap(lengths, cap):
    buf = b"\n".join(b"x" * n for n in lengths)
    starts = [sum(lengths[:i]) + i for i in range(len(lengths))]
    expected = next((s for s, n in zip(starts, lengths, strict=True) if n > cap), -1)
    assert long_line(buf, 0, len(buf), cap) == expected


def test_a_fifo_is_refused_before_it_is_read(project, tmp_path):
    fifo = tmp_path / "acteurs.csv"
    os.mkfifo(fifo)
    assert_refused_bounded(project, fifo, "n'est pas un fichier ordinaire")


def test_a_device_is_refused(project, cli):
    assert_refused(cli, project, Path("/dev/zero"), "n'est pas un fichier ordinaire")


# --------------------------------------------------------------------------- encodings


def test_utf8_rows_then_latin1_rows_are_each_read_in_their_encoding(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_bytes(
        "nom;prenom;profession;commune\nLévêque;Anne;infirmier;21166\n".encode()
        + "Dupönt;Luis;sage-femme;21166\n".encode("latin-1")
        + "Müller;Eva;sage-femme;21166\n".encode()
        + "Roß;Eva;sage-femme;21166\n".encode("latin-1")
    )
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 0, result
    data = result.json()
    assert data["encodage"] == "utf-8"
    names = _by_name(project)
    assert {"Lévêque", "Dupönt", "Müller", "Roß"} <= set(names)
    assert not any("Ã" in n for n in names)
    mixed = [(f["ligne"], f["message"]) for f in data["constats"] if f["code"] == "CPTS-A009"]
    assert [n for n, _ in mixed] == [3, 5]
    assert "lue en windows-1252" in mixed[0][1]


def test_a_utf8_bom_sheet_with_a_latin1_row_has_no_replacement_character(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_bytes(
        b"\xef\xbb\xbfnom;profession;commune\n" + "Noël;infirmier;21166\n".encode("cp1252")
    )
    result = cli("actors", "import", source, "-f", project)
    assert result.code == 0, result
    assert "Noël" in _by_name(project)


def test_a_kept_rpps_line_in_another_encoding_is_read_in_its_own(project, tmp_path, cli):
    # The extraction is latin-1 (its first block says so); one line was added in UTF-8.
    source = tmp_path / "rpps.txt"
    source.write_bytes(
        extraction(LINES, "latin-1")
        + (LINES[2] + "\n")
        .encode()
        .replace(b"10100000002", b"10100000012")
        .replace("LÉGER".encode(), "DUPÖNT".encode())
    )
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 0, result
    assert {"Léger", "Dupönt"} <= set(_by_name(project))
    mixed = [f["ligne"] for f in result.json()["constats"] if f["code"] == "CPTS-A009"]
    assert mixed == [len(LINES) + 2]


# --------------------------------------------------------------------------- counts


def test_a_sheet_of_a_million_rows_is_refused_within_bounds(project, tmp_path):
    source = tmp_path / "acteurs.csv"
    source.write_bytes(b"nom;commune\n" + b"a;21166\n" * 1_100_000)
    assert_refused_bounded(project, source, "plus de 60\u202f000 lignes à importer")


def test_more_professionals_than_a_cpts_is_refused_before_merging(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    rows = "".join(f"Martin{i};infirmier;21166\n" for i in range(20_001))
    source.write_text("nom;profession;commune\n" + rows, encoding="utf-8")
    assert_refused(cli, project, source, "compte 20001 professionnels à importer")


def test_wrong_lines_of_a_sheet_are_listed_up_to_100(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_text("nom;profession\nMartin;infirmier\n" + "a;b;c\n" * 300, encoding="utf-8")
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 1, result
    bad = [f for f in result.json()["constats"] if f["code"] == "CPTS-A001"]
    assert len(bad) == 101 and "… et 200 autres lignes" in bad[-1]["message"]


def test_a_password_protected_workbook_is_named_so(project, tmp_path, cli):
    # Excel keeps an encrypted .xlsx in an OLE container holding an "EncryptedPackage".
    source = tmp_path / "acteurs.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016
    source.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 3000)
    assert_refused(cli, project, source, "classeur protégé par un mot de passe")


def test_an_extraction_beyond_2_gb_is_refused_before_reading(project, tmp_path):
    # A sparse file: 2 GB on paper, a few KB on disk; once past its lines, zeros without end.
    source = tmp_path / "rpps.txt"
    source.write_bytes(extraction(LINES * 200))  # more than the 64 KB looked at first
    os.truncate(source, 2 * 1024**3 + 1)
    assert_refused_bounded(project, source, "au-delà de 2\u202f048 Mo pour une extraction RPPS")


def test_a_workbook_with_nested_entities_is_refused(project, tmp_path):
    entities = "".join(
        f'<!ENTITY e{i} "{(f"&e{i - 1};" if i else "lol") * 10}">' for i in range(10)
    )

    def billion_laughs(xml: bytes) -> bytes:
        start, row_end = xml.find(b"<worksheet"), xml.find(b"</row>")
        cell = b'<c r="Z1" t="inlineStr"><is><t>&e9;</t></is></c>'
        doctype = f"<!DOCTYPE w [{entities}]>".encode()
        return doctype + xml[start:row_end] + cell + xml[row_end:]

    source = tmp_path / "acteurs.xlsx"
    source.write_bytes(rewrite_member(workbook(), "xl/worksheets/sheet1.xml", billion_laughs))
    assert_refused_bounded(project, source, "illisible")


def test_a_csv_whose_lines_end_with_cr_alone_is_still_read(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_bytes("nom;profession;commune\rNoël;infirmier;21166\r".encode("cp1252"))
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 0, result
    assert result.json()["encodage"] == "windows-1252" and "Noël" in _by_name(project)


def _many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("PS_LibreAcces_Personne_activite_1.txt", "\n".join(LINES) + "\n")
        for i in range(count):
            archive.writestr(f"v/{i:06d}", b"")
    return out.getvalue()


@pytest.fixture(scope="module")
def crowded_zip() -> bytes:
    """An honest archive of 90 000 empty files (a table of some 5 MB, zip64 end records)."""
    return _many_members(90_000)


def test_a_zip_of_ninety_thousand_files_is_refused_before_its_table_is_read(
    project, tmp_path, crowded_zip
):
    source = tmp_path / "PS_LibreAcces.zip"
    source.write_bytes(crowded_zip)
    assert_refused_bounded(project, source, "contient trop de fichiers")


def test_the_table_size_is_read_from_the_zip64_record_too(crowded_zip):
    from cpts_cli.support.archives import MAX_DIRECTORY_BYTES, directory_size, too_many_files

    size = directory_size(io.BytesIO(crowded_zip))
    with zipfile.ZipFile(io.BytesIO(crowded_zip)) as archive:
        assert size == sum(46 + len(m.filename.encode()) for m in archive.infolist())
    assert size > MAX_DIRECTORY_BYTES
    # The 32-bit field saying "see the zip64 record": the size is taken from there.
    at = crowded_zip.rfind(b"PK\x05\x06")
    forged = crowded_zip[: at + 12] + b"\xff\xff\xff\xff" + crowded_zip[at + 16 :]
    assert directory_size(io.BytesIO(forged)) == size
    small = _many_members(3)
    assert not too_many_files(io.BytesIO(small))
    assert directory_size(io.BytesIO(b"not a zip")) is None


def test_a_word_model_of_too_many_parts_is_refused(tmp_path, crowded_zip):
    from cpts_cli.documents.word.package import open_model

    model = tmp_path / "modele.docx"
    model.write_bytes(crowded_zip)
    with pytest.raises(CptsError, match="contient trop de parties"):
        open_model(model)
