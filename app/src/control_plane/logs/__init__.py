"""The backend log pipeline: tailing the JSON log file into SQLite, and retention."""
