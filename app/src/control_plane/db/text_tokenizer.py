"""The full-text index's tokenizer, `word_trigram` (app/native/word_trigram.c, compiled into
this package by the build, hatch_build.py): registered once per process as an automatic
extension of SQLite, so every connection opened afterwards (the tailer's, the indexer's, the
API's, retention's, Alembic's) can read and write `backend_logs_fts`.

Python's `sqlite3` module can only load extensions where it was built with them (the machine's
pyenv 3.11 was not: `Connection.enable_load_extension` is missing), so this goes through
SQLite's C API instead, in the library that module is linked against: the same calls on every
Python whose `sqlite3` uses a shared libsqlite3 (pyenv's, Debian's, the official images').
"""

from __future__ import annotations

import _sqlite3
import ctypes
import sqlite3
from functools import cache
from pathlib import Path

TOKENIZER = "word_trigram"
LIBRARY = Path(__file__).with_name("word_trigram.so")
_ENTRY_POINT = "sqlite3_wordtrigram_init"
_BUILD_HINT = (
    "build it with `make app-deps`, or `uv sync --reinstall-package delta-strangle-control-plane`"
    " in app/ (needs a C compiler and libsqlite3-dev)"
)


class TokenizerUnavailable(RuntimeError):
    pass


@cache
def register() -> None:
    """Make `tokenize='word_trigram'` known to every SQLite connection this process opens
    from now on; raises TokenizerUnavailable with what to do when it cannot."""
    if not LIBRARY.is_file():
        raise TokenizerUnavailable(f"{LIBRARY} is missing: {_BUILD_HINT}")
    extension = ctypes.CDLL(str(LIBRARY))
    # dlsym on the module's handle also searches the libraries it is linked against.
    sqlite_library = ctypes.CDLL(_sqlite3.__file__)
    auto_extension = sqlite_library.sqlite3_auto_extension
    auto_extension.argtypes = [ctypes.c_void_p]
    auto_extension.restype = ctypes.c_int
    entry_point = ctypes.cast(getattr(extension, _ENTRY_POINT), ctypes.c_void_p)
    if auto_extension(entry_point) != sqlite3.SQLITE_OK:
        raise TokenizerUnavailable("sqlite3_auto_extension refused the word_trigram tokenizer")
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(f"CREATE VIRTUAL TABLE temp.probe USING fts5(text, tokenize='{TOKENIZER}')")
    except sqlite3.OperationalError as exc:
        raise TokenizerUnavailable(
            f"the word_trigram tokenizer did not reach this Python's sqlite3 connections ({exc});"
            " its SQLite must be a shared library (ldd on the _sqlite3 module shows"
            " libsqlite3.so)"
        ) from exc
    finally:
        probe.close()
