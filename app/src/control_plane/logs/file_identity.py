"""Identifies a log file by device, inode and a fingerprint of its first bytes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

FINGERPRINT_BYTES = 1024
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip")


@dataclass(frozen=True, slots=True)
class FilePosition:
    dev: int
    ino: int
    fingerprint: str
    fingerprint_len: int
    offset: int


def fingerprint_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_fingerprint(fd: int, length: int) -> tuple[str, int]:
    data = os.pread(fd, length, 0)
    return fingerprint_of(data), len(data)


def prefix_matches(fd: int, fingerprint: str, fingerprint_len: int) -> bool:
    """True when the file still starts with the bytes the fingerprint was taken over."""
    if fingerprint_len == 0:
        return True
    data = os.pread(fd, fingerprint_len, 0)
    return len(data) == fingerprint_len and fingerprint_of(data) == fingerprint


def rotated_siblings(path: Path) -> list[Path]:
    """Uncompressed files next to `path` named like its rotations (backend.log.1, -20260101)."""
    try:
        entries = list(path.parent.iterdir())
    except FileNotFoundError:
        return []
    prefix = path.name
    return [
        entry
        for entry in entries
        if entry.name != prefix
        and entry.name.startswith(prefix)
        and entry.name[len(prefix)] in ".-_"
        and not entry.name.endswith(COMPRESSED_SUFFIXES)
        and entry.is_file()
    ]
