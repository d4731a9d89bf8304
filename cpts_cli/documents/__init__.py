"""``cpts render``: the project's deliverables, from Jinja2 Markdown templates to Word.

Pipeline: check the project (steps, findings) → decide which documents may be written →
build the template context (:mod:`.context`) → render each template to Markdown
(:mod:`.environment`) → write the Markdown, or build the DOCX (:mod:`.word`, with
the charts of :mod:`.charts`), or convert that DOCX to PDF (:mod:`.pdf`).

This module stays light: Jinja2, python-docx, markdown-it-py and matplotlib are imported
inside the functions that need them.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cpts_cli.checking.findings import Finding, Severity, sort_findings
from cpts_cli.documents.charts import PICTURED
from cpts_cli.support.errors import CptsError, os_error_fr
from cpts_cli.support.formatting import counted

if TYPE_CHECKING:
    from cpts_cli.documents.output import Written

FORMATS = ("docx", "md", "pdf")


@dataclass(frozen=True)
class Deliverable:
    id: str
    title: str
    template: str
    #: Long documents get a table of contents after the cover page.
    toc: bool


DELIVERABLES: dict[str, Deliverable] = {
    d.id: d
    for d in (
        Deliverable("diagnostic", "Diagnostic territorial", "diagnostic.md.j2", True),
        Deliverable("lettre-intention", "Lettre d'intention", "lettre-intention.md.j2", False),
        Deliverable("presentation", "Présentation du projet", "presentation.md.j2", False),
        Deliverable("projet-sante", "Projet de santé", "projet-sante.md.j2", True),
        Deliverable("dossier-aci", "Dossier ACI", "dossier-aci.md.j2", True),
        Deliverable("rapport-annuel", "Rapport annuel", "rapport-annuel.md.j2", True),
    )
}
#: The deliverables with charts or the map (drawn ahead, in a helper process).
CHARTED = PICTURED


class RenderRefused(CptsError):
    """Earlier steps are incomplete: the document would be a draft (exit code 1)."""

    exit_code = 1

    def __init__(self, file: str, refused: dict[str, list[Finding]]) -> None:
        names = ", ".join(refused)
        super().__init__(
            f"{file} : les étapes précédentes ne sont pas complètes, "
            + ("document non produit" if len(refused) == 1 else "documents non produits")
            + f" : {names}. Complétez les points ci-dessous, ou "
            "produisez un brouillon avec --brouillon."
        )
        self.file = file
        self.refused = refused


class ProjectUnreadable(CptsError):
    """The project file could not be parsed (exit code 2); ``report`` has the findings."""

    def __init__(self, report) -> None:
        super().__init__(f"{report.file} : le fichier ne peut pas être lu (voir ci-dessus).")
        self.report = report


@dataclass
class Planned:
    deliverable: Deliverable
    step_id: str
    draft: bool
    missing: list[Finding]
    #: Its step is recorded as done: the final document may have been sent (kept in
    #: ``archives/`` when written again with other content, see :mod:`.output`).
    sent: bool = False


@dataclass
class RenderLog:
    """What a render produced besides the files: findings about the project, warnings."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafts: dict[str, int] = field(default_factory=dict)  # doc id -> items to complete
    #: Documents written as drafts because their text had gaps no check reported.
    unasked_gaps: list[str] = field(default_factory=list)
    cpts: str | None = None
    #: Each deliverable's file as this render left it (.output.Written), in the plan's order.
    documents: list[Written] = field(default_factory=list)


def render_date() -> _dt.datetime:
    """The render time: ``SOURCE_DATE_EPOCH`` when set (reproducible), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


# ------------------------------------------------------------------------------ planning


def _general_errors(report) -> list[Finding]:
    from cpts_cli.checking.check import step_of

    return [f for f in report.findings if f.severity is Severity.ERROR and step_of(f) is None]


def default_documents(report) -> list[str]:
    """Deliverables whose step is reached: every earlier step recorded as done."""
    from cpts_cli.workflow.steps import DELIVERABLES as STEP_OF_DOC

    chosen = []
    for doc_id, step in STEP_OF_DOC.items():
        earlier = [s for s in report.steps if s.step.number < step.number]
        if all(s.done_on for s in earlier):
            chosen.append(doc_id)
    return chosen or [next(iter(STEP_OF_DOC))]


def draft_documents(report) -> list[str]:
    """``--brouillon`` alone: the deliverables up to the current step's one included (or,
    when the current step has none, the next step's that has one), and those reached."""
    from cpts_cli.workflow.steps import DELIVERABLES as STEP_OF_DOC
    from cpts_cli.workflow.steps import STEP_BY_ID

    current = STEP_BY_ID[report.current].number if report.current in STEP_BY_ID else 1
    numbers = [step.number for step in STEP_OF_DOC.values()]
    limit = min((n for n in numbers if n >= current), default=max(numbers))
    reached = default_documents(report)
    return [d for d, step in STEP_OF_DOC.items() if step.number <= limit or d in reached]


def plan(report, docs: list[str] | None, brouillon: bool) -> list[Planned]:
    """Which documents to write, as drafts or not; raise RenderRefused when some cannot."""
    from cpts_cli.workflow.steps import DELIVERABLES as STEP_OF_DOC

    if not docs:
        docs = draft_documents(report) if brouillon else default_documents(report)
    wanted = list(dict.fromkeys(docs))
    general = _general_errors(report)
    planned, refused = [], {}
    for doc_id in wanted:
        step = STEP_OF_DOC[doc_id]
        earlier_missing: list[Finding] = []
        for state in report.steps:
            if state.step.number < step.number and not state.complete:
                earlier_missing.extend(state.missing)
        own = report.state(step.id)
        own_missing = list(own.missing)
        earlier_incomplete = any(
            not s.complete for s in report.steps if s.step.number < step.number
        )
        if earlier_incomplete and not brouillon:
            refused[doc_id] = sort_findings(general + earlier_missing)
            continue
        missing = sort_findings(general + earlier_missing + own_missing)
        draft = brouillon or bool(missing) or not own.complete
        sent = own.done_on is not None
        planned.append(Planned(DELIVERABLES[doc_id], step.id, draft, missing, sent))
    if refused:
        raise RenderRefused(report.file, refused)
    return planned


# ------------------------------------------------------------------------------ rendering


def render_markdown(env, context: dict, planned: Planned, today: _dt.date) -> str:
    """The Markdown text of one deliverable (front matter included)."""
    from cpts_cli.documents.environment import date_fr
    from cpts_cli.workflow.steps import STEP_BY_ID

    step = STEP_BY_ID[planned.step_id]
    document = {
        "id": planned.deliverable.id,
        "titre": planned.deliverable.title,
        "sommaire": planned.deliverable.toc,
        "date": today.isoformat(),
        "date_fr": str(date_fr(today)),
        "brouillon": planned.draft,
        "etape": {"numero": step.number, "id": step.id, "libelle": step.label},
        "manquants": [
            {
                "message": f.message,
                # A finding on something absent is placed on line 1 (the file's start): no
                # line is better than a wrong one.
                "ligne": f.line if f.line > 1 else None,
                "code": f.code,
                "etape": (STEP_BY_ID[f.step].label if f.step in STEP_BY_ID else None),
            }
            for f in planned.missing
        ],
    }
    return render_template(env, planned.deliverable.template, {**context, "document": document})


def render_template(env, name: str, context: dict) -> str:
    """Render one template; errors name the template file and line (CptsError, exit 2)."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    from cpts_cli.documents.template_errors import describe

    try:
        template = env.get_template(name)
        if hasattr(env, "render_bounded"):
            return env.render_bounded(template, context)
        return template.render(context)
    except TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise CptsError(
            _sentence(f"Modèle « {where} », ligne {exc.lineno} : {describe(exc)}")
        ) from None
    except TemplateNotFound as exc:
        raise CptsError(f"Modèle introuvable : « {exc.name} ».") from None
    except Exception as exc:  # noqa: BLE001 - a template may raise anything
        where, line = _template_position(exc)
        location = f"Modèle « {where or name} »" + (f", ligne {line}" if line else "")
        raise CptsError(_sentence(f"{location} : {describe(exc)}")) from None


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _template_position(exc: BaseException) -> tuple[str | None, int | None]:
    import traceback

    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2") or "/templates/" in frame.filename:
            found = (frame.filename, frame.lineno)
    return found


def document_meta(planned: Planned, front: dict, context: dict, created: _dt.datetime):
    from cpts_cli.documents.word import DocumentMeta

    deliverable = planned.deliverable
    title = str(front.get("titre") or deliverable.title)
    organisation = str(front.get("cpts") or context["cpts"]["nom"] or "CPTS")
    n_missing = len(planned.missing)
    note = ""
    if planned.draft:
        note = (
            f"Document de travail : {counted(n_missing, 'point')} à compléter."
            if n_missing
            else "Document de travail."
        )
    cover_lines = front.get("couverture")
    return DocumentMeta(
        title=title,
        organisation=organisation,
        subtitle=str(front.get("sous_titre") or ""),
        version=str(front.get("version") or ""),
        date_text=str(front.get("date") or ""),
        created=created,
        draft=planned.draft,
        draft_note=note,
        toc=bool(front.get("sommaire", deliverable.toc)),
        subject=f"{title} — {organisation}",
        keywords="; ".join(["CPTS", title, organisation]),
        cover_lines=[str(x) for x in cover_lines] if isinstance(cover_lines, list) else [],
        cover=front.get("page_de_garde", True) is not False,
    )


def output_dir(path: Path, out_dir: Path | None) -> Path:
    return Path(out_dir) if out_dir is not None else Path(path).parent / "documents"


def _target(out: Path, name: str) -> Path:
    """``out/name``, refusing anything that would land outside ``out``."""
    from cpts_cli.documents.context import slugify

    safe = slugify(Path(name).stem, "document") + Path(name).suffix.lower()
    target = out / safe
    root = out.resolve()
    if target.resolve().parent != root:
        raise CptsError(f"Chemin de sortie refusé : « {target} » sort du dossier « {out} ».")
    return target


def _check_inside(folder: Path, root: Path) -> None:
    if not folder.resolve().is_relative_to(root.resolve()):
        raise CptsError(
            f"Chemin de sortie refusé : « {folder} » mène hors du dossier « {root} » (lien "
            "symbolique) : rien n'a été écrit. Choisissez le dossier de sortie avec --out."
        )


def _prepare_out(out: Path, root: Path | None = None) -> None:
    """Make the folder ``out``; with ``root``, refuse it (before anything is created) when a
    symbolic link on its way leads outside ``root``."""
    if root is not None:
        _check_inside(out, root)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise CptsError(f"« {out} » existe et n'est pas un dossier.") from None
    except OSError as exc:
        raise CptsError(
            f"Dossier de sortie impossible à créer « {out} » : {os_error_fr(exc)}."
        ) from None
    if not out.is_dir():
        raise CptsError(f"« {out} » n'est pas un dossier.")


@dataclass
class _Run:
    """One project's render: the documents planned and what they are made from."""

    planned: list[Planned]
    env: object  # the Jinja2 environment
    context: dict
    today: _dt.date
    created: _dt.datetime
    out: Path
    log: RenderLog
    on_document: Callable[[str], None] | None
    #: The folder the documents may not leave: --out, or else the project file's folder.
    root: Path | None = None


def render_project(
    path: Path,
    docs: list[str] | None = None,
    out_dir: Path | None = None,
    fmt: str = "docx",
    brouillon: bool = False,
    templates_dir: Path | None = None,
    modele_docx: Path | None = None,
    *,
    log: RenderLog | None = None,
    on_document: Callable[[str], None] | None = None,
    per_cpts: set[str] | None = None,
) -> list[Path]:
    """Write the deliverables of the project ``path``; return the files written.

    Raises :class:`RenderRefused` (exit 1) when a requested document's earlier steps are
    incomplete and ``brouillon`` is false, :class:`ProjectUnreadable` or
    :class:`~cpts_cli.support.errors.CptsError` (exit 2) when rendering cannot run.

    ``per_cpts`` (several projects in one run): the documents go to a sub-folder named
    after the CPTS, unique among the names already in the set (which is updated).
    """
    from cpts_cli.documents.environment import make_environment
    from cpts_cli.project.load import read_path

    _check_options(docs, fmt, templates_dir, modele_docx)
    log = log if log is not None else RenderLog()
    path = Path(path)
    doc = read_path(path)
    charts = None
    try:
        if fmt != "md" and (not docs or CHARTED & set(docs)) and isinstance(doc.plain, dict):
            # Drawing the charts takes longest: it starts before the checks.
            charts = _early_charts(doc, docs)
        planned, context, today = _prepare(doc, docs, brouillon, log)
        env = make_environment(Path(templates_dir) if templates_dir else None)
        out = output_dir(path, out_dir)
        if per_cpts is not None:
            out = out / _cpts_folder(context, path, per_cpts)
        root = Path(out_dir) if out_dir is not None else path.parent
        run = _Run(planned, env, context, today, render_date(), out, log, on_document, root)
        if fmt == "md":
            return _write_markdown(run)
        from cpts_cli.documents.charts import ChartStore

        if charts is None:  # (else: made from the same data, before the checks)
            charts = ChartStore(context, [p.deliverable.id for p in planned])
        if not any(p.deliverable.id in CHARTED for p in planned):
            charts.close()
        return _write_documents(run, fmt, modele_docx, charts)
    finally:
        if charts is not None:
            charts.close()


def _check_options(
    docs: list[str] | None, fmt: str, templates_dir: Path | None, modele_docx: Path | None
) -> None:
    """Refuse an unknown format or document, a missing templates folder or Word model."""
    if fmt not in FORMATS:
        raise CptsError(f"Format inconnu « {fmt} » : docx, md ou pdf.")
    for doc_id in docs or []:
        if doc_id not in DELIVERABLES:
            raise CptsError(f"Document inconnu « {doc_id} » : " + ", ".join(DELIVERABLES) + ".")
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise CptsError(f"Dossier de modèles introuvable : « {templates_dir} ».")
    if modele_docx is not None and not Path(modele_docx).is_file():
        raise CptsError(f"Modèle Word introuvable : « {modele_docx} ».")


def _prepare(doc, docs: list[str] | None, brouillon: bool, log: RenderLog):
    """Check the project, plan its documents and build their context: (planned, context,
    today). Raises ProjectUnreadable or RenderRefused."""
    from cpts_cli.checking.check import check_document
    from cpts_cli.documents.context import build_context
    from cpts_cli.documents.sanitize import sanitize
    from cpts_cli.support.dates import today as clock_today

    report = check_document(doc)
    if not report.parsed or not report.steps:
        raise ProjectUnreadable(report)
    planned = plan(report, docs, brouillon)
    plain, cleaned = sanitize(doc.plain, doc.locate, doc.name)
    log.findings.extend(cleaned)
    today = clock_today()
    context = build_context(plain, today=today)
    log.cpts = context["cpts"]["nom"]
    return planned, context, today


def _early_charts(doc, docs: list[str] | None):
    """The chart store of ``doc`` (of the documents ``docs``, default all), its missing
    charts already being drawn; None when the project cannot give a context yet (the checks
    will say why)."""
    from cpts_cli.documents.charts import ChartStore
    from cpts_cli.documents.context import build_context
    from cpts_cli.documents.sanitize import sanitize
    from cpts_cli.support.dates import today

    try:
        plain, _cleaned = sanitize(doc.plain, doc.locate, doc.name)
        charts = ChartStore(build_context(plain, today=today()), docs)
    except Exception:  # noqa: BLE001 - an optimisation only: the normal path reports it
        return None
    charts.prefetch()
    return charts


def _cpts_folder(context: dict, path: Path, taken: set[str]) -> str:
    """A sub-folder name for this CPTS, unique among ``taken`` (which is updated)."""
    from cpts_cli.documents.context import slugify

    base = slugify(context["cpts"]["nom"], slugify(path.stem, "cpts"))
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}-{k}"
    taken.add(name)
    return name


def _render_texts(run: _Run) -> list[tuple[Planned, str]]:
    """The Markdown of each planned document; the output folder made, the drafts counted."""
    texts = [_final_or_draft(run, p) for p in run.planned]
    _prepare_out(run.out, run.root)
    for p, _text in texts:
        if p.draft:
            run.log.drafts[p.deliverable.id] = len(p.missing)
    return texts


def _final_or_draft(run: _Run, planned: Planned) -> tuple[Planned, str]:
    """The document's Markdown. A final document never carries a gap: should a template
    print one that the checks did not ask for (a defect of cpts, which the tests look for),
    the document is written as a draft, under a draft's name, and the user is told."""
    from dataclasses import replace

    from cpts_cli.documents.environment import PLACEHOLDER_START

    text = render_markdown(run.env, run.context, planned, run.today)
    if planned.draft or PLACEHOLDER_START not in text:
        return planned, text
    run.log.warnings.append(
        f"« {planned.deliverable.title} » contient des passages à compléter que les "
        "vérifications n'ont pas signalés : il est écrit comme brouillon. Complétez les "
        "passages marqués, et signalez ce défaut de cpts."
    )
    run.log.unasked_gaps.append(planned.deliverable.id)
    planned = replace(planned, draft=True)
    return planned, render_markdown(run.env, run.context, planned, run.today)


def _publish(run: _Run, planned: Planned, extension: str, data: bytes) -> Written:
    """Write one deliverable's file (a draft under its own name; a document already sent
    kept in ``archives/`` when its content changes); the :class:`.output.Written`."""
    from cpts_cli.documents.output import file_name, publish

    doc_id = planned.deliverable.id
    target = _target(run.out, file_name(doc_id, extension, planned.draft))
    return publish(run.out, target, data, doc_id=doc_id, draft=planned.draft, sent=planned.sent)


def _write_markdown(run: _Run) -> list[Path]:
    _check_inside(run.out / "images", run.out)  # before any document is written
    texts = _render_texts(run)
    written: list[Path] = []
    for p, text in texts:
        result = _publish(run, p, "md", text.encode("utf-8"))
        run.log.documents.append(result)
        written.append(result.path)
        written.extend(_write_md_images(run.out, text, run.context, run.log))
        if run.on_document is not None:
            run.on_document(p.deliverable.id)
    return written


def _write_documents(run: _Run, fmt: str, modele_docx: Path | None, charts) -> list[Path]:
    texts = _render_texts(run)
    writer = _Writer(run, modele_docx, charts)
    here, last, there = _schedule(texts, charts, fmt)
    try:
        if fmt == "docx":
            from cpts_cli.documents.parallel import run_shared

            mine, theirs = run_shared(here + last, there, writer.write_docx)
            results = mine + theirs
        else:
            results = [writer.write_pdf(t) for t in here + last]
    finally:
        charts.close()  # stops a helper still drawing when a document failed
        writer.close()
    return _collect(run, results, charts)


class _Writer:
    """Builds the Word document of one deliverable and writes it, or its PDF conversion."""

    def __init__(self, run: _Run, modele_docx: Path | None, charts) -> None:
        self.run = run
        self.modele_docx = modele_docx
        self.charts = charts
        self.converter = None

    def build(self, item: tuple[Planned, str]) -> tuple[bytes, list[str], list[str]]:
        from cpts_cli.documents.word import build_docx, split_front_matter

        p, text = item
        front, body = split_front_matter(text)
        warnings: list[str] = []
        missing: list[str] = []
        data = build_docx(
            body,
            document_meta(p, front, self.run.context, self.run.created),
            model=Path(self.modele_docx) if self.modele_docx else None,
            images=self.charts,
            warnings=warnings,
            missing_styles=missing,
        )
        return data, warnings, missing

    def write_docx(self, item: tuple[Planned, str]) -> tuple[Written, list[str], list[str]]:
        """(the .output.Written, warnings, Word styles the model lacks)."""
        data, warnings, missing = self.build(item)
        return _publish(self.run, item[0], "docx", data), warnings, missing

    def write_pdf(self, item: tuple[Planned, str]) -> tuple[Written, list[str], list[str]]:
        from cpts_cli.documents.pdf import Converter

        data, warnings, missing = self.build(item)
        if self.converter is None:
            self.converter = Converter()
        doc_id = item[0].deliverable.id
        work = self.converter.tmp / doc_id
        work.mkdir(exist_ok=True)
        (work / "document.docx").write_bytes(data)
        self.converter.convert(work / "document.docx", work / "document.pdf")
        pdf = (work / "document.pdf").read_bytes()
        return _publish(self.run, item[0], "pdf", pdf), warnings, missing

    def close(self) -> None:
        """Stop LibreOffice, if started; its warnings go to the log."""
        if self.converter is not None:
            log = self.run.log
            log.warnings.extend(w for w in self.converter.warnings if w not in log.warnings)
            self.converter.close()


def _schedule(texts: list[tuple[Planned, str]], charts, fmt: str):
    """(here, last, there): the documents this process builds first, those it builds last,
    those a child process builds.

    The documents with charts are built here and last: the charts the cache lacks are
    drawn meanwhile by a helper process. The others may be shared with a child process
    (see .parallel); LibreOffice converts one document at a time."""
    with_charts = [any(c in text for c in charts.paths) for _p, text in texts]
    if any(with_charts):
        charts.prefetch()  # a user's template may show them in another document
    here = [t for t, w in zip(texts, with_charts, strict=True) if not w]
    last = [t for t, w in zip(texts, with_charts, strict=True) if w]
    there: list[tuple[Planned, str]] = []
    if fmt == "docx" and not charts.drawing:
        # (While the helper draws charts, the processor cores are busy enough.)
        here, there = _share(here, last)
    return here, last, there


def _collect(run: _Run, results: list, charts) -> list[Path]:
    """The files written, in the plan's order; their warnings (and the Word styles a model
    lacks, for all documents) go to the log, once each."""
    log = run.log
    failed = charts.failure_warning()
    if failed:
        log.warnings.append(failed)
    rank = {p.deliverable.id: i for i, p in enumerate(run.planned)}
    results.sort(key=lambda r: rank[r[0].doc_id])  # the plan's order
    missing_styles: list[str] = []
    for _path, warnings, missing in results:
        log.warnings.extend(warnings)
        missing_styles.extend(n for n in missing if n not in missing_styles)
    if missing_styles:
        from cpts_cli.documents.word import missing_styles_warning

        log.warnings.append(missing_styles_warning(missing_styles))
    log.warnings[:] = list(dict.fromkeys(log.warnings))
    log.documents.extend(result for result, _w, _m in results)
    if run.on_document is not None:
        for result, _w, _m in results:
            run.on_document(result.doc_id)
    return [result.path for result, _w, _m in results]


def _share(
    plain: list[tuple[Planned, str]], with_charts: list[tuple[Planned, str]]
) -> tuple[list[tuple[Planned, str]], list[tuple[Planned, str]]]:
    """Split the documents without charts between this process and a child, so that both
    have about the same work (the length of the Markdown text, a document with charts
    counting half as much again)."""
    load_here = sum(len(text) for _p, text in with_charts) * 1.5
    load_there = 0.0
    here: list[tuple[Planned, str]] = []
    there: list[tuple[Planned, str]] = []
    for item in sorted(plain, key=lambda t: -len(t[1])):
        if load_there < load_here:
            there.append(item)
            load_there += len(item[1])
        else:
            here.append(item)
            load_here += len(item[1])
    return here, there


def export_templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy the built-in templates (``*.md.j2``, ``partials/``, ``README.md`` and
    ``reference.docx``) into ``folder``; return (files written, files already there, kept).
    Never overwrites a file: a user's edited template is never lost."""
    from cpts_cli.project.save import write_atomic
    from cpts_cli.support.resources import shipped_dir

    folder = Path(folder)
    written: list[Path] = []
    kept: list[Path] = []

    def copy(node, target: Path) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                if child.name == "partials":
                    copy(child, target / child.name)
                continue
            if not (child.name.endswith(".j2") or child.name in ("README.md", "reference.docx")):
                continue
            path = target / child.name
            if path.exists():
                kept.append(path)
                continue
            _prepare_out(target, folder)
            write_atomic(path, child.read_bytes())
            written.append(path)

    copy(shipped_dir("templates"), folder)
    return written, kept


def _write_md_images(out: Path, text: str, context: dict, log: RenderLog) -> list[Path]:
    """The charts a Markdown document links to, written beside it (``images/…``)."""
    import re

    from cpts_cli.documents.charts import ChartStore
    from cpts_cli.project.save import write_atomic

    wanted = [m for m in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text)]
    store = ChartStore(context)
    written = []
    for rel in wanted:
        if rel not in store.paths:
            continue
        data = store(rel)
        if data is None:
            continue
        folder = out / "images"
        _prepare_out(folder, out)
        target = _target(folder, Path(rel).name)
        write_atomic(target, data)
        written.append(target)
    failed = store.failure_warning()
    if failed:
        log.warnings.append(failed)
    return written
