"""Where `logs ingest --once` spends its CPU, in process: the full-text indexer's thread, the WAL
checkpointer's thread and the rest (the tailer: read, parse, scrub, insert), for this tree and for
today's code (`--baseline-ref`), alternating so they share the load.

`cd app && uv run --locked python -m bench.ingest_cpu_split --lines 1000000`
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_logs import BASELINE_REF, baseline_source
from bench.harness import Workspace
from bench.log_corpus import write_corpus


def measure_here(workspace_root: Path) -> dict[str, float]:
    """In this process (the code on sys.path): ingest the workspace's log once, with the
    indexer and the checkpointer timed by their own threads' CPU clocks."""
    workspace = Workspace(workspace_root)
    os.environ.update(workspace.env())
    from control_plane.logs import full_text, one_shot
    from control_plane.settings import Settings

    threads: dict[str, float] = {}

    def timed_close(name: str, close: Any) -> Any:
        def close_and_count(self: Any) -> None:
            threads[name] = threads.get(name, 0.0) + time.thread_time()
            close(self)

        return close_and_count

    services = {"indexer": full_text.FullTextIndexService}
    checkpointer = getattr(one_shot, "WalCheckpointer", None)
    if checkpointer is not None:
        services["checkpointer"] = checkpointer
    for name, service in services.items():
        service.close = timed_close(name, service.close)  # type: ignore[method-assign]
    settings = Settings()
    started, main_started = time.process_time(), time.thread_time()
    rows = one_shot.ingest_once(settings)
    total, main = time.process_time() - started, time.thread_time() - main_started
    return {"rows": rows, "process": total, "main_thread": main, **threads}


def measure(root: Path, name: str, corpus: Path, **env: str) -> dict[str, float]:
    workspace = Workspace(root / name)
    workspace.log_path.parent.mkdir(parents=True)
    os.link(corpus, workspace.log_path)
    workspace.cli("db", "upgrade", **env)
    child = subprocess.run(
        [sys.executable, "-m", "bench.ingest_cpu_split", "--measure", str(workspace.root)],
        env=workspace.env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="LABEL=SRC",
        help="another tree's app/src measured beside them (a copy with its tokenizer built:"
        " `git archive` leaves the compiled word_trigram.so out)",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_here(args.measure)))
        return
    with tempfile.TemporaryDirectory(prefix="ingest-cpu-") as temp:
        root = Path(temp)
        corpus = root / "corpus.jsonl"
        write_corpus(corpus, args.lines)
        baseline = {"PYTHONPATH": str(baseline_source(root, args.baseline_ref))}
        print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
        trees = [("ours", {}), (f"today's ({args.baseline_ref})", baseline)]
        for tree in args.tree:
            label, _, source = tree.partition("=")
            trees.append((label, {"PYTHONPATH": str(Path(source).resolve())}))
        for trial in range(args.repeats):
            for index, (label, env) in enumerate(trees):
                split = measure(root, f"{trial}-{index}", corpus, **env)
                indexer = split.get("indexer", 0.0)
                checkpointer = split.get("checkpointer", 0.0)
                print(
                    f"{label:<20} process {split['process']:.2f} CPU-s: indexer {indexer:.2f},"
                    f" checkpointer {checkpointer:.2f},"
                    f" rest {split['process'] - indexer - checkpointer:.2f}"
                    f" (main thread {split['main_thread']:.2f});"
                    f" {split['rows'] / split['process']:,.0f} lines per CPU-s",
                    flush=True,
                )
        print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
