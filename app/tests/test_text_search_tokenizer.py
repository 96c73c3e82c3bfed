"""The full-text index's tokenizer (word_trigram, migration 0014) against what text search asks
of it (logs.text_search): the trigrams inside words and nothing else, and every row the exact
check accepts found through the index, as with FTS5's own trigram tokenizer before."""

from __future__ import annotations

import random
import sqlite3
import subprocess
from collections.abc import Iterator

import pytest

from control_plane.db.text_tokenizer import LIBRARY, TOKENIZER
from control_plane.logs.text_search import TRIGRAM, search_words, trigram_match

# Letters of both cases, digits, non-ASCII letters (some with an upper case SQLite's lower()
# leaves alone, one whose Python lower case is two characters), a combining mark, CJK, an emoji;
# between words ASCII punctuation, space, underscore, a non-ASCII space and dash.
LETTERS = "aAbBcCzZ09éÉßİ\u0131\u03a3\u03c3中文\u0301😀"
SEPARATORS = " _-./:\"'()*{}=,\u00a0—"


def random_text(generator: random.Random, words: int) -> str:
    return "".join(
        "".join(generator.choices(LETTERS, k=generator.randint(1, 7)))
        + generator.choice(SEPARATORS)
        for _ in range(generator.randint(0, words))
    )


def index(tokenizer: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE logs (id INTEGER PRIMARY KEY, message TEXT, payload TEXT)")
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(message, payload, content='logs',"
        f" content_rowid='id', tokenize='{tokenizer}', detail='none', columnsize=0)"
    )
    return conn


def load(conn: sqlite3.Connection, rows: list[tuple[str | None, str | None]]) -> None:
    conn.executemany("INSERT INTO logs (message, payload) VALUES (?, ?)", rows)
    conn.execute("INSERT INTO fts (rowid, message, payload) SELECT id, message, payload FROM logs")


def terms(conn: sqlite3.Connection) -> set[str]:
    conn.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, fts, 'row')")
    return {row[0] for row in conn.execute("SELECT term FROM temp.vocabulary")}


def in_word_trigrams(text: str) -> Iterator[str]:
    for word in search_words(text):
        for start in range(len(word) - TRIGRAM + 1):
            yield word[start : start + TRIGRAM]


# text_search.text_checks, as SQL text: every word in message or payload, SQLite's lower().
EXACT = "instr(lower(coalesce(logs.message, '') || ' ' || coalesce(logs.payload, '')), ?) > 0"


def search(conn: sqlite3.Connection, text: str) -> list[int]:
    words = search_words(text)
    checks = " AND ".join([EXACT] * len(words)) or "0"
    match = trigram_match(text)
    if match is None:
        sql = f"SELECT id FROM logs WHERE {checks} ORDER BY id"
        return [row[0] for row in conn.execute(sql, words)]
    sql = (
        "SELECT logs.id FROM fts JOIN logs ON logs.id = fts.rowid"
        f" WHERE fts MATCH ? AND {checks} ORDER BY logs.id"
    )
    return [row[0] for row in conn.execute(sql, [match, *words])]


def scan(conn: sqlite3.Connection, text: str) -> list[int]:
    words = search_words(text)
    checks = " AND ".join([EXACT] * len(words)) or "0"
    return [row[0] for row in conn.execute(f"SELECT id FROM logs WHERE {checks}", words)]


def test_it_indexes_exactly_the_trigrams_inside_words_in_lower_case() -> None:
    rows = [
        ("Order ORD-778812 placed", '{"order_id": "ORD-778812", "qty": 12}'),
        ("GET /api/logs?limit=100 200 3 ms", None),
        (None, '{"path": "/var/log/backend.log", "user_name": "Alice_B"}'),
        ("a bc def", "x,yz;uvw"),
    ]
    conn = index(TOKENIZER)
    load(conn, rows)

    expected = {t for row in rows for text in row if text for t in in_word_trigrams(text)}
    found = terms(conn)
    # Across a space or punctuation ("r o", "8 p", "d\":") is what FTS5's trigram also indexed.
    assert found - expected == set(), "trigrams across words"
    assert expected - found == set(), "trigrams inside words missing"
    assert {"ord", "778", "api", "ali", "ice", "def", "uvw"} <= found
    assert not {"r o", "e_b", "bc ", "i/l", "x,y"} & found


def test_it_keeps_non_ascii_characters_as_they_are_and_counts_characters_not_bytes() -> None:
    conn = index(TOKENIZER)
    load(conn, [("Ärger über Straße 中文字", None)])
    assert {"Ärg", "übe", "ber", "str", "raß", "aße", "中文字"} <= terms(conn)


@pytest.mark.parametrize("seed", range(4))
def test_every_search_finds_the_same_rows_as_fts5s_trigram_and_as_a_scan(seed: int) -> None:
    generator = random.Random(seed)
    rows = [(random_text(generator, 8), random_text(generator, 4) or None) for _ in range(300)]
    ours, fts5s = index(TOKENIZER), index("trigram")
    load(ours, rows)
    load(fts5s, rows)

    searches = []
    for message, _ in rows[:150]:
        start = generator.randint(0, len(message))
        searches.append(message[start : start + generator.randint(1, 12)])
    searches += [random_text(generator, 2) for _ in range(150)]
    found_any = 0
    for text in searches:
        expected = sorted(scan(ours, text))
        assert search(ours, text) == expected, text
        assert search(fts5s, text) == expected, text
        found_any += bool(expected) and trigram_match(text) is not None
    assert found_any >= 20  # enough of them found rows through the index


def test_a_search_for_a_word_does_not_match_it_across_words() -> None:
    conn = index(TOKENIZER)
    load(conn, [("ab cd", None), ("abcd", None), ("ab_cd", None), ("AB-CD", '{"k": "ABCD"}')])
    match = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid"
    assert conn.execute(match, (trigram_match("abcd"),)).fetchall() == [(2,), (4,)]
    assert conn.execute(match, ('"b c"',)).fetchall() == []


def test_the_extension_needs_nothing_from_the_c_library_so_any_hosts_sqlite3_loads_it():
    """The deploy copies the backend image's build to the hosts for their own sqlite3
    (roles/app_backup/tasks/sqlite-extension.yml): needing no library, and no symbol version of
    glibc, it loads on a host whose glibc is older than the image's."""
    dynamic = subprocess.run(
        ["readelf", "--dynamic", "--version-info", str(LIBRARY)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "(NEEDED)" not in dynamic
    assert "GLIBC_" not in dynamic
