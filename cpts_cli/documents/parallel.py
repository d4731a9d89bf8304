"""Share the building of the documents with a second process (Linux only).

Building a Word document is pure Python work; on a machine with two processor cores or
more, a child process made by ``fork`` (which inherits everything already loaded, so it
starts in a millisecond) builds part of the documents while this process builds the rest.
Where ``fork`` is unsafe or unknown (macOS, Windows, a process with threads) everything is
built here, in order.

The child only writes its documents (atomically, as the parent would) and sends back, by
a pipe, what each produced: the file written and the warnings. A :class:`CptsError` in the
child is raised again here with its message; any other failure of the child (killed,
crashed, garbled answer) only means the parent builds those documents itself, so the
result never depends on the child.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from cpts_cli.support.errors import CptsError

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    if os.environ.get("CPTS_UN_SEUL_PROCESSUS"):
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() != 1:  # fork would copy locks held by other threads
        return False
    try:
        cpus = len(os.sched_getaffinity(0))  # the processors this process may use
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus > 1


def run_shared(
    here: Sequence[T], there: Sequence[T], work: Callable[[T], R]
) -> tuple[list[R], list[R]]:
    """``work`` over ``here`` in this process and over ``there`` in a child (when
    possible); the results of both, each in its input's order."""
    if not there:
        return [work(x) for x in here], []
    if not can_fork():
        return [work(x) for x in here], [work(x) for x in there]
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return [work(x) for x in here], [work(x) for x in there]
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_end)
        _child(there, work, write_end)
    os.close(write_end)
    answer = b""
    try:
        mine = [work(x) for x in here]
        answer = _read_all(read_end)
    finally:
        os.close(read_end)
        if not answer:  # failed here, or silent there: the child must not outlive us
            _kill(pid)
        _reap(pid)
    theirs = _decode(answer, len(there))
    if theirs is None:
        theirs = [work(x) for x in there]
    return mine, theirs


def _child(items, work, write_end: int) -> None:  # pragma: no cover - in the child
    import signal

    status = 1
    try:
        # Ctrl-C: the parent reports it; the child stops without a word.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            payload = pickle.dumps(("ok", [work(x) for x in items]))
        except CptsError as exc:
            payload = pickle.dumps(("erreur", exc.message))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    except BaseException:  # noqa: BLE001 - the parent does the work again
        pass
    finally:
        os._exit(status)


#: Longest wait for the child once the parent's share is done; then the parent does it.
TIMEOUT_S = 120


def _read_all(fd: int, timeout: float = TIMEOUT_S) -> bytes:
    """Everything the child writes, until it closes the pipe; b"" if it takes too long
    (the caller then kills it and does the work)."""
    import select
    import time

    chunks = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b""
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _decode(answer: bytes, count: int):
    try:
        message = pickle.loads(answer)  # noqa: S301 - written by our own child, just now
    except Exception:  # noqa: BLE001 - empty or cut: the parent does the work
        return None
    if isinstance(message, tuple) and len(message) == 2 and message[0] == "erreur":
        raise CptsError(str(message[1]))
    if (
        isinstance(message, tuple)
        and len(message) == 2
        and message[0] == "ok"
        and isinstance(message[1], list)
        and len(message[1]) == count
    ):
        return message[1]
    return None


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
