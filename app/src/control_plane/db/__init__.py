"""The one way the app reaches SQLite: the schema (`schema`), connections, transactions and
PRAGMAs (`sqlite`), migrations (`migrate`), backups, and the typed stores of users, auth
sessions and strategies."""

from control_plane.db import text_tokenizer

# Before any connection: the full-text index needs its tokenizer on every one (migration 0014).
text_tokenizer.register()
