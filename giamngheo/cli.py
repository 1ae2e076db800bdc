"""The command line on the same core as the app.

  python -m giamngheo assess  [--plan P] [--data D] [--scenario S.json] [--as-of YEAR] [--format table|csv|json]
  python -m giamngheo project [same options] [--format csv|json]
  python -m giamngheo check FILE [--shape long|review] [--lang vi|en] [--year YEAR]
  python -m giamngheo monitor --scenario S.json --as-of YEAR [--plan P] [--data D] [--format table|csv|json]
  python -m giamngheo report --format docx|xlsx --out FILE [--kind review|final] [--scenario S.json] [--lang vi|en]
                             [--plan P] [--data D] [--issuer I.toml]

Bad arguments or files: one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from giamngheo.data.observations import ObservationError, load_observations
from giamngheo.data.versions import load_data_file
from giamngheo.model.engine import make_context, run
from giamngheo.paths import DATASETS
from giamngheo.plan.indicators import IndicatorError
from giamngheo.plan.targets import PlanError, load_plan
from giamngheo.scenario.scenario import Scenario, ScenarioError, load_scenario_file

ASSESS_COLUMNS = ["target", "number", "area", "indicator", "group", "year", "status", "basis", "value",
                  "target_value", "required_change", "progress", "probability", "method", "data_quality",
                  "required_from", "required_to", "resulting_change", "condition"]


class CliError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise CliError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m giamngheo", description="Verdicts and projections for the plan's targets.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, formats, default in (("assess", ("table", "csv", "json"), "table"), ("project", ("csv", "json"), "csv")):
        s = sub.add_parser(name)
        s.add_argument("--plan", help="plan TOML (default: the embedded plan)")
        s.add_argument("--data", help="observations CSV (default: the embedded data)")
        s.add_argument("--dataset", choices=tuple(DATASETS), help="embedded dataset: default (official figures and "
                       "sourced estimates) or demo (plus illustrative figures, not for reporting)")
        s.add_argument("--scenario", help='scenario JSON: {"name": ..., "values": {id: number}}')
        s.add_argument("--as-of", type=int, dest="as_of", help="ignore data after this year")
        s.add_argument("--format", choices=formats, default=default)
        if name == "assess":
            s.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the condition texts")
            s.add_argument("--draws", type=int, default=0, help="Monte Carlo draws for probabilities (0 = none)")
            s.add_argument("--seed", type=int, default=20211008)
    m = sub.add_parser("monitor", help="a scenario adopted as of a year (the agreed path, computed on the data up to "
                       "that year), and every later year measured against it")
    m.add_argument("--scenario", required=True, help='the adopted scenario JSON: {"name": ..., "values": {id: number}}')
    m.add_argument("--as-of", type=int, dest="as_of", required=True,
                   help="the year the path was adopted in: it rests on the data up to that year only")
    m.add_argument("--plan", help="plan TOML (default: the embedded plan)")
    m.add_argument("--data", help="observations CSV (default: the embedded data)")
    m.add_argument("--dataset", choices=tuple(DATASETS), help="embedded dataset (default or demo)")
    m.add_argument("--format", choices=("table", "csv", "json"), default="table")
    m.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws for the 10–90 band (0 = no band)")
    m.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the table's last line")
    r = sub.add_parser("report", help="the Word report or the Excel workbook, as the Reports page makes them")
    r.add_argument("--format", choices=("docx", "xlsx"), required=True)
    r.add_argument("--out", required=True, help="the file to write (.docx or .xlsx, as --format)")
    r.add_argument("--kind", choices=("review", "final"), default="review",
                   help="Word only: the progress review (default) or the final review of the plan period")
    r.add_argument("--scenario", help='scenario JSON: {"name": ..., "values": {id: number}} (default: the defaults)')
    r.add_argument("--lang", choices=("vi", "en"), default="vi")
    r.add_argument("--plan", help="plan TOML (default: the embedded plan)")
    r.add_argument("--data", help="observations CSV (default: the embedded data)")
    r.add_argument("--dataset", choices=tuple(DATASETS), help="embedded dataset (default or demo)")
    r.add_argument("--issuer", help="issuer settings TOML (default: the settings saved in the app's store, else "
                   "data/issuer.toml)")
    r.add_argument("--author", default="", help="prepared by (printed on the report)")
    c = sub.add_parser("check", help="check a data file (long observations or an annual review) before uploading")
    c.add_argument("file", help="CSV or .xlsx")
    c.add_argument("--shape", choices=("long", "review"), help="default: found from the header")
    c.add_argument("--lang", choices=("vi", "en"), default="vi")
    c.add_argument("--year", type=int, help="the review's year when the file has no year column or title")
    return p


def _clean(v: Any) -> Any:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def _context(args: argparse.Namespace):
    plan = load_plan(args.plan) if args.plan else load_plan()
    if args.data and args.dataset:
        raise CliError("--data and --dataset: give one of them")
    if args.data and not Path(args.data).exists():
        raise CliError(f"{args.data}: file not found")
    obs = load_data_file(args.data) if args.data else load_observations(dataset=args.dataset or "default")
    if args.as_of is not None and args.as_of < int(obs.df["year"].min()):
        raise CliError(f"--as-of {args.as_of}: no data in or before that year")
    ctx = make_context(plan, obs, args.as_of)
    scenario = Scenario()
    if args.scenario:
        if not Path(args.scenario).exists():
            raise CliError(f"{args.scenario}: file not found")
        scenario = load_scenario_file(args.scenario, ctx.registry)
    return ctx, scenario


def cmd_assess(args: argparse.Namespace) -> str:
    ctx, scenario = _context(args)
    if getattr(args, "draws", 0):
        from giamngheo.model.uncertainty import monte_carlo
        verdicts = monte_carlo(ctx, scenario, n=args.draws, seed=args.seed).verdicts
    else:
        verdicts = run(ctx, scenario)[1]
    rows = []
    for v in verdicts:
        row = v.as_row()
        # awaiting data: what would settle it, in words
        row["condition"] = v.condition.text(args.lang, ctx.indicators[v.indicator]) if v.condition else None
        rows.append({k: _clean(row[k]) for k in ASSESS_COLUMNS})
    if args.format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1)
    df = pd.DataFrame(rows, columns=ASSESS_COLUMNS)
    if args.format == "csv":
        return df.to_csv(index=False)
    show = df[["target", "year", "status", "basis", "value", "target_value", "required_change", "method"]].copy()
    show["basis"] = show["basis"].fillna("")
    for c in ("value", "target_value", "required_change"):
        show[c] = show[c].map(lambda x: "" if x is None or pd.isna(x) else f"{x:,.2f}")
    return show.to_string(index=False)


def cmd_project(args: argparse.Namespace) -> str:
    ctx, scenario = _context(args)
    proj, _ = run(ctx, scenario)
    df = proj.long()[["indicator", "group", "year", "value", "basis"]]
    if args.format == "json":
        return json.dumps(df.to_dict("records"), ensure_ascii=False)
    return df.to_csv(index=False)


MONITOR_COLUMNS = ["indicator", "group", "year", "agreed", "low", "high", "actual", "gap", "tolerance", "status",
                   "unit", "quality", "lever"]


def cmd_monitor(args: argparse.Namespace) -> str:
    """Per indicator, group and year after the as-of: agreed, actual (real figures only), gap, status."""
    from giamngheo.monitor import agreed_path, lever_figures, measure, path_context, tolerance_text
    plan = load_plan(args.plan) if args.plan else load_plan()
    if args.data and args.dataset:
        raise CliError("--data and --dataset: give one of them")
    if args.data and not Path(args.data).exists():
        raise CliError(f"{args.data}: file not found")
    if not Path(args.scenario).is_file():
        raise CliError(f"{args.scenario}: scenario file not found")
    if args.draws < 0:
        raise CliError(f"--draws {args.draws}: give 0 or more")
    obs = load_data_file(args.data) if args.data else load_observations(dataset=args.dataset or "default")
    ctx = path_context(plan, obs, args.as_of)
    scenario = load_scenario_file(args.scenario, ctx.registry)
    path = agreed_path(plan, obs, scenario, args.as_of, draws=args.draws, ctx=ctx)
    m = measure(path, obs)
    lever_of = {v: k for k, v in lever_figures(ctx.registry).items()}
    rows = []
    for r in m.readings:
        row = r.as_row()
        row["lever"] = lever_of.get(r.indicator) if r.group == "all" else None
        rows.append({k: _clean(row[k]) for k in MONITOR_COLUMNS})
    if args.format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1)
    df = pd.DataFrame(rows, columns=MONITOR_COLUMNS)
    if args.format == "csv":
        return df.to_csv(index=False)
    show = df[["indicator", "group", "year", "agreed", "low", "high", "actual", "gap", "status"]].copy()
    for c in ("agreed", "low", "high", "actual", "gap"):
        show[c] = show[c].map(lambda x: "" if x is None or pd.isna(x) else f"{x:,.2f}")
    return show.to_string(index=False) + "\n" + tolerance_text(args.lang)


class _Output(str):
    exit_code = 0


CHECK_SECONDS = 10.0                  # the worker's hard stop (the reader refuses a bomb in < 1 s)
CHECK_MEMORY = 320 * 1024 * 1024      # what the worker may map beyond its imports (the CLI: ≤ 500 MB in all)


def cmd_check(args: argparse.Namespace) -> str:
    """Every problem of the file, one a line (row, column, value, reason); exit 2 when there is one.
    A file past a reading limit (a workbook built to exhaust the reader) is one problem, exit 2."""
    from giamngheo.i18n import t
    from giamngheo.report.ingest_view import describe
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{args.file}: file not found")
    from giamngheo.data.ingest.read import LIMITS, too_large
    if path.stat().st_size > LIMITS.max_bytes:     # refused before it is read into memory
        out = _Output(describe(too_large(path.name, path.stat().st_size), args.lang))
        out.exit_code = 2
        return out
    # the server's bounds: a worker process capped in memory and killed past its time (a workbook
    # built to exhaust a reader gives one line and exit 2, never a traceback or gigabytes)
    from giamngheo.data.ingest.guard import check_file_isolated
    res = check_file_isolated(path.read_bytes(), path.name, args.shape, lang=args.lang, year=args.year,
                              timeout=CHECK_SECONDS, headroom=CHECK_MEMORY)
    for n in res.notes:
        print(n.message(args.lang), file=sys.stderr)
    if res.problems:
        out = _Output("\n".join(describe(p, args.lang) for p in res.problems))
        out.exit_code = 2
        print(t("ingest.cli_bad", args.lang, n=len(res.problems), rows=res.n_rows, valid=res.n_valid), file=sys.stderr)
        return out
    return t("ingest.cli_ok", args.lang, file=path.name, rows=res.n_rows, shape=res.shape)


def _report_issuer(path: str | None):
    """The issuer: the file given; else the app's saved settings when its store exists (never created
    here); else data/issuer.toml."""
    from giamngheo.report import issuer as issuer_mod
    if path:
        if not Path(path).is_file():
            raise CliError(f"{path}: file not found")
        try:
            return issuer_mod.load_issuer(path)
        except issuer_mod.IssuerError as exc:
            raise CliError(f"--issuer {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise CliError(f"--issuer {path}: not TOML ({exc})") from None
    import os

    from giamngheo.store import Store, StoreError, resolve_url
    from giamngheo.store.engine import DB_FILE, ENV_URL, data_dir
    if not os.environ.get(ENV_URL) and not (data_dir() / DB_FILE).is_file():
        return issuer_mod.load_issuer()
    try:
        return issuer_mod.current_issuer(Store(resolve_url(), migrate=False))
    except StoreError:
        return issuer_mod.load_issuer()


def _follow_up(ctx: Any):
    """The adopted path in force for the plan (the app's store, when it exists; never created here),
    measured on the data given; None without one."""
    import os

    from giamngheo.monitor import measure
    from giamngheo.store import Store, StoreError, resolve_url
    from giamngheo.store.engine import DB_FILE, ENV_URL, data_dir
    if not os.environ.get(ENV_URL) and not (data_dir() / DB_FILE).is_file():
        return None
    from sqlalchemy.exc import SQLAlchemyError
    try:
        a = Store(resolve_url(), migrate=False).current_adoption(ctx.plan.id)
    except (StoreError, SQLAlchemyError):      # no store, or one from before adoptions were kept
        return None
    return measure(a, ctx.obs, ctx.indicators, ctx.plan) if a is not None else None


def cmd_report(args: argparse.Namespace) -> str:
    """The same file as the Reports page: the scenario's Monte Carlo (probabilities), the issuer settings,
    the date in Việt Nam; written next to its final name, then moved into place."""
    import os
    import tempfile

    from giamngheo.model.uncertainty import monte_carlo_cached
    from giamngheo.report import export
    out = Path(args.out)
    if out.suffix.lower() != f".{args.format}":
        raise CliError(f"--out {args.out}: the file name must end in .{args.format} for --format {args.format}")
    if not out.parent.is_dir():
        raise CliError(f"--out {args.out}: no such folder {out.parent}")
    if args.format == "xlsx" and args.kind != "review":
        raise CliError(f"--kind {args.kind}: the workbook has one kind; --kind is for --format docx")
    args.as_of = None
    ctx, scenario = _context(args)
    issuer = _report_issuer(args.issuer)
    mc = monte_carlo_cached(ctx, scenario)
    meta = export.ReportMeta(scenario_name=scenario.name, author=args.author)
    if args.format == "docx":
        data = export.docx_bytes(ctx, scenario, args.lang, meta, mc.projection, mc.verdicts, kind=args.kind,
                                 issuer=issuer, follow_up=_follow_up(ctx))
    else:
        data = export.workbook_bytes(ctx, scenario, args.lang, meta, mc.projection, mc.verdicts, issuer=issuer)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".report-", suffix=out.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return f"{out} ({len(data):,} bytes)"


COMMANDS = {"assess": cmd_assess, "project": cmd_project, "check": cmd_check, "monitor": cmd_monitor,
            "report": cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        out = COMMANDS[args.command](args)
    except SystemExit as exc:   # --help
        return int(exc.code or 0)
    except MemoryError:          # never a traceback; the reader is bounded, this is the last guard
        print("error: not enough memory to read the file", file=sys.stderr)
        return 2
    except RecursionError:
        print("error: the input is nested too deeply to read", file=sys.stderr)
        return 2
    except (CliError, PlanError, IndicatorError, ScenarioError, ValueError, OSError, KeyError, LookupError,
            NotImplementedError, RuntimeError, TypeError, AttributeError) as exc:   # one line, never a traceback
        msg = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        if isinstance(exc, ObservationError) and exc.problems:
            msg = f"{exc.problems[0].message('en')}" + (f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else "")
        if isinstance(exc, ScenarioError):
            msg = f"scenario: {exc}"
        print(f"error: {msg}", file=sys.stderr)
        return 2
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return getattr(out, "exit_code", 0)
