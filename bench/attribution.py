"""Attribution over a paths file: our exact first-order Markov model and the heuristic models
beside the ChannelAttribution package (PyPI) on the same file, in the same run.

For each size, journeys are generated (not timed; deterministic for `--seed`) from a
ground-truth chain over 10 channels: a first channel, then after each touch the journey
converts (0.6% to 4% by channel), ends without converting (25%) or moves on to another channel
(or the same one again, ~20%, so repeats get merged). Converting journeys carry a log-normal
deal value. Identical journeys are added up into one row of a paths file
(`path,total_conversions,total_null,total_conversion_value`, ` > ` between channels) in a
temporary directory. Then, each timed `--repeat` times (the best is kept):

* **whole process**: ours is `smarketing attribution --model markov --from FILE --format json`
  (the CLI, Python start-up and imports included); ChannelAttribution's is a Python process that
  imports pandas and ChannelAttribution, reads the file with `pandas.read_csv` and calls
  `markov_model` with its defaults (bench/attribution_peer.py). For the heuristics, a Python
  process computing first touch, last touch and linear (ours) beside `heuristic_models`.
* **in process**: ours reads the file and runs the model in this process; theirs is the time of
  the `markov_model` / `heuristic_models` call alone (the file already in a DataFrame).

The difference column is the largest, over channels, of |ours - theirs| in attributed
conversions, also as a share of all conversions. ChannelAttribution's Markov figures are
simulated (random walks until its convergence test passes, and walks longer than the longest
observed journey are counted as not converting), ours are exact, so they differ by its sampling
error; its heuristics are exact and must agree with ours.

    .venv/bin/python bench/attribution.py [--sizes 10000,100000,1000000] [--repeat 3] [--seed 7]

Prints a table per size and writes the figures as JSON to bench/out/attribution-<ts>.json.
Exits 1 when a check fails (our credits not summing to the total conversions, heuristics
differing from ChannelAttribution's, a process failing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attribution_journeys import journeys_write
from ingest_cpu import load_average

from smarketing.analytics.attribution import attribute, paths_read

BENCH = Path(__file__).resolve().parent
TARGET_JOURNEYS = 1_000_000
OUT = BENCH / "out"
SMARKETING = Path(sys.executable).with_name("smarketing")
PEER_HEURISTICS = {
    "first_touch": "first_touch",
    "last_touch": "last_touch",
    "linear": "linear_touch",
}
OUR_HEURISTICS = """
import json, sys
from smarketing.analytics.attribution import attribute, paths_read
paths = paths_read(sys.argv[1])
print(json.dumps({m: attribute(paths, model=m).conversions for m in sys.argv[2:]}))
"""


def main() -> None:
    args = _arguments()
    OUT.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = OUT / f"attribution-{stamp}.json"
    results = []
    directory = Path(tempfile.mkdtemp(prefix="smk-bench-attribution-"))
    try:
        for size in args.sizes:
            print(f"{size:,} journeys: generating ...", file=sys.stderr, flush=True)
            path = directory / f"paths-{size}.csv"
            shape = journeys_write(path, journeys=size, seed=args.seed)
            print(f"{size:,} journeys: timing ...", file=sys.stderr, flush=True)
            load = load_average()
            result = {"journeys": size, **shape, **_measure(path, repeat=args.repeat)}
            result["load_average_before"] = load
            results.append(result)
            print(_report(result), flush=True)
            document = {"cpus": os.cpu_count(), "settings": vars(args), "results": results}
            out.write_text(json.dumps(document, indent=2) + "\n")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\nfigures written to {out}")
    if any(r["checks_failed"] for r in results):
        sys.exit(1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="journeys, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best kept")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: expected whole numbers separated by commas, got {args.sizes!r}")
    if not args.sizes or min(args.sizes) < 100 or args.repeat < 1:
        parser.error("--sizes: each at least 100 journeys; --repeat at least 1")
    return args


def _measure(path: Path, *, repeat: int) -> dict[str, Any]:
    ours_markov = _best(
        repeat,
        lambda: _process(
            [
                str(SMARKETING),
                "attribution",
                "--model",
                "markov",
                "--from",
                str(path),
                "--format",
                "json",
            ]
        ),
    )
    heuristics = list(PEER_HEURISTICS)
    ours_heuristics = _best(
        repeat, lambda: _process([sys.executable, "-c", OUR_HEURISTICS, str(path), *heuristics])
    )
    theirs_markov = _best(repeat, lambda: _peer(path, "markov"), key="call_s")
    theirs_heuristics = _best(repeat, lambda: _peer(path, "heuristics"), key="call_s")
    inside = _in_process(path, repeat=repeat)
    markov = ours_markov["output"]["conversions"]
    total = sum(markov.values())
    checks = _checks(
        total=total,
        expected=inside["total_conversions"],
        ours=ours_heuristics["output"],
        theirs=theirs_heuristics["output"]["credit"],
    )
    return {
        "markov": {
            "ours_process_s": ours_markov["wall_s"],
            "ours_call_s": inside["markov_s"],
            "ours_read_s": inside["read_s"],
            "theirs_process_s": theirs_markov["wall_s"],
            "theirs_call_s": theirs_markov["output"]["call_s"],
            "theirs_read_s": theirs_markov["output"]["read_s"],
            "max_difference": _max_difference(markov, theirs_markov["output"]["credit"]["markov"]),
            "ours": markov,
            "theirs": theirs_markov["output"]["credit"]["markov"],
        },
        "heuristics": {
            "ours_process_s": ours_heuristics["wall_s"],
            "ours_call_s": inside["heuristics_s"],
            "theirs_process_s": theirs_heuristics["wall_s"],
            "theirs_call_s": theirs_heuristics["output"]["call_s"],
            "max_difference": max(
                (
                    _max_difference(
                        ours_heuristics["output"][ours],
                        theirs_heuristics["output"]["credit"][peer],
                    )
                    for ours, peer in PEER_HEURISTICS.items()
                ),
                key=lambda gap: gap["conversions"],
            ),
        },
        "total_conversions": inside["total_conversions"],
        "checks_failed": checks,
    }


def _in_process(path: Path, *, repeat: int) -> dict[str, float]:
    """Our read and model calls inside this process (imports already done), best of `repeat`."""
    reads, markovs, heuristics = [], [], []
    for _ in range(repeat):
        began = time.perf_counter()
        paths = paths_read(path)
        read = time.perf_counter()
        attribute(paths, model="markov")
        markov = time.perf_counter()
        for model in PEER_HEURISTICS:
            attribute(paths, model=model)
        done = time.perf_counter()
        reads.append(read - began)
        markovs.append(markov - read)
        heuristics.append(done - markov)
    return {
        "read_s": min(reads),
        "markov_s": min(markovs),
        "heuristics_s": min(heuristics),
        "total_conversions": paths.total_conversions,
    }


def _process(command: list[str]) -> dict[str, Any]:
    """Run a process to the end; its wall time and the JSON of its last output line."""
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} ... failed:\n{done.stderr[-2000:]}")
    output = json.loads(done.stdout.strip().splitlines()[-1])
    if "conversions" not in output and command[0] == str(SMARKETING):
        output = {"conversions": output}
    return {"wall_s": wall, "output": output}


def _peer(path: Path, mode: str) -> dict[str, Any]:
    return _process([sys.executable, str(BENCH / "attribution_peer.py"), str(path), mode])


def _best(repeat: int, run: Any, *, key: str | None = None) -> dict[str, Any]:
    """The fastest of `repeat` runs by wall time, its in-process figure `key` the best too."""
    runs = [run() for _ in range(repeat)]
    best = min(runs, key=lambda r: r["wall_s"])
    if key is not None:
        best["output"][key] = min(r["output"][key] for r in runs)
    return best


def _max_difference(ours: dict[str, float], theirs: dict[str, float]) -> dict[str, Any]:
    channels = set(ours) | set(theirs)
    gaps = {c: abs(ours.get(c, 0.0) - theirs.get(c, 0.0)) for c in channels}
    channel = max(gaps, key=lambda c: gaps[c])
    return {
        "channel": channel,
        "conversions": gaps[channel],
        "relative": gaps[channel] / max(theirs.get(channel, 0.0), 1e-12),
    }


def _checks(
    *, total: float, expected: float, ours: dict[str, Any], theirs: dict[str, Any]
) -> list[str]:
    failed = []
    if abs(total - expected) > 1e-6 * max(expected, 1.0):
        failed.append(f"markov credits sum to {total:.6f}, not the {expected:.6f} conversions")
    for model, peer in PEER_HEURISTICS.items():
        gap = _max_difference(ours[model], theirs[peer])["conversions"]
        if gap > 1e-6 * max(expected, 1.0):
            failed.append(f"{model} differs from ChannelAttribution's by {gap:.6f} conversions")
    return failed


def _report(result: dict[str, Any]) -> str:
    markov, heuristics = result["markov"], result["heuristics"]
    total = result["total_conversions"]
    lines = [
        f"{result['journeys']:,} journeys: {result['rows']:,} distinct paths, "
        f"{result['touches']:,} touches, {total:,.0f} conversions, {result['channels']} channels",
        f"{'model':<34} {'ours s':>8} {'ChannelAttribution s':>21} {'ratio':>7}  max difference",
    ]
    for name, figures, note in (
        ("markov order 1", markov, "(theirs simulated)"),
        ("first/last/linear", heuristics, ""),
    ):
        gap = figures["max_difference"]
        share = gap["conversions"] / total
        difference = f"{gap['conversions']:,.2f} ({gap['channel']}, {share:.2%} of all) {note}"
        for kind, ours, theirs in (
            ("whole process", figures["ours_process_s"], figures["theirs_process_s"]),
            ("in process", figures["ours_call_s"], figures["theirs_call_s"]),
        ):
            shown = difference if kind == "whole process" else ""
            label = f"{name}, {kind}"
            lines.append(f"{label:<34} {ours:>8.3f} {theirs:>21.3f} {ours / theirs:>7.3f}  {shown}")
    lines.append(
        f"in process: ours is the model call alone (reading the file took "
        f"{markov['ours_read_s']:.3f} s; theirs, pandas.read_csv: {markov['theirs_read_s']:.3f} s)"
    )
    # The issue sets the target at a million journeys; below that Python's start-up dominates.
    if result["journeys"] >= TARGET_JOURNEYS:
        target = "met" if markov["ours_process_s"] < markov["theirs_call_s"] else "MISSED"
        lines.append(
            f"target: our whole process faster than their markov_model call alone: {target}"
        )
    lines.append(
        f"load average before: {result['load_average_before']:.2f} ({os.cpu_count()} CPUs)"
    )
    lines.append("checks: " + ("; ".join(result["checks_failed"]) or "all passed"))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
