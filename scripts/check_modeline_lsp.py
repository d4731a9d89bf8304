"""Check, with the real YAML language server, that a project folder made by ``cpts init``
still gives the editor's help once copied elsewhere (the modeline is relative).

    python scripts/check_modeline_lsp.py [--server PATH] [--project DIR]

The server is ``--server``, else ``$CPTS_YAML_LANGUAGE_SERVER``, else ``yaml-language-server``
on the PATH (``npm install yaml-language-server``). Without ``--project``, a project is made
with ``cpts init`` (this checkout's package), copied to another folder and the original
deleted. The script opens the copy's ``cpts.yaml`` over stdio (LSP), asks for the hover of
the ``cpts:`` key and for completion inside ``territoire:``, prints what it got, and exits
1 when the schema could not be loaded (a diagnostic « Unable to load schema », no hover
from the schema, no completion of territoire's keys), 2 when the server cannot be run.

Only the standard library: it runs with the project's own Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue

ROOT = Path(__file__).resolve().parents[1]
ENV_VAR = "CPTS_YAML_LANGUAGE_SERVER"


def find_server(given: str | None) -> str | None:
    for candidate in (given, os.environ.get(ENV_VAR)):
        if candidate:
            return candidate if Path(candidate).exists() else shutil.which(candidate)
    return shutil.which("yaml-language-server")


class Client:
    """A minimal LSP client over the server's stdin/stdout."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox: Queue = Queue()
        self.next_id = 0
        self.diagnostics: dict[str, list] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.inbox.put(json.loads(out.read(length).decode("utf-8")))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 30) -> dict:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._pump(deadline)
            if message is None:
                raise TimeoutError(f"pas de réponse du serveur à {method}")
            if message.get("id") == wanted and "method" not in message:
                return message

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self._pump(deadline) is not None:
            pass

    def _pump(self, deadline: float) -> dict | None:
        """One message from the server, answering its own requests on the way."""
        try:
            message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            return None
        method = message.get("method")
        if method and "id" in message:  # a request from the server
            result = None
            if method == "workspace/configuration":
                result = [
                    SETTINGS.get(i.get("section", ""), None) for i in message["params"]["items"]
                ]
            self.send({"id": message["id"], "result": result})
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        return message

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
        except (OSError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


YAML_SETTINGS = {
    "validate": True,
    "hover": True,
    "completion": True,
    "schemaStore": {"enable": False},
    "schemas": {},
}
SETTINGS = {"yaml": YAML_SETTINGS, "": {"yaml": YAML_SETTINGS}}


def make_project(where: Path) -> Path:
    """``cpts init`` in one folder, copied to another, the first deleted: the copy."""
    first = where / "chez-moi"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "cpts_cli", "init", str(first), "--no-input", "--nom",
         "CPTS du Lac", "--porteur", "Dr Claire Martin", "--communes", "74010"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    if proc.returncode != 0:
        sys.exit(f"cpts init a échoué : {proc.stderr}")
    copy = where / "ailleurs" / "chez-un-collegue"
    shutil.copytree(first, copy)
    shutil.rmtree(first)
    return copy


def position_of(lines: list[str], start: str) -> int:
    for i, line in enumerate(lines):
        if line.startswith(start):
            return i
    raise SystemExit(f"pas de ligne « {start} » dans le fichier")


def check(server: str, folder: Path) -> int:
    path = folder / "cpts.yaml"
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8")
    print(f"fichier : {path}")
    print(f"modeline : {text.splitlines()[0]}")
    # Completion inside territoire: a new, indented blank line just under « territoire: ».
    lines = text.split("\n")
    terr = position_of(lines, "territoire:")
    lines.insert(terr + 1, "  ")
    text = "\n".join(lines)
    cpts_line = position_of(lines, "cpts:")

    client = Client([server, "--stdio"])
    try:
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folder.resolve().as_uri(),
                "capabilities": {
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {"completionItem": {"snippetSupport": False}},
                    },
                    "workspace": {"configuration": True},
                },
                "workspaceFolders": [{"uri": folder.resolve().as_uri(), "name": folder.name}],
            },
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        client.wait(3)
        hover = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": cpts_line, "character": 1}},
        ).get("result")
        completion = client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": terr + 1, "character": 2}},
        ).get("result")
        client.wait(1)
    finally:
        client.close()

    hover_text = ""
    if hover:
        contents = hover.get("contents")
        hover_text = contents.get("value", "") if isinstance(contents, dict) else str(contents)
    items = completion.get("items", []) if isinstance(completion, dict) else completion or []
    labels = sorted({item.get("label", "") for item in items})
    diagnostics = client.diagnostics.get(uri, [])
    print(f"survol de « cpts: » : {hover_text.strip()[:400]!r}")
    print(f"complétion dans « territoire: » : {labels}")
    print(f"diagnostics ({len(diagnostics)}) :")
    for d in diagnostics[:10]:
        print(f"  ligne {d['range']['start']['line'] + 1} : {d.get('message', '')[:160]}")

    problems = []
    if any("nable to load schema" in d.get("message", "") for d in diagnostics):
        problems.append("le serveur n'a pas pu charger le schéma")
    if "CPTS" not in hover_text:
        problems.append("pas de survol venu du schéma sur « cpts: »")
    if not labels:
        problems.append("pas de complétion dans « territoire: »")
    if problems:
        print("ÉCHEC : " + " ; ".join(problems))
        return 1
    print("OK : le schéma copié à côté du fichier est chargé (survol et complétion).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", help="chemin de yaml-language-server")
    parser.add_argument("--project", type=Path, help="dossier contenant cpts.yaml")
    args = parser.parse_args(argv)
    server = find_server(args.server)
    if server is None:
        print("yaml-language-server introuvable (npm install yaml-language-server)")
        return 2
    if args.project is not None:
        return check(server, args.project)
    with tempfile.TemporaryDirectory() as tmp:
        return check(server, make_project(Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
