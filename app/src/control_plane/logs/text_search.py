"""Text search over a log row's message and payload: every word the user typed must appear in
either, without case, as a whole word or any part of one (an order id's tail, a path's middle).

The full-text index holds trigrams without positions, only those inside words (migration 0014,
the `word_trigram` tokenizer: runs of ASCII letters and digits and of any non-ASCII character,
ASCII lower-cased), so a word is looked up as the set of its trigrams, which finds a superset;
every candidate is then checked for the word itself. Words under three letters have no
trigram: they are only checked, so a search made of them alone scans (newest first, so a page
of frequent matches still comes back fast).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, false, func

TRIGRAM = 3
# Letters and digits, so punctuation in the input (FTS5 syntax too) separates words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The distinct words of the text, lower case, in the order typed."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))


def trigram_match(text: str) -> str | None:
    """The FTS5 MATCH expression of the words' trigrams (all required), or None when no word
    is long enough to have one. Trigrams are letters and digits only, quoted all the same."""
    trigrams = dict.fromkeys(
        word[start : start + TRIGRAM]
        for word in search_words(text)
        for start in range(len(word) - TRIGRAM + 1)
    )
    return " ".join(f'"{trigram}"' for trigram in trigrams) or None


def text_checks(logs: Any, text: str) -> list[ColumnElement[bool]]:
    """Every word in the message or the payload, without case: the exact test the trigram
    lookup narrows down to, and the whole search where there is no index (archived days)."""
    words = search_words(text)
    if not words:
        return [false()]
    haystack = func.lower(func.coalesce(logs.message, "") + " " + func.coalesce(logs.payload, ""))
    return [func.instr(haystack, word) > 0 for word in words]
