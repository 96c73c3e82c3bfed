"""Every route of the real app, from its own OpenAPI document, with generated requests.

Signed in as the admin; checks that no answer is a 5xx and that each status code, content
type, header and body is the one the document declares. Routes added later are covered
without changes here. Bounded and derandomised so CI is stable.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from control_plane.db.migrate import upgrade_to_head
from control_plane.login_throttle import LoginThrottle
from control_plane.main import create_app
from tests.conftest import make_settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded at import: schemathesis's lazy fixture loader does not work with this pytest.
DATA_DIR = Path(tempfile.mkdtemp(prefix="api-schema-"))
# Every pytest-xdist worker imports this module, and only the one that runs its tests uses it.
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
APP_SETTINGS = make_settings(DATA_DIR)
upgrade_to_head(APP_SETTINGS)
APP = create_app(APP_SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def admin_token(data_dir: Path) -> str:
    """A fresh sign-in for each operation: sign-out and the user routes revoke sessions, and
    the failed sign-ins generated for earlier operations must not hold this one back."""
    APP.state.login_throttle = LoginThrottle()
    # Through schemathesis, whose ASGI transport runs the app's lifespan (database engine,
    # admin, session runner) and ends it after each test: a second lifespan of its own
    # alongside would start the same app's session runner twice.
    login = schema["/api/auth/login"]["POST"].Case(
        body={"username": APP_SETTINGS.ADMIN_USERNAME, "password": APP_SETTINGS.ADMIN_PASSWORD}
    )
    response = login.call()
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_route_answers_as_documented(case: schemathesis.Case, admin_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)
