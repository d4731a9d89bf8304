"""Findings and reports, as text (Rich) or JSON."""

from __future__ import annotations

from rich.markup import escape

from cpts_cli.checking.check import FileReport
from cpts_cli.checking.findings import Finding, Severity, count_by_severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def finding_line(f: Finding, file: str) -> str:
    where = f"{file}:{f.line}:{f.column}:" if f.line else f"{file}:"
    style = _STYLE[f.severity]
    return (
        f"[bold]{escape(where)}[/] [{style}]{f.severity.label}[/] [dim]{f.code}[/] "
        f"{escape(f.message)}"
    )


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
    for report in reports:
        for f in report.findings:
            if quiet and f.severity is Severity.INFO:
                continue
            console.print(finding_line(f, report.file))
        all_findings.extend(report.findings)
    n_files = len(reports)
    valid = sum(1 for r in reports if r.valid)
    verdict = (
        f"{plural(valid, 'fichier valide', 'fichiers valides')} sur {n_files}"
        if n_files > 1
        else ("fichier valide" if valid else "fichier non valide")
    )
    style = "green" if valid == n_files else "red"
    console.print(f"[{style}]{verdict}[/] — {summary(all_findings)}.")
