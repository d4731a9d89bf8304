"""Draw the documents' charts in a helper process, alongside the documents.

Loading matplotlib and drawing six charts takes longer than building the six documents;
a second process (``python -m cpts_cli.documents.chart_worker``, a plain interpreter on every
system: no fork) does it on another processor core while the main process renders the
documents that have no chart. The request is JSON on the helper's standard input (a list
of chart requests, see ``charts._request``); the answer, on its standard output, is each PNG in the
request's order, preceded by its length (8 bytes, big-endian).

The helper is an optimisation only: if it cannot start, fails or answers garbage,
:func:`finish` returns ``None`` for the charts it did not deliver and the caller draws them
itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

LENGTH_BYTES = 8
#: Longest wait for the helper; beyond it the charts are drawn in the main process.
TIMEOUT_S = 120


def start(requests: list[dict[str, Any]]) -> subprocess.Popen | None:
    """Start the helper on ``requests``; None when it cannot be started."""
    payload = json.dumps(requests, ensure_ascii=False, default=str).encode("utf-8")
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    # ``-m`` puts the working folder first on the module path: run from the folder that
    # holds this very package, so that the helper is this version of cpts.
    home = Path(__file__).resolve().parents[2]
    try:
        proc = subprocess.Popen(  # noqa: S603 - our own module, with this interpreter
            [sys.executable, "-m", "cpts_cli.documents.chart_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=home,
        )
    except OSError:
        return None
    try:
        assert proc.stdin is not None
        proc.stdin.write(payload)
        proc.stdin.close()
        proc.stdin = None  # sent: communicate() must not flush it again
    except OSError:
        stop(proc)
        return None
    return proc


def finish(proc: subprocess.Popen | None, count: int) -> list[bytes | None]:
    """The ``count`` charts the helper drew (None for each one it did not deliver)."""
    results: list[bytes | None] = [None] * count
    if proc is None:
        return results
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_S)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        stop(proc)
        return results
    pos = 0
    for i in range(count):
        head = out[pos : pos + LENGTH_BYTES]
        if len(head) < LENGTH_BYTES:
            break
        size = int.from_bytes(head, "big")
        data = out[pos + LENGTH_BYTES : pos + LENGTH_BYTES + size]
        if len(data) < size or not data.startswith(b"\x89PNG"):
            break
        results[i] = data
        pos += LENGTH_BYTES + size
    return results


def stop(proc: subprocess.Popen) -> None:
    try:
        proc.kill()
        proc.communicate(timeout=5)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        pass


def main() -> int:
    from cpts_cli.documents.charts import draw

    requests = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    # Everything is drawn before anything is written: the parent reads only when it needs
    # the charts, and a pipe holds less than two of them (writing would stop the drawing).
    frames = []
    for request in requests:
        data = draw(request)
        frames.append(len(data).to_bytes(LENGTH_BYTES, "big") + data)
    sys.stdout.buffer.write(b"".join(frames))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
