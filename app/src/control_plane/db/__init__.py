"""The one way the app reaches SQLite: the schema (`schema`), connections, transactions and
PRAGMAs (`sqlite`), migrations (`migrate`), backups, and the typed stores of users, auth
sessions and strategies."""
