"""Writing a project file back: only the lines that changed, atomically, never over a
concurrent edit.

ruamel.yaml keeps comments and order, but its output can still differ from what the user
wrote (spacing inside flow collections, indentation of a comment…). So the new text is not
ruamel's dump: it is the user's own text with ruamel's *changes* applied. We dump the tree as
it was read (R0) and as it is now (R1); the lines where R0 and R1 differ are the edit, and
that edit is applied to the original text, whose other lines are kept byte for byte.
"""

from __future__ import annotations

import difflib
import io
import os
import stat
import tempfile
from pathlib import Path

from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.project.files import check_project_path
from cpts_cli.project.yamlio import configure_indent, new_yaml
from cpts_cli.support.errors import ConflictError, CptsError, os_error_fr


def dump_text(data, like: str) -> str:
    yaml = new_yaml()
    configure_indent(yaml, like)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def updated_text(doc: ProjectDocument) -> str:
    """The file's text with the edits made to ``doc.data`` (LF line ends, no BOM)."""
    original = doc.text
    after = dump_text(doc.data, original)
    if _known_canonical(original):
        before = original  # what ruamel writes of it, as found when it was last written
    else:
        fresh = new_yaml().load(original)
        before = dump_text(fresh, original)
        if before == original:
            _remember_canonical(original)
    if before == after:
        return original
    if before == original:
        if not _same_content(after, doc.data):
            raise CptsError(
                f"« {doc.name} » n'a pas pu être réécrit sans risque : rien n'a été modifié."
            )
        _remember_canonical(after)
        return after
    merged = merge_edit(original, before, after)
    # The merge keeps the user's lines; it must still say exactly what the tree says. When it
    # does not (an edit inside a block the user indented unlike ruamel), ruamel's own text is
    # the safe answer — provided it reads back as the tree too.
    if _same_content(merged, doc.data):
        return merged
    if _same_content(after, doc.data):
        return after
    raise CptsError(
        f"« {doc.name} » n'a pas pu être réécrit sans risque (mise en forme YAML inhabituelle) : "
        "rien n'a été modifié. Faites la modification dans un éditeur de texte."
    )


def _canonical_folder():
    """Where the texts that ruamel.yaml writes back unchanged are remembered (by their hash):
    reading such a text again to find what ruamel would make of it — a third of the time of
    a command that edits a large project file — is then not needed."""
    from cpts_cli.project import yamlio
    from cpts_cli.support import cache

    code = Path(__file__).read_bytes() + Path(yamlio.__file__).read_bytes()
    return cache.folder("canonique", cache.fingerprint(code, cache.package_id("ruamel.yaml")))


def _text_key(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _known_canonical(text: str) -> bool:
    from cpts_cli.support import cache

    return cache.read_entry(_canonical_folder(), _text_key(text)) == b"1"


def _remember_canonical(text: str) -> None:
    from cpts_cli.support import cache

    cache.write_entry("canonique", _canonical_folder(), _text_key(text), b"1")


def _same_content(text: str, data) -> bool:
    from ruamel.yaml.error import YAMLError

    from cpts_cli.project.yamlio import safe_yaml

    try:
        # The safe loader (C when available) reads scalars as the round-trip one does.
        parsed = safe_yaml().load(text)
    except (YAMLError, RecursionError, ValueError, TypeError):
        return False
    return to_plain(parsed) == to_plain(data)


def merge_edit(original: str, before: str, after: str) -> str:
    """Apply the change ``before`` → ``after`` to ``original`` (which ``before`` resembles)."""
    o_lines = original.splitlines(keepends=True)
    r0 = before.splitlines(keepends=True)
    r1 = after.splitlines(keepends=True)
    n = len(r0)
    out_for: list[list[str]] = [[] for _ in range(n)]
    ahead: list[list[str]] = [[] for _ in range(n + 1)]
    changed = [False] * n
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, r0, r1, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out_for[i1 + k] = [r1[j1 + k]]
        elif tag == "insert":
            ahead[i1].extend(r1[j1:j2])
        else:
            for i in range(i1, i2):
                changed[i] = True
            out_for[i1] = list(r1[j1:j2])
    result: list[str] = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(
        None, r0, o_lines, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            for i in range(a1, a2):
                result.extend(ahead[i])
                result.extend(out_for[i])
        elif tag == "insert":
            result.extend(o_lines[b1:b2])
        else:
            touched = any(changed[i] for i in range(a1, a2)) or any(
                ahead[i] for i in range(a1 + 1, a2)
            )
            if touched:
                for i in range(a1, a2):
                    result.extend(ahead[i])
                    result.extend(out_for[i])
            else:
                result.extend(ahead[a1])
                result.extend(o_lines[b1:b2])
    result.extend(ahead[n])
    text = "".join(result)
    if original.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    return text


def encode(doc: ProjectDocument, text: str) -> bytes:
    if doc.crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if doc.bom else data


def save(doc: ProjectDocument) -> bool:
    """Write ``doc`` back to its path if its content changed. Returns whether it wrote."""
    if doc.path is None:
        raise CptsError("Ce document n'a pas de fichier où être enregistré.")
    if not doc.editable:
        raise CptsError(
            f"« {doc.name} » contient des clés en double ou des alias YAML : corrigez-les "
            "d'abord (voir « cpts validate »), le fichier n'a pas été modifié."
        )
    from cpts_cli.project import schema_copy

    text = updated_text(doc)
    if encode(doc, text) == doc.raw:
        return False
    # A file that is written anyway gets a modeline that works on any machine, and the copy
    # of the schema it points to (see project/schema_copy.py).
    new_raw = encode(doc, schema_copy.repair_modeline(text))
    if new_raw == doc.raw:
        return False  # only the tree's copy of a modeline already repaired on disk differed
    target = writable_project_file(doc.path)
    write_atomic(target, new_raw, expected=doc.raw)
    doc.raw = new_raw
    doc.text = new_raw.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    schema_copy.after_write(target, doc.text)  # a link's target: beside the real file
    return True


def read_only(path: Path) -> bool:
    """No write permission bit at all (``chmod 444``, « lecture seule »), or none for this
    user. The bits are read, not only ``os.access``: the administrator (root) may write any
    file, yet a file its owner made read-only stays so for cpts."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not mode & 0o222 or not os.access(path, os.W_OK)


def writable_project_file(path: Path) -> Path:
    """Where to write the project file ``path``: the file itself or, for a symbolic link,
    the file it points to (the link is kept). Refuses (CptsError, nothing written) what is
    not a plain file and a read-only file."""
    path = Path(path)
    check_project_path(path)
    if not path.is_symlink():
        if read_only(path):
            raise CptsError(_read_only_message(f"« {path} »"))
        return path
    real = Path(os.path.realpath(path))
    if not real.exists():
        raise CptsError(
            f"« {path} » est un lien symbolique vers « {real} », qui n'existe pas : "
            "rien n'a été écrit."
        )
    if read_only(real):
        raise CptsError(_read_only_message(f"« {real} » (la cible du lien « {path} »)"))
    return real


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``expected`` is the content read earlier: if the file on disk differs now, someone else
    edited it meanwhile and we refuse (ConflictError) rather than lose their work.

    ``path`` itself is replaced: a symbolic link there is replaced by the file (a project
    file goes through :func:`writable_project_file` first, which follows it). An existing
    read-only file, or anything that is not a plain file, is refused and left as it is; the
    permission bits of the file replaced are kept.
    """
    path = Path(path)
    _check_replaceable(path)
    if expected is not None:
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            current = None
        except OSError as exc:
            raise CptsError(f"Lecture impossible de « {path} » : {os_error_fr(exc)}.") from None
        if current != expected:
            raise ConflictError(
                f"« {path} » a été modifié par ailleurs depuis sa lecture : rien n'a été "
                "enregistré. Relancez la commande."
            )
    directory = path.parent if str(path.parent) else Path(".")
    try:
        before = os.stat(path)
    except OSError:
        before = None
    fd = None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            fd = None
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before is not None:
            _keep_owner(tmp_name, before)
            os.chmod(tmp_name, before.st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(directory)
    except OSError as exc:
        raise CptsError(
            f"Écriture impossible de « {path} » : {os_error_fr(exc)}. Le fichier d'origine "
            "n'a pas été modifié."
        ) from None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _keep_owner(tmp_name: str, before: os.stat_result) -> None:
    """The new file keeps the owner and group of the one it replaces, when this user may give
    them (the administrator editing someone's file does not take it over)."""
    now = os.stat(tmp_name)
    if (now.st_uid, now.st_gid) == (before.st_uid, before.st_gid):
        return
    try:
        os.chown(tmp_name, before.st_uid, before.st_gid)
    except OSError:
        pass


def _check_replaceable(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if stat.S_ISLNK(mode):
        return
    if not stat.S_ISREG(mode):
        raise CptsError(
            f"« {path} » existe et n'est pas un fichier ordinaire : rien n'a été écrit."
        )
    if read_only(path):
        raise CptsError(_read_only_message(f"« {path} »"))


def _read_only_message(shown: str) -> str:
    return (
        f"{shown} est en lecture seule : il n'a pas été modifié. Rendez-le modifiable "
        "(par exemple « chmod u+w »), ou travaillez sur une copie."
    )


def _fsync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
