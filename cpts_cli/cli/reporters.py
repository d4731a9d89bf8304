"""Findings and reports, as text (Rich) or JSON."""

from __future__ import annotations

from rich.markup import escape

from cpts_cli.checking.check import FileReport
from cpts_cli.checking.findings import Finding, Severity, count_by_severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


# Control characters from a file (a key written "\e[2J" in double quotes) are shown, not
# sent to the reviewer's terminal.
_VISIBLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if c != 0x09}
_VISIBLE_LINES = {c: v for c, v in _VISIBLE.items() if c != 0x0A}


def visible(text: str) -> str:
    """``text`` with its control characters shown (``\\x1b``), its line breaks kept: a
    message that quotes what the user typed or what a file holds."""
    return text.translate(_VISIBLE_LINES)


def finding_line(f: Finding, file: str) -> str:
    where = f"{file}:{f.line}:{f.column}:" if f.line else f"{file}:"
    style = _STYLE[f.severity]
    return (
        f"[bold]{escape(where.translate(_VISIBLE))}[/] [{style}]{f.severity.label}[/] "
        f"[dim]{f.code}[/] {escape(f.message.translate(_VISIBLE))}"
    )


def _ansi(style: str, console) -> tuple[str, str]:
    """The escape codes around a text in ``style`` on ``console`` ("" when it has no colours)."""
    if console.no_color or console.color_system is None:
        return "", ""
    from rich.color import ColorSystem
    from rich.style import Style

    # The styles used here are the basic ones: the same codes for every colour system.
    before, _, after = (
        Style.parse(style).render("\0", color_system=ColorSystem.STANDARD).partition("\0")
    )
    return before, after


def _line_maker(console):
    """A function writing a finding as finding_line would, without Rich's per-line rendering
    (0.1 ms a line: a report of 100 000 findings took longer to print than to check)."""
    bold = _ansi("bold", console)
    dim = _ansi("dim", console)
    sev = {s: _ansi(st, console) for s, st in _STYLE.items()}

    def line(f: Finding, file: str) -> str:
        where = f"{file}:{f.line}:{f.column}:" if f.line else f"{file}:"
        b, a = sev[f.severity]
        where, message = where.translate(_VISIBLE), f.message.translate(_VISIBLE)
        return f"{bold[0]}{where}{bold[1]} {b}{f.severity.label}{a} {dim[0]}{f.code}{dim[1]} {message}\n"

    return line


def plural(n: int, word: str, words: str | None = None) -> str:
    # French: 0 and 1 take the singular.
    return f"{n} {word if n <= 1 else (words or word + 's')}"


def summary(findings: list[Finding]) -> str:
    counts = count_by_severity(findings)
    parts = [
        plural(counts[Severity.ERROR], "erreur"),
        plural(counts[Severity.WARNING], "avertissement"),
    ]
    if counts[Severity.INFO]:
        parts.append(plural(counts[Severity.INFO], "information"))
    return ", ".join(parts)


def print_findings(console, reports: list[FileReport], quiet: bool = False) -> None:
    all_findings: list[Finding] = []
    line = _line_maker(console)
    batch: list[str] = []
    for report in reports:
        for f in report.findings:
            if quiet and f.severity is Severity.INFO:
                continue
            batch.append(line(f, report.file))
            if len(batch) >= 2000:
                console.file.write("".join(batch))
                batch.clear()
        all_findings.extend(report.findings)
    console.file.write("".join(batch))
    n_files = len(reports)
    valid = sum(1 for r in reports if r.valid)
    verdict = (
        f"{plural(valid, 'fichier valide', 'fichiers valides')} sur {n_files}"
        if n_files > 1
        else ("fichier valide" if valid else "fichier non valide")
    )
    style = "green" if valid == n_files else "red"
    console.print(f"[{style}]{verdict}[/] — {summary(all_findings)}.")
