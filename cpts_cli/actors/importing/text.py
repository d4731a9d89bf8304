"""Text files whose encoding is not said: UTF-8 or windows-1252 (an Excel export), decided
on the content, line by line when the lines do not agree — never decoded wrongly as a whole.
"""

from __future__ import annotations

import codecs
import io
import itertools

from cpts_cli.actors.importing.codes import A_ENCODING
from cpts_cli.actors.importing.limits import MAX_SHEET_ROWS
from cpts_cli.actors.importing.rpps import MAX_LINE_FINDINGS, other_encoding
from cpts_cli.support.errors import CptsError


class DecodedText:
    """The lines of a text file, decoded one at a time (never the whole text at once).

    A file is UTF-8 when it decodes as such (or starts with its BOM), else windows-1252 (an
    Excel export). A file whose lines are not all in one encoding (UTF-8 rows, then rows
    added in windows-1252) is read line by line, each line in the encoding that decodes
    it — never as a whole in the wrong one; the file's encoding is the one of most of its
    lines, and each line in the other one is listed in ``others`` (number, encoding).
    """

    def __init__(self, data: bytes, source: str) -> None:
        self.data = data
        self.others: list[tuple[int, str]] = []
        self.mixed = False
        self.start = 0
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.encoding = "utf-16"
            try:
                self.text = data.decode("utf-16")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise CptsError(
                    f"« {source} » commence comme un texte UTF-16 mais sa ligne {line} n'en "
                    "est pas : réenregistrez le tableau (CSV UTF-8). Rien n'a été importé."
                ) from None
            return
        bom = data.startswith(b"\xef\xbb\xbf")
        self.start = 3 if bom else 0
        if _is_utf8(data, self.start):
            self.encoding = "utf-8"
            return
        utf8 = single = 0
        # beyond MAX_SHEET_ROWS lines, the sheet is refused anyway (``_csv_rows``)
        for line in itertools.islice(self._raw(), MAX_SHEET_ROWS + 2):
            kind = _line_encoding(line)
            utf8 += kind == "utf-8"
            single += kind == "windows-1252"
        if not bom and not utf8:
            self.encoding = "windows-1252" if _is_cp1252(data) else "latin-1"
            return
        self.mixed = True
        self.encoding = "utf-8" if bom or utf8 >= single else "windows-1252"

    def _raw(self):
        stream = io.BytesIO(self.data)
        stream.seek(self.start)
        return stream

    def lines(self):
        """Each line as text, with its line end (what ``csv.reader`` wants)."""
        if self.encoding == "utf-16":
            yield from io.StringIO(self.text, newline="")
            return
        if not self.mixed:
            codec = "cp1252" if self.encoding == "windows-1252" else self.encoding
            for line in self._raw():
                yield line.decode(codec)
            return
        self.others = []
        for number, line in enumerate(self._raw(), start=1):
            kind = _line_encoding(line)
            if kind is None:
                yield line.decode("ascii")
                continue
            if kind != self.encoding:
                self.others.append((number, kind))
            yield line.decode("utf-8" if kind == "utf-8" else _single_byte(line))


def _is_utf8(data: bytes, start: int) -> bool:
    """Whether ``data[start:]`` is UTF-8, checked by blocks (never decoded whole)."""
    return _decodes(data, start, "utf-8")


def _is_cp1252(data: bytes) -> bool:
    return _decodes(data, 0, "cp1252")


def _decodes(data: bytes, start: int, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for at in range(start, len(data), 1024**2):
            decoder.decode(view[at : at + 1024**2])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _line_encoding(line: bytes) -> str | None:
    """None for plain ASCII, else the encoding that decodes the line."""
    if line.isascii():
        return None
    try:
        line.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"


def _single_byte(line: bytes) -> str:
    try:
        line.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:  # bytes windows-1252 leaves undefined
        return "latin-1"


def encoding_findings(others: list[tuple[int, str]], encoding: str, source: str) -> list:
    found = [
        A_ENCODING.make("", n, 0, file=source, detail=other_encoding(kind, encoding))
        for n, kind in others[:MAX_LINE_FINDINGS]
    ]
    if len(others) > MAX_LINE_FINDINGS:
        found.append(
            A_ENCODING.make(
                "",
                0,
                0,
                file=source,
                detail=f"… et {len(others) - MAX_LINE_FINDINGS} autres lignes dans un autre "
                "encodage que le fichier, lues dans le leur elles aussi.",
            )
        )
    return found
