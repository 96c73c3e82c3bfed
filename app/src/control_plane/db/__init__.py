"""Database access: engines, connections and migrations."""
