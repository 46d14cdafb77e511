#!/usr/bin/env python3
"""Times whole processes side by side (see bench/compare.sh, which builds and calls this).

Every round runs each command once, each round in its own (seeded) order, so that a load on
the shared machine, and whatever a command leaves behind for the next, falls on all of them
alike; the figures are medians over the rounds. Wall time and peak
resident memory come from wait4() of each child. Nothing outside the standard library.
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ["serde-saphyr", "saphyr", "yaml-rust2", "serde-norway"]
EVENTS = ["granit", "saphyr-parser", "rlsp"]


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def run_once(argv, stdin_path=None, cwd=None, env=None):
    """(seconds, peak RSS in bytes, exit status) of one run, output discarded."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        # Without close_fds the child is started by posix_spawn (vfork), the cheapest start.
        # Either way the child's ru_maxrss starts at this interpreter's high-water mark (a
        # do-nothing static program reports about 14 MiB): small commands' peaks read as that.
        proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=cwd, env=env, close_fds=False)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        if stdin_path:
            stdin.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss * 1024, proc.returncode


def output_of(argv, stdin_path=None, cwd=None, env=None):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        return subprocess.run(argv, stdin=stdin, capture_output=True, cwd=cwd, env=env)
    finally:
        if stdin_path:
            stdin.close()


class Case:
    def __init__(self, name, argv, stdin=None, cwd=None, env=None, size=None, group=None):
        self.name, self.argv, self.stdin, self.cwd, self.env = name, argv, stdin, cwd, env
        self.size = size if size is not None else (os.path.getsize(stdin) if stdin else 0)
        self.group = group
        self.times, self.peaks, self.statuses = [], [], set()

    def run(self):
        t, m, rc = run_once(self.argv, self.stdin, self.cwd, self.env)
        self.times.append(t)
        self.peaks.append(m)
        self.statuses.add(rc)

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def peak(self):
        return max(self.peaks)


def capture_kpt_inputs(args, work):
    """The ResourceLists kpt really sends for the seed packages: with the intent alone (a
    fresh package) and on the next render (its previous output included); and the rendered
    folders, which are the hand-written manifests kubectl kustomize builds."""
    kpt = shutil.which("kpt")
    kubectl = shutil.which("kubectl")
    if not kpt or not kubectl:
        say("   kpt or kubectl missing: the seed comparison is left out")
        return []
    wrapper_dir = work / "bin"
    wrapper_dir.mkdir()
    capture = work / "captured.yaml"
    wrapper = wrapper_dir / "vmstack"
    wrapper.write_text(
        "#!/bin/sh\ntee \"$VMSTACK_CAPTURE\" | exec \"$VMSTACK_REAL\"\n")
    wrapper.chmod(0o755)
    env = dict(os.environ, PATH=f"{wrapper_dir}:{os.environ['PATH']}",
               VMSTACK_CAPTURE=str(capture), VMSTACK_REAL=str(Path(args.vmstack).resolve()))
    cases = []
    for name, folder in [("infra", "global"), ("apps", "stack")]:
        pkg = work / f"seed-{name}"
        pkg.mkdir()
        src = ROOT / "examples" / "seed" / name
        for f in ["Kptfile", "vmstack.yaml", "cluster-settings.yaml"]:
            shutil.copy(src / f, pkg / f)
        intent_alone = work / f"seed-{name}-intent.yaml"
        rerender = work / f"seed-{name}-rerender.yaml"
        for target in [intent_alone, rerender]:
            r = output_of([kpt, "fn", "render", str(pkg), "--allow-exec"], env=env)
            if r.returncode != 0:
                say(f"   kpt fn render {name} failed:\n{r.stderr.decode()}")
                return []
            shutil.copy(capture, target)
        cases += [
            Case(f"seed {name}: vmstack, intent alone", [args.vmstack], intent_alone,
                 group=f"seed-{name}"),
            Case(f"seed {name}: vmstack, as kpt re-renders", [args.vmstack], rerender,
                 group=f"seed-{name}"),
            Case(f"seed {name}: kubectl kustomize", [kubectl, "kustomize", str(pkg / folder)],
                 group=f"seed-{name}"),
        ]
    return cases


def generate(args, work, kind, n):
    path = work / f"{kind}-{n}.yaml"
    with open(path, "wb") as out:
        subprocess.run([args.bench, "gen", kind, str(n)], stdout=out, check=True)
    return path


def kpt_twice(args, work, n):
    """Renders an n-intent package twice with kpt; True when the second changed nothing."""
    kpt = shutil.which("kpt")
    if not kpt:
        return None, None
    pkg = work / f"fleet-pkg-{n}"
    listing = generate(args, work, "fleet", n)
    with open(listing, "rb") as f:
        subprocess.run([kpt, "fn", "sink", str(pkg)], stdin=f, check=True,
                       capture_output=True)
    (pkg / "Kptfile").write_text(
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: fleet\n"
        "  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"
        "pipeline:\n  mutators:\n    - exec: vmstack\n")
    env = dict(os.environ, PATH=f"{Path(args.vmstack).resolve().parent}:{os.environ['PATH']}")

    def tree():
        return {p.relative_to(pkg): p.read_bytes() for p in pkg.rglob("*") if p.is_file()}

    times = []
    snapshots = []
    for _ in range(2):
        start = time.perf_counter()
        r = output_of([kpt, "fn", "render", str(pkg), "--allow-exec"], env=env)
        times.append(time.perf_counter() - start)
        if r.returncode != 0:
            say(f"   kpt fn render of the {n}-intent package failed:\n{r.stderr.decode()[-2000:]}")
            return False, times
        snapshots.append(tree())
    return snapshots[0] == snapshots[1], times


def cpu_model():
    """The processor's name: hosts of one machine class differ by more than a factor of two
    (docs/performance.md, "The figures"), and the name tells which one a run had."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def fmt_time(s):
    return f"{s * 1e3:8.1f} ms" if s < 10 else f"{s:8.2f} s "


def fmt_mem(b):
    return f"{b / 2**20:8.1f} MiB"


def svg_plot(path, series, title):
    """Two panels (time, peak memory) against input size, one line per series."""
    width, height, pad = 900, 380, 60
    panel_w = (width - 3 * pad) / 2
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>']
    for p, (metric, label, scale) in enumerate([("time", "wall time (s)", 1.0),
                                                 ("peak", "peak memory (MiB)", 2**20)]):
        x0 = pad + p * (panel_w + pad)
        y0, y1 = height - pad, 40
        xmax = max(pt["size"] for s in series for pt in s["points"]) / 1e6
        ymax = max(pt[metric] for s in series for pt in s["points"]) / scale
        xmax, ymax = xmax * 1.05 or 1, ymax * 1.1 or 1
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0 + panel_w}" y2="{y0}" stroke="black"/>')
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>')
        for k in range(5):
            xv, yv = xmax * k / 4, ymax * k / 4
            xx = x0 + panel_w * k / 4
            yy = y0 - (y0 - y1) * k / 4
            out.append(f'<text x="{xx}" y="{y0 + 15}" text-anchor="middle">{xv:.0f}</text>')
            out.append(f'<text x="{x0 - 5}" y="{yy + 4}" text-anchor="end">{yv:.2g}</text>')
        out.append(f'<text x="{x0 + panel_w / 2}" y="{y0 + 32}" text-anchor="middle">'
                   f'input size (MB)</text>')
        out.append(f'<text x="{x0}" y="{y1 - 8}">{label}</text>')
        for i, s in enumerate(series):
            c = colors[i % len(colors)]
            pts = " ".join(
                f'{x0 + panel_w * pt["size"] / 1e6 / xmax:.1f},'
                f'{y0 - (y0 - y1) * pt[metric] / scale / ymax:.1f}' for pt in s["points"])
            out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
            for pt in s["points"]:
                cx = x0 + panel_w * pt["size"] / 1e6 / xmax
                cy = y0 - (y0 - y1) * pt[metric] / scale / ymax
                out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{c}"/>')
            if p == 0:
                out.append(f'<text x="{x0 + 10}" y="{y1 + 16 * (i + 1)}" fill="{c}">'
                           f'{s["name"]}</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmstack", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--plot")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", help="write every figure here too")
    args = ap.parse_args()

    fleets = [50, 100, 200, 500] if args.quick else [250, 1000, 2000, 5000]
    lists = [1000, 2000, 4000, 8000] if args.quick else [5000, 10000, 20000, 40000]
    base_fleet, base_list = fleets[1], lists[2]

    work = Path(tempfile.mkdtemp(prefix="vmstack-bench-"))
    try:
        say(f"== inputs in {work}")
        # The binary as `cargo install` or an image's COPY leaves it: a file written whole.
        # Run where the linker wrote it, the same bytes took 0.23 ms longer on a seed intent
        # (1.83 against 1.59 ms, 40 interleaved rounds) with 17 more page faults: the page cache
        # seems to hold the linker's output in smaller pieces than a file copied whole.
        installed = work / "installed"
        installed.mkdir()
        shutil.copy(args.vmstack, installed / "vmstack")
        args.vmstack = str(installed / "vmstack")
        say("   capturing what kpt sends for the seed packages")
        cases = capture_kpt_inputs(args, work)
        for n in fleets:
            say(f"   fleet of {n} intents")
            path = generate(args, work, "fleet", n)
            cases.append(Case(f"fleet {n}", [args.vmstack], path, group="fleet"))
            if n == base_fleet:
                again = work / f"fleet-{n}-rerender.yaml"
                with open(path, "rb") as i, open(again, "wb") as o:
                    subprocess.run([args.vmstack], stdin=i, stdout=o, stderr=subprocess.DEVNULL)
                cases.append(Case(f"fleet {n}, re-rendered with its output", [args.vmstack],
                                  again, group="fleet-again"))
        for n in lists:
            say(f"   pass-through list of {n} items")
            path = generate(args, work, "pass-through", n)
            cases.append(Case(f"pass-through {n}: vmstack", [args.vmstack], path,
                              group="pass-through"))
            cases.append(Case(f"pass-through {n}: vmstack's scan + echo",
                              [args.bench, "scan"], path, group="scan"))
            libs = FLOORS if n == base_list else ["saphyr"]
            for lib in libs:
                cases.append(Case(f"pass-through {n}: floor {lib} parse+emit",
                                  [args.bench, "floor", lib], path, group=f"floor-{lib}"))
            if n == base_list:
                for lib in EVENTS:
                    cases.append(Case(f"pass-through {n}: {lib} events only",
                                      [args.bench, "events", lib], path, group=f"events-{lib}"))
        version = Case("vmstack --version", [args.vmstack, "--version"], group="version")
        cases.append(version)

        say(f"== timing {len(cases)} commands, {args.runs} interleaved rounds")
        # Each round in its own order (seeded, so a run can be repeated): what runs just before
        # a command changes its time (measured here: a seed run right after kubectl kustomize
        # took 0.5 ms longer than the same command one slot later), so no command keeps one
        # neighbour for the whole run.
        order = random.Random(20261202)
        for r in range(args.runs):
            say(f"   round {r + 1}/{args.runs}")
            for c in order.sample(cases, len(cases)):
                c.run()
        # Version start-up is short: more samples for a stable median.
        for _ in range(20):
            version.run()

        machine = (f"{platform.node()} {platform.machine()} ({cpu_model()}), "
                   f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
        print(f"machine: {machine}; medians of {args.runs} rounds")
        print(f"{'command':58} {'median':>11} {'peak':>12} {'input':>10}")
        for c in cases:
            status = "" if c.statuses == {0} else f"  exit {sorted(c.statuses)}"
            print(f"{c.name:58} {fmt_time(c.median):>11} {fmt_mem(c.peak):>12} "
                  f"{c.size / 1e6:8.2f} MB{status}")

        by = {c.name: c for c in cases}
        targets = []

        def target(name, value, limit, passed, unit=""):
            targets.append((name, value, limit, passed))

        for name in ["infra", "apps"]:
            k = by.get(f"seed {name}: kubectl kustomize")
            if k:
                for what in ["intent alone", "as kpt re-renders"]:
                    v = by[f"seed {name}: vmstack, {what}"]
                    ratio = v.median / k.median
                    target(f"seed {name}, {what}: vmstack / kubectl kustomize",
                           f"{ratio:.3f}", "<= 0.05", ratio <= 0.05)
        same, kpt_times = kpt_twice(args, work, base_fleet)
        if same is not None:
            target(f"{base_fleet}-intent package: second kpt fn render changes nothing",
                   f"{'same' if same else 'changed'} ({', '.join(f'{t:.1f} s' for t in kpt_times)})",
                   "same", bool(same))
        f1 = by[f"fleet {base_fleet}"]
        target(f"fleet {base_fleet}: time", fmt_time(f1.median).strip(), "< 1 s",
               f1.median < 1.0)
        target(f"fleet {base_fleet}: peak memory", fmt_mem(f1.peak).strip(), "< 256 MiB",
               f1.peak < 256 * 2**20)
        for n, limit in [(fleets[2], 2.2), (fleets[3], 5.5)]:
            ratio = by[f"fleet {n}"].median / f1.median
            target(f"fleet {n} / fleet {base_fleet}: time", f"{ratio:.2f}", f"<= {limit}",
                   ratio <= limit)
        p = by[f"pass-through {base_list}: vmstack"]
        floors = {lib: by[f"pass-through {base_list}: floor {lib} parse+emit"] for lib in FLOORS}
        best = min(floors, key=lambda lib: floors[lib].median)
        target(f"pass-through {base_list}: time", fmt_time(p.median).strip(), "< 1 s",
               p.median < 1.0)
        mult = p.peak / p.size
        target(f"pass-through {base_list}: peak memory / input size", f"{mult:.2f}", "< 5",
               mult < 5)
        ratio = p.median / floors[best].median
        target(f"pass-through {base_list}: vmstack / fastest parse+emit floor ({best})",
               f"{ratio:.2f}", "<= 1.5", ratio <= 1.5)
        size = os.path.getsize(args.vmstack)
        stripped = work / "vmstack-stripped"
        shutil.copy(args.vmstack, stripped)
        if shutil.which("strip"):
            subprocess.run(["strip", str(stripped)], check=False)
        ssize = os.path.getsize(stripped)
        target("stripped release binary", f"{ssize / 1e6:.2f} MB", "< 8 MB", ssize < 8e6)
        target("vmstack --version", f"{version.median * 1e3:.2f} ms", "< 2 ms",
               version.median < 0.002)

        print()
        print(f"{'target':72} {'measured':>22} {'bound':>10}  result")
        for name, value, limit, passed in targets:
            print(f"{name:72} {value:>22} {limit:>10}  {'PASS' if passed else 'FAIL'}")
        print(f"(binary {size / 1e6:.2f} MB unstripped)")

        series = [
            {"name": "vmstack, pass-through list",
             "points": [{"size": by[f"pass-through {n}: vmstack"].size,
                         "time": by[f"pass-through {n}: vmstack"].median,
                         "peak": by[f"pass-through {n}: vmstack"].peak} for n in lists]},
            {"name": "floor: saphyr parse+emit",
             "points": [{"size": by[f"pass-through {n}: floor saphyr parse+emit"].size,
                         "time": by[f"pass-through {n}: floor saphyr parse+emit"].median,
                         "peak": by[f"pass-through {n}: floor saphyr parse+emit"].peak}
                        for n in lists]},
            {"name": "vmstack, fleet (intents with settings and 5 items each)",
             "points": [{"size": by[f"fleet {n}"].size, "time": by[f"fleet {n}"].median,
                         "peak": by[f"fleet {n}"].peak} for n in fleets]},
        ]
        if args.plot:
            svg_plot(args.plot, series, "vmstack: whole-process time and peak memory "
                     f"against input size (medians of {args.runs} rounds)")
            say(f"== plot written to {args.plot}")
        if args.json:
            Path(args.json).write_text(json.dumps({
                "machine": machine,
                "cases": [{"name": c.name, "median_s": c.median, "peak_bytes": c.peak,
                           "input_bytes": c.size, "times": c.times} for c in cases],
                "targets": [{"name": n, "measured": v, "bound": b, "pass": ok}
                            for n, v, b, ok in targets]}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
