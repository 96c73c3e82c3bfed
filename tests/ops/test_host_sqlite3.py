"""delta-sqlite3, the host's sqlite3 with the app's SQLite extension (roles/app_backup): it
opens the full-text index that plain sqlite3 cannot, opens an older database when the host has no
extension yet, and is the only sqlite3 the roles and the off-host backup script run."""

import re
import shlex
import subprocess
from pathlib import Path

import jinja2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLE = ROOT / "roles/app_backup"
SOURCE = ROOT / "app/native/word_trigram.c"
WRITE_TEXT = (
    "CREATE VIRTUAL TABLE texts USING fts5(message, tokenize='word_trigram', detail='none');"
    " INSERT INTO texts VALUES ('order 7788 placed')"
)


def render_command(tmp_path: Path, extension: Path) -> Path:
    role_vars = yaml.safe_load((ROLE / "vars/main.yml").read_text())
    # A shell script, not HTML: nothing to escape (Ansible's template module escapes nothing either).
    template = jinja2.Environment(  # noqa: S701
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    template.filters["quote"] = shlex.quote
    text = template.from_string((ROLE / "templates/delta-sqlite3.j2").read_text()).render(
        ansible_managed="rendered by the test",
        app_backup_sqlite_extension=str(extension),
        app_backup_sqlite_extension_entry=role_vars["app_backup_sqlite_extension_entry"],
    )
    command = tmp_path / "delta-sqlite3"
    command.write_text(text)
    command.chmod(0o755)
    return command


@pytest.fixture(scope="module")
def extension(tmp_path_factory) -> Path:
    """The extension compiled from the app's source, as the backend image's build does."""
    built = tmp_path_factory.mktemp("extension") / "word_trigram.so"
    subprocess.run(["cc", "-O2", "-fPIC", "-shared", "-o", str(built), str(SOURCE)], check=True)
    return built


def run(*argv: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(arg) for arg in argv], capture_output=True, text=True, check=False)


def test_the_command_reads_the_full_text_index_that_plain_sqlite3_cannot(tmp_path, extension):
    command = render_command(tmp_path, extension)
    database = tmp_path / "delta_trader.db"
    created = run(command, database, WRITE_TEXT)
    assert created.returncode == 0, created.stderr
    search = 'SELECT count(*) FROM texts WHERE texts MATCH \'"ord" "778"\''
    found = run(command, "-readonly", database, search)
    assert (found.returncode, found.stdout.strip()) == (0, "1"), found.stderr
    assert run(command, database, "PRAGMA integrity_check").stdout.strip() == "ok"
    plain = run("sqlite3", database, search)
    assert "no such tokenizer: word_trigram" in plain.stderr


def test_without_the_extension_the_command_is_plain_sqlite3(tmp_path):
    command = render_command(tmp_path, tmp_path / "absent/word_trigram.so")
    database = tmp_path / "before-0014.db"
    assert run("sqlite3", database, "CREATE TABLE alembic_version (version_num TEXT)").returncode == 0
    answer = run(command, database, "SELECT count(*) FROM alembic_version")
    assert (answer.returncode, answer.stdout.strip(), answer.stderr) == (0, "0", "")


def test_every_sqlite3_the_roles_run_is_the_one_command():
    # A task's argv (inline or listed) or a shell line starting with the bare sqlite3 binary; the
    # one exception is sqlite-extension.yml's probe of a new build, on an in-memory database.
    bare = re.compile(r"argv: \[sqlite3\b|^\s*- sqlite3\s*$|^\s*sqlite3 (?!-bail :memory:)", re.MULTILINE)
    script = ROLE / "files/offsite-backup.sh"
    files = [*ROOT.glob("roles/*/tasks/*.yml"), *ROOT.glob("playbooks/**/*.yml"), script]
    assert [str(path.relative_to(ROOT)) for path in files if bare.search(path.read_text())] == []
    assert """"$OFFSITE_SQLITE3" "$1" 'PRAGMA integrity_check'""" in script.read_text()
