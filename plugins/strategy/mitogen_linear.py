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

ansible-core compiles a template's text to Python each time it renders it (1-1.6 ms of CPU,
1,250 times in a no-change deploy: vars_files names and conditions once per task, then a task's
arguments in its worker). Here Jinja's compile keeps what it made for each text, in the main
process and so in every worker forked after it: the code depends only on the text, the
environment's settings (the same for every non-overlay environment of a run) and whether
backslashes are escaped. Each template still gets its own environment and variables.

Found here, under the repository's plugins/, so ansible.cfg names it without the path of the
virtualenv's site-packages. `ANSIBLE_STRATEGY=linear` runs a playbook the stock way."""

import contextvars
import os

import ansible_collections
import ansible_mitogen.planner
from ansible import constants as C
from ansible._internal._templating._engine import TemplateEngine
from ansible._internal._templating._jinja_bits import AnsibleEnvironment, _TemplateCompileContext
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


COMPILED_TEXTS_MAX = 5000
# An expression reaches Environment.compile parsed; its text is the key.
_expression_text = contextvars.ContextVar("expression_text", default=None)


def compile_key(environment, source, *options):
    """What the code Jinja compiles from `source` depends on, or None when it is not kept:
    overlays (a template's own #jinja2: settings) and debugging change how the text compiles."""
    if environment.overlayed or environment._debuggable_template_source:
        return None
    text = source if isinstance(source, str) else _expression_text.get()
    if text is None:
        return None
    context = _TemplateCompileContext.current(optional=True)
    escaped = context.escape_backslashes if context else None
    return (type(environment), isinstance(source, str), str(text), escaped, *options)


def keep_compiled_code(environment_class):
    """Wrap `environment_class`'s compile and compile_expression (once) so each text is compiled
    once a run (see the module's docstring)."""
    if getattr(environment_class.compile, "keeps_code", False):
        return
    compiled = {}
    compile_text = environment_class.compile
    compile_expression = environment_class.compile_expression

    def compile_kept(self, source, name=None, filename=None, raw=False, defer_init=False):
        key = compile_key(self, source, name, filename, raw, defer_init)
        if key is None:
            return compile_text(self, source, name, filename, raw, defer_init)
        code = compiled.get(key)
        if code is None:
            code = compile_text(self, source, name, filename, raw, defer_init)
            if len(compiled) >= COMPILED_TEXTS_MAX:
                compiled.clear()
            compiled[key] = code
        return code

    def compile_expression_keyed(self, source, *args, **kwargs):
        token = _expression_text.set(source)
        try:
            return compile_expression(self, source, *args, **kwargs)
        finally:
            _expression_text.reset(token)

    compile_kept.keeps_code = True
    environment_class.compile = compile_kept
    environment_class.compile_expression = compile_expression_keyed


keep_compiled_code(AnsibleEnvironment)


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
