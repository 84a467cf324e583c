"""The `make demo` promise: `doudi demo` builds a district, prints working logins and serves.

Runs the real console script in a subprocess (local settings, SQLite in a fresh var dir) and
signs in with every account it prints, as a person following the printed instructions would.
"""

from __future__ import annotations

import base64
import os
import queue
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.e2e.pages import sign_out, submit_login

pytestmark = pytest.mark.e2e

DOUDI = Path(sys.executable).parent / "doudi"
START_TIMEOUT = 180

PASSWORD_LINE = re.compile(r"^Demo logins \(password for every account: (?P<password>\S+)\)$")
ACCOUNT_LINE = re.compile(
    r"^  (?P<username>\S+)\s+(?P<role>.+?)\s+(?P<place>\S+)"
    r"(?:   TOTP key (?P<key>[A-Z2-7]+) \(current code: doudi totp (?P=username)\))?$"
)
SERVING_LINE = re.compile(r"^serving (?P<url>http://\S+/) — Ctrl-C to stop$")

# The zh_Hans home-page heading (h1) of each demo account, from web/home_*.html and
# locale/zh_Hans/LC_MESSAGES/django.po; "{place}" is the jurisdiction the demo printed.
EXPECTED = {
    # username: (role label, needs TOTP, heading)
    "officer": ("社区救助干事", False, "{place} — 社区救助工作"),
    "provider": ("社工 / 志愿者", False, "我的服务任务"),
    "reviewer": ("街道审核人员", False, "{place} — 审核队列"),
    "bureau": ("区民政局", True, "{place}民政局 — 总览"),
    "auditor": ("监督人员", True, "监督与审计"),
    "dataofficer": ("部门数据员", False, "数据报送 — 残联"),
    "applicant": ("申请人", False, "我的申请"),
    "admin": ("系统管理员", True, "系统管理"),
    "security": ("安全保密管理员", True, "安全管理"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_from_key(key: str) -> str:
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(secret, step=30, digits=6):06d}"


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class DemoServer:
    def __init__(self, var_dir: str, port: int):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
        }
        env.update(DOUDI_VAR_DIR=var_dir, PYTHONUNBUFFERED="1")
        self.stderr = open(Path(var_dir) / "demo.stderr", "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(DOUDI), "demo", "--households", "100", "--addr", f"127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=var_dir,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.output: list[str] = []

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def read_until_serving(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.output.append(line)
            if match := SERVING_LINE.match(line):
                return match["url"]
        raise AssertionError(f"no serving line; stdout={self.output!r} stderr={self.log()!r}")

    def log(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()[-3000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.stderr.close()


def parse_accounts(lines: list[str]) -> tuple[str, dict[str, dict]]:
    passwords = [m["password"] for line in lines if (m := PASSWORD_LINE.match(line))]
    assert len(passwords) == 1, lines
    start = lines.index("演示账号（所有账号密码相同）") + 1
    accounts = {}
    for line in lines[start:]:
        if not line.strip():
            break
        match = ACCOUNT_LINE.match(line)
        assert match, f"unparsable account line {line!r}"
        accounts[match["username"]] = match.groupdict()
    return passwords[0], accounts


def test_make_demo_serves_working_logins_for_every_role(page):
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="doudi-e2e-demo-") as var_dir:
        server = DemoServer(var_dir, port)
        try:
            url = server.read_until_serving()
            base = f"http://127.0.0.1:{port}"
            assert url == f"{base}/"
            assert server.output[0] == (
                f"building a demo district of 100 households in {Path(var_dir).resolve()}/demo …"
            )
            assert re.fullmatch(r"loaded 100 households, \d+ people", server.output[1])
            assert re.fullmatch(r"ingested \d+ department feed files", server.output[2])
            assert re.fullmatch(r"linked \d+ records into \d+ persons", server.output[3])
            assert re.fullmatch(r"monitoring: [1-9]\d* households warned", server.output[4])
            password, accounts = parse_accounts(server.output)
            assert password == "Doudi-Demo-2026"
            assert list(accounts) == list(EXPECTED)
            for username, (role, needs_totp, _) in EXPECTED.items():
                assert accounts[username]["role"] == role
                assert (accounts[username]["key"] is not None) == needs_totp, username
            assert accounts["dataofficer"]["place"] == "—"
            assert accounts["bureau"]["place"] == "武昌区"

            # runserver prints its banner before it binds: wait until it answers.
            # The serving line is printed just before runserver binds: retry connection
            # errors (refused, or reset while it starts) until both assets answer.
            deadline = time.monotonic() + 30
            statuses = {}
            for asset in ("doudi/doudi.css", "vendor/htmx.min.js"):
                while True:
                    try:
                        statuses[asset] = http_status(f"{base}/static/{asset}")
                        break
                    except OSError:
                        assert server.proc.poll() is None, server.log()
                        assert time.monotonic() < deadline, server.log()
                        time.sleep(0.2)
            assert statuses == {"doudi/doudi.css": 200, "vendor/htmx.min.js": 200}

            page.goto(url)
            assert page.url == f"{base}/accounts/login/?next=/"
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            assert page.locator("h1").inner_text() == "登录兜底平台"

            for username, (_, needs_totp, heading) in EXPECTED.items():
                account = accounts[username]
                code = (lambda key=account["key"]: code_from_key(key)) if needs_totp else None
                submit_login(page, base, username, password, totp_code=code)
                assert page.url == f"{base}/"
                assert page.locator("h1").inner_text() == heading.format(place=account["place"])
                sign_out(page, base)
                assert page.locator("h1").inner_text() == "登录兜底平台"
            workers = descendants(server.proc.pid)
            assert len(workers) == 1, workers  # the background task worker, and nothing else
        finally:
            server.stop()
        assert server.proc.returncode == 0
        # Stopping the demo (SIGTERM, as a service manager does) stops its task worker too.
        time.sleep(0.5)
        assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []


def descendants(pid: int) -> list[int]:
    found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return found + [d for child in found for d in descendants(child)]
