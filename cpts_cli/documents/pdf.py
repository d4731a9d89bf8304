"""DOCX → PDF with LibreOffice in headless mode, when it is installed.

A plain ``soffice --convert-to pdf`` keeps the table of contents and cross-reference fields
as they were saved (empty page numbers). So LibreOffice runs a small Basic macro in a
throw-away profile: load the document, update its indexes and fields, export to PDF. When
the macro cannot run, the plain conversion is the fallback (with a warning).

Nothing is fetched: the document has no external link left (see
:mod:`cpts_cli.documents.word.model`), and the profile forbids it anyway: links are never
updated, referer-less remote content is blocked, document macros never run, and every
web access goes to a proxy that does not exist (``127.0.0.1:9``), as do the environment's
proxy variables.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from cpts_cli.support.errors import CptsError, os_error_fr

TIMEOUT = 180

_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">
Sub ConvertPdf(inUrl As String, outUrl As String)
  Dim args(2) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  args(1).Name = &quot;UpdateDocMode&quot;
  args(1).Value = com.sun.star.document.UpdateDocMode.NO_UPDATE
  args(2).Name = &quot;MacroExecutionMode&quot;
  args(2).Value = com.sun.star.document.MacroExecMode.NEVER_EXECUTE
  oDoc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, args())
  oIdx = oDoc.getDocumentIndexes()
  For i = 0 To oIdx.getCount() - 1
    oIdx.getByIndex(i).update()
  Next i
  oDoc.getTextFields().refresh()
  Dim pargs(0) As New com.sun.star.beans.PropertyValue
  pargs(0).Name = &quot;FilterName&quot;
  pargs(0).Value = &quot;writer_pdf_Export&quot;
  oDoc.storeToURL(outUrl, pargs())
  oDoc.close(True)
End Sub
</script:module>
"""


#: Where nothing listens: every web access of LibreOffice goes there, and fails.
_NOWHERE = ("127.0.0.1", 9)


def _setting(path: str, name: str, value) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return (
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{text}</value></prop></item>"
    )


def _offline_settings() -> str:
    """The profile's settings (registrymodifications.xcu): no link updated, no remote
    content, no document macro, no update check, every web access to :data:`_NOWHERE`."""
    inet = "/org.openoffice.Inet/Settings"
    host, port = _NOWHERE
    items = [
        _setting("/org.openoffice.Office.Writer/Content/Update", "Link", 2),
        _setting("/org.openoffice.Office.Calc/Content/Update", "Link", 2),
        _setting("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", 3),
        _setting(
            "/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", True
        ),
        _setting(
            "/org.openoffice.Office.Jobs/Jobs/UpdateCheck/Arguments", "AutoCheckEnabled", False
        ),
        _setting(inet, "ooInetProxyType", 2),
        _setting(inet, "ooInetNoProxy", ""),
    ]
    for scheme in ("HTTP", "HTTPS", "FTP"):
        items.append(_setting(inet, f"ooInet{scheme}ProxyName", host))
        items.append(_setting(inet, f"ooInet{scheme}ProxyPort", port))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
        'xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items)
        + "\n</oor:items>\n"
    )


def _offline_environment(home: Path) -> dict[str, str]:
    proxy = "http://{}:{}".format(*_NOWHERE)
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    for name in ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy"):
        env[name] = env[name.upper()] = proxy
    env["HOME"] = str(home)
    return env


def find_office() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_office() -> str:
    office = find_office()
    if office is None:
        raise CptsError(
            "Le format PDF passe par LibreOffice, introuvable sur cette machine (commande "
            "« soffice » ou « libreoffice »). Installez LibreOffice, ou produisez les "
            "documents Word (--format docx) et enregistrez-les en PDF depuis Word."
        )
    return office


#: Fonts of Word and their metric-compatible free equivalents: the pages break at the same
#: places (Debian: fonts-crosextra-carlito, fonts-crosextra-caladea, fonts-liberation2).
METRIC_EQUIVALENTS = {
    "Calibri": "Carlito",
    "Cambria": "Caladea",
    "Arial": "Liberation Sans",
    "Times New Roman": "Liberation Serif",
    "Courier New": "Liberation Mono",
}
_FONT_PACKAGES = {
    "Carlito": "fonts-crosextra-carlito",
    "Caladea": "fonts-crosextra-caladea",
}


def font_warnings(docx: bytes) -> list[str]:
    """One warning per font of the document's styles that LibreOffice would replace by
    another of different widths (DejaVu for Calibri): the PDF's pages would not be Word's."""
    import re
    import zipfile
    from io import BytesIO

    if shutil.which("fc-match") is None:
        return []
    try:
        with zipfile.ZipFile(BytesIO(docx)) as package:
            xml = package.read("word/styles.xml").decode("utf-8", "replace")
            names = set(re.findall(r'w:ascii="([^"]+)"', xml))
            if "word/theme/theme1.xml" in package.namelist():
                theme = package.read("word/theme/theme1.xml").decode("utf-8", "replace")
                names |= set(re.findall(r'<a:latin typeface="([^"]+)"', theme)[:2])
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    out = []
    for name in sorted(n for n in names if n and not n.startswith("+")):
        found = _font_found(name)
        wanted = {name, METRIC_EQUIVALENTS.get(name)}
        if found is None or found in wanted:
            continue
        equivalent = METRIC_EQUIVALENTS.get(name)
        install = (
            f" : installez « {name} » ou « {equivalent} » (paquet "
            f"{_FONT_PACKAGES.get(equivalent, 'de la police')}), de mêmes dimensions"
            if equivalent
            else f" : installez « {name} »"
        )
        out.append(
            f"Police « {name} » absente de cette machine : le PDF utilise « {found} », les "
            f"pages ne tombent pas comme dans Word{install}."
        )
    return out


def _font_found(name: str) -> str | None:
    """The family fontconfig gives for ``name`` (``None`` when it cannot say)."""
    try:
        done = subprocess.run(
            ["fc-match", "-f", "%{family}", name], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    family = done.stdout.decode("utf-8", "replace").split(",")[0].strip()
    return family or None


def _stop_session(proc: subprocess.Popen) -> None:
    """Kill what is left of the session LibreOffice was started in (its own process, when
    it timed out, and any helper it left behind), then reap it."""
    import signal

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=5)


class Converter:
    """One LibreOffice profile for several conversions (its creation takes a few seconds)."""

    def __init__(self) -> None:
        self.office = require_office()
        self.tmp = Path(tempfile.mkdtemp(prefix="cpts-office-"))
        self.profile = self.tmp / "profil"
        self.macro_ready = False
        self.warnings: list[str] = []
        user = self.profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_offline_settings(), encoding="utf-8")

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self, args: list[str]) -> subprocess.CompletedProcess:
        """LibreOffice in a session of its own, whose every process is stopped when the
        conversion ends: nothing of it outlives ``cpts``."""
        command = [
            self.office,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={self.profile.as_uri()}",
            *args,
        ]
        try:
            proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_offline_environment(self.tmp),
                start_new_session=True,
            )
        except OSError as exc:
            raise CptsError(f"LibreOffice ne peut pas être lancé : {os_error_fr(exc)}.") from None
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CptsError(
                f"LibreOffice n'a pas terminé la conversion en {TIMEOUT} secondes."
            ) from None
        finally:
            _stop_session(proc)
        return subprocess.CompletedProcess(command, proc.returncode, out, err)

    def _prepare_macro(self) -> None:
        if self.macro_ready:
            return
        self._run(["--terminate_after_init"])
        basic = self.profile / "user" / "basic" / "Standard"
        if basic.is_dir():
            (basic / "Module1.xba").write_text(_MACRO, encoding="utf-8")
            self.macro_ready = True

    def convert(self, docx: Path, pdf: Path) -> None:
        """Write ``pdf`` from ``docx`` (both absolute paths; ``pdf`` must not exist yet)."""
        for warning in font_warnings(docx.read_bytes()):
            if warning not in self.warnings:
                self.warnings.append(warning)
        self._prepare_macro()
        if self.macro_ready:
            url_in, url_out = docx.resolve().as_uri(), pdf.resolve().as_uri()
            self._run([f'macro:///Standard.Module1.ConvertPdf("{url_in}","{url_out}")'])
            if pdf.is_file() and pdf.stat().st_size > 0:
                return
        outdir = self.tmp / "sortie"
        outdir.mkdir(exist_ok=True)
        result = self._run(["--convert-to", "pdf", "--outdir", str(outdir), str(docx)])
        produced = outdir / (docx.stem + ".pdf")
        if not produced.is_file():
            detail = (result.stderr or b"").decode("utf-8", "replace").strip().splitlines()
            raise CptsError(
                "LibreOffice n'a pas produit de PDF" + (f" : {detail[-1]}" if detail else ".")
            )
        shutil.move(str(produced), str(pdf))
        self.warnings.append(
            "Table des matières du PDF non mise à jour (macro LibreOffice indisponible) : "
            "ouvrez le document Word et mettez à jour les champs."
        )
