"""The operators were told of the rollback: the TEST-ONLY receiver beside the host got
deploy_rolled_back naming the broken release and the one serving again."""

from host_checks import notifications, scenario_facts


def test_the_rollback_was_notified(host):
    facts = scenario_facts(host, "rollback")
    messages = notifications(host, "deploy_rolled_back")
    automatic = [m for m in messages if f"to_sha: {facts['bad_sha']}" in m["message"].splitlines()]
    assert automatic, messages
    lines = automatic[0]["message"].splitlines()
    assert f"from_sha: {facts['good_sha']}" in lines
    assert f"release: {facts['good_sha']}" in lines
    assert automatic[0]["type"] == "warning"
