"""The user's cache folder: things cpts can rebuild, kept to go faster the next time.

``$CPTS_CACHE_DIR`` when set (empty: no cache at all), else ``$XDG_CACHE_HOME/cpts``, else
``~/.cache/cpts`` (``%LOCALAPPDATA%\\cpts\\cache`` on Windows). Nothing in it is ever needed:
a folder that cannot be created or written, or a damaged file in it, only means the work is
done again. Each kind of entry lives in a sub-folder whose name carries a fingerprint of
the code that produced it, so an upgrade never reads an older entry.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path


def root() -> Path | None:
    """The cache folder, or None when caching is off (``CPTS_CACHE_DIR=``)."""
    explicit = os.environ.get("CPTS_CACHE_DIR")
    if explicit is not None:
        return Path(explicit).expanduser() if explicit.strip() else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "cpts" / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "cpts"
    try:
        return Path.home() / ".cache" / "cpts"
    except RuntimeError:  # no home directory
        return None


def fingerprint(*parts: str | bytes) -> str:
    """A short hash of ``parts`` (code sources, library versions) for a folder name."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def folder(kind: str, key: str) -> Path | None:
    """``<root>/<kind>-<key>``, created; None when there is no usable cache."""
    base = root()
    if base is None:
        return None
    path = base / f"{kind}-{key}"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        return None
    return path


#: A kind's folder keeps at most this many entries (the least recently used go first).
MAX_ENTRIES = 400
#: Folders of the same kind made by another version of cpts are removed once unused this long.
STALE_DAYS = 30


def touch(path: Path) -> None:
    """Mark an entry as just used (it is then the last to be removed)."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune(kind: str, current: Path, max_entries: int = MAX_ENTRIES) -> None:
    """Keep the cache small: at most ``max_entries`` files in ``current`` (the least
    recently used removed first), and no folder of ``kind`` left by another version of cpts
    and unused for :data:`STALE_DAYS` days. Never fails."""
    import time

    try:
        entries = [p for p in current.iterdir() if p.is_file()]
        if len(entries) > max_entries:
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[: len(entries) - max_entries]:
                old.unlink(missing_ok=True)
        limit = time.time() - STALE_DAYS * 86400
        for sibling in current.parent.glob(f"{kind}-*"):
            if sibling != current and sibling.is_dir() and sibling.stat().st_mtime < limit:
                for child in sibling.iterdir():
                    child.unlink(missing_ok=True)
                sibling.rmdir()
    except OSError:
        pass


def read_entry(current: Path | None, name: str) -> bytes | None:
    """The bytes kept under ``name``; None when absent or damaged (an entry is the SHA-256
    of its bytes, then the bytes: a torn or altered file is drawn again, never used)."""
    if current is None:
        return None
    path = current / name
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    digest, data = blob[:32], blob[32:]
    if hashlib.sha256(data).digest() != digest:
        return None
    touch(path)
    return data


def write_entry(kind: str, current: Path | None, name: str, data: bytes) -> None:
    """Keep ``data`` under ``name``, whole or not at all, then prune the folder. Never fails:
    a cache that cannot be written only costs a new drawing next time."""
    if current is None:
        return
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(dir=current, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(hashlib.sha256(data).digest() + data)
            os.replace(tmp, current / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
    prune(kind, current)


def package_id(name: str) -> bytes:
    """Which version of an installed package, without importing it (nor importlib.metadata:
    20 ms): its ``_version.py``, else the size and time of its ``__init__``."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return b"?"
    package = Path(spec.origin).parent
    try:
        return (package / "_version.py").read_bytes()
    except OSError:
        try:
            info = Path(spec.origin).stat()
        except OSError:
            return b"?"
        return f"{info.st_size}-{info.st_mtime_ns}".encode()
