"""The one way the app reaches SQLite: the schema (`schema`), connections, transactions and
PRAGMAs (`sqlite`), migrations (`migrate`), backups, and the typed stores of users, auth
sessions and strategies."""

from control_plane.db import sqlite_library, text_tokenizer

# Before any connection, in this order: configuring the library forgets automatic extensions.
sqlite_library.configure()
# The full-text index needs its tokenizer on every connection (migration 0014).
text_tokenizer.register()
