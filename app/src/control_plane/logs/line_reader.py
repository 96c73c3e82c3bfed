"""Splits a file into lines from a byte offset, in bounded chunks."""

from __future__ import annotations

import os
from collections.abc import Iterator

from control_plane.logs.line_parser import MAX_LINE_BYTES

CHUNK_BYTES = 1024 * 1024


def iter_lines(
    fd: int,
    start: int,
    *,
    final: bool,
    chunk_bytes: int = CHUNK_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[tuple[bytes, bool, int]]:
    """Yield (line without newline, truncated, offset just past the line).

    A line longer than max_line_bytes keeps its first max_line_bytes and the rest is skipped
    without being held in memory. An unterminated last line is yielded only when `final`
    (the file will never grow again); otherwise it is left for a later call.
    """
    head = b""
    overflow = False
    position = start
    while True:
        chunk = os.pread(fd, chunk_bytes, position)
        if not chunk:
            break
        chunk_start = position
        position += len(chunk)
        begin = 0
        while True:
            newline = chunk.find(b"\n", begin)
            if newline < 0:
                if not overflow:
                    rest = chunk[begin:]
                    room = max_line_bytes - len(head)
                    if len(rest) > room:
                        head += rest[:room]
                        overflow = True
                    else:
                        head += rest
                break
            piece = chunk[begin:newline]
            begin = newline + 1
            if head or overflow:
                if not overflow:
                    room = max_line_bytes - len(head)
                    if len(piece) > room:
                        head += piece[:room]
                        overflow = True
                    else:
                        head += piece
                line, truncated = head, overflow
                head, overflow = b"", False
            elif len(piece) > max_line_bytes:
                line, truncated = piece[:max_line_bytes], True
            else:
                line, truncated = piece, False
            yield line, truncated, chunk_start + begin
    if final and (head or overflow):
        yield head, overflow, position


def iter_line_runs(
    fd: int,
    start: int,
    *,
    final: bool,
    chunk_bytes: int = CHUNK_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[tuple[list[bytes], bool | None, int]]:
    """Like iter_lines, but hands over whole runs of ordinary lines at once.

    Yields (lines, truncated, end_offset). A run of ordinary lines (all complete and within
    max_line_bytes) has truncated=None and may hold many lines: the offset after its k-th
    line is the run's start plus the lengths of its first k lines and k newlines. Anything
    else (a long line, an unterminated final line) comes as a one-line run with its flag.
    """
    position = start
    while True:
        chunk = os.pread(fd, chunk_bytes, position)
        if not chunk:
            return
        last_newline = chunk.rfind(b"\n")
        if last_newline >= 0:
            lines = chunk[:last_newline].split(b"\n")
            if max(map(len, lines)) <= max_line_bytes:
                position += last_newline + 1
                yield lines, None, position
                continue
            target = position + last_newline + 1
        else:
            target = position + 1
        # A line longer than max_line_bytes or than the chunk, or an unterminated end: go line
        # by line past this chunk's last newline (or past the one long line), then speed up.
        reached = False
        for line, truncated, end in iter_lines(
            fd, position, final=final, chunk_bytes=chunk_bytes, max_line_bytes=max_line_bytes
        ):
            yield [line], truncated, end
            position = end
            if end >= target:
                reached = True
                break
        if not reached:
            return
