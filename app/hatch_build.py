"""Hatchling build hook: compiles the SQLite extension of native/ (the full-text index's
tokenizer) into the package, for an editable install (`uv sync`, the development environment)
and for the wheel the backend image installs. Needs a C compiler and SQLite's headers
(`sqlite3ext.h`: Debian's libsqlite3-dev)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("native/word_trigram.c")
# Where control_plane.db.text_tokenizer loads it from.
TARGET = Path("src/control_plane/db/word_trigram.so")
FLAGS = ("-O2", "-Wall", "-Wextra", "-fPIC", "-shared")


class NativeExtensionHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        compiler = os.environ.get("CC", "cc")
        subprocess.run([compiler, *FLAGS, "-o", str(root / TARGET), str(root / SOURCE)], check=True)
        if version != "editable":
            build_data["force_include"][str(root / TARGET)] = "control_plane/db/word_trigram.so"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
