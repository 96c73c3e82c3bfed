from __future__ import annotations

import pytest

from control_plane.settings import (
    ConfigurationError,
    is_placeholder,
    load_settings,
    secret_setting_names,
    secret_values,
)

PRODUCTION_SECRETS = {
    "JWT_SECRET": "a-real-secret-value-with-enough-entropy-42",
    "LOG_INGEST_API_KEY": "k-7f3a9c1e",
    "ADMIN_PASSWORD": "s3cure-admin-pass",
    "OPS_API_TOKEN": "o-93be0d4a",
}


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    for name, value in PRODUCTION_SECRETS.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("value", ["", "changeme", "CHANGE_ME_PLEASE", "replace-me", " Changeme "])
def test_placeholders_are_recognised(value: str) -> None:
    assert is_placeholder(value)


def test_real_value_is_not_placeholder() -> None:
    assert not is_placeholder("k-7f3a9c1e")


def test_production_accepts_real_secrets_without_trading_keys(production_env: None) -> None:
    settings = load_settings()
    assert settings.APP_ENV == "production"
    assert settings.DELTA_API_KEY == ""


@pytest.mark.parametrize("name", sorted(PRODUCTION_SECRETS))
@pytest.mark.parametrize("bad", ["", "changeme", "CHANGE_ME"])
def test_production_refuses_placeholder_naming_the_variable(
    production_env: None, monkeypatch: pytest.MonkeyPatch, name: str, bad: str
) -> None:
    monkeypatch.setenv(name, bad)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert name in str(raised.value)
    assert "\n" not in str(raised.value)


def test_production_refuses_missing_secret(
    production_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOG_INGEST_API_KEY")
    with pytest.raises(ConfigurationError, match="LOG_INGEST_API_KEY"):
        load_settings()


def test_development_allows_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "development")
    assert load_settings().BACKEND_LOG_RETENTION_DAYS == 7


def test_non_sqlite_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://x/y")
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        load_settings()


def test_production_refuses_live_trading_without_delta_credentials(
    production_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVE_TRADING_ENABLED", "true")
    monkeypatch.setenv("DELTA_API_KEY", "changeme")
    with pytest.raises(ConfigurationError, match="DELTA_API_KEY and DELTA_API_SECRET"):
        load_settings()
    monkeypatch.setenv("DELTA_API_KEY", "dk-1b2c3d")
    monkeypatch.setenv("DELTA_API_SECRET", "ds-4e5f6a")
    assert load_settings().live_trading_refusal is None


def test_heartbeat_ttl_must_outlive_two_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGINE_TICK_SECONDS", "20")
    with pytest.raises(ConfigurationError, match="at least twice ENGINE_TICK_SECONDS"):
        load_settings()
    monkeypatch.setenv("DELTA_HEARTBEAT_TTL_SECONDS", "40")
    assert load_settings().DELTA_HEARTBEAT_TTL_SECONDS == 40


@pytest.mark.parametrize(
    ("name", "value"), [("ACCESS_TOKEN_MINUTES", "0"), ("SESSION_MAX_HOURS", "-1")]
)
def test_token_lifetimes_must_be_positive(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings()


def test_an_access_token_may_not_outlive_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "61")
    monkeypatch.setenv("SESSION_MAX_HOURS", "1")
    with pytest.raises(ConfigurationError, match="ACCESS_TOKEN_MINUTES"):
        load_settings()
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "60")
    assert load_settings().ACCESS_TOKEN_MINUTES == 60


HOSTILE_SECRET = " $HOME $$ ${USER} 'q' \"d\" # tail = \\ ` é Ab{{ 7*7 }}ef "


def write_secret_files(directory, values: dict[str, str]) -> None:
    directory.mkdir(exist_ok=True)
    for name, value in values.items():
        (directory / name).write_bytes(value.encode("utf-8"))


def test_secret_files_are_read_byte_for_byte(production_env: None, monkeypatch, tmp_path) -> None:
    values = {
        "JWT_SECRET": HOSTILE_SECRET + "0123456789abcdef",
        "ADMIN_PASSWORD": HOSTILE_SECRET,
        "LOG_INGEST_API_KEY": "  key with spaces  ",
        "DELTA_API_KEY": "$$",
    }
    write_secret_files(tmp_path / "secrets", values)
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path / "secrets"))
    settings = load_settings()
    for name, value in values.items():
        assert getattr(settings, name) == value, name


def test_a_secret_file_wins_over_the_environment(
    production_env: None, monkeypatch, tmp_path
) -> None:
    write_secret_files(tmp_path / "secrets", {"ADMIN_PASSWORD": "from-the-file-42"})
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path / "secrets"))
    settings = load_settings()
    assert settings.ADMIN_PASSWORD == "from-the-file-42"
    assert settings.JWT_SECRET == "a-real-secret-value-with-enough-entropy-42"


@pytest.mark.parametrize("bad", ["pw\nAPP_UID=0", "pw\n", "pw\r", "p\x00w"])
def test_a_secret_file_with_a_line_break_or_nul_is_refused_naming_it(
    production_env: None, monkeypatch, tmp_path, bad: str
) -> None:
    write_secret_files(tmp_path / "secrets", {"ADMIN_PASSWORD": bad})
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path / "secrets"))
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert str(raised.value).startswith("ADMIN_PASSWORD: ")
    assert "pw" not in str(raised.value).replace(str(tmp_path), "")


def test_a_secret_file_that_is_not_utf8_is_refused(
    production_env: None, monkeypatch, tmp_path
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "JWT_SECRET").write_bytes(b"\xff" * 40)
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path / "secrets"))
    with pytest.raises(ConfigurationError, match=r"^JWT_SECRET: .* not UTF-8"):
        load_settings()


def test_a_missing_secrets_dir_is_refused(production_env: None, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path / "absent"))
    with pytest.raises(ConfigurationError, match=r"^SECRETS_DIR: "):
        load_settings()


@pytest.mark.parametrize("value", [" admin", "admin ", "\tPassword", "  "])
def test_surrounding_whitespace_does_not_hide_a_placeholder(
    production_env: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    assert is_placeholder(value)
    monkeypatch.setenv("ADMIN_PASSWORD", value)
    with pytest.raises(ConfigurationError, match="ADMIN_PASSWORD"):
        load_settings()


def test_the_settings_repr_leaves_every_secret_out(production_env: None, monkeypatch) -> None:
    # A failing test or an error report prints the settings; no secret may be in that text.
    secrets = {
        **PRODUCTION_SECRETS,
        "DELTA_API_KEY": "dk-51c0ffee",
        "DELTA_API_SECRET": "ds-9a7e2b11",
        "NOTIFY_URLS": "json://127.0.0.1:8025/hook-4d2e",
        "ALERT_RELAY_TOKEN": "relay-3f9a1c77e0",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    shown = repr(settings) + str(settings)
    assert "APP_ENV='production'" in shown
    for name, value in secrets.items():
        assert getattr(settings, name) == value
        assert value not in shown, name
        assert name not in shown, name
    assert set(secret_setting_names()) == set(secrets)
    assert set(secret_values(settings)) == set(secrets.values())
