"""The stock linear strategy run through Mitogen (ansible.cfg's `strategy`): each host keeps one
Python interpreter open for the run, and every task is a call into it, instead of a new
`docker exec` or SSH session, a new interpreter and a copied module per task.

Found here, under the repository's plugins/, so ansible.cfg names it without the path of the
virtualenv's site-packages. `ANSIBLE_STRATEGY=linear` runs a playbook the stock way."""

from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule

__all__ = ["StrategyModule"]
