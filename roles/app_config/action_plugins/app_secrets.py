"""Read the backend's secrets from the variables that hold them, exactly as written, or refuse them.

Each variable's value is taken as it stands in the inventory (the vault): it is never rendered
as a template, so `{{ 7*7 }}` in a secret stays those seven characters. A value that is not a
string, or holds a line break, a carriage return or NUL, is refused naming the variable (never
its value): a secret is one line. An undefined variable gives an empty secret (unset).
`unset` lists the secrets that are empty or a placeholder by the rule the app applies too
(app/src/control_plane/secret_placeholders.txt). `digest` changes whenever any secret does
(an HMAC keyed by JWT_SECRET, so it tells nothing about the values). `secrets` also holds the
tokens derived from JWT_SECRET (DERIVED_TOKENS).

    - name: Read the secrets
      app_secrets:
        variables: {JWT_SECRET: vault_jwt_secret}
        placeholder_file: app/src/control_plane/secret_placeholders.txt
      register: app_config_secrets
      no_log: true
    # app_config_secrets.secrets.JWT_SECRET is the value, untemplated; app_config_secrets.unset
    # names the secrets that are not set.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from ansible.errors import AnsibleActionFail
from ansible.parsing.vault import EncryptedString
from ansible.plugins.action import ActionBase

# The alert relay's bearer token, shown to it by Alertmanager (the monitoring profile).
DERIVED_TOKENS = {"ALERT_RELAY_TOKEN": b"alert-relay"}
FORBIDDEN = {"\n": "a line break", "\r": "a carriage return", "\x00": "a NUL character"}


def secret_text(variable: str, value: object) -> str:
    """The value as a plain string, or a refusal that names the variable and not the value."""
    if value is None:
        return ""
    if not isinstance(value, (str, EncryptedString)):
        raise AnsibleActionFail(
            f"{variable} must be a string (quote it in the vault), not a {type(value).__name__}"
        )
    try:
        text = str(value).encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:
        raise AnsibleActionFail(f"{variable} is not valid UTF-8 text") from None
    found = [name for character, name in FORBIDDEN.items() if character in text]
    if found:
        raise AnsibleActionFail(
            f"{variable} holds {' and '.join(found)}; a secret must be one line. Nothing was changed."
        )
    return text


def placeholder_pattern(rule: str) -> re.Pattern[str]:
    """The rule file's patterns as one expression, the way control_plane.settings builds it."""
    patterns = [line for line in rule.splitlines() if line and not line.startswith("#")]
    return re.compile(f"^(?:{'|'.join(patterns)})?$", re.IGNORECASE)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        variables = self._task.args.get("variables")
        if not isinstance(variables, dict) or not variables:
            raise AnsibleActionFail("variables (a mapping of secret names to variable names) is required")
        placeholder_file = self._task.args.get("placeholder_file")
        if not isinstance(placeholder_file, str) or not placeholder_file:
            raise AnsibleActionFail("placeholder_file (the app's placeholder rule) is required")
        try:
            with open(placeholder_file, encoding="utf-8") as handle:
                placeholder = placeholder_pattern(handle.read())
        except (OSError, re.error) as error:
            raise AnsibleActionFail(f"cannot read the placeholder rule {placeholder_file}: {error}") from None
        task_vars = task_vars or {}
        secrets = {}
        for name, variable in variables.items():
            if not isinstance(variable, str) or not variable:
                raise AnsibleActionFail(f"the variable holding {name} must be named by a string")
            # task_vars holds each value as written; reading it here skips the templating a
            # "{{ variable }}" reference would apply.
            secrets[str(name)] = secret_text(str(variable), task_vars.get(variable))
        unset = [name for name, value in secrets.items() if placeholder.match(value.strip())]
        key = secrets.get("JWT_SECRET", "").encode("utf-8")
        digest = hmac.new(key, json.dumps(secrets, sort_keys=True).encode("utf-8"), hashlib.sha256)
        # Tokens between the stack's own services, keyed by JWT_SECRET: no vault variable to keep,
        # and rotated with it. Written as secret files like the others.
        for name, purpose in DERIVED_TOKENS.items():
            secrets[name] = hmac.new(key, purpose, hashlib.sha256).hexdigest() if key else ""
        result.update(changed=False, secrets=secrets, unset=unset, digest=digest.hexdigest())
        return result
