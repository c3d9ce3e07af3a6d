"""Every command block of the README runs as pasted: the ```sh blocks, in order, in one bash
(so variables set in one block are there for the next, as in one terminal), against a freshly
started demo. The only change is the demo's port (8000 may be taken here). The Quick start's
`make run` / `make test` block is what this test does itself, so it is not run again.
Each curl fails the script on an HTTP error (``--fail-with-body``)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)


def runnable(block: str) -> bool:
    lines = [ln for ln in block.splitlines() if ln.strip()]
    return not all(ln.startswith("make ") for ln in lines)


def test_the_readme_has_command_blocks_and_links_its_reference_docs():
    blocks = sh_blocks(README)
    assert len([b for b in blocks if runnable(b)]) >= 3
    assert not [b for b in blocks if "<" in re.sub(r"<<|2>&1|< ", "", b)], "placeholders"
    for link in re.findall(r"\]\(((?:docs|examples|deploy)/[^)#]+)", README):
        assert (ROOT / link).exists(), link
    for doc in ("configuration", "production", "integration", "errors", "security"):
        assert f"(docs/{doc}.md)" in README


def test_every_readme_command_block_runs_as_pasted_against_the_demo(tmp_path):
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
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        blocks = [b for b in sh_blocks(README) if runnable(b)]
        script = "\n".join(blocks).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        prelude = (
            'set -eo pipefail\ncurl() { command curl --fail-with-body --max-time 90 "$@"; echo; }\n'
        )
        out = subprocess.run(
            ["bash", "-c", prelude + script],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )
        assert out.returncode == 0, (out.stdout[-3000:], out.stderr[-3000:])
        assert '"cancelled"' in out.stdout  # the queued change's task id went through $TASK
        assert '"ssid":"Casa-2G"' in out.stdout
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
