"""The fast run reader must split exactly like the line-at-a-time reader."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from control_plane.logs.line_parser import parse_line, parse_lines
from control_plane.logs.line_reader import iter_line_runs, iter_lines


def expand_runs(fd: int, start: int, *, final: bool, chunk_bytes: int, max_line: int):
    expanded = []
    offset = start
    for lines, truncated, end in iter_line_runs(
        fd, start, final=final, chunk_bytes=chunk_bytes, max_line_bytes=max_line
    ):
        if truncated is None:
            for line in lines:
                offset += len(line) + 1
                expanded.append((line, False, offset))
            assert offset == end
        else:
            expanded.append((lines[0], truncated, end))
            offset = end
    return expanded


@pytest.mark.parametrize("seed", range(12))
def test_runs_match_line_by_line_reading(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "log"
    max_line = 300
    pieces = []
    for _ in range(rng.randint(0, 400)):
        length = rng.choice([0, 1, 5, 40, 299, 300, 301, 1000, 5000])
        pieces.append(bytes(rng.randrange(32, 127) for _ in range(length)) + b"\n")
    if rng.random() < 0.5:
        pieces.append(b"partial" * rng.randint(1, 100))
    path.write_bytes(b"".join(pieces))
    fd = os.open(path, os.O_RDONLY)
    try:
        for final in (False, True):
            for chunk_bytes in (64, 1000, 4096, 1 << 20):
                start = 0 if rng.random() < 0.5 else len(pieces[0]) if pieces else 0
                expected = list(
                    iter_lines(
                        fd, start, final=final, chunk_bytes=chunk_bytes, max_line_bytes=max_line
                    )
                )
                actual = expand_runs(
                    fd, start, final=final, chunk_bytes=chunk_bytes, max_line=max_line
                )
                assert actual == expected
    finally:
        os.close(fd)


def test_batch_parser_matches_single_line_parser() -> None:
    lines = [
        b'{"ts": "2026-11-21T10:00:00.123456Z", "level": "warning", "message": "m", "x": 1}',
        b'{"ts": "2026-11-21T10:00:00+02:00", "logger": ["odd"], "message": {"k": 2}}',
        b'{"message": null, "event": 5, "correlation_id": 7, "strategy_id": true}',
        b"not json",
        b"[1]",
        b"",
        b'{"message": "bad \xff byte"}',
        b'{"level": "", "ts": 1700000000.5}\r',
    ]
    rows, errors = parse_lines(lines, ingested_at_us=42)
    assert rows == [parse_line(line, truncated=False, ingested_at_us=42) for line in lines]
    assert errors == 3
