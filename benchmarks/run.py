"""Benchmark an offline whole-account audit against the cost of merely reading the snapshot.

For each size (subnets): write a synthetic snapshot (``synth.py``, the file format ``scan`` writes),
then measure, each in a fresh process:

- the floor: ``json.load`` of the file (in-process time, and the whole ``python -c`` process);
- the stages in one process: load_snapshot, build_graph, audit_targets, trace_targets, rules,
  JSON render, HTML render; with the process's peak RSS;
- the whole CLI from the shell: ``fargate-netcheck check --snapshot F -f json -o /dev/null``
  (wall time and peak RSS of that child).

Prints Markdown tables and writes ``benchmarks/out/results.{json,md}``; ``--importtime`` adds the
CLI's ``python -X importtime`` summary, ``--profile N`` a cProfile of the stages at N subnets, and
``--before FILE`` (the ``results.json`` of an earlier run, e.g. ``benchmarks/results/before.json``)
a before/after table.

    python benchmarks/run.py [--sizes 1000 10000 50000] [--repeat 3] [--importtime] [--profile 10000]
        [--before benchmarks/results/before.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI_MAIN = "from fargate_netcheck.cli.app import main; main()"
FLOOR = "import json, sys, time\nt = time.perf_counter()\njson.load(open(sys.argv[1]))\nprint(time.perf_counter() - t)"
# The least any `check` built on the design card's stack can cost: start Python, import the CLI
# framework and the graph library it must use (typer, networkx), json.load the snapshot; no analysis.
STACK_FLOOR = "import json, sys\nimport networkx, typer\njson.load(open(sys.argv[1]))"
TARGET_WHOLE_OVER_FLOOR = {10_000: 3.0, 50_000: 2.0}  # issue 16: whole process over the json.load floor
TARGET_RSS_OVER_FILE = 5.0


def cli_args(snapshot: Path, fmt: str = "json") -> list[str]:
    return ["check", "--snapshot", str(snapshot), "-f", fmt, "-o", os.devnull]


def cli_command(snapshot: Path, fmt: str = "json") -> list[str]:
    """The installed console script, as a user runs it from the shell."""
    script = Path(sys.executable).parent / "fargate-netcheck"
    head = [str(script)] if script.exists() else [sys.executable, "-c", CLI_MAIN]
    return [*head, *cli_args(snapshot, fmt)]


# Runs the measured command from a small process. Linux carries a process's peak RSS across fork and
# exec, so a child forked straight from this benchmark (which holds the synthetic account it just
# generated) would report this process's peak as its own; forked from a bare interpreter, it reports
# its own. The launcher also times the child, so the wall time excludes the launcher's start-up.
LAUNCHER = """import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    json.dump([wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)], f)
"""


def timed_child(cmd: list[str]) -> tuple[float, int, str, float]:
    """(wall seconds, peak RSS in KiB, stdout, CPU seconds) of one child; exit codes 0 and 1 are fine."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r") as usage,
    ):
        subprocess.run([sys.executable, "-c", LAUNCHER, usage.name, *cmd], stdout=out, stderr=err, check=True)
        wall, maxrss_kib, cpu, code = json.load(usage)
        out.seek(0)
        err.seek(0)
        if code not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.read()[-2000:]}")
        return wall, maxrss_kib, out.read(), cpu


def best(cmd: list[str], repeat: int) -> tuple[float, int, list[str], float]:
    """Fastest wall time, highest peak RSS, every run's stdout, least CPU time."""
    runs = [timed_child(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), [r[2] for r in runs], min(r[3] for r in runs)


def run_stages(path: Path, html: bool) -> dict[str, float]:
    """The pipeline stage by stage. ``rules`` is ``analyze`` minus its trace (timed by wrapping the
    trace_targets that pipeline.py calls), so the stages follow whatever ``analyze`` does."""
    import importlib.util
    import resource

    times: dict[str, float] = {}
    clock = time.process_time()  # CPU seconds: steadier than wall time on a shared machine

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        times[name] = now - clock
        clock = now

    from trace_timer import timing_trace

    from fargate_netcheck import pipeline
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.report.output import write_report
    from fargate_netcheck.snapshot.store import load_snapshot
    from fargate_netcheck.targets.subnets import audit_targets

    lap("imports")
    snapshot = load_snapshot(path)
    lap("load_snapshot")
    graph = build_graph(snapshot)
    lap("build_graph")
    targets = audit_targets(graph)
    lap("audit_targets")
    with timing_trace(times, "trace_targets"):
        report = pipeline.analyze(snapshot, graph, targets, pipeline.AnalysisOptions())
    lap("rules")
    times["rules"] -= times["trace_targets"]
    write_report(report, ["json"], Path(os.devnull), None)  # streamed, as the CLI writes it
    lap("render_json")
    if html and importlib.util.find_spec("fargate_netcheck.report.html"):
        from fargate_netcheck.report.topology import build_topology

        report.topology = build_topology(graph)  # what analyze(with_topology=True) adds for HTML
        write_report(report, ["html"], Path(os.devnull), None)
        lap("render_html")
    times["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times["targets"] = len(targets)
    times["findings"] = len(report.findings)
    return times


def measure(subnets: int, args: argparse.Namespace) -> dict:
    import synth

    path = args.out / f"synth-{subnets}.json"
    synth.main(["--subnets", str(subnets), "--per-vpc", str(args.per_vpc), "--output", str(path)])
    floor_process, floor_rss, floor_outs, floor_cpu = best(
        [sys.executable, "-c", FLOOR, str(path)], args.repeat
    )
    floor_inproc = min(float(out) for out in floor_outs)
    stack, stack_rss, _, stack_cpu = best([sys.executable, "-c", STACK_FLOOR, str(path)], args.repeat)
    stage_cmd = [sys.executable, str(Path(__file__)), "--stages", str(path)]
    if args.no_html:
        stage_cmd.append("--no-html")
    stages = json.loads(timed_child(stage_cmd)[2])
    whole, whole_rss, _, whole_cpu = best(cli_command(path), args.repeat)
    return {
        "subnets": subnets,
        "file_bytes": path.stat().st_size,
        "floor_json_load_s": floor_inproc,
        "floor_process_s": floor_process,
        "whole_cli_s": whole,
        "floor_process_cpu_s": floor_cpu,
        "floor_maxrss_kib": floor_rss,
        "stack_floor_s": stack,
        "stack_floor_cpu_s": stack_cpu,
        "stack_floor_maxrss_kib": stack_rss,
        "whole_cli_cpu_s": whole_cpu,
        "whole_cli_maxrss_kib": whole_rss,
        "stages": stages,
    }


def baseline_rss(args: argparse.Namespace) -> int:
    """Peak RSS of the CLI on a three-subnet snapshot: the interpreter and its imports."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from snapshots import healthy, write

    tiny = write(healthy(), args.out / "healthy.json")
    return best(cli_command(tiny), args.repeat)[1]


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A right-aligned Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---:|" * len(headers)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def pair(wall: float, cpu: float, digits: int = 3) -> str:
    return f"{wall:.{digits}f} / {cpu:.{digits}f}"


def mib(kib: float) -> float:
    """MiB from the KiB that rusage reports."""
    return kib / 1024


WHOLE_HEADERS = [
    "subnets", "file MB", "json.load s (in-process)", "floor process s (wall / CPU)", "CLI s (wall / CPU)",
    "CLI / floor (wall / CPU)", "µs per subnet (CLI CPU)", "µs per subnet (analysis CPU)", "CLI peak RSS MB",
    "RSS / file", "(RSS - base) / file",
]  # fmt: skip
FLOOR_HEADERS = [
    "subnets", "floor process s (wall / CPU)", "floor peak RSS MB", "stack floor s (wall / CPU)",
    "stack floor / floor (wall / CPU)", "stack floor peak RSS MB", "its RSS / file",
]  # fmt: skip


def markdown(rows: list[dict], base_rss: int) -> str:
    names = stage_names(rows)
    whole = []
    floor = []
    stages = []
    for r in rows:
        size = r["file_bytes"] / 2**20
        rss = mib(r["whole_cli_maxrss_kib"])
        stack_rss = mib(r["stack_floor_maxrss_kib"])
        fl, fl_cpu = r["floor_process_s"], r["floor_process_cpu_s"]
        whole.append([
            f"{r['subnets']:,}", f"{size:.1f}", f"{r['floor_json_load_s']:.3f}", pair(fl, fl_cpu),
            pair(r["whole_cli_s"], r["whole_cli_cpu_s"], 2),
            f"{r['whole_cli_s'] / fl:.1f}x / {r['whole_cli_cpu_s'] / fl_cpu:.1f}x",
            f"{1e6 * r['whole_cli_cpu_s'] / r['subnets']:.0f}", f"{1e6 * analysis_s(r, names) / r['subnets']:.0f}",
            f"{rss:.0f}", f"{rss / size:.1f}x", f"{(rss - mib(base_rss)) / size:.1f}x",
        ])  # fmt: skip
        floor.append([
            f"{r['subnets']:,}", pair(fl, fl_cpu), f"{mib(r['floor_maxrss_kib']):.0f}",
            pair(r["stack_floor_s"], r["stack_floor_cpu_s"]),
            f"{r['stack_floor_s'] / fl:.1f}x / {r['stack_floor_cpu_s'] / fl_cpu:.1f}x",
            f"{stack_rss:.0f}", f"{stack_rss / size:.1f}x",
        ])  # fmt: skip
        stages.append([
            f"{r['subnets']:,}", f"{r['floor_json_load_s']:.3f}", *(f"{r['stages'][k]:.3f}" for k in names),
            f"{mib(r['stages']['maxrss_kib']):.0f}",
        ])  # fmt: skip
    out = [
        "Whole process from the shell (`fargate-netcheck check --snapshot F -f json -o /dev/null`) against the "
        "floor (`python -c 'json.load(open(F))'`); best of the runs, wall and CPU seconds:",
        "",
        *table(WHOLE_HEADERS, whole),
        "",
        "The lower bound of any `check` on the design card's stack (start Python, import typer and "
        "networkx, `json.load` the file; no analysis), against the same floor:",
        "",
        *table(FLOOR_HEADERS, floor),
        "",
        "Stages (CPU seconds, one fresh process; the json.load floor beside them):",
        "",
        *table(["subnets", "json.load", *names, "stage process peak RSS MB"], stages),
        "",
        f"Baseline CLI peak RSS (3-subnet snapshot): {mib(base_rss):.0f} MB",
        "",
        *verdicts(rows, names),
    ]
    return "\n".join(out) + "\n"


BEFORE_AFTER_HEADERS = [
    "subnets", "file MB", "json.load floor s (wall / CPU)", "CLI s before", "CLI s after",
    "CLI / floor before", "CLI / floor after", "µs per subnet before", "µs per subnet after",
    "peak RSS MB before", "peak RSS MB after", "RSS / file before", "RSS / file after",
]  # fmt: skip


def before_after(before: list[dict], after: list[dict]) -> str:
    """Each size measured in both runs: the whole CLI's wall / CPU seconds, its ratio to the floor
    (each run against its own floor: the machine's load moves both), CPU µs per subnet, peak RSS."""
    old = {r["subnets"]: r for r in before}
    rows = []
    for r in after:
        b = old.get(r["subnets"])
        if b is None:
            continue
        size = r["file_bytes"] / 2**20

        def ratio(x: dict) -> str:
            return f"{x['whole_cli_s'] / x['floor_process_s']:.1f}x / {x['whole_cli_cpu_s'] / x['floor_process_cpu_s']:.1f}x"

        rows.append([
            f"{r['subnets']:,}", f"{size:.1f}", pair(r["floor_process_s"], r["floor_process_cpu_s"], 2),
            pair(b["whole_cli_s"], b["whole_cli_cpu_s"], 2), pair(r["whole_cli_s"], r["whole_cli_cpu_s"], 2),
            ratio(b), ratio(r),
            f"{1e6 * b['whole_cli_cpu_s'] / b['subnets']:.0f}", f"{1e6 * r['whole_cli_cpu_s'] / r['subnets']:.0f}",
            f"{mib(b['whole_cli_maxrss_kib']):.0f}", f"{mib(r['whole_cli_maxrss_kib']):.0f}",
            f"{b['whole_cli_maxrss_kib'] * 1024 / b['file_bytes']:.1f}x",
            f"{r['whole_cli_maxrss_kib'] * 1024 / r['file_bytes']:.1f}x",
        ])  # fmt: skip
    head = (
        "Before and after (whole CLI, wall / CPU seconds; ratios to each run's own json.load floor process):"
    )
    return "\n".join([head, "", *table(BEFORE_AFTER_HEADERS, rows)]) + "\n"


def stage_names(rows: list[dict]) -> list[str]:
    return [k for k in rows[0]["stages"] if k not in ("maxrss_kib", "targets", "findings")]


def analysis_s(row: dict, names: list[str]) -> float:
    """CPU seconds of every stage but the imports (and the HTML render, which `-f json` skips)."""
    return sum(row["stages"][k] for k in names if k not in ("imports", "render_html"))


def verdicts(rows: list[dict], names: list[str]) -> list[str]:
    lines = []
    for row in rows:
        target = TARGET_WHOLE_OVER_FLOOR.get(row["subnets"])
        if target is None:
            continue
        wall = row["whole_cli_s"] / row["floor_process_s"]
        cpu = row["whole_cli_cpu_s"] / row["floor_process_cpu_s"]
        ok = "met" if min(wall, cpu) <= target else "MISSED"
        bound = min(
            row["stack_floor_s"] / row["floor_process_s"],
            row["stack_floor_cpu_s"] / row["floor_process_cpu_s"],
        )
        lines.append(
            f"- {row['subnets']:,} subnets, whole process within {target}x the json.load floor: {ok} "
            f"({wall:.1f}x wall, {cpu:.1f}x CPU; with no analysis at all the stack floor is already {bound:.1f}x)"
        )
    per = [analysis_s(r, names) / r["subnets"] for r in rows]
    spread = max(per) / min(per)
    ok = "met" if spread <= 1.5 else "MISSED"
    lines.append(f"- analysis time per subnet flat across sizes (max/min <= 1.5): {ok} ({spread:.2f})")
    big = rows[-1]
    ratio = big["whole_cli_maxrss_kib"] * 1024 / big["file_bytes"]
    ok = "met" if ratio < TARGET_RSS_OVER_FILE else "MISSED"
    floor = big["floor_maxrss_kib"] * 1024 / big["file_bytes"]
    lines.append(
        f"- peak memory under {TARGET_RSS_OVER_FILE}x the snapshot at {big['subnets']:,}: {ok} ({ratio:.1f}x; "
        f"json.load alone peaks at {floor:.1f}x)"
    )
    return lines


def importtime(args: argparse.Namespace) -> str:
    """Top-level imports of the CLI on the snapshot path, by cumulative microseconds."""
    tiny = args.out / "healthy.json"
    cmd = [sys.executable, "-X", "importtime", "-c", CLI_MAIN, *cli_args(tiny)]
    err = subprocess.run(cmd, capture_output=True, text=True).stderr
    (args.out / "importtime.txt").write_text(err)
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative, name = line[len("import time:") :].split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append((int(cumulative), int(self_us), depth, name.strip()))
    top = sorted((r for r in rows if r[2] == 0), reverse=True)
    total = sum(r[0] for r in top)
    lines = [f"CLI import time (check --snapshot, -X importtime): {total / 1000:.0f} ms in all", ""]
    lines += ["| package (top level) | cumulative ms |", "|---|---:|"]
    lines += [f"| {name} | {cum / 1000:.1f} |" for cum, _, _, name in top[:15]]
    return "\n".join(lines) + "\n"


def profile(subnets: int, args: argparse.Namespace) -> str:
    import cProfile
    import io
    import pstats

    path = args.out / f"synth-{subnets}.json"
    if not path.exists():
        import synth

        synth.main(["--subnets", str(subnets), "--per-vpc", str(args.per_vpc), "--output", str(path)])
    prof = cProfile.Profile()
    prof.runcall(run_stages, path, not args.no_html)
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    (args.out / f"profile-{subnets}.txt").write_text(buf.getvalue())
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--per-vpc", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the fastest counts")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML render stage")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--profile", type=int, metavar="SUBNETS", help="cProfile the stages at this size")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--before", type=Path, help="results.json of an earlier run: add a before/after table"
    )
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)  # internal: one stage process
    args = parser.parse_args()
    if args.stages:
        from fargate_netcheck.core.gc_quiet import gc_quiet

        with gc_quiet():  # as the CLI runs an offline audit
            print(json.dumps(run_stages(args.stages, not args.no_html)))
        return
    sys.path.insert(0, str(HERE))
    args.out.mkdir(parents=True, exist_ok=True)
    base = baseline_rss(args)
    rows = []
    for n in args.sizes:
        rows.append(measure(n, args))
        print(f"measured {n:,} subnets: CLI {rows[-1]['whole_cli_s']:.2f}s", file=sys.stderr)
    text = markdown(rows, base)
    if args.before:
        text += "\n" + before_after(json.loads(args.before.read_text())["rows"], rows)
    if args.importtime:
        text += "\n" + importtime(args)
    print(text)
    (args.out / "results.md").write_text(text)
    (args.out / "results.json").write_text(json.dumps({"baseline_rss_kib": base, "rows": rows}, indent=1))
    if args.profile:
        print(profile(args.profile, args)[:6000])


if __name__ == "__main__":
    main()
