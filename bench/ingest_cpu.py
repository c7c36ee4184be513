"""Where the CPU went during a phase of bench/ingest.py, from /proc (Linux only), and py-spy
to see where inside the processes.

A sampler thread reads every process's CPU time a few times a second and sorts the processes
into groups: the server's process tree, the processing workers' trees, the PostgreSQL backends
serving the benchmark's database (their process title names it). Whatever else kept the machine
busy is "other": on a shared machine, other people's work, which makes the figures noisy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.25


def machine_busy() -> float:
    """Seconds of CPU the machine has been busy so far, all cores together (/proc/stat)."""
    ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK  # less idle and iowait


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


@dataclass
class _Process:
    ppid: int
    cpu: float
    title: str


def _processes() -> dict[int, _Process]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it ended meanwhile
        after = stat.rsplit(")", 1)[1].split()
        cpu = (int(after[11]) + int(after[12])) / TICK  # utime + stime
        found[int(entry.name)] = _Process(ppid=int(after[1]), cpu=cpu, title=title)
    return found


@dataclass
class CpuMeter:
    """CPU seconds by group between `start` and `stop`. `roots` maps a group to the process ids
    whose trees belong to it (the list may grow while running); `database` is the PostgreSQL
    database whose backends count as "database"."""

    roots: dict[str, list[int]]
    database: str = ""
    _first: dict[int, float] = field(default_factory=dict)
    _last: dict[int, tuple[str, float]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _began: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def start(self) -> None:
        self._sample(initial=True)
        self._began = (time.perf_counter(), machine_busy(), time.process_time())
        self._thread = threading.Thread(target=self._run, name="cpu-meter", daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        """Seconds of CPU per group, with "bench" (this process), "other" and "idle"."""
        wall, busy, own = (
            time.perf_counter() - self._began[0],
            machine_busy() - self._began[1],
            time.process_time() - self._began[2],
        )
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample(initial=False)
        groups: dict[str, float] = {name: 0.0 for name in (*self.roots, "database")}
        for pid, (group, cpu) in self._last.items():
            groups[group] += cpu - self._first.get(pid, 0.0)
        groups["bench"] = own
        groups["other"] = max(0.0, busy - sum(groups.values()))
        groups["idle"] = max(0.0, wall * (os.cpu_count() or 1) - busy)
        groups["wall"] = wall
        return groups

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample(initial=False)

    def _sample(self, *, initial: bool) -> None:
        processes = _processes()
        for pid, group in self._grouped(processes).items():
            cpu = processes[pid].cpu
            if initial:
                self._first[pid] = cpu  # a process first seen later started during the phase
            self._last[pid] = (group, cpu)

    def _grouped(self, processes: dict[int, _Process]) -> dict[int, str]:
        grouped = {}
        for group, roots in self.roots.items():
            tree = {pid for pid in roots if pid in processes}
            for _ in range(3):  # children and grandchildren
                tree |= {pid for pid, p in processes.items() if p.ppid in tree}
            grouped.update(dict.fromkeys(tree, group))
        if self.database:
            marker = f" {self.database} "
            grouped.update(
                {
                    pid: "database"
                    for pid, p in processes.items()
                    if p.title.startswith("postgres:") and marker in p.title
                }
            )
        return grouped


def spy_start(pid: int, path: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling `pid` and its children into `path` as collapsed stacks, waits included
    (--idle: a query's round trip is time too)."""
    command = ["record", "--pid", str(pid), "--subprocesses", "--idle", "--format=raw"]
    spy = subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), *command, "-o", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(1)  # while it attaches
    return spy


def spy_stop(spy: subprocess.Popen[bytes] | None) -> None:
    """py-spy writes its file when interrupted."""
    if spy is None or spy.poll() is not None:
        return
    os.killpg(spy.pid, signal.SIGINT)
    try:
        spy.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(spy.pid, signal.SIGKILL)
        spy.wait(timeout=30)


def process_group_stop(process: subprocess.Popen[Any]) -> None:
    """End a process started in its own session, and everything it started."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
