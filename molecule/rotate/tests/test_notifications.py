"""The operators were told of the rotation: the TEST-ONLY receiver beside the host got
secrets_rotated naming what was rotated (never a value)."""

from host_checks import notifications


def test_the_rotation_was_notified(host):
    message = notifications(host, "secrets_rotated")[0]
    rotated = next(line for line in message["message"].splitlines() if line.startswith("rotated: "))
    assert {"JWT_SECRET", "LOG_INGEST_API_KEY"} <= set(rotated.removeprefix("rotated: ").split(", "))
