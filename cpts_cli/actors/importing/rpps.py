"""Streaming reader of the public RPPS extraction (``PS_LibreAcces_Personne_activite_*.txt``).

The file has ~2 million lines (one per professional × activity, ~800 MB) and a territory
keeps a few thousand of them, so the reader never looks at most lines one by one:

* bytes are read in blocks of a few MB, cut at the last line end;
* the lines worth a look are found with ``bytes.find`` on ``|`` + the first two characters
  of the territory's commune codes and postcodes (``|21``), then the 5 characters after it
  must be one of those codes followed by a field end: this runs at C speed over the block;
* only those lines are split on ``|`` and decoded, and become an ``Activity``;
* the number of fields is checked for every line at once: a block whose ``|`` count is
  exactly (lines × fields of the header) is sound; otherwise its lines are checked one by
  one, and each wrong line becomes a finding with its line number.

So the cost is two counts and a few ``find`` per block, plus the work on kept lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from cpts_cli.actors.importing.codes import A_ENCODING, A_FIELD_COUNT
from cpts_cli.actors.importing.limits import (
    MAX_KEPT_LINES,
    MAX_LINE_BYTES,
    long_line,
    too_many_kept,
)
from cpts_cli.actors.importing.model import Activity, from_national_id, norm
from cpts_cli.actors.importing.place import Places
from cpts_cli.checking.findings import Finding
from cpts_cli.support.errors import CptsError

BLOCK = 4 * 1024 * 1024
#: Beyond this many malformed lines, the others are counted, not listed one by one.
MAX_LINE_FINDINGS = 100

#: Our field → accepted spellings of its column (normalised: lowercase, no accents, no
#: punctuation). The public file writes "Libellé commune (coord. structure)" and, in some
#: years, "Libellé Commune (coord. Structure)": both normalise the same.
COLUMNS = {
    "ident_type": ("type d identifiant pp",),
    "ident": ("identifiant pp",),
    "ident_national": ("identification nationale pp",),
    "nom": ("nom d exercice",),
    "prenom": ("prenom d exercice",),
    "code_profession": ("code profession",),
    "profession": ("libelle profession",),
    "savoir_faire": ("code savoir faire",),
    "savoir_faire_label": ("libelle savoir faire",),
    "code_mode": ("code mode exercice", "code mode d exercice"),
    "mode": ("libelle mode exercice", "libelle mode d exercice"),
    "code_postal": ("code postal coord structure", "code postal"),
    "code_commune": ("code commune coord structure", "code commune"),
    "libelle_commune": ("libelle commune coord structure", "libelle commune"),
    "bureau_cedex": ("bureau cedex coord structure",),
    "email": ("adresse e mail coord structure", "adresse email coord structure"),
    "telephone": ("telephone coord structure",),
}
REQUIRED = ("ident", "nom", "code_profession")


def is_rpps_header(names: list[str]) -> bool:
    """Whether normalised column names are those of the RPPS extraction."""
    found = set(names)
    return "identifiant pp" in found and "code profession" in found


def column_indexes(names: list[str]) -> dict[str, int]:
    """Our field → index of its column (first match), from normalised header names."""
    out: dict[str, int] = {}
    for key, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling in names:
                out[key] = names.index(spelling)
                break
    return out


@dataclass
class RppsRead:
    activities: list[Activity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    lines: int = 0  # data lines read (header excluded)
    bad_lines: int = 0
    encoding: str = "utf-8"
    by_postcode: int = 0  # activities placed through their postcode


_CEDEX = re.compile(r"\bcedex\b.*$")


def _bureau_name(text: str) -> str:
    """``21110 GENLIS`` / ``21081 DIJON CEDEX 9`` → ``genlis`` / ``dijon``."""
    return _CEDEX.sub("", norm(text).lstrip("0123456789 ")).strip()


def sniff_encoding(sample: bytes) -> str:
    """UTF-8 when the sample decodes as such (a cut last character aside), else latin-1."""
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        return "latin-1"


@dataclass
class Header:
    """What the header row (and the first lines after it) say about the extraction."""

    encoding: str
    names: list[str]  # normalised column names
    columns: dict[str, int]  # our field → index (``column_indexes``)
    pipes: int  # ``|`` per line (the header's, or one less/more as the first lines say)
    expected: int  # fields per line


def read_header(header: bytes, sample: bytes) -> Header:
    """The header row of an extraction (bytes, without its line end) and a sample of the
    lines after it: encoding, columns, and how many ``|`` a sound line has."""
    if header.startswith(b"\xef\xbb\xbf"):
        header = header[3:]
    encoding = sniff_encoding(header + b"\n" + sample)
    text = header.rstrip(b"\r").decode(encoding, errors="replace")
    names = [norm(n) for n in text.split("|")]
    trailing = bool(names) and names[-1] == ""
    pipes = text.count("|")
    # Lines end with "|" like the header (the public file); a copy whose lines lack it
    # (or add one) is read too: the first lines say which, then every line must match.
    other = pipes - 1 if trailing else pipes + 1
    first_lines = sample.split(b"\n")[:200]
    if sum(x.count(b"|") == other for x in first_lines) > sum(
        x.count(b"|") == pipes for x in first_lines
    ):
        pipes = other
    expected = len(names) - 1 if trailing else len(names)
    return Header(encoding, names, column_indexes(names), pipes, expected)


class _Reader:
    def __init__(self, places: Places, source: str, header: bytes, sample: bytes) -> None:
        self.places = places
        self.source = source
        self.result = RppsRead()
        parsed = read_header(header, sample)
        self.encoding = parsed.encoding
        self.result.encoding = self.encoding
        self.columns = parsed.columns
        missing = [k for k in REQUIRED if k not in self.columns]
        if "code_commune" not in self.columns and "code_postal" not in self.columns:
            missing.append("code_commune")
        if missing:
            labels = {
                "ident": "Identifiant PP",
                "nom": "Nom d'exercice",
                "code_profession": "Code profession",
                "code_commune": "Code commune (coord. structure)",
            }
            raise CptsError(
                f"« {source} » ressemble à une extraction RPPS mais il lui manque les colonnes "
                + ", ".join(f"« {labels[k]} »" for k in missing)
                + " : est-ce bien le fichier PS_LibreAcces_Personne_activite ?"
            )
        self.accepted = {parsed.pipes}
        self.expected = parsed.expected
        codes = places.match_codes()
        if any(len(c) != 5 for c in codes):
            raise ValueError("commune codes and postcodes have 5 characters")
        self.codes = {c.encode("ascii") for c in codes}
        self.prefixes = sorted({b"|" + c[:2] for c in self.codes})
        self.line = 1  # number of the last line read (the header is line 1)
        self.other_lines = 0  # kept lines not in the file's encoding
        self._names = (
            self.columns.get("libelle_commune"),
            self.columns.get("bureau_cedex"),
        )

    # ------------------------------------------------------------------ blocks

    def block(self, buf: bytes, lo: int = 0, hi: int | None = None, last: bool = False) -> None:
        """The whole lines in ``buf[lo:hi]`` (ending with a line end unless ``last``).

        Offsets rather than slices: a block is a few MB and is never copied.
        """
        hi = len(buf) if hi is None else hi
        if hi <= lo:
            return
        refuse_long_line(self.source, self.line, buf, lo, hi)
        open_end = last and buf[hi - 1 : hi] != b"\n"
        n_lines = buf.count(b"\n", lo, hi) + (1 if open_end else 0)
        pipes = buf.count(b"|", lo, hi)
        if not any(pipes == n_lines * a for a in self.accepted):
            self._check_lines(buf[lo:hi], open_end)
        line, pos = self.line, lo
        for start in self._candidates(buf, lo, hi):
            line += buf.count(b"\n", pos, start)
            pos = start
            end = buf.find(b"\n", start, hi)
            self._line(buf[start : end if end >= 0 else hi], line + 1)
        self.line += n_lines
        self.result.lines += n_lines

    def _candidates(self, buf: bytes, lo: int, hi: int) -> list[int]:
        codes = self.codes
        find = buf.find
        ends = (b"|", b"\n", b"\r", b"")
        starts: set[int] = set()
        for prefix in self.prefixes:
            i = find(prefix, lo, hi)
            while i >= 0:
                if buf[i + 1 : i + 6] in codes and buf[i + 6 : min(i + 7, hi)] in ends:
                    nl = buf.rfind(b"\n", lo, i)
                    starts.add(nl + 1 if nl >= 0 else lo)
                    end = find(b"\n", i, hi)
                    if end < 0:
                        break
                    i = find(prefix, end, hi)
                    continue
                i = find(prefix, i + 1, hi)
        return sorted(starts)

    def _check_lines(self, chunk: bytes, open_end: bool) -> None:
        lines = chunk.split(b"\n")
        if not open_end:
            lines.pop()  # what follows the final line end
        for offset, raw in enumerate(lines):
            if raw.count(b"|") in self.accepted or not raw.strip():
                continue
            number = self.line + offset + 1
            truncated = open_end and offset == len(lines) - 1
            self._bad(number, raw.count(b"|") + 1, truncated)

    def _bad(self, number: int, fields: int, truncated: bool) -> None:
        res = self.result
        res.bad_lines += 1
        if res.bad_lines > MAX_LINE_FINDINGS:
            return
        if truncated:
            detail = (
                f"Dernière ligne incomplète ({fields} champs au lieu de {self.expected}) : le "
                "fichier semble tronqué ; elle est ignorée."
            )
        else:
            detail = (
                f"{fields} champs au lieu de {self.expected} (séparateur « | ») : ligne ignorée."
            )
        res.findings.append(A_FIELD_COUNT.make("", number, 0, file=self.source, detail=detail))

    # ------------------------------------------------------------------ one kept line

    def _decode(self, raw: bytes, number: int) -> str:
        """One line in the encoding that decodes it: UTF-8 when it does, else latin-1; a
        line whose encoding is not the file's is a finding (never mojibake)."""
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = raw.decode("latin-1"), "latin-1"
        if encoding != self.encoding and not raw.isascii():
            self.other_lines += 1
            if self.other_lines > MAX_LINE_FINDINGS:
                return text
            self.result.findings.append(
                A_ENCODING.make(
                    "", number, 0, file=self.source, detail=other_encoding(encoding, self.encoding)
                )
            )
        return text

    def _line(self, raw: bytes, number: int) -> None:
        raw = raw.rstrip(b"\r")
        if raw.count(b"|") not in self.accepted:
            return  # reported by _check_lines
        fields = self._decode(raw, number).split("|")
        col = self.columns

        def get(key: str) -> str:
            i = col.get(key)
            return fields[i].strip() if i is not None and i < len(fields) else ""

        code = get("code_commune")
        cp = get("code_postal")
        names = tuple(
            _bureau_name(fields[i].strip()) if k == 1 else fields[i].strip()
            for k, i in enumerate(self._names)
            if i is not None and i < len(fields)
        )
        place = self.places.locate(code, cp, names)
        if not place.keep:
            return
        if place.by_postcode:
            self.result.by_postcode += 1
        ident = get("ident") or from_national_id(get("ident_national"))
        savoir_faire = get("savoir_faire") or get("savoir_faire_label")
        self.result.activities.append(
            Activity.read(
                number, get, place, ident=ident, savoir_faire=savoir_faire, code_postal=cp
            )
        )
        if len(self.result.activities) > MAX_KEPT_LINES:
            raise CptsError(too_many_kept(self.source))

    def finish(self) -> RppsRead:
        res = self.result
        for code, count, what in (
            (A_FIELD_COUNT, res.bad_lines, "au nombre de champs incorrect, ignorées elles aussi"),
            (
                A_ENCODING,
                self.other_lines,
                "dans un autre encodage que le fichier, lues dans le leur elles aussi",
            ),
        ):
            if count > MAX_LINE_FINDINGS:
                more = f"… et {count - MAX_LINE_FINDINGS} autres lignes {what}."
                res.findings.append(code.make("", 0, 0, file=self.source, detail=more))
        return res


def read_rpps(
    stream: BinaryIO,
    *,
    places: Places,
    source: str,
    progress: Callable[[int], None] | None = None,
    first: bytes = b"",
) -> RppsRead:
    """Read an extraction from ``stream`` (binary), keeping the territory's lines.

    ``first`` is what the caller already read from the stream (to sniff its kind).
    ``progress(n)`` is called with the number of bytes read since the previous call.
    Raises ``CptsError`` when the header lacks the columns we need or when most lines of the
    first block are malformed (not an extraction after all).
    """
    reader = scan_extraction(
        stream,
        source=source,
        progress=progress,
        first=first,
        make_reader=lambda header, sample: _Reader(places, source, header, sample),
    )
    return reader.finish()


def scan_extraction(
    stream: BinaryIO,
    *,
    source: str,
    make_reader: Callable[[bytes, bytes], Any],
    progress: Callable[[int], None] | None = None,
    first: bytes = b"",
):
    """Feed an extraction to a reader, block by block; the reader once every line is read.

    ``make_reader(header, sample)`` builds the reader from the header row and the first
    block; it has ``block(buf, lo, hi, last=False)`` (whole lines of ``buf[lo:hi]``),
    ``line`` (the number of the last line read), ``expected`` (fields per line) and
    ``result.lines`` / ``result.bad_lines``. Lines longer than ``MAX_LINE_BYTES`` and
    files whose first lines are mostly malformed raise ``CptsError``.
    """
    data = first
    if progress and first:
        progress(len(first))
    while b"\n" not in data:
        if len(data) > MAX_LINE_BYTES:
            raise CptsError(line_too_long(source, 1))
        more = stream.read(BLOCK)
        if not more:
            break
        data += more
        if progress:
            progress(len(more))
    cut = data.find(b"\n")
    if cut > MAX_LINE_BYTES:
        raise CptsError(line_too_long(source, 1))
    if cut < 0:
        raise CptsError(f"« {source} » n'a qu'une ligne d'en-tête, sans données.")
    reader = make_reader(data[:cut], data[cut + 1 : cut + 1 + BLOCK])
    # ``rest``: the start of a line whose end is in the next block (short: part of a line).
    last_end = data.rfind(b"\n")
    reader.block(data, cut + 1, last_end + 1)
    rest = data[last_end + 1 :]
    checked = False
    while True:
        block = stream.read(BLOCK)
        if not block:
            break
        if progress:
            progress(len(block))
        first_end = block.find(b"\n")
        if first_end < 0:
            rest += block
            if len(rest) > MAX_LINE_BYTES:
                raise CptsError(line_too_long(source, reader.line + 1))
            continue
        if rest:
            if len(rest) + first_end > MAX_LINE_BYTES:
                raise CptsError(line_too_long(source, reader.line + 1))
            reader.block(rest + block[: first_end + 1])
            lo = first_end + 1
        else:
            lo = 0
        last_end = block.rfind(b"\n")
        reader.block(block, lo, last_end + 1)
        rest = block[last_end + 1 :]
        if not checked:
            checked = True
            _check_shape(reader, source)
    if rest:
        reader.block(rest, last=True)
    _check_shape(reader, source)
    return reader


def refuse_long_line(source: str, first_line: int, buf: bytes, lo: int, hi: int) -> None:
    """Refuse (CptsError) a block ``buf[lo:hi]`` of the extraction that holds a line longer
    than the limit; ``first_line`` is the number of the line before the block."""
    long = long_line(buf, lo, hi)
    if long >= 0:
        raise CptsError(line_too_long(source, first_line + 1 + buf.count(b"\n", lo, long)))


def line_too_long(source: str, number: int) -> str:
    return (
        f"La ligne {number} de « {source} » dépasse {MAX_LINE_BYTES // 1024**2} Mo : ce n'est "
        "pas un tableau ni une extraction RPPS (fichier sans fin de ligne ?). Rien n'a été "
        "importé."
    )


def other_encoding(encoding: str, file_encoding: str) -> str:
    names = {"utf-8": "UTF-8", "latin-1": "latin-1", "windows-1252": "windows-1252"}
    return (
        f"Ligne en {names[encoding]} alors que le fichier est en {names[file_encoding]} : "
        f"elle est lue en {names[encoding]} ; vérifiez ses accents."
    )


def _check_shape(reader: _Reader, source: str) -> None:
    res = reader.result
    if res.lines >= 10 and res.bad_lines * 2 > res.lines:
        raise CptsError(
            f"« {source} » ne ressemble pas à une extraction RPPS : {res.bad_lines} des "
            f"{res.lines} premières lignes n'ont pas les {reader.expected} champs de son en-tête "
            "séparés par « | »."
        )
