#!/usr/bin/env python3
"""Where a run's CPU went, by program: Linux process accounting (acct(2)) writes a record for
every process that exits, the nested hosts' and containers' included.

  sudo python3 scripts/cpu-by-program.py on FILE     start recording to FILE (emptied first)
  sudo python3 scripts/cpu-by-program.py off         stop recording
  python3 scripts/cpu-by-program.py report FILE [N]  the N programs that used most CPU (default 30)

A process still running when recording stops (the engine, kernel threads) is not in FILE.
Needs root and a kernel with BSD process accounting (CONFIG_BSD_PROCESS_ACCT)."""

import collections
import ctypes
import os
import struct
import sys

# struct acct_v3 (linux/acct.h): flag, version, tty, exitcode, uid, gid, pid, ppid, btime,
# etime (float, clock ticks), utime, stime, mem, io, rw, minflt, majflt, swaps (comp_t), comm.
RECORD = struct.Struct("<BBHIIIIIIf8H16s")
TICKS = os.sysconf("SC_CLK_TCK")
ELAPSED_BUCKETS = (0.5, 2, 10, 60)
BUCKET_LABELS = [f"<{limit}s" for limit in ELAPSED_BUCKETS] + [f">={ELAPSED_BUCKETS[-1]}s"]


def comp_t(value: int) -> int:
    """comp_t: a 13-bit mantissa and a base-8 exponent in the top 3 bits."""
    return (value & 0x1FFF) << (3 * ((value >> 13) & 7))


def records(path: str):
    try:
        data = open(path, "rb").read()
    except OSError as exc:
        sys.exit(f"cannot read the accounting file: {exc}")
    for offset in range(0, len(data) - RECORD.size + 1, RECORD.size):
        fields = RECORD.unpack_from(data, offset)
        yield (
            fields[-1].split(b"\0")[0].decode(errors="replace"),
            (comp_t(fields[10]) + comp_t(fields[11])) / TICKS,
            fields[9] / TICKS,
        )


def report(path: str, top: int) -> None:
    cpu, count = collections.Counter(), collections.Counter()
    by_elapsed: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for command, seconds, elapsed in records(path):
        cpu[command] += seconds
        count[command] += 1
        bucket = BUCKET_LABELS[sum(elapsed >= limit for limit in ELAPSED_BUCKETS)]
        by_elapsed[command][bucket] += seconds
    print(f"{sum(count.values())} processes, {sum(cpu.values()):.0f} CPU-s")
    print(f"{'CPU-s':>8} {'processes':>9}  program  (CPU-s by elapsed time)")
    for command, seconds in cpu.most_common(top):
        buckets = by_elapsed[command]
        split = ", ".join(f"{label} {buckets[label]:.0f}" for label in BUCKET_LABELS if label in buckets)
        print(f"{seconds:8.1f} {count[command]:9d}  {command}  ({split})")


def switch(path: str | None) -> None:
    if path is not None:
        try:
            open(path, "wb").close()
        except OSError as exc:
            sys.exit(f"cannot write the accounting file: {exc}")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.acct(path.encode() if path else None) != 0:
        sys.exit(f"acct: {os.strerror(ctypes.get_errno())}")


def main(argv: list[str]) -> None:
    match argv:
        case ["on", path]:
            switch(path)
        case ["off"]:
            switch(None)
        case ["report", path]:
            report(path, 30)
        case ["report", path, top] if top.isdigit():
            report(path, int(top))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
