"""`reviewer serve` from the command line: binds 127.0.0.1 by default, serves, and reports a bad setting in one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_starts_on_localhost_with_the_data_folder_from_the_environment(tmp_path):
    port = free_port()
    env = {**os.environ, "REVIEWER_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "reviewer", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200 and "审阅绩效自评报告" in response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"数据库：sqlite:///{tmp_path / 'data' / 'reviewer.db'}" in output
    assert f"http://127.0.0.1:{port}" in output
    assert (tmp_path / "data" / "reviewer.db").is_file()


def test_serve_with_an_unusable_database_exits_2_with_one_line(tmp_path):
    env = {**os.environ, "REVIEWER_DATABASE_URL": "nosuchdialect://x", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "reviewer", "serve"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "数据库地址无效：nosuchdialect://x" in result.stderr and "Traceback" not in result.stderr
