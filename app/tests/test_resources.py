"""The container's figures from either cgroup layout, written as the kernel writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from control_plane import resources
from control_plane.resources import CpuSampler, container_usage


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "cpu.stat": "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n",
                "memory.current": "104857600\n",
                "memory.max": "805306368\n",
                "pids.current": "12\n",
            },
            (2.5, 104857600, 805306368, 12),
        ),
        (
            {"cpu.stat": "usage_usec 1000000\n", "memory.current": "4096\n", "memory.max": "max\n"},
            (1.0, 4096, None, None),
        ),
        (
            {
                "cpuacct/cpuacct.usage": "24870253768\n",
                "memory/memory.usage_in_bytes": "100839424\n",
                "memory/memory.limit_in_bytes": "805306368\n",
                "pids/pids.current": "7\n",
            },
            (24.87, 100839424, 805306368, 7),
        ),
        (
            {
                "cpuacct/cpuacct.usage": "1000000000\n",
                "memory/memory.usage_in_bytes": "8192\n",
                "memory/memory.limit_in_bytes": "9223372036854771712\n",
            },
            (1.0, 8192, None, None),
        ),
    ],
    ids=["v2", "v2-no-limit", "v1", "v1-no-limit"],
)
def test_container_usage_reads_either_cgroup_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: tuple
) -> None:
    write(tmp_path, files)
    monkeypatch.setattr(resources, "CGROUP_ROOT", tmp_path)
    usage = container_usage(CpuSampler())
    assert (usage.cpu_seconds, usage.memory_bytes, usage.memory_limit_bytes, usage.pids) == expected


def test_no_cgroup_gives_none_not_a_guess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "CGROUP_ROOT", tmp_path)
    usage = container_usage(CpuSampler())
    assert (usage.cpu_seconds, usage.memory_bytes, usage.memory_limit_bytes) == (None, None, None)


def test_cpu_percent_is_a_rate_over_at_least_the_minimum_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([100.0, 100.5, 102.0, 102.2])
    monkeypatch.setattr(resources.time, "monotonic", lambda: next(clock))
    sampler = CpuSampler(min_interval=1.0)
    assert sampler.percent("x", 10.0) is None  # the first reading
    assert sampler.percent("x", 10.4) is None  # 0.5 s later: too soon for a rate
    assert sampler.percent("x", 11.0) == 50.0  # 1 s of CPU over 2 s
    assert sampler.percent("x", 12.0) == 50.0  # too soon again: the last rate
