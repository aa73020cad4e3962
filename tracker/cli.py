"""The ``tracker`` command line: a thin layer over ``tracker.pipeline``, ``tracker.export`` and ``tracker.site``."""

from __future__ import annotations

import errno
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import SQLAlchemyError

from tracker import review as review_mod
from tracker import store
from tracker.db import DEFAULT_DB, database_error, default_url, exclusive, masked, open_db
from tracker.errors import TrackerError
from tracker.export import goals_csv, output_file, write_atomic, write_export, write_goals_csv
from tracker.lexicon import load_tolerances
from tracker.pipeline import Terminated, match_all, publish, terminable, tune_gc
from tracker.pipeline import run as run_pipeline

# plain text is never wrapped: a message is one line whatever the terminal width (or none)
err = Console(stderr=True, highlight=False, soft_wrap=True)
DEFAULT_OUT = "site"
DB_HELP = (
    f"Database URL (SQLAlchemy), e.g. sqlite:///tracker.db or postgresql+psycopg://… [default: sqlite:///{DEFAULT_DB}]"
)


USER_ERROR = 2  # exit status of every error the user can act on (1 is left to crashes)


def _fail(message: str) -> NoReturn:
    """Print one line (password masked, no traceback) and exit with USER_ERROR."""
    line = " ".join(masked(message).split())
    err.print(f"[red]error:[/red] {escape(line)}", markup=True, soft_wrap=True)
    sys.exit(USER_ERROR)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Terminated as exc:
            err.print(
                "error: stopped by SIGTERM; each report is stored whole or not at all and the previous site is kept: "
                "run again to finish",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            sys.exit(exc.code)
        except TrackerError as exc:
            _fail(str(exc))
        except SQLAlchemyError as exc:
            _fail(str(database_error(exc)))
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            if exc.errno == errno.ENOSPC:
                _fail(f"{where}no space left on the device; free some space and run again (nothing was half-written)")
            _fail(f"{where}{exc.strerror or exc}")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tracker")
def main() -> None:
    """Hold governments to their own numbers.

    Reads government work reports (政府工作报告), finds the targets each sets and the
    results later reports claim, judges every target and writes static HTML
    scorecards that cite the exact sentences.

    Start with:  tracker run reports/
    """
    tune_gc()


def _progress(label: str) -> tuple[Progress | None, object]:
    if not err.is_terminal or os.environ.get("CI"):

        def plain(name: str, i: int, n: int) -> None:
            if name:
                err.print(f"[{i + 1}/{n}] {label} {name}", highlight=False, markup=False)

        return None, plain
    prog = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = prog.add_task(label, total=None)

    def update(name: str, i: int, n: int) -> None:
        prog.update(task, total=n, completed=i, description=f"{label} {name}")

    return prog, update


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option(
    "--out",
    "out",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(path_type=Path),
    help=(
        "Folder the scorecards are written to, replaced as a whole when the run succeeds. Only a new or empty "
        "folder, or one tracker built (it holds .tracker-build.json), is replaced: a file, any other folder, or "
        "a folder holding the database or a report is refused. A site folder is never read as reports."
    ),
)
@click.option("--region", default=None, help="Region of the reports, when the text does not say (e.g. 上海市).")
@click.option("--year", type=int, default=None, help="Year the reports were delivered, when the text does not say.")
@click.option("--replace", is_flag=True, help="Replace a stored report of the same region and year with a new text.")
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="YAML file of verdict tolerances (same shape as tracker/lexicon/tolerances.yaml).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes reading reports in parallel; 0: one per CPU when there are many new reports.",
)
def run(
    paths: tuple[Path, ...],
    db: str | None,
    out: Path,
    region: str | None,
    year: int | None,
    replace: bool,
    config: Path | None,
    jobs: int,
) -> None:
    """Ingest every report under PATHS, judge every goal and write the scorecards.

    PATHS are report files or folders (text in UTF-8, GB18030, Big5 or UTF-16, HTML pages,
    .docx, PDF with a text layer: the format is read from the bytes). Running it
    again on the same files adds nothing (a file whose text is stored is not parsed
    again; when nothing changed, the site is left as it is). Prints the path of index.html.
    """
    tolerances = load_tolerances(config) if config else None
    engine = open_db(db)
    prog, cb = _progress("reading")
    kw = dict(region=region, year=year, replace=replace, tolerances=tolerances, jobs=jobs, progress=cb)
    with exclusive(engine), terminable():
        if prog:
            with prog:
                res = run_pipeline(engine, list(paths), out, **kw)  # type: ignore[arg-type]
        else:
            res = run_pipeline(engine, list(paths), out, **kw)  # type: ignore[arg-type]
    if len(res.skipped) > 20:
        err.print(f"note: {len(res.skipped)} files already in the database, skipped", markup=False, highlight=False)
    else:
        for note in res.skipped:
            err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    for note in res.notes:
        err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    for msg in res.failed:
        err.print(f"[red]error:[/red] {escape(msg)}", soft_wrap=True)
    for note in review_mod.orphan_notes(engine):
        err.print(f"warning: {note}", markup=False, highlight=False, soft_wrap=True)
    err.print(
        f"{len(res.added)} report(s) added, {len(res.skipped)} unchanged, {len(res.failed)} failed; "
        f"{res.statements} statements extracted; {res.matches} matches"
        + ("." if res.rebuilt else "; nothing changed, site kept as it was."),
        markup=False,
        highlight=False,
    )
    click.echo(str(res.index))
    if res.failed:
        sys.exit(2)


@main.command()
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: tracker.export/1 (everything); csv: one row per goal with verdict and evidence.",
)
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=(
        "File to write ('-' for standard output). A file is replaced whole at the end (atomically); "
        "a symbolic link keeps pointing at the new file; a device or FIFO (/dev/null) is written to."
    ),
)
def export(db: str | None, fmt: str, output: Path) -> None:
    """Write everything in the database as JSON (tracker.export/1) or the goals as CSV."""
    engine = open_db(db)
    if str(output) != "-":  # streamed through a temporary file: memory does not grow with the database
        with output_file(output) as fh:
            (write_export if fmt == "json" else write_goals_csv)(engine, fh)
        err.print(f"wrote {output}", markup=False, highlight=False)
        return
    if fmt == "json":
        write_export(engine, sys.stdout)
    else:
        click.echo(goals_csv(engine))


@main.command()
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option(
    "--out",
    "out",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder the scorecards are written to (same rules as `tracker run --out`).",
)
def render(db: str | None, out: Path) -> None:
    """Write the scorecards for what the database holds (no ingest, no matching)."""
    engine = open_db(db)
    with exclusive(engine), terminable():
        click.echo(str(publish(engine, out)))


@main.command("match")
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="YAML file of verdict tolerances.",
)
def match_cmd(db: str | None, config: Path | None) -> None:
    """Recompute every match and verdict from the stored statements."""
    tolerances = load_tolerances(config) if config else None
    engine = open_db(db)
    with exclusive(engine):
        n = match_all(engine, tolerances=tolerances)
    click.echo(f"{n} matches")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", default=None, help="Region, when the text does not say.")
@click.option("--year", type=int, default=None, help="Year, when the text does not say.")
def inspect(file: Path, region: str | None, year: int | None) -> None:
    """Show how one report is read: metadata, sections with roles and periods, statements.

    Nothing is written to the database.
    """
    from tracker.extract import extract
    from tracker.ingest import ingest_file
    from tracker.structure import structure

    doc = ingest_file(file, region=region, year=year)
    secs = structure(doc)
    click.echo(
        f"{doc.source}: {doc.region.name} ({doc.region.level}, in {doc.region.parent or '—'}), "
        f"{doc.year}, {doc.date or 'no date'}, {doc.meeting or 'no meeting'}, {doc.speaker or 'no speaker'}"
    )
    for s in secs:
        click.echo(f"{'  ' * s.level}{s.heading[:40]}  [{s.role}, {s.period or '—'}]")
    notes: list[str] = []
    for st in extract(doc, secs, notes=notes):
        click.echo(
            f"{st.kind:7} {st.period!s:9} {st.indicator.key[:24]:24} {st.measure:10} {st.comparator:5} "
            f"{st.value} {st.unit or ''}  {st.rule}  | {st.quote[:60]}"
        )
    for note in notes:
        err.print(f"note: {file}: {note}", markup=False, highlight=False, soft_wrap=True)


@main.command()
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option("--top", type=int, default=50, show_default=True, help="How many to list.")
def indicators(db: str | None, top: int) -> None:
    """List indicator phrases seen in the reports but not in the lexicon, most frequent first."""
    engine = open_db(db)
    c: Counter[str] = Counter()
    for _, _, st in store.statements(engine):
        if st.indicator.id is None:
            c[st.indicator.key] += 1
    for key, n in c.most_common(top):
        click.echo(f"{n:5}  {key}")


# ---------------------------------------------------------------------- review (logic in tracker/review.py)

BY_HELP = "Reviewer's name, recorded with the decision [env: TRACKER_REVIEWER]."
NOTE_HELP = "Why: recorded with the decision and shown on the scorecard."
VERSION_HELP = (
    "Refuse unless the goal is still at this review version (as listed); guards against a colleague's change."
)


@main.group()
def review() -> None:
    """Reviewers' decisions: verdicts, links and unlinks, with an audit trail.

    GOAL and OUTCOME are export ids (s123, as `tracker review list` shows them) or
    statement keys. Decisions are never changed or deleted; the latest one counts.
    Run `tracker render` (or `tracker run`) afterwards to update the scorecards.
    """


def _echo_decision(state: review_mod.State, d: store.Decision) -> None:
    click.echo(review_mod.confirmation(state, d))


F = TypeVar("F", bound=Callable[..., Any])


def _decision_options(f: F) -> F:
    """The options every decision command takes: --note, --by, --if-version, --db."""
    for opt in reversed(
        [
            click.option("--note", required=True, help=NOTE_HELP),
            click.option("--by", "by", required=True, envvar="TRACKER_REVIEWER", help=BY_HELP),
            click.option("--if-version", "expected", type=int, default=None, help=VERSION_HELP),
            click.option("--db", "db", default=None, help=DB_HELP),
        ]
    ):
        f = opt(f)
    return f


@review.command("list")
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(review_mod.STATUSES), help="Current status (repeatable)."
)
@click.option("--report", "reports", multiple=True, help="Report file name, document id (d3) or region (repeatable).")
@click.option("--reviewed/--unreviewed", "reviewed", default=None, help="Only goals with / without decisions.")
@click.option("--orphans", is_flag=True, help="Only list the reviews whose goal is no longer extracted.")
def review_list(
    db: str | None, statuses: tuple[str, ...], reports: tuple[str, ...], reviewed: bool | None, orphans: bool
) -> None:
    """List the goals with the current and the machine's verdict, and the reviews that lost their goal.

    Each line: id, mark (* overridden, = reviewed and agrees with the machine, - not reviewed),
    current status, the machine's status, report, indicator, period, target, ← evidence id,
    the latest decision (version, reviewer: note) and the goal's quote.
    """
    state = review_mod.load(open_db(db))
    if not orphans:
        found = review_mod.listed(state, statuses=statuses, reports=reports, reviewed=reviewed)
        if not found:
            what = [f"--status {x}" for x in statuses] + [f"--report {x}" for x in reports]
            if reviewed is not None:
                what.append("--reviewed" if reviewed else "--unreviewed")
            err.print(
                f"no goals match {' '.join(what) or 'in the database'}; "
                "loosen the filters (tracker review list --help) or run `tracker run PATH` first",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        for g in found:
            mark = "*" if g.overridden else ("-" if not g.reviewed_by else "=")
            rev = f"  v{g.version} {g.reviewed_by}: {g.review_note}" if g.reviewed_by else ""
            click.echo(
                f"{g.id:>7} {mark} {g.status:14} machine {g.machine_status:14} {g.report} {g.indicator[:16]} "
                f"{g.period} {g.target}  ← {g.outcome_id or '—'}{rev}  | {g.quote[:40]}"
            )
    for note in state.reviewed.notes():
        err.print(f"warning: {note}", markup=False, highlight=False, soft_wrap=True)


@review.command("set")
@click.argument("goal")
@click.option(
    "--verdict",
    required=True,
    type=click.Choice([*review_mod.VERDICTS, review_mod.MACHINE]),
    help="New verdict; 'machine' withdraws the override.",
)
@_decision_options
def review_set(goal: str, verdict: str, note: str, by: str, expected: int | None, db: str | None) -> None:
    """Set the verdict of GOAL (recorded with who, when, before, after and the note)."""
    engine = open_db(db)
    d = review_mod.set_verdict(engine, goal, verdict, note=note, by=by, expected=expected)
    _echo_decision(review_mod.load(engine), d)


@review.command("link")
@click.argument("goal")
@click.argument("outcome")
@_decision_options
def review_link(goal: str, outcome: str, note: str, by: str, expected: int | None, db: str | None) -> None:
    """Match GOAL to OUTCOME (evidence the machine missed); the verdict follows the usual rules."""
    engine = open_db(db)
    d = review_mod.link(engine, goal, outcome, note=note, by=by, expected=expected)
    _echo_decision(review_mod.load(engine), d)


@review.command("unlink")
@click.argument("goal")
@_decision_options
def review_unlink(goal: str, note: str, by: str, expected: int | None, db: str | None) -> None:
    """Remove the evidence of GOAL (a wrong match): the goal then has no evidence."""
    engine = open_db(db)
    d = review_mod.link(engine, goal, None, note=note, by=by, expected=expected)
    _echo_decision(review_mod.load(engine), d)


@review.command("history")
@click.argument("goal")
@click.option("--db", "db", default=None, help=DB_HELP)
def review_history(goal: str, db: str | None) -> None:
    """Every decision about GOAL, oldest first: version, when, who, what, why."""
    engine = open_db(db)
    label, hist = review_mod.history(engine, goal)
    state = review_mod.load(engine)
    if not hist:
        click.echo(f"{label}: no decisions yet")
    for d in hist:
        when = d.created_at.strftime("%Y-%m-%d %H:%M:%S %Z") if d.created_at else ""
        click.echo(f"{label} v{d.version} {when} {d.reviewer}: {review_mod.describe(state, d)} | {d.note}")


@review.command("export")
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=(
        "CSV file ('-' for standard output). A file is replaced whole at the end (atomically); "
        "a symbolic link keeps pointing at the new file; a device or FIFO is written to."
    ),
)
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(review_mod.STATUSES), help="Current status (repeatable)."
)
@click.option("--report", "reports", multiple=True, help="Report file name, document id (d3) or region (repeatable).")
@click.option("--reviewed/--unreviewed", "reviewed", default=None, help="Only goals with / without decisions.")
def review_export(
    db: str | None, output: Path, statuses: tuple[str, ...], reports: tuple[str, ...], reviewed: bool | None
) -> None:
    """Write the goals to review as CSV; fill in new_verdict and/or new_outcome and note, then import it."""
    state = review_mod.load(open_db(db))
    goals = review_mod.listed(state, statuses=statuses, reports=reports, reviewed=reviewed)
    data = review_mod.export_csv(goals)
    if str(output) == "-":
        click.echo(data, nl=False)
    else:
        write_atomic(output, data)
        err.print(f"wrote {len(goals)} goal(s) to {output}", markup=False, highlight=False)


@review.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", required=True, envvar="TRACKER_REVIEWER", help=BY_HELP)
@click.option("--dry-run", is_flag=True, help="Validate and show the decisions; store nothing.")
@click.option("--db", "db", default=None, help=DB_HELP)
def review_import(file: Path, by: str, dry_run: bool, db: str | None) -> None:
    """Import a reviewed CSV (from `tracker review export`): all rows are checked, then stored together or not at all."""
    engine = open_db(db)
    res = review_mod.import_csv(engine, file, by=by, dry_run=dry_run)
    for e in res.errors:
        err.print(f"[red]error:[/red] {e}", soft_wrap=True)
    if res.errors:
        err.print(
            f"{len(res.errors)} problem(s) in {file}; nothing was imported",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(2)
    state = review_mod.load(engine)
    for d in res.decisions:
        click.echo(
            ("would record " if dry_run else "")
            + f"{state.sid(d.goal_key)} “{review_mod.short(d.goal_quote, 40)}”: {review_mod.describe(state, d)} | {d.note}"
        )
    verb = "would be recorded (dry run)" if dry_run else "recorded"
    err.print(
        f"{len(res.decisions)} decision(s) {verb}; {res.unchanged} row(s) unchanged", markup=False, highlight=False
    )


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["default_url", "main"]
