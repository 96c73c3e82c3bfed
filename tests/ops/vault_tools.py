"""Reading a vault file as an operator does (ansible-vault view), for tests/ops and the molecule
scenarios (their verifier has this directory on PYTHONPATH)."""

import os
import subprocess
from pathlib import Path


def vault_view(path: Path, password_file: Path, vault_id: str = "sandbox") -> str | None:
    """The decrypted text of a vault file, opened with that password alone (None when it does not open)."""
    result = subprocess.run(
        ["ansible-vault", "view", str(path)],
        env={**os.environ, "ANSIBLE_VAULT_IDENTITY_LIST": f"{vault_id}@{password_file}"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None
