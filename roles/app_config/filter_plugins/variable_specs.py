"""The argument specs of the variables a play sets, to check them before a role that reads them
runs. Pure function, unit-tested in tests/ops/test_validate_variables.py."""

from ansible.errors import AnsibleFilterError


def set_variable_specs(argument_specs, defined):
    """The options of a role's main entry point (its meta/argument_specs.yml, parsed) that are in
    `defined` (the names the play has set), without `required`: a value left to the role's
    defaults, or set by an earlier role at run time, is the role's own check."""
    if not isinstance(argument_specs, dict):
        raise AnsibleFilterError(f"set_variable_specs takes a parsed argument_specs.yml, not {type(argument_specs).__name__}")
    options = ((argument_specs.get("argument_specs") or {}).get("main") or {}).get("options") or {}
    names = set(defined)
    return {
        name: {key: value for key, value in spec.items() if key != "required"}
        for name, spec in options.items()
        if name in names
    }


class FilterModule:
    def filters(self):
        return {"set_variable_specs": set_variable_specs}
