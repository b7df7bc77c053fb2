"""Gunicorn config for the benchmarks: each worker leaves a file once it has
loaded the app, so a run starts its clock only when every worker can answer.
Without it the first clients wait for workers still importing (about 0.9 s
each for the real app), and that boot time shows up as tail latency."""

import os
from pathlib import Path


def post_worker_init(worker):
    Path(os.environ["BENCHMARK_READY_DIR"], str(worker.pid)).touch()
