"""Real `archive-service` processes on the test database: started, called over HTTP, killed."""
import http.client
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.conftest import PASSWORD
from tests.web.test_cli_and_config import free_port, wait_until_serving

SOURCE = str(Path(__file__).resolve().parents[2])  # this checkout, whatever is installed


class Server:
    """One `archive-service serve` on `db_url` and the scan store `scans`."""

    def __init__(self, db_url, scans, workdir):
        self.env = dict(os.environ, DATABASE_URL=db_url, ARCHIVE_SCANS_DIR=str(scans), ARCHIVE_ENV="development",
                        ARCHIVE_SECRET_KEY="resilience-test", PYTHONPATH=SOURCE)
        self.env.pop("ARCHIVE_FROZEN_NOW", None)  # the real clock: the sweep compares it with file times
        self.workdir = workdir
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "archive_service", "serve", "--port", str(self.port), "--threads", "4"],
            env=self.env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_until_serving(self.proc, self.port)
        self.tokens = {}

    def sign_in(self, username):
        status, body = self.call("POST", "/api/v1/tokens", {"username": username, "password": PASSWORD})
        assert status == 201, body
        self.tokens[username] = body["token"]
        return body["token"]

    def call(self, method, path, body=None, *, as_user=None, raw=None, content_type=None, timeout=60):
        """(status, JSON body); (None, the error) when the server went away before answering."""
        headers = {"Accept": "application/json"}
        if as_user:
            headers["Authorization"] = f"Bearer {self.tokens[as_user]}"
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if raw is not None:
            data, headers["Content-Type"] = raw, content_type
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")
        except (OSError, http.client.HTTPException) as gone:
            return None, gone

    def upload(self, archive_no, content, *, as_user, filename="scan.pdf"):
        body, content_type = multipart(content, filename)
        return self.call("POST", f"/api/v1/archives/{archive_no}/scans", as_user=as_user, raw=body,
                         content_type=content_type)

    def kill(self):
        """SIGKILL: no handler runs, no transaction commits, no file is closed cleanly."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.stdout.close()

    def cli(self, *args):
        return subprocess.run([sys.executable, "-m", "archive_service", *args], env=self.env, cwd=self.workdir,
                              capture_output=True, text=True, timeout=120)


def multipart(content, filename):
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
