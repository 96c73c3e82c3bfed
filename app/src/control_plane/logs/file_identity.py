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


def is_rotation_of(name: str, path: Path) -> bool:
    """Named like a rotation of `path`: logrotate's backend.log.1 or backend.log-20260101, or
    Caddy's roll, which keeps the extension last (access-2026-12-04T18-45-40.211-size.log)."""
    if name == path.name or name.endswith(COMPRESSED_SUFFIXES):
        return False
    if name.startswith(path.name) and name[len(path.name)] in ".-_":
        return True
    return bool(path.suffix) and name.startswith(f"{path.stem}-") and name.endswith(path.suffix)


def rotated_siblings(path: Path) -> list[Path]:
    """Uncompressed files next to `path` named like its rotations."""
    try:
        entries = list(path.parent.iterdir())
    except FileNotFoundError:
        return []
    return [entry for entry in entries if is_rotation_of(entry.name, path) and entry.is_file()]
