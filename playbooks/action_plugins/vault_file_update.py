"""Set keys of an encrypted vars file on the controller, keeping it encrypted with the same vault id.

The file is decrypted with the vault secrets the play was started with (--vault-id, ansible.cfg),
the named top-level keys are rewritten line by line (comments and every other value stay as they
are), and the result is encrypted again with the secret and vault id that opened it. Each value
is written as `!unsafe '...'`, so Ansible never renders it as a template. Nothing is returned
but key names, so a leaked result shows no value.

    - name: Write the new secrets into the vault
      vault_file_update:
        path: inventory/production/group_vars/all/vault.yml
        values: {vault_jwt_secret: "..."}
      no_log: true
"""

from __future__ import annotations

import os
import re
import tempfile

import yaml
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import VaultLib, is_encrypted, parse_vaulttext_envelope
from ansible.plugins.action import ActionBase

KEY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UnsafeText(str):
    """A value written with Ansible's !unsafe tag: never templated."""


class VaultDumper(yaml.SafeDumper):
    pass


class VaultLoader(yaml.SafeLoader):
    pass


VaultDumper.add_representer(
    UnsafeText, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value), style="'")
)
VaultLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_vars(text: str) -> dict:
    """The vars file's mapping, !unsafe values read as the plain strings they are."""
    return yaml.load(text, Loader=VaultLoader) or {}  # noqa: S506 - a SafeLoader with one tag


def plain(text: str) -> str:
    return text.encode("utf-8").decode("utf-8")


def set_keys(plaintext: str, values: dict[str, str]) -> str:
    """Replace each key's one-line value (or append the key), leaving every other line alone."""
    for key, value in values.items():
        line = yaml.dump(
            {key: UnsafeText(value)}, Dumper=VaultDumper, default_flow_style=False, width=float("inf")
        ).rstrip("\n")
        pattern = re.compile(rf"^{re.escape(key)}[ \t]*:.*$", re.MULTILINE)
        if len(pattern.findall(plaintext)) > 1:
            raise AnsibleActionFail(f"{key} is set more than once in the vault file")
        if pattern.search(plaintext):
            plaintext = pattern.sub(lambda _match, new=line: new, plaintext)
        else:
            plaintext = plaintext.rstrip("\n") + "\n" + line + "\n"
    return plaintext


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        path = self._task.args.get("path")
        values = self._task.args.get("values")
        if not isinstance(path, str) or not path:
            raise AnsibleActionFail("path (the encrypted vars file) is required")
        if not isinstance(values, dict) or not values:
            raise AnsibleActionFail("values (a mapping of keys to new values) is required")
        for key, value in values.items():
            if not KEY_NAME.match(str(key)) or not isinstance(value, str):
                raise AnsibleActionFail(f"values must map variable names to strings ({key} does not)")
        # Plain strings: the templar's values are tagged str subclasses YAML cannot dump.
        values = {plain(key): plain(value) for key, value in values.items()}
        path = os.path.abspath(os.path.expanduser(plain(path)))

        try:
            with open(path, "rb") as handle:
                vaulttext = handle.read()
        except OSError as error:
            raise AnsibleActionFail(f"cannot read the vault file {path}: {error.strerror}") from None
        if not is_encrypted(vaulttext):
            raise AnsibleActionFail(f"{path} is not vault-encrypted; refusing to write secrets into it")
        _, _, _, vault_id = parse_vaulttext_envelope(vaulttext)
        vault = VaultLib(self._loader._vault.secrets or [])
        try:
            plaintext, _, secret = vault.decrypt_and_get_vault_id(vaulttext)
        except Exception:  # the vault's messages can quote the file; keep them out of the output
            raise AnsibleActionFail(
                f"cannot decrypt {path} with the vault secrets given (vault id {vault_id})"
            ) from None

        before = load_vars(to_text(plaintext))
        updated = set_keys(to_text(plaintext), values)
        try:
            laid_out = load_vars(updated) == {**before, **values}
        except yaml.YAMLError:  # its message quotes the text: keep it out of the output
            laid_out = False
        if not laid_out:
            raise AnsibleActionFail(
                "the vault file's layout cannot be updated line by line (a multi-line value of a key "
                "being set?); nothing was written"
            )

        new_vaulttext = vault.encrypt(updated, secret=secret, vault_id=vault_id)
        mode = os.stat(path).st_mode & 0o7777
        directory = os.path.dirname(path)
        handle, temporary = tempfile.mkstemp(prefix=".vault-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(to_bytes(new_vaulttext))
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

        result.update(changed=True, path=path, vault_id=vault_id, keys=sorted(values))
        return result
