"""What this process and its container use, read from /proc, the cgroup and statvfs.

Linux only (the image's platform). The container's own cgroup is mounted at /sys/fs/cgroup, in
either layout: unified (v2, Debian 13's) or one directory per controller (v1, as on hosts still
booted that way). A figure the kernel does not offer is None, never a guess.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_SELF = Path("/proc/self")
# /proc/net/tcp's state column: 01 is ESTABLISHED.
TCP_ESTABLISHED = "01"
# cgroup v1 writes "no limit" as the largest page-aligned 64-bit number.
V1_NO_LIMIT = 2**62


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _status_field(name: str) -> int | None:
    """A number from /proc/self/status (VmRSS is in kB)."""
    text = _read(PROC_SELF / "status") or ""
    for line in text.splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    return None


def process_memory_bytes() -> int | None:
    kib = _status_field("VmRSS")
    return kib * 1024 if kib is not None else None


def _open_descriptors() -> tuple[int | None, int | None]:
    """(open file descriptors, of which sockets)."""
    fd_dir = PROC_SELF / "fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return None, None
    sockets = 0
    for name in names:
        try:
            if os.readlink(fd_dir / name).startswith("socket:"):
                sockets += 1
        except OSError:
            continue  # closed while being listed
    return len(names), sockets


def established_tcp_connections() -> int | None:
    """Established TCP connections of the network namespace (the container's)."""
    counts = []
    for table in ("tcp", "tcp6"):
        text = _read(PROC_SELF / "net" / table)
        if text is None:
            continue
        counts.append(
            sum(1 for line in text.splitlines()[1:] if line.split()[3:4] == [TCP_ESTABLISHED])
        )
    return sum(counts) if counts else None


def _cgroup_number(*names: str) -> int | None:
    """The first of `names` (a v2 file, then its v1 twin) the kernel offers; None for no limit."""
    for name in names:
        text = _read(CGROUP_ROOT / name)
        if text is None:
            continue
        if text.strip() == "max":
            return None
        try:
            value = int(text.split()[0])
        except (ValueError, IndexError):
            return None
        return None if value >= V1_NO_LIMIT else value
    return None


def _cgroup_cpu_seconds() -> float | None:
    text = _read(CGROUP_ROOT / "cpu.stat") or ""
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "usage_usec":
            return int(value) / 1_000_000
    nanoseconds = _cgroup_number("cpuacct/cpuacct.usage")
    return nanoseconds / 1_000_000_000 if nanoseconds is not None else None


@dataclass(frozen=True, slots=True)
class ProcessUsage:
    cpu_seconds: float
    # Of one core, since the previous reading at least a second before (None on the first).
    cpu_percent: float | None
    memory_rss_bytes: int | None
    threads: int
    open_files: int | None
    open_sockets: int | None


@dataclass(frozen=True, slots=True)
class ContainerUsage:
    cpu_seconds: float | None
    cpu_percent: float | None
    # As the kernel charges it to the cgroup (v1 counts page cache too).
    memory_bytes: int | None
    # None: no limit set.
    memory_limit_bytes: int | None
    pids: int | None
    tcp_connections: int | None


@dataclass(frozen=True, slots=True)
class DiskUsage:
    name: str
    path: str
    # As df counts them: free is what the app may still write (root's reserve left out), so used
    # and free need not add up to total.
    used_bytes: int
    free_bytes: int
    total_bytes: int


def disk_usage(name: str, path: Path) -> DiskUsage:
    """Of the volume that holds `path`, or would hold it once created."""
    existing = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    usage = shutil.disk_usage(existing)
    return DiskUsage(name, str(path), usage.used, usage.free, usage.total)


class CpuSampler:
    """CPU use as a percentage of one core since the previous reading (None on the first, or
    when less than `min_interval` seconds passed: a rate over a few milliseconds is noise)."""

    def __init__(self, min_interval: float = 1.0) -> None:
        self.min_interval = min_interval
        self._last: dict[str, tuple[float, float]] = {}
        self._percent: dict[str, float | None] = {}
        self._lock = threading.Lock()

    def percent(self, name: str, cpu_seconds: float | None) -> float | None:
        if cpu_seconds is None:
            return None
        now = time.monotonic()
        with self._lock:
            previous = self._last.get(name)
            if previous is not None and now - previous[0] < self.min_interval:
                return self._percent.get(name)
            self._last[name] = (now, cpu_seconds)
            if previous is None:
                return None
            elapsed = now - previous[0]
            value = round(max(0.0, cpu_seconds - previous[1]) / elapsed * 100, 1)
            self._percent[name] = value
            return value


def process_usage(sampler: CpuSampler) -> ProcessUsage:
    times = os.times()
    cpu = times.user + times.system
    files, sockets = _open_descriptors()
    return ProcessUsage(
        cpu_seconds=round(cpu, 3),
        cpu_percent=sampler.percent("process", cpu),
        memory_rss_bytes=process_memory_bytes(),
        threads=_status_field("Threads") or threading.active_count(),
        open_files=files,
        open_sockets=sockets,
    )


def container_usage(sampler: CpuSampler) -> ContainerUsage:
    cpu = _cgroup_cpu_seconds()
    return ContainerUsage(
        cpu_seconds=round(cpu, 3) if cpu is not None else None,
        cpu_percent=sampler.percent("container", cpu),
        memory_bytes=_cgroup_number("memory.current", "memory/memory.usage_in_bytes"),
        memory_limit_bytes=_cgroup_number("memory.max", "memory/memory.limit_in_bytes"),
        pids=_cgroup_number("pids.current", "pids/pids.current"),
        tcp_connections=established_tcp_connections(),
    )
