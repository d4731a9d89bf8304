"""Reading a project file: bytes → text → round-trip tree, every problem as a finding.

Nothing here raises for bad content: an unreadable file (missing, a folder, no permission)
raises ``CptsError``; anything wrong inside the file becomes a finding, and a file that
cannot be parsed into a mapping is marked ``parsed=False`` (the CLI exits with code 2).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from cpts_cli.checking.codes import define
from cpts_cli.checking.findings import Finding
from cpts_cli.project import limits
from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.project.files import check_project_path, refuse_not_regular
from cpts_cli.project.limits import MAX_BYTES, MAX_DEPTH, MAX_NODES
from cpts_cli.support.errors import CptsError, os_error_fr
from cpts_cli.support.formatting import fmt_int

#: The former name of ``MAX_DEPTH`` (it bounded flow nesting only).
MAX_FLOW_DEPTH = MAX_DEPTH

Y_SYNTAX = define(
    "CPTS-Y001",
    "error",
    "Syntaxe YAML invalide",
    "Syntaxe YAML invalide : {detail}.",
    """
    Le fichier n'est pas du YAML valide, il ne peut pas être lu plus loin.

    Incorrect : `nom: CPTS: du Val` (deux-points suivi d'une espace dans une valeur non
    entre guillemets). Correct : `nom: "CPTS : du Val"`.
    """,
)
Y_ENCODING = define(
    "CPTS-Y002",
    "error",
    "Encodage invalide",
    "{detail}",
    """
    Le fichier doit être du texte en UTF-8. Un fichier binaire, ou enregistré dans un autre
    encodage (Windows-1252…), ne peut pas être lu : enregistrez-le « UTF-8 » depuis votre
    éditeur.
    """,
)
Y_EMPTY = define(
    "CPTS-Y003",
    "error",
    "Fichier vide",
    "Le fichier est vide : créez-le avec « cpts init ».",
    """
    Un fichier projet contient au moins `format` et `cpts`. Incorrect : un fichier vide ou ne
    contenant que des commentaires.
    """,
)
Y_NOT_MAPPING = define(
    "CPTS-Y004",
    "error",
    "Le fichier n'est pas un dictionnaire",
    "Le fichier doit commencer par des clés (« format: », « cpts: »…), pas par {kind}.",
    """
    Le haut du fichier est une suite de clés. Incorrect : `- format: 1` (une liste).
    Correct : `format: 1`.
    """,
)
Y_DUPLICATE = define(
    "CPTS-Y005",
    "error",
    "Clé en double",
    "La clé « {key} » apparaît deux fois (première fois ligne {first_line}) : gardez-en une seule.",
    """
    Dans un même bloc, une clé n'apparaît qu'une fois ; sinon la seconde écrase la première
    sans prévenir. Incorrect : `nom: A` puis `nom: B` au même niveau.
    """,
)
Y_ALIAS = define(
    "CPTS-Y006",
    "error",
    "Ancre ou alias YAML",
    "Les ancres, alias et fusions YAML ne sont pas acceptés ({what}) : recopiez la valeur.",
    """
    Les ancres (`&nom`), alias (`*nom`) et fusions (`<<:`) rendent le fichier difficile à
    relire et à modifier sans risque : écrivez chaque valeur en entier.
    """,
)
Y_TAB = define(
    "CPTS-Y007",
    "error",
    "Tabulation dans l'indentation",
    "Tabulation dans l'indentation : le YAML n'accepte que des espaces pour décaler les lignes.",
    """
    Incorrect : une ligne décalée avec la touche Tab. Correct : la même ligne décalée avec
    deux espaces par niveau.
    """,
)
Y_MULTIDOC = define(
    "CPTS-Y008",
    "error",
    "Plusieurs documents",
    "Le fichier contient plusieurs documents YAML (séparateur « --- ») : un seul projet "
    "par fichier.",
    """
    Un fichier, une CPTS. Incorrect : deux projets séparés par `---`.
    """,
)
Y_BOM = define(
    "CPTS-Y009",
    "info",
    "Marque d'ordre des octets (BOM)",
    "Le fichier commence par une marque BOM UTF-8 ; elle est conservée telle quelle.",
    """
    Certains éditeurs Windows ajoutent une marque invisible en début de fichier. Elle est
    acceptée et conservée.
    """,
)
Y_TOO_BIG = define(
    "CPTS-Y010",
    "error",
    "Fichier trop volumineux",
    "Le fichier fait {size} octets, au-delà de la limite de {limit} octets pour un fichier projet.",
    """
    Un fichier projet fait au plus quelques centaines de kilo-octets ; un fichier bien plus
    gros n'est pas un fichier projet (export, base de données…).
    """,
)
Y_NONSTRING_KEY = define(
    "CPTS-Y011",
    "error",
    "Clé qui n'est pas du texte",
    "La clé « {key} » n'est pas du texte : écrivez une clé comme « nom: ».",
    """
    Les clés sont des mots (`nom`, `communes`). Incorrect : `? [a, b]: 1` ou `1: x`.
    """,
)


Y_TOO_MANY = define(
    "CPTS-Y013",
    "error",
    "Trop de valeurs",
    "Le fichier contient plus de {limit} valeurs (clés, valeurs et éléments de liste) : ce "
    "n'est pas un fichier projet.",
    """
    Un fichier projet compte quelques milliers de valeurs ; au-delà de la limite, il n'est pas
    lu (un export ou un fichier généré, pas un projet). Le décompte s'arrête à la ligne
    signalée.
    """,
)
Y_UNREADABLE_FILE = define(
    "CPTS-Y014",
    "error",
    "Fichier illisible",
    "{detail}",
    """
    Quand plusieurs fichiers sont vérifiés (un dossier, par exemple), un fichier qui ne peut
    pas être lu (introuvable, sans permission, qui n'est pas un fichier ordinaire) est signalé
    par ce constat, et les autres sont vérifiés normalement.
    """,
)
Y_UNREADABLE_VALUE = define(
    "CPTS-Y015",
    "error",
    "Valeur illisible",
    "La valeur « {value} » ne peut pas être lue : {reason}.",
    """
    Une valeur que le YAML ne sait pas convertir : un nombre de plus de 4 300 chiffres, une
    étiquette (`!!float`, `!!bool`, `!!int`…) sur une valeur qui n'en est pas une. Le reste
    du fichier est vérifié ; les commandes qui modifient le fichier refusent de le réécrire.
    Incorrect : `montant: !!float dix`. Correct : `montant: 10`.
    """,
)


def read_path(path: Path | str) -> ProjectDocument:
    """Read and parse ``path``; raise ``CptsError`` only when the file cannot be read.

    Only a regular file is read: a folder, a device, a FIFO or a socket is refused before
    any byte is read from it, and never more than ``MAX_BYTES`` + 1 bytes are read, whatever
    the size the system gives.
    """
    path = Path(path)
    name = str(path)
    # The standard input or a file of /proc, /sys is not a project file, even when the
    # system shows it as a regular file (the README says they are refused before reading).
    check_project_path(path)
    try:
        raw = _read_regular(path, name)
    except FileNotFoundError:
        raise CptsError(
            f"Fichier introuvable : « {name} ». Créez-le avec « cpts init » ou indiquez "
            "le bon chemin."
        ) from None
    except PermissionError:
        raise CptsError(f"Lecture impossible de « {name} » : permission refusée.") from None
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {name} » : {os_error_fr(exc)}.") from None
    if isinstance(raw, int):
        doc = ProjectDocument(path=path, name=name, raw=b"", text="", parsed=False)
        doc.findings.append(Y_TOO_BIG.make("", 1, 1, file=name, size=raw, limit=MAX_BYTES))
        return doc
    return parse_bytes(raw, name=name, path=path)


def _read_regular(path: Path, name: str) -> bytes | int:
    """The bytes of the regular file ``path``, or its size when over ``MAX_BYTES``."""
    refuse_not_regular(os.stat(path).st_mode, name)
    # Non-blocking: a FIFO put in the file's place in the meantime does not block the open.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        refuse_not_regular(status.st_mode, name)
        if status.st_size > MAX_BYTES:
            return status.st_size
        chunks = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    return len(raw) if len(raw) > MAX_BYTES else raw


def parse_bytes(
    raw: bytes, *, name: str = "cpts.yaml", path: Path | None = None
) -> ProjectDocument:
    doc = ProjectDocument(path=path, name=name, raw=raw, text="")
    if len(raw) > MAX_BYTES:
        doc.parsed = False
        doc.findings.append(Y_TOO_BIG.make("", 1, 1, file=name, size=len(raw), limit=MAX_BYTES))
        return doc
    body = raw
    if body.startswith(b"\xef\xbb\xbf"):
        doc.bom = True
        body = body[3:]
        doc.findings.append(Y_BOM.make("", 1, 1, file=name))
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _fail(
            doc,
            Y_ENCODING,
            1,
            1,
            detail=("Le fichier est en UTF-16 : enregistrez-le en UTF-8 depuis votre éditeur."),
        )
    nul = body.find(b"\x00")
    if nul >= 0:
        line = body.count(b"\n", 0, nul) + 1
        return _fail(
            doc,
            Y_ENCODING,
            line,
            1,
            detail=(
                "Le fichier contient des octets nuls : c'est un fichier binaire, pas un "
                "fichier projet YAML."
            ),
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        return _fail(
            doc,
            Y_ENCODING,
            line,
            column,
            detail=(
                f"Octet 0x{body[exc.start]:02X} invalide en UTF-8 : le fichier doit être enregistré "
                "en UTF-8 (il semble être en Windows-1252 ou Latin-1)."
            ),
        )
    if "\r\n" in text:
        doc.crlf = True
        text = text.replace("\r\n", "\n")
    doc.text = text
    return _parse_text(doc)


def parse_text(text: str, *, name: str = "cpts.yaml") -> ProjectDocument:
    return parse_bytes(text.encode("utf-8"), name=name)


def _fail(doc: ProjectDocument, code, line: int, column: int, **values) -> ProjectDocument:
    doc.parsed = False
    doc.editable = False
    doc.findings.append(code.make("", line, column, file=doc.name, **values))
    return doc


def _parse_text(doc: ProjectDocument) -> ProjectDocument:
    from ruamel.yaml.composer import ComposerError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    from cpts_cli.project.yamlio import safe_yaml

    text = doc.text
    if not _has_content(text):
        return _fail(doc, Y_EMPTY, 1, 1)
    if limits.may_exceed(text):
        excess = limits.first_excess(text)
        if excess is not None:
            return _beyond(doc, excess)
    # The safe loader (C-accelerated when ruamel.yaml.clib is installed) resolves scalars
    # exactly as the round-trip loader does (YAML 1.2), and keeps each node's position.
    yaml = safe_yaml()
    try:
        constructor, parser = yaml.get_constructor_parser(io.StringIO(text))
        composer = getattr(constructor, "composer", None) or parser
        node = composer.get_single_node()
        if node is None:
            return _fail(doc, Y_EMPTY, 1, 1)
        structural = _check_nodes(node, doc.name)
        if structural:
            doc.findings.extend(structural)
            doc.editable = False
            if any(f.code in _NOTHING_BUILT for f in structural):
                doc.parsed = False
                return doc
        data = constructor.construct_document(node)
    except ReaderError as exc:
        return _control_character(doc, exc)
    except ComposerError as exc:
        if "expected a single document" in str(exc):
            mark = exc.problem_mark
            return _fail(doc, Y_MULTIDOC, mark.line + 1 if mark else 1, 1)
        return _syntax(doc, exc)
    except MarkedYAMLError as exc:
        return _syntax(doc, exc)
    except (YAMLError, RecursionError, MemoryError, ValueError, TypeError) as exc:
        return _fail(doc, Y_SYNTAX, 1, 1, detail=_unknown_problem(1, exc))
    unreadable = _unreadable_values(constructor, doc.name)
    if unreadable:
        doc.findings.extend(unreadable)
        doc.editable = False
    if not isinstance(data, dict):
        kind = "une liste" if isinstance(data, list) else f"la valeur « {_short(data)} »"
        return _fail(doc, Y_NOT_MAPPING, 1, 1, kind=kind)
    doc.plain = to_plain(data)
    del data
    _index_positions(node, doc)
    return doc


#: Findings on the node graph after which no value is built: too deep, aliases (they would
#: be expanded), keys that are not text.
_NOTHING_BUILT = {Y_SYNTAX.code, Y_ALIAS.code, Y_NONSTRING_KEY.code}


def _depth_detail() -> str:
    return f"plus de {MAX_DEPTH} niveaux de listes ou de tables imbriquées"


def _beyond(doc: ProjectDocument, excess: limits.Excess) -> ProjectDocument:
    if excess.kind == "depth":
        return _fail(doc, Y_SYNTAX, excess.line, excess.column, detail=_depth_detail())
    return _fail(doc, Y_TOO_MANY, excess.line, excess.column, limit=fmt_int(MAX_NODES))


def _index_positions(root, doc: ProjectDocument) -> None:
    """JSON pointer → 1-based position of each key / item (and of each value)."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    keys = doc.positions
    values = doc.value_positions
    keys[""] = (1, 1)
    stack = [(root, "")]
    while stack:
        node, ptr = stack.pop()
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                child = ptr + "/" + str(key_node.value).replace("~", "~0").replace("/", "~1")
                keys.setdefault(
                    child, (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                )
                values.setdefault(
                    child, (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
                )
                stack.append((value_node, child))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                child = f"{ptr}/{i}"
                position = (item.start_mark.line + 1, item.start_mark.column + 1)
                keys[child] = position
                values[child] = position
                stack.append((item, child))


def _has_content(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return True
    return False


def _check_nodes(root, name: str) -> list[Finding]:
    """Nesting, duplicate keys, anchors and aliases, found on the node graph before any value
    is built. A node reached a second time is an alias: it is reported, never followed."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    findings: list[Finding] = []
    seen: set[int] = set()
    reported_anchor: set[str] = set()
    too_deep = None
    stack = [(root, 1)]

    def report_anchor(node, anchor: str) -> None:
        if anchor not in reported_anchor:
            reported_anchor.add(anchor)
            findings.append(Y_ALIAS.make("", *_mark(node), file=name, what=_anchor_words(anchor)))

    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            report_anchor(node, getattr(node, "anchor", None) or "?")
            continue
        seen.add(id(node))
        anchor = getattr(node, "anchor", None)
        if anchor:
            report_anchor(node, anchor)
        if isinstance(node, ScalarNode):
            continue
        if depth > MAX_DEPTH:
            if too_deep is None or _mark(node) < _mark(too_deep):
                too_deep = node
            continue
        if isinstance(node, MappingNode):
            children = _checked_entries(node, name, findings)
        else:
            children = node.value
        stack.extend((child, depth + 1) for child in children)
    if too_deep is not None:
        findings.append(Y_SYNTAX.make("", *_mark(too_deep), file=name, detail=_depth_detail()))
    return findings


def _checked_entries(node, name: str, findings: list[Finding]) -> list:
    """The keys and values of a mapping node to check further; keys that are not text, merge
    keys and duplicates are reported, and only the first of duplicates is kept (so the rest
    of the file can still be checked)."""
    from ruamel.yaml.nodes import ScalarNode, SequenceNode

    first: dict[str, int] = {}
    kept = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            key = "[…]" if isinstance(key_node, SequenceNode) else "{…}"
            findings.append(Y_NONSTRING_KEY.make("", *_mark(key_node), file=name, key=key))
            continue
        if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
            findings.append(Y_ALIAS.make("", *_mark(key_node), file=name, what="fusion « <<: »"))
            continue
        key = key_node.value
        if key in first:
            findings.append(
                Y_DUPLICATE.make("", *_mark(key_node), file=name, key=key, first_line=first[key])
            )
            continue
        first[key] = key_node.start_mark.line + 1
        kept.append((key_node, value_node))
    node.value[:] = kept
    return [child for pair in kept for child in pair]


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _anchor_words(anchor: str) -> str:
    if anchor == "?":
        return "valeur réutilisée par un alias"
    return f"« &{anchor} » et « *{anchor} »"


def _syntax(doc: ProjectDocument, exc) -> ProjectDocument:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    problem = getattr(exc, "problem", None) or ""
    lines = doc.text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "\\t" in problem or "\t" in source_line[: max(column, 1)]:
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip(" \t"))]:
            return _fail(doc, Y_TAB, line, source_line.index("\t") + 1)
    detail = _translate_problem(problem, exc) or _unknown_problem(line, exc)
    return _fail(doc, Y_SYNTAX, line, column, detail=detail)


def _unknown_problem(line: int, exc: BaseException) -> str:
    """An error the parser gave in words not translated here: French, with the original
    (English) kept for ``--debug`` only."""
    from cpts_cli.support import debug

    detail = f"erreur de lecture à la ligne {line}"
    if debug.enabled():
        detail += f" (détail technique : {type(exc).__name__} : {_clean(str(exc))})"
    return detail


#: What YAML does not accept as a character, even between quotes (control characters…).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _control_character(doc: ProjectDocument, exc) -> ProjectDocument:
    """A character YAML forbids (the reader's error gives an offset in bytes or in
    characters, depending on the parser): found again in the text, for its line and column."""
    found = _NOT_YAML.search(doc.text)
    if found is None:
        return _fail(doc, Y_SYNTAX, 1, 1, detail=_unknown_problem(1, exc))
    start = found.start()
    line = doc.text.count("\n", 0, start) + 1
    column = start - (doc.text.rfind("\n", 0, start) + 1) + 1
    detail = (
        f"caractère de contrôle U+{ord(found.group()):04X} interdit (invisible à l'écran) : "
        "supprimez-le"
    )
    return _fail(doc, Y_SYNTAX, line, column, detail=detail)


#: What a value tagged or read as this type should have been (CPTS-Y015).
_TAG_WORDS = {
    "tag:yaml.org,2002:int": "un nombre entier",
    "tag:yaml.org,2002:float": "un nombre",
    "tag:yaml.org,2002:bool": "un booléen (true ou false)",
    "tag:yaml.org,2002:timestamp": "une date (AAAA-MM-JJ)",
    "tag:yaml.org,2002:binary": "des données binaires (base64)",
    "tag:yaml.org,2002:null": "une valeur vide (null)",
}


def _unreadable_values(constructor, name: str) -> list[Finding]:
    """The values the loader could not convert, each read as the text written (see
    ``yamlio``), as findings at their place."""
    return [
        Y_UNREADABLE_VALUE.make(
            "",
            *_mark(node),
            file=name,
            value=_short(node.value),
            reason=_unreadable_reason(node, constructor),
        )
        for node in getattr(constructor, "unreadable", ())
    ]


def _unreadable_reason(node, constructor) -> str:
    import sys

    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    digits = sum(c.isdigit() for c in node.value)
    if node.tag == "tag:yaml.org,2002:int" and limit and digits > limit:
        return (
            f"nombre de {fmt_int(digits)} chiffres, au-delà des {fmt_int(limit)} qu'un nombre "
            "peut avoir"
        )
    if node.tag not in constructor.yaml_constructors:
        return f"étiquette « {_short(node.tag)} » inconnue, retirez-la"
    word = _TAG_WORDS.get(node.tag)
    if word:
        return f"ce n'est pas {word}"
    return f"l'étiquette « {_short(node.tag)} » ne convient pas à cette valeur"


_PROBLEMS = {
    "mapping values are not allowed here": (
        "deux-points inattendu ; mettez la valeur entre guillemets si elle contient « : »"
    ),
    "could not find expected ':'": "deux-points « : » attendu après la clé",
    "did not find expected key": "clé attendue (vérifiez l'indentation)",
    "did not find expected '-' indicator": "élément de liste « - » attendu (vérifiez l'indentation)",
    "found character '\\t' that cannot start any token": "tabulation interdite",
    "found unexpected end of stream": "fin du fichier inattendue (guillemet non fermé ?)",
    "found undefined alias": "alias inconnu",
    "expected <block end>, but found '-'": "élément de liste mal indenté",
    "expected <block end>, but found '<block mapping start>'": "clé mal indentée",
    "expected <block end>, but found '<scalar>'": "valeur mal indentée",
    "found unknown escape character": "séquence d'échappement inconnue dans une chaîne",
    "expected ',' or ']', but got": "liste entre crochets mal fermée",
    "did not find expected ',' or ']'": "liste entre crochets mal fermée",
    "did not find expected ',' or '}'": "dictionnaire entre accolades mal fermé",
    "did not find expected node content": "valeur attendue",
    "did not find expected comment or line break": "texte en trop après la valeur",
    "did not find URI escaped octet": "caractère invalide",
    "expected ',' or '}', but got": "dictionnaire entre accolades mal fermé",
    "while scanning a quoted scalar": "guillemet non fermé",
    "while scanning a simple key": "clé sans deux-points",
    "found a tab character where an indentation space is expected": "tabulation interdite",
    "could not determine a constructor for the tag": "étiquette YAML (« !… ») inconnue, retirez-la",
    "expected a mapping node": "étiquette YAML qui ne convient pas à la valeur",
    "expected a sequence node": "étiquette YAML qui ne convient pas à la valeur",
    "expected a single mapping item": "étiquette YAML qui ne convient pas à la valeur",
    "that cannot start any token": (
        "caractère réservé en début de valeur (« @ », « ` ») : mettez la valeur entre guillemets"
    ),
    "found undefined tag handle": "préfixe d'étiquette YAML inconnu",
    "found duplicate anchor": "ancre définie deux fois",
    "found unexpected ':'": "deux-points inattendu",
    "found unexpected document separator": "séparateur « --- » inattendu",
}


def _translate_problem(problem: str, exc) -> str | None:
    for english, french in _PROBLEMS.items():
        if english in problem:
            return french
    context = getattr(exc, "context", None) or ""
    for english, french in _PROBLEMS.items():
        if english in context:
            return french
    # Never show the parser's English: the caller says where to look, in French.
    return None


def _clean(message: str) -> str:
    return " ".join(message.split())[:200]


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def file_signature(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read_usable(path: Path | str) -> ProjectDocument:
    """Read a project file a command must work on: unparsable, or written by a newer version
    of the tool → ``CptsError`` (exit 2); an older format is migrated in memory."""
    from cpts_cli.checking.findings import Severity
    from cpts_cli.project import migrate
    from cpts_cli.project.document import to_plain

    doc = read_path(path)
    if not doc.parsed or not isinstance(doc.plain, dict):
        first = next((f for f in doc.findings if f.severity is Severity.ERROR), None)
        detail = f" (ligne {first.line}) : {first.message}" if first else "."
        raise CptsError(f"« {doc.name} » ne peut pas être lu{detail}")
    version = migrate.file_format(doc.plain)
    if version is not None and version > migrate.CURRENT_FORMAT:
        raise CptsError(
            f"« {doc.name} » est au format {version}, plus récent que cet outil "
            f"(format {migrate.CURRENT_FORMAT}) : mettez cpts à jour."
        )
    if version is not None and version < migrate.CURRENT_FORMAT and migrate.migrate(doc.data):
        doc.plain = to_plain(doc.data)
    return doc
