"""The stock linear strategy run through Mitogen (ansible.cfg's `strategy`): each host keeps one
Python interpreter open for the run, and every task is a call into it, instead of a new
`docker exec` or SSH session, a new interpreter and a copied module per task.

Mitogen asks ansible-core for every installed collection's directory each time a task runs a
collection's module: ansible-core imports each collection to find it (0.3 s with the `ansible`
package's 92 collections), in a forked worker that forgets the answer. Here the directories are
listed once a play by reading the collection paths.

A task whose `when` is false is skipped here, in the controller's main process, with the result
a worker would send: forking a worker for it cost about as much as running a task (about 30 ms
of CPU; a deploy skips 80-110 tasks). A task that loops, is delegated, includes or runs once
still goes to a worker, which evaluates its conditions per item or for another host, and so does
any task whose conditions cannot be evaluated here: the worker raises the error as before.

Found here, under the repository's plugins/, so ansible.cfg names it without the path of the
virtualenv's site-packages. `ANSIBLE_STRATEGY=linear` runs a playbook the stock way."""

import os

import ansible_collections
import ansible_mitogen.planner
from ansible import constants as C
from ansible._internal._templating._engine import TemplateEngine
from ansible.executor.task_result import _RawTaskResult
from ansible.plugins.strategy.linear import StrategyModule as StockLinear
from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule as MitogenLinear


def installed_collection_dirs():
    """<path>/<namespace>/<name> of each installed collection, the first of the collection paths
    holding it winning, as ansible-core's import does (ansible.collections.list.list_collection_dirs
    answers the same, importing each one)."""
    found = {}
    for root in ansible_collections.__path__:
        for namespace in os.scandir(root):
            if not namespace.is_dir():
                continue
            for collection in os.scandir(namespace.path):
                if collection.is_dir():
                    found.setdefault((namespace.name, collection.name), collection.path)
    return list(found.values())


def load_collections_from(dirs):
    """Mitogen's planner._load_collections, given the directories."""

    def load_collections(invocation):
        invocation._extra_sys_paths.update(dirs)

    return load_collections


def skipped_result(loader, host, task, task_vars, play_context):
    """The result TaskExecutor returns for a task its `when` skips, or None when the task must go
    to a worker (see the module's docstring)."""
    if (
        not task.when
        or task.loop
        or task.loop_with
        or task.delegate_to
        or task.run_once
        or task.action in C._ACTION_ALL_INCLUDES
    ):
        return None
    templar = TemplateEngine(loader=loader, variables=task_vars)
    # The variables the worker evaluates `when` with: the task's, and the connection's "magic"
    # variables its play context adds (task_executor.TaskExecutor._execute_internal).
    variables = dict(task_vars)
    try:
        context = play_context.set_task_and_variable_override(task=task, variables=task_vars, templar=templar)
        context.post_validate(templar=templar)
        if not context.remote_addr:
            context.remote_addr = host.address
        context.update_vars(variables)
        condition = {}
        if task._resolve_conditional(task.when, variables, result_context=condition):
            return None
    except Exception:
        return None
    return {"changed": False, "skipped": True, "skip_reason": "Conditional result was False", **condition}


class StrategyModule(MitogenLinear):
    def _queue_task(self, host, task, task_vars, play_context):
        skipped = skipped_result(self._loader, host, task, task_vars, play_context)
        if skipped is None:
            return super()._queue_task(host, task, task_vars, play_context)
        # What StrategyBase._queue_task and WorkerProcess do around a task, without the fork.
        self._queued_task_cache[(host.name, task._uuid)] = {
            "host": host,
            "task": task,
            "task_vars": task_vars,
            "play_context": play_context,
        }
        self._tqm.send_callback("v2_runner_on_start", host, task)
        self._final_q.send_task_result(
            _RawTaskResult(host=host, task=task, return_data=skipped, task_fields=task.dump_attrs())
        )
        self._pending_results += 1

    def run(self, iterator, play_context, result=0):
        ansible_mitogen.planner._load_collections = load_collections_from(installed_collection_dirs())
        # A play on the implicit localhost alone (no inventory host) runs the stock way: it has no
        # round trip to save, and Mitogen's async jobs of community.docker modules never finish
        # (molecule's docker driver creates and destroys its hosts with them).
        hosts = self._inventory.get_hosts(iterator._play.hosts)
        if hosts and all(host.implicit for host in hosts):
            return StockLinear.run(self, iterator, play_context)
        return super().run(iterator, play_context, result)
