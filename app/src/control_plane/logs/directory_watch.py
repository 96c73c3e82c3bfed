"""Wakes the tailer on inotify events in the log directory; None where inotify is missing."""

from __future__ import annotations

import ctypes
import os
import select
from pathlib import Path

IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
WATCH_MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
)


class DirectoryWatch:
    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def create(cls, directory: Path) -> DirectoryWatch | None:
        try:
            # The interpreter's own symbols, libc's among them: ctypes.util.find_library("c")
            # runs ldconfig, which the release image lacks (it found nothing there, and forked
            # the whole backend to try, on every poll).
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        if libc.inotify_add_watch(fd, os.fsencode(directory), WATCH_MASK) < 0:
            os.close(fd)
            return None
        return cls(fd)

    def wait(self, timeout: float, wake_fd: int | None = None) -> bool:
        """Block until something changed in the directory, `wake_fd` became readable or
        `timeout` passed."""
        watched = [self._fd] if wake_fd is None else [self._fd, wake_fd]
        readable, _, _ = select.select(watched, [], [], timeout)
        if self._fd not in readable:
            return False
        try:
            while os.read(self._fd, 65536):
                pass
        except BlockingIOError:
            pass
        return True

    def close(self) -> None:
        os.close(self._fd)
