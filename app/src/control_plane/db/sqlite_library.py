"""Process-wide settings of the SQLite library that Python's `sqlite3` module is linked against,
made through its C API before anything opens a connection.

SQLite counts each of its allocations under a global mutex (SQLITE_CONFIG_MEMSTATUS, on in
Debian's build) for sqlite3_memory_used() and soft heap limits, which nothing here reads, and
SQLite's own advice is to turn it off (https://sqlite.org/compile.html#default_memstatus): the
tailer allocates tens of times a row, and ingesting a line took about 5% fewer CPU-seconds with
it off (docs/benchmarks.md, "Lines per CPU-second against today's code").
"""

from __future__ import annotations

import _sqlite3
import ctypes
import sqlite3
from functools import cache

SQLITE_CONFIG_MEMSTATUS = 9


@cache
def _library() -> ctypes.CDLL:
    # dlsym on the module's handle also searches the libraries it is linked against.
    library = ctypes.CDLL(_sqlite3.__file__)
    library.sqlite3_memory_used.restype = ctypes.c_int64
    library.sqlite3_malloc.restype = ctypes.c_void_p
    library.sqlite3_malloc.argtypes = [ctypes.c_int]
    library.sqlite3_free.argtypes = [ctypes.c_void_p]
    return library


def memory_statistics_on() -> bool:
    """Whether SQLite counts its allocations: an allocation then shows in sqlite3_memory_used."""
    library = _library()
    before = library.sqlite3_memory_used()
    block = library.sqlite3_malloc(64)
    try:
        return bool(library.sqlite3_memory_used() > before)
    finally:
        library.sqlite3_free(block)


@cache
def configure() -> bool:
    """Turn SQLite's memory statistics off; True when they are off afterwards.

    The library takes settings only while shut down (the `sqlite3` module starts it when
    imported), and a connection, statement or blob alive across a shutdown would be left
    pointing at a torn-down library: so this changes nothing while SQLite holds any memory
    (sqlite3_memory_used() counts it while the statistics are on). It also forgets the
    automatic extensions registered so far: call it before db.text_tokenizer.register().
    """
    library = _library()
    if not memory_statistics_on():
        return True
    if library.sqlite3_memory_used() != 0:
        return False
    if library.sqlite3_shutdown() != sqlite3.SQLITE_OK:
        return False
    configured: int = library.sqlite3_config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0))
    if library.sqlite3_initialize() != sqlite3.SQLITE_OK:
        raise RuntimeError("SQLite did not start again after its memory statistics were set")
    return configured == sqlite3.SQLITE_OK
