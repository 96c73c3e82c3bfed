"""The operators were told of the restore: the TEST-ONLY receiver beside the host got
database_restored naming the backup put back."""

from host_checks import notifications


def test_the_restore_was_notified(host):
    message = notifications(host, "database_restored")[0]
    backups = [line for line in message["message"].splitlines() if line.startswith("backup: ")]
    assert len(backups) == 1
    assert backups[0].endswith(".db")
    assert message["title"] == f"Database restored on {host.backend.get_hostname()}"
