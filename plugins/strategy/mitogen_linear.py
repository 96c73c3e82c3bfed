"""The stock linear strategy run through Mitogen (ansible.cfg's `strategy`): each host keeps one
Python interpreter open for the run, and every task is a call into it, instead of a new
`docker exec` or SSH session, a new interpreter and a copied module per task.

Found here, under the repository's plugins/, so ansible.cfg names it without the path of the
virtualenv's site-packages. `ANSIBLE_STRATEGY=linear` runs a playbook the stock way."""

from ansible.plugins.strategy.linear import StrategyModule as StockLinear
from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule as MitogenLinear


class StrategyModule(MitogenLinear):
    def run(self, iterator, play_context, result=0):
        # A play on the implicit localhost alone (no inventory host) runs the stock way: it has no
        # round trip to save, and Mitogen's async jobs of community.docker modules never finish
        # (molecule's docker driver creates and destroys its hosts with them).
        hosts = self._inventory.get_hosts(iterator._play.hosts)
        if hosts and all(host.implicit for host in hosts):
            return StockLinear.run(self, iterator, play_context)
        return super().run(iterator, play_context, result)
