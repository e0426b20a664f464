"""Real servers on loopback for the delivery tests: an SMTP server (aiosmtpd) and an HTTP server
standing in for the WeCom and DingTalk robots."""
import asyncio
import http.server
import json
import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailSink:
    """Keeps every message it accepts. With `stall_after = n` it answers n messages, then keeps
    the next one waiting (a server that hangs mid-delivery) until `release` is set."""

    def __init__(self):
        self.mails = []
        self.stall_after = None
        self.release = threading.Event()
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        while self.stall_after is not None and len(self.mails) >= self.stall_after and not self.release.is_set():
            self.holding.set()
            await asyncio.sleep(0.05)
        self.mails.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.sink = MailSink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.sink.release.set()
        self.controller.stop()


class RobotServer:
    """Answers robot posts with {"errcode": 0} (or the `errcode` set on it) and keeps them. With
    `stall_after = n` it answers n posts, then keeps the next one (already kept) waiting for its
    answer until `release` is set."""

    def __init__(self):
        self.posts = []
        self.errcode = 0
        self.stall_after = None
        self.release = threading.Event()
        self.holding = threading.Event()
        robot = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                robot.posts.append((self.path, json.loads(body)))
                while robot.stall_after is not None and len(robot.posts) > robot.stall_after \
                        and not robot.release.is_set():
                    robot.holding.set()
                    time.sleep(0.05)
                answer = json.dumps({"errcode": robot.errcode, "errmsg": "ok" if not robot.errcode else "bad"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
