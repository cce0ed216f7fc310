"""The ``timeline`` command: thin wrappers over the library, one command per library call.

Exit codes: 0 all good; 1 some inputs failed but output was written; 2 usage error;
3 nothing usable (no input gave a document, or a gold folder could not be read).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from timeline import __version__, _native
from timeline.errors import TimelineError, UsageError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_NOTHING = 0, 1, 2, 3

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _error(message: str) -> None:
    click.echo(f"timeline: error: {message}", err=True)


def _fail(message: str, code: int) -> None:
    _error(message)
    sys.exit(code)


class _Commands(click.Group):
    """The command group: library errors become one-line messages and exit codes here."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _fail(str(exc), EXIT_USAGE)
        except TimelineError as exc:
            _fail(str(exc), EXIT_NOTHING)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(
    __version__,
    "-V",
    "--version",
    prog_name="timeline",
    # which build of the hot path runs, and why (timeline/_native.py)
    message=f"%(prog)s, version %(version)s\nbuild: {_native.build().describe()}",
)
def cli() -> None:
    """Find dated events in policy texts and build legislative timelines.

    \b
    Examples:
      timeline build                          # the bundled sources/ -> output/
      timeline extract --format json doc.txt  # events of one document (EVENTS.md)
      timeline eval events ../shared/corpus/dev
    """


def _report_failures(failures: Sequence[object]) -> None:
    for failure in failures:
        _error(str(failure))


def _batch_summary(result: Any) -> str:
    """ "3 documents read, 2 skipped (1 empty file, 1 no such file or folder)"."""
    from collections import Counter

    reasons = Counter(re.split(r"[:(;]", f.problem, maxsplit=1)[0].strip() for f in result.failures)
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    return (
        f"{len(result.extractions)} document(s) read, {len(result.failures)} skipped ({why})"
    )


def _jobs_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--timeout", type=click.FloatRange(min=0), default=120.0, show_default=True,
        help="Seconds one document may take before it is reported and skipped (0: no limit).",
    )(func)
    func = click.option(
        "--max-bytes", type=click.IntRange(min=1), default=50_000_000, show_default=True,
        help="Largest input file accepted, in bytes.",
    )(func)
    func = click.option(
        "--max-chars", type=click.IntRange(min=1), default=50_000_000, show_default=True,
        help="Longest extracted text accepted, in characters (a PDF can inflate).",
    )(func)
    func = click.option(
        "--max-memory", type=click.IntRange(min=0), default=4000, show_default=True,
        help="Memory one document may take, in MB, on top of its worker's (0: no limit).",
    )(func)
    func = click.option(
        "--dask", "dask_address", metavar="ADDRESS",
        help="Run extraction on this Dask distributed scheduler (e.g. tcp://10.0.0.5:8786).",
    )(func)
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=1), default=None,
        help="Extraction processes (default: the cores available).",
    )(func)


class _Progress:
    """A progress bar on stderr for long batches; silent when stderr is not a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="extracting", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)
        if done >= total:
            self._bar.__exit__(None, None, None)


@cli.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True,
    help="json: one array in input order; jsonl: one document object per line.",
)
@click.option("--date", help="The documents' own date (YYYY-MM-DD), overriding detection.")
@click.option("--language", help="ISO 639-1 language code, overriding detection.")
@click.option("--no-sidecar", is_flag=True, help="Ignore STEM.meta.json sidecars.")
@click.option("--include", multiple=True, help="Glob of files to take from folders.")
@click.option("--exclude", multiple=True, help="Glob of files to leave out of folders.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links inside folders.")
@click.option("--show-text", is_flag=True, help="Print each document's extracted text instead.")
@_jobs_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def extract(
    files: tuple[str, ...],
    fmt: str,
    date: str | None,
    language: str | None,
    no_sidecar: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow_symlinks: bool,
    show_text: bool,
    jobs: int | None,
    dask_address: str | None,
    max_bytes: int,
    max_chars: int,
    max_memory: int,
    timeout: float,
    quiet: bool,
) -> None:
    """Print the events of each FILE (files, folders, or - for standard input).

    The output is the contract of ../shared/spec/EVENTS.md: one document object per file.

    \b
    Examples:
      timeline extract sources/ip-09-342-fr.txt
      timeline extract --format jsonl --language fr --date 2009-03-03 press.txt
      cat page.html | timeline extract -
      timeline extract --show-text report.pdf
    """
    from timeline.parallel import available_cores
    from timeline.pipeline import extract as run_extract

    result = run_extract(
        list(files), date=date, language=language, use_sidecar=not no_sidecar,
        include=include, exclude=exclude, follow_symlinks=follow_symlinks,
        jobs=jobs or available_cores(),
        dask_address=dask_address, progress=_Progress(quiet), timeout=timeout or None,
        max_bytes=max_bytes, max_chars=max_chars,
        max_memory=max_memory * 1_000_000 or None,
    )
    _report_failures(result.failures)
    if show_text:
        for x in result.extractions:
            click.echo(x.document.text)
    elif fmt == "json":
        from timeline.jsontext import extractions_json

        # json.dumps's characters of to_json() (indent 2, keys in their order), written from
        # the extractions' fields: 0.20 -> 0.08 CPU-s for the 1,000-document corpus
        click.echo(extractions_json(result.extractions))
    else:
        for obj in result.to_json():
            click.echo(json.dumps(obj, ensure_ascii=False))
    if not quiet and result.failures:
        click.echo(f"timeline: {_batch_summary(result)}", err=True)
    if not result.extractions:
        sys.exit(EXIT_NOTHING)
    sys.exit(EXIT_PARTIAL if result.failures else EXIT_OK)


@cli.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1)
@click.option(
    "-o", "--output", "outdir", default="output", show_default=True,
    type=click.Path(file_okay=False), help="Folder to write the outputs into.",
)
@click.option("--format", "formats", multiple=True, help="Output format(s) to render (default all).")
@click.option("--act", help="Only the dossier of this act (CELEX, e.g. 32011L0093).")
@click.option("--procedure", help="Only the dossier of this procedure (e.g. 2010/0064(COD)).")
@click.option("--dossier", help="Only this dossier (its name or id).")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links inside folders.")
@_jobs_option
@click.option("--no-cache", is_flag=True, help="Extract every document again (no cache).")
@click.option("--open", "open_page", is_flag=True, help="Open timeline.html in the browser.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(
    sources: tuple[str, ...],
    outdir: str,
    formats: tuple[str, ...],
    act: str | None,
    procedure: str | None,
    dossier: str | None,
    follow_symlinks: bool,
    jobs: int | None,
    dask_address: str | None,
    max_bytes: int,
    max_chars: int,
    max_memory: int,
    timeout: float,
    no_cache: bool,
    open_page: bool,
    quiet: bool,
) -> None:
    """Build the timeline of SOURCES (default: the bundled sources/) into an output folder.

    Writes events.json, timeline.json, graph.graphml, graph.json, timeline.html (one
    self-contained file), timeline.png and the other formats.

    \b
    Examples:
      timeline build
      timeline build my-documents/ -o out/
      timeline build --act 32011L0093
    """
    from timeline.parallel import available_cores
    from timeline.pipeline import NothingUsableError
    from timeline.pipeline import build as run_build

    try:
        result = run_build(
            list(sources) or None, outdir, formats=list(formats) or None,
            act=act, procedure=procedure, dossier=dossier, jobs=jobs or available_cores(),
            use_cache=not no_cache, dask_address=dask_address, progress=_Progress(quiet),
            timeout=timeout or None, max_bytes=max_bytes, max_chars=max_chars,
            max_memory=max_memory * 1_000_000 or None,
            follow_symlinks=follow_symlinks,
        )
    except NothingUsableError as exc:
        _report_failures(exc.failures)
        _fail(str(exc), EXIT_NOTHING)
        return
    _report_failures(result.failures)
    if not quiet:
        entries, dossiers, plans = result.counts  # a rebuild that wrote nothing: not read
        click.echo(
            f"{result.documents} documents, {result.events} events, {entries} timeline"
            f" entries in {dossiers} dossier(s), {plans} open plan(s),"
            f" {len(result.failures)} error(s)",
            err=True,
        )
        folders: dict[Path, int] = {}
        for path in result.outputs:
            if path.parent == Path(outdir):
                click.echo(f"wrote {path}", err=True)
            else:
                folders[path.parent] = folders.get(path.parent, 0) + 1
        for folder, count in sorted(folders.items()):
            click.echo(f"wrote {folder}/ ({count} files)", err=True)
    if open_page:
        import webbrowser

        webbrowser.open((Path(outdir) / "timeline.html").resolve().as_uri())
    sys.exit(EXIT_PARTIAL if result.failures else EXIT_OK)


@cli.group(context_settings=CONTEXT)
def eval() -> None:  # noqa: A001 - the command is called "eval"
    """Score the tool against gold files.

    \b
    Examples:
      timeline eval events ../shared/corpus/dev -v
    """


@eval.command("events", context_settings=CONTEXT)
@click.argument("gold_dir", type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="Per-document rows, misses and false alarms.")
@click.option(
    "--predictions", type=click.Path(file_okay=False),
    help="Score saved predictions (a folder of STEM.json) instead of running extract.",
)
def eval_events(gold_dir: str, verbose: bool, predictions: str | None) -> None:
    """Score extract against GOLD_DIR (STEM.txt + STEM.events.json + STEM.meta.json).

    Sidecar metadata is ignored, so language and document dates are detected as for any
    user's file. Reports event P/R/F1 on (date, type), date P/R/F1, status accuracy, CELEX
    recall, document-date and language accuracy, and agreement between translations.

    \b
    Examples:
      timeline eval events ../shared/corpus/dev
      timeline eval events ../shared/corpus/dev -v
    """
    from timeline.eval.events import evaluate_events

    report = evaluate_events(gold_dir, predictions_dir=predictions)
    click.echo(report.format(verbose=verbose))


@eval.command("timex", context_settings=CONTEXT)
@click.argument("gold_dir", type=click.Path())
@click.option("--language", help="Language of the folder (default: the folder name's prefix).")
@click.option("-v", "--verbose", is_flag=True, help="Per-document rows.")
def eval_timex(gold_dir: str, language: str | None, verbose: bool) -> None:
    """TempEval-3 task A scores of the time-expression engine on TimeML gold in GOLD_DIR.

    Strict and relaxed extent P/R/F1, type and value accuracy on relaxed matches, and value
    F1 = relaxed F1 x value accuracy. The document creation time of each file is the anchor.

    \b
    Examples:
      timeline eval timex ../shared/timeml/fr-timebank-train
      timeline eval timex ../shared/timeml/en-tbaq --language en -v
    """
    from timeline.eval.timex import evaluate_timex

    report = evaluate_timex(Path(gold_dir), language=language)
    click.echo(report.format(verbose=verbose))


@eval.command("timeline", context_settings=CONTEXT)
@click.argument("reference", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1)
@click.option("--tolerance", default=0, show_default=True, help="Tolerance in days on dates.")
def eval_timeline(reference: str, sources: tuple[str, ...], tolerance: int) -> None:
    """Compare the timeline built from SOURCES with a REFERENCE list of key events.

    REFERENCE is a JSON file of (date, type) key events of one dossier, such as the Legislative
    Observatory's; SOURCES default to the bundled sources/. Prints date recall and event recall.

    \b
    Examples:
      timeline eval timeline tests/fixtures/link/2010-0064-cod.reference.json
      timeline eval timeline ref.json my-documents/ --tolerance 3
    """
    from timeline import link
    from timeline.pipeline import DEFAULT_SOURCES
    from timeline.pipeline import extract as run_extract

    result = run_extract(list(sources) or [DEFAULT_SOURCES])
    _report_failures(result.failures)
    if not result.extractions:
        _fail("no usable document among the sources", EXIT_NOTHING)
        return
    report = link.evaluate_timeline(
        link.link(result.extractions), Path(reference), tolerance_days=tolerance
    )
    click.echo(report.format())


@cli.command(context_settings=CONTEXT)
@click.argument("file")
@click.option(
    "--format", "fmt", type=click.Choice(["timeml"]), default="timeml", show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option("--date", help="The document's own date (YYYY-MM-DD), overriding detection.")
@click.option("--language", help="ISO 639-1 language code, overriding detection.")
def tag(fmt: str, file: str, output: str | None, date: str | None, language: str | None) -> None:
    """Print FILE with its time expressions tagged as TimeML TIMEX3.

    The document's date is the CREATION_TIME. A .tml input keeps its text unchanged, so
    TempEval tooling applies directly.

    \b
    Examples:
      timeline tag sources/ip-09-342-fr.txt
      timeline tag --format timeml article.tml -o tagged.tml
    """
    from timeline.fileio import write_atomic
    from timeline.pipeline import tag_path

    markup = tag_path(file, date=date, language=language)
    if output:
        write_atomic(output, markup)
    else:
        click.echo(markup, nl=not markup.endswith("\n"))


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def languages(as_json: bool) -> None:
    """List the languages the time-expression engine supports, and what each supports.

    \b
    Examples:
      timeline languages
      timeline languages --json
    """
    from timeline.temporal import languages as supported

    rows = supported()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'code':<5} {'language':<12} {'rules':>5} {'months':>6}  expression families")
    for row in rows:
        families = ", ".join(row.get("families", []))
        click.echo(
            f"{row['language']:<5} {row.get('name', ''):<12} {row.get('rules', 0):>5}"
            f" {row.get('months', 0):>6}  {families}"
        )


@cli.command(context_settings=CONTEXT)
@click.argument("action", type=click.Choice(["info", "prune", "clear"]), default="info")
@click.option(
    "-o", "--output", "outdir", default="output", show_default=True,
    type=click.Path(file_okay=False), help="The output folder whose cache to use.",
)
def cache(action: str, outdir: str) -> None:
    """Inspect (info), prune (drop other engine versions) or clear the extraction cache.

    The cache is the SQLite file .timeline-cache.sqlite in the output folder of `timeline
    build`; a corrupt or foreign file is detected and rebuilt, never trusted.

    \b
    Examples:
      timeline cache
      timeline cache clear -o output/
    """
    from timeline.cache import FILENAME, ExtractionCache, engine_version

    path = Path(outdir) / FILENAME
    if not path.exists():
        click.echo(f"no cache at {path}")
        return
    with ExtractionCache(path) as store:
        if store.rebuilt:
            click.echo(f"{path}: rebuilt, {store.rebuilt}")
        if action == "clear":
            click.echo(f"cleared {store.clear()} entries from {path}")
        elif action == "prune":
            click.echo(f"pruned {store.prune()} entries of other engine versions from {path}")
        else:
            stats = store.stats()
            click.echo(f"{stats.path}: {stats.entries} entries, {stats.bytes} bytes")
            click.echo(f"engine now: {engine_version()}")
            for version in stats.engine_versions:
                click.echo(f"made by:    {version}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the ``timeline`` console script)."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="timeline")
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        _fail(
            f"internal error ({type(exc).__name__}: {exc}); rerun with TIMELINE_DEBUG=1 for"
            " the traceback and report it",
            EXIT_NOTHING,
        )


if __name__ == "__main__":  # pragma: no cover
    main()
