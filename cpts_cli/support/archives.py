"""Zip archives received from elsewhere (an RPPS .zip, an XLSX workbook, a Word model):
the size of their table of files is bounded before ``zipfile`` reads it.

``zipfile`` keeps an object of some 500 bytes for each file listed in that table, reading
as many bytes of it as the archive's end record declares: a 60 MB archive of a million empty
files would take more memory than the whole import. Real archives list a few dozen files
(a workbook, a model) or one (the RPPS extraction); 4 MiB is some 50 000 files.
"""

from __future__ import annotations

from typing import BinaryIO

MAX_DIRECTORY_BYTES = 4 * 1024 * 1024

_END = b"PK\x05\x06"  # end of central directory record (22 bytes, then a comment)
_END64_LOCATOR = b"PK\x06\x07"  # 20 bytes, just before the end record
_END64 = b"PK\x06\x06"


def directory_size(stream: BinaryIO) -> int | None:
    """The size of the table of files declared by the archive (``None``: no end record, not
    a zip archive, left for ``zipfile`` to say). The stream's position is put back at 0."""
    try:
        stream.seek(0, 2)
        end = stream.tell()
        tail_len = min(end, 22 + 65_535)
        stream.seek(end - tail_len)
        tail = stream.read(tail_len)
        at = tail.rfind(_END)
        if at < 0 or len(tail) - at < 22:
            return None
        size = int.from_bytes(tail[at + 12 : at + 16], "little")
        if size == 0xFFFFFFFF and at >= 20 and tail[at - 20 : at - 16] == _END64_LOCATOR:
            stream.seek(int.from_bytes(tail[at - 12 : at - 4], "little"))
            record = stream.read(56)
            if record[:4] == _END64 and len(record) == 56:
                size = int.from_bytes(record[40:48], "little")
        return size
    finally:
        stream.seek(0)


def too_many_files(stream: BinaryIO) -> bool:
    """Whether the archive's table of files is beyond what ``cpts`` reads."""
    size = directory_size(stream)
    return size is not None and size > MAX_DIRECTORY_BYTES
