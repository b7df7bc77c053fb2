"""Schemathesis against the real app under gunicorn: generated requests for every /api operation,
in every phase, find no 5xx and no answer the OpenAPI description does not promise."""

import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).parent / "st"


def test_generated_requests_find_no_server_error_and_no_undocumented_answer(serve, tmp_path):
    server = serve()
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "--no-color",
            "run",
            f"{server.url}/api/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "15",
            "--request-timeout",
            "10",
            "--seed",
            "1",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: 6" in run.stdout, run.stdout[-3000:]
