"""Check, with the real YAML language server, what the editor says about the mistakes people
make in a project file: an unknown key is no error (``cpts validate`` warns, check-jsonschema
accepts it; the server cannot warn — it turns every schema warning into an error — so the
schema accepts the key and the editor explains it on hover); a bad code (INSEE, SIREN, RPPS,
FINESS, RNA, code d'indicateur), date or courriel is an error with a French message that
never shows the regular expression.

    python scripts/check_schema_lsp.py [--server PATH] [FILE.yaml …]

The server is found as in ``check_modeline_lsp.py`` (``--server``, else
``$CPTS_YAML_LANGUAGE_SERVER``, else ``yaml-language-server`` on the PATH). With files, the
script prints the diagnostics of each one (severity, line, message) and exits 0. Without,
it makes a project with ``cpts init`` (this checkout's package), writes into it one unknown
key and one bad value of each pattern, prints the diagnostics, and exits 1 when one of them
is not as expected, 2 when the server cannot be run.

Only the standard library: it runs with the project's own Python.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_modeline_lsp import SETTINGS, Client, find_server, make_project  # noqa: E402

SEVERITY = {1: "erreur", 2: "avertissement", 3: "information", 4: "indice"}

#: What is written into a fresh project (a line replacing the one that starts with the anchor,
#: or a new line under it when the anchor is a section), and what the editor must say on that
#: line: no diagnostic (None) or errors, whose messages must contain these French phrases.
MISTAKES = [
    ("  justificaton: x", "territoire:", None, ()),
    ("  numero_inconnu: 1", "cpts:", None, ()),
    ('  communes: ["7401"]', "  communes:", "erreur", ("Code commune INSEE invalide",)),
    ('  epci: ["24740007"]', "  epci:", "erreur", ("Numéro SIREN invalide",)),
    ("  reunions: [{date: 10/02/2024, participants: dix}]", "  reunions:", "erreur",
     ("Date invalide", "Nombre entier attendu pour « Participants »")),
    ('  acteurs: [{nom: A, rpps: "123", telephone: 0380123456}]', "  acteurs:", "erreur",
     ("Numéro RPPS invalide", "Texte attendu pour « Téléphone » : écrivez-le entre guillemets")),
    ('  structures: [{nom: B, finess: "21001234"}]', "  structures:", "erreur",
     ("Numéro FINESS invalide",)),
    ('  indicateurs: [{code: "Patients sans MT"}]', "  indicateurs:", "erreur",
     ("Code d’indicateur invalide",)),
    ("  constats: 3", "  constats:", "erreur", ("Liste attendue pour « Constats »",)),
    ("  coordinateur: {nom: C, email: c.martin}", "cpts:", "erreur", ("Courriel invalide",)),
    ("  association: {nom: D, rna: 212001234}", "cpts:", "erreur",
     ("Numéro RNA : écrivez-le entre guillemets",)),
]  # fmt: skip
#: Marks of a raw regular expression or an English message: none may reach the person.
_REGEX_MARKS = ("^", "$", "[0-9]", "{2}", "pattern", "Property", "Incorrect type", "String ")
#: What the editor shows on hover over an unknown key.
UNKNOWN_KEY_HOVER = "Clé inconnue de cpts"


def diagnostics(
    server: str, path: Path, hover_at: tuple[int, int] | None = None
) -> tuple[list[dict], str]:
    """The diagnostics the server publishes for ``path``, and the hover text at ``hover_at``
    (line, character; 0-based)."""
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8")
    hover = ""
    client = Client([server, "--stdio"])
    try:
        folder = path.resolve().parent
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folder.as_uri(),
                "capabilities": {"workspace": {"configuration": True}},
                "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
            },
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        client.wait(3)
        if hover_at is not None:
            line, character = hover_at
            result = client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
            ).get("result")
            contents = (result or {}).get("contents")
            hover = contents.get("value", "") if isinstance(contents, dict) else str(contents or "")
    finally:
        client.close()
    found = sorted(client.diagnostics.get(uri, []), key=lambda d: d["range"]["start"]["line"])
    return found, hover


def show(path: Path, found: list[dict]) -> None:
    print(f"{path} : {len(found)} diagnostic(s)")
    for d in found:
        severity = SEVERITY.get(d.get("severity", 1), "?")
        line = d["range"]["start"]["line"] + 1
        column = d["range"]["start"]["character"] + 1
        print(f"  {line}:{column} {severity} : {d.get('message', '')}")


def with_mistakes(text: str) -> str:
    """The project file with every mistake of ``MISTAKES`` written in it."""
    lines = text.split("\n")
    for written, anchor, _severity, _word in MISTAKES:
        at = next(i for i, line in enumerate(lines) if line.startswith(anchor))
        if anchor.startswith(" "):
            lines[at] = written  # the key exists: its value is replaced, block and all
            depth = len(anchor) - len(anchor.lstrip())
            while at + 1 < len(lines) and len(lines[at + 1]) - len(lines[at + 1].lstrip()) > depth:
                del lines[at + 1]
        else:
            lines.insert(at + 1, written)  # a new key under the section
    return "\n".join(lines)


def check(server: str, folder: Path) -> int:
    path = folder / "cpts.yaml"
    text = with_mistakes(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    unknown = lines.index(MISTAKES[0][0])
    found, hover = diagnostics(server, path, hover_at=(unknown, 4))
    show(path, found)
    print(f"survol de « {lines[unknown].strip()} » : {hover!r}")
    problems = []
    for written, _anchor, severity, phrases in MISTAKES:
        line = lines.index(written)
        said = [
            (SEVERITY.get(d.get("severity", 1)), d.get("message", ""))
            for d in found
            if d["range"]["start"]["line"] == line
        ]
        if severity is None and said:
            problems.append(f"ligne {line + 1} « {written.strip()} » : {said}, attendu : rien")
        for phrase in phrases:
            if not any(s == severity and phrase in m for s, m in said):
                problems.append(f"ligne {line + 1} « {phrase} » attendu : {said or 'rien'}")
        problems.extend(
            f"ligne {line + 1} : message technique : {m}"
            for _s, m in said
            if any(mark in m for mark in _REGEX_MARKS)
        )
    if UNKNOWN_KEY_HOVER not in hover:
        problems.append(f"pas d'explication au survol d'une clé inconnue : {hover!r}")
    written = {lines.index(w) for w, *_ in MISTAKES}
    problems.extend(
        f"diagnostic inattendu : {d.get('message')}"
        for d in found
        if d["range"]["start"]["line"] not in written
    )
    if problems:
        print("ÉCHEC :\n  " + "\n  ".join(problems))
        return 1
    print(
        "OK : clé inconnue sans erreur (expliquée au survol), valeurs mal formées en erreur "
        "avec un message en français."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", help="chemin de yaml-language-server")
    parser.add_argument("files", nargs="*", type=Path, help="fichiers YAML à ouvrir")
    args = parser.parse_args(argv)
    server = find_server(args.server)
    if server is None:
        print("yaml-language-server introuvable (npm install yaml-language-server)")
        return 2
    if args.files:
        for path in args.files:
            show(path, diagnostics(server, path)[0])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        return check(server, make_project(Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
