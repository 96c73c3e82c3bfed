"""db.sqlite_library: importing control_plane.db turns SQLite's memory statistics off before any
connection, keeps the full-text tokenizer registered, and never shuts the library down under a
live connection."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_fresh(*parts: str) -> str:
    """The parts of a script, run in a new interpreter where nothing has touched SQLite yet; its
    stdout."""
    return subprocess.run(
        [sys.executable, "-c", "\n".join(textwrap.dedent(part) for part in parts)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


TOKENIZER_WORKS = """
    probe = sqlite3.connect(":memory:")
    probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='word_trigram')")
    probe.execute("INSERT INTO t VALUES ('reconnect attempt')")
    found = probe.execute("SELECT count(*) FROM t WHERE t MATCH 'con'").fetchone()[0]
"""


def test_importing_the_package_turns_the_statistics_off_and_keeps_the_tokenizer() -> None:
    output = run_fresh(
        """
        import sqlite3
        from control_plane.db import sqlite_library
        """,
        TOKENIZER_WORKS,
        """
        print(sqlite_library.memory_statistics_on(), found)
        """,
    )
    assert output == "False 1"


def test_a_live_connection_keeps_the_library_as_it_is() -> None:
    output = run_fresh(
        """
        import sqlite3
        held = sqlite3.connect(":memory:")
        held.execute("CREATE TABLE kept (x)")
        from control_plane.db import sqlite_library
        """,
        TOKENIZER_WORKS,
        """
        held.execute("INSERT INTO kept VALUES (1)")
        print(sqlite_library.configure(), sqlite_library.memory_statistics_on(), found)
        """,
    )
    assert output == "False True 1"
