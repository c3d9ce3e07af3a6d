"""``ponapi demo`` (what ``make run`` starts): the printed commands work as printed."""

import json
import os
import re
import socket
import subprocess
import sys
import time

from tests.fixtures import validate_stats
from tests.services import free_port


def test_demo_prints_three_commands_that_work_as_printed(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ponapi.cli", "demo", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("List them:"):
                break
        banner = "".join(lines)
        commands = [ln.strip() for ln in lines if ln.strip().startswith(("TOKEN=", "curl -s"))]
        assert len(commands) == 3, banner  # login + two stats calls
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        script = (
            "set -e\n" + commands[0] + "\n" + "\n".join(f"echo '---'; {c}" for c in commands[1:])
        )
        out = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert out.returncode == 0, out.stderr
        bodies = [json.loads(chunk) for chunk in out.stdout.split("---") if chunk.strip()]
        assert len(bodies) == 2
        for body in bodies:
            validate_stats(body)
            assert body["success"] is True
        assert bodies[0]["meta"]["source"] == "genieacs"
        assert bodies[0]["data"]["general"]["modelName"] == "EG8145V5"
        assert bodies[1]["meta"]["source"] == "olt-cli"
        assert re.search(r'password "demo" \(demo mode only\)', banner)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_demo_on_a_taken_port_stops_at_once_and_says_why(tmp_path):
    """The API's port is bound before anything else starts: when it is taken the demo exits
    with the reason instead of starting simulators (which could otherwise land on a free one)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "ponapi.cli", "demo", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode != 0
    assert "address already in use" in (out.stdout + out.stderr).lower()
    assert "ponapi demo is running" not in out.stdout
