"""Follows a log file into SQLite, exactly once, across rotation and restarts.

The position (device, inode, fingerprint of the first bytes, byte offset at a line end) is
committed in the same transaction as the rows read up to it, so a kill at any instant leaves
the database either before or after a whole batch. On restart the file named by the position
is looked up at the log path and among its rotated siblings; a file rotated away is read to
its end before the next one is started.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from control_plane.logs.file_identity import (
    FINGERPRINT_BYTES,
    FilePosition,
    fingerprint_of,
    prefix_matches,
    read_fingerprint,
    rotated_siblings,
)
from control_plane.logs.line_parser import Row
from control_plane.logs.line_reader import CHUNK_BYTES, iter_line_runs
from control_plane.logs.tail_store import TailStore
from control_plane.logs.tailed_logs import BACKEND_JSON, LineFormat
from control_plane.times import now_us

logger = logging.getLogger("control_plane.logs.tailer")


@dataclass(slots=True)
class OpenLogFile:
    path: Path
    fd: int
    dev: int
    ino: int
    fingerprint: str
    fingerprint_len: int
    offset: int
    rotated_since: float | None = None
    size_when_rotation_seen: int = -1
    # copytruncate's copy: complete when it is found, so no grace period for late writers.
    is_copy: bool = False

    def position(self) -> FilePosition:
        return FilePosition(self.dev, self.ino, self.fingerprint, self.fingerprint_len, self.offset)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def refresh_fingerprint(self) -> None:
        """Extend the fingerprint as the file grows, only while it still starts with the
        bytes fingerprinted so far (never adopt a rewritten file's start)."""
        if self.fingerprint_len >= FINGERPRINT_BYTES:
            return
        data = os.pread(self.fd, FINGERPRINT_BYTES, 0)
        if len(data) > self.fingerprint_len and (
            fingerprint_of(data[: self.fingerprint_len]) == self.fingerprint
        ):
            self.fingerprint, self.fingerprint_len = fingerprint_of(data), len(data)

    def close(self) -> None:
        os.close(self.fd)


def open_log_file(path: Path, offset: int) -> OpenLogFile | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    fingerprint, length = read_fingerprint(fd, FINGERPRINT_BYTES)
    return OpenLogFile(path, fd, info.st_dev, info.st_ino, fingerprint, length, offset)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


@dataclass(slots=True)
class IngestCounters:
    lines: int = 0
    parse_errors: int = 0


class LogTailer:
    """The synchronous core: `ingest_available` reads what is there now and commits it."""

    def __init__(
        self,
        path: Path,
        store: TailStore,
        *,
        batch_size: int,
        rotation_grace_seconds: float,
        chunk_bytes: int = CHUNK_BYTES,
        lines: LineFormat = BACKEND_JSON,
    ) -> None:
        self.path = path
        self.store = store
        self.lines = lines
        self.batch_size = batch_size
        self.rotation_grace_seconds = rotation_grace_seconds
        self.chunk_bytes = chunk_bytes
        self.counters = IngestCounters()
        self.last_ingest_at_us: int | None = None
        self._current: OpenLogFile | None = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None

    def lag_bytes(self) -> int:
        current = self._current
        if current is None:
            try:
                return os.stat(self.path).st_size
            except FileNotFoundError:
                return 0
        lag = max(0, current.size() - current.offset)
        if _identity(self.path) != (current.dev, current.ino):
            with contextlib.suppress(FileNotFoundError):
                lag += os.stat(self.path).st_size
        return lag

    def ingest_available(
        self, *, finish_rotated: bool = False, max_batches: int | None = None
    ) -> int:
        """Read and commit complete lines available now; returns the number of rows written.

        finish_rotated: treat a file rotated away as complete at once (one-shot ingest)
        instead of waiting for the grace period in which slow writers may still append.
        """
        written = 0
        while True:
            if self._current is None:
                self._current = self._resume()
                if self._current is None:
                    return written
            current = self._current = self._handle_truncation(self._current)
            if current is None:
                return written
            drained, complete = self._drain(current, final=False, max_batches=max_batches)
            written += drained
            if not complete:
                return written
            at_path = _identity(self.path) == (current.dev, current.ino)
            if at_path and current.rotated_since is None:
                return written
            if not self._rotation_settled(current, finish_rotated):
                return written
            drained, _ = self._drain(current, final=True, max_batches=None)
            written += drained
            self._move_past(current)

    def _rotation_settled(self, current: OpenLogFile, finish_rotated: bool) -> bool:
        """A file rotated away is finished once it stopped growing for the grace period."""
        if finish_rotated or current.is_copy:
            return True
        size = current.size()
        now = time.monotonic()
        if current.rotated_since is None or size != current.size_when_rotation_seen:
            if current.rotated_since is None:
                logger.info(
                    "log file %s rotated away; finishing it",
                    current.path,
                    extra={"event": "log_tail_rotation"},
                )
            current.rotated_since = now
            current.size_when_rotation_seen = size
            return self.rotation_grace_seconds <= 0
        return now - current.rotated_since >= self.rotation_grace_seconds

    def _move_past(self, finished: OpenLogFile) -> None:
        """Switch from a finished file to the next one: a newer rotated sibling, else the path."""
        finished_mtime = os.fstat(finished.fd).st_mtime_ns
        finished_identity = (finished.dev, finished.ino)
        path_identity = _identity(self.path)
        newer: list[tuple[int, Path]] = []
        for sibling in rotated_siblings(self.path):
            try:
                info = os.stat(sibling)
            except FileNotFoundError:
                continue
            identity = (info.st_dev, info.st_ino)
            if identity not in (finished_identity, path_identity) and (
                info.st_mtime_ns > finished_mtime
            ):
                newer.append((info.st_mtime_ns, sibling))
        finished_position = finished.position()
        finished.close()
        self._current = None
        for _, sibling in sorted(newer):
            opened = open_log_file(sibling, 0)
            if opened is not None:
                opened.rotated_since = time.monotonic()
                opened.size_when_rotation_seen = opened.size()
                self._current = opened
                break
        if self._current is None:
            self._current = self._open_path_after(finished_position)
        if self._current is not None:
            self.store.commit(
                [], self._current.position(), lag_bytes=self.lag_bytes(), parse_errors=0
            )

    def _open_path_after(self, finished: FilePosition) -> OpenLogFile | None:
        """The path from its start, or from where `finished` ended when the path still holds the
        same bytes: `finished` was copytruncate's copy, taken before its truncation."""
        opened = open_log_file(self.path, 0)
        if (
            opened is not None
            and finished.fingerprint_len > 0
            and opened.size() >= finished.offset
            and prefix_matches(opened.fd, finished.fingerprint, finished.fingerprint_len)
        ):
            opened.offset = finished.offset
        return opened

    def _resume(self) -> OpenLogFile | None:
        """Find the file the committed position names, or start the current file at 0."""
        position = self.store.load_position()
        if position is None:
            return self._first_file()
        candidates = [self.path, *rotated_siblings(self.path)]
        copies: list[OpenLogFile] = []
        for candidate in candidates:
            opened = open_log_file(candidate, position.offset)
            if opened is None:
                continue
            same_inode = (opened.dev, opened.ino) == (position.dev, position.ino)
            holds_position = opened.size() >= position.offset and prefix_matches(
                opened.fd, position.fingerprint, position.fingerprint_len
            )
            if same_inode and holds_position:
                for other in copies:
                    other.close()
                if candidate != self.path:
                    opened.rotated_since = time.monotonic()
                    opened.size_when_rotation_seen = opened.size()
                return opened
            if holds_position and position.fingerprint_len > 0 and candidate != self.path:
                copies.append(opened)
            else:
                opened.close()
        if copies:
            # The named file was truncated in place (copytruncate); its copy holds the rest.
            chosen, *others = copies
            for other in others:
                other.close()
            chosen.is_copy = True
            return chosen
        opened = open_log_file(self.path, 0)
        if opened is not None:
            logger.warning(
                "log file at the committed position is gone; reading %s from the start",
                self.path,
                extra={"event": "log_tail_position_lost"},
            )
        return opened

    def _first_file(self) -> OpenLogFile | None:
        """With no position yet, rotated files still on disk come first, oldest first."""
        oldest: tuple[int, Path] | None = None
        path_identity = _identity(self.path)
        for sibling in rotated_siblings(self.path):
            try:
                info = os.stat(sibling)
            except FileNotFoundError:
                continue
            if (info.st_dev, info.st_ino) != path_identity and (
                oldest is None or info.st_mtime_ns < oldest[0]
            ):
                oldest = (info.st_mtime_ns, sibling)
        if oldest is not None:
            opened = open_log_file(oldest[1], 0)
            if opened is not None:
                opened.rotated_since = time.monotonic()
                opened.size_when_rotation_seen = opened.size()
                return opened
        return open_log_file(self.path, 0)

    def _handle_truncation(self, current: OpenLogFile) -> OpenLogFile | None:
        """Detect a file truncated (or rewritten) under us and restart it from the beginning,
        after reading what we had not yet read from a copytruncate copy, if one is there.
        Returns the file to go on reading (None when it is gone)."""
        truncated = current.size() < current.offset or not prefix_matches(
            current.fd, current.fingerprint, current.fingerprint_len
        )
        if not truncated:
            current.refresh_fingerprint()
            return current
        logger.warning(
            "log file %s was truncated; reading it again from the start",
            current.path,
            extra={"event": "log_tail_truncation"},
        )
        copy = self._find_copy(current)
        current.close()
        if copy is not None:
            # Read to its end, then (_move_past) the copies taken after it, which hold whole
            # generations never seen at the path when it was truncated more than once between
            # two polls, then the path.
            copy.is_copy = True
            return copy
        restarted = open_log_file(current.path, 0)
        self._current = restarted
        if restarted is not None:
            self.store.commit([], restarted.position(), lag_bytes=self.lag_bytes(), parse_errors=0)
        return restarted

    def _find_copy(self, current: OpenLogFile) -> OpenLogFile | None:
        if current.fingerprint_len == 0:
            return None
        for sibling in rotated_siblings(self.path):
            opened = open_log_file(sibling, current.offset)
            if opened is None:
                continue
            if (opened.dev, opened.ino) != (current.dev, current.ino) and (
                opened.size() >= current.offset
                and prefix_matches(opened.fd, current.fingerprint, current.fingerprint_len)
            ):
                return opened
            opened.close()
        return None

    def _drain(
        self, source: OpenLogFile, *, final: bool, max_batches: int | None
    ) -> tuple[int, bool]:
        """Commit the complete lines of `source` from its offset; returns (rows, reached end)."""
        written = 0
        batches = 0
        rows: list[Row] = []
        parse_errors = 0
        ingested_at = now_us()
        offset = source.offset
        for lines, truncated, run_end in iter_line_runs(
            source.fd, source.offset, final=final, chunk_bytes=self.chunk_bytes
        ):
            if truncated is not None:
                row = self.lines.parse_line(
                    lines[0], truncated=truncated, ingested_at_us=ingested_at
                )
                rows.append(row)
                parse_errors += row[7]
                offset = run_end
                pieces = []
            else:
                pieces = lines
            while pieces:
                room = self.batch_size - len(rows)
                taken, pieces = pieces[:room], pieces[room:]
                parsed, errors = self.lines.parse_lines(taken, ingested_at_us=ingested_at)
                rows.extend(parsed)
                parse_errors += errors
                offset += sum(map(len, taken)) + len(taken)
                if len(rows) >= self.batch_size and pieces:
                    self._commit(source, rows, offset, parse_errors)
                    written += len(rows)
                    batches += 1
                    rows, parse_errors = [], 0
                    ingested_at = now_us()
                    if max_batches is not None and batches >= max_batches:
                        return written, False
            if len(rows) >= self.batch_size:
                self._commit(source, rows, offset, parse_errors)
                written += len(rows)
                batches += 1
                rows, parse_errors = [], 0
                ingested_at = now_us()
                if max_batches is not None and batches >= max_batches:
                    return written, False
        if rows:
            self._commit(source, rows, offset, parse_errors)
            written += len(rows)
        return written, True

    def _commit(self, source: OpenLogFile, rows: list[Row], end_offset: int, errors: int) -> None:
        if source.fingerprint_len < FINGERPRINT_BYTES:
            source.refresh_fingerprint()
        position = FilePosition(
            source.dev, source.ino, source.fingerprint, source.fingerprint_len, end_offset
        )
        lag = max(0, source.size() - end_offset)
        self.store.commit(rows, position, lag_bytes=lag, parse_errors=errors)
        source.offset = end_offset
        self.counters.lines += len(rows)
        self.counters.parse_errors += errors
        self.last_ingest_at_us = now_us()
