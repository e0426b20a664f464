"""HTTP on loopback for both sides of a comparison: the service and a minimal Flask app that runs
the raw SQL, each served by waitress in this process, called over one keep-alive connection."""
import http.client
import json
import logging
import threading
from contextlib import contextmanager

from flask import Flask, abort, jsonify, request
from waitress import create_server, wasyncore

from archive_service.db import open_database

logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # one thread per side: a queue is expected


@contextmanager
def serving(app):
    """A waitress server for `app` on a free loopback port, stopped on exit; yields a Caller."""
    server = create_server(app, host="127.0.0.1", port=0, threads=1)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown()
        server.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    caller = Caller(server.effective_port)
    try:
        yield caller
    finally:
        caller.close()
        stop.set()
        thread.join(5)


class Caller:
    """GET/POST over one persistent connection; answers (status, parsed JSON body)."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Accept": "application/json"}

    def call(self, method, path, body=None):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else None

    def get(self, path):
        return self.call("GET", path)

    def close(self):
        self.connection.close()


def minimal_app(url, routes):
    """A Flask app with one connection per server thread and a route per (rule, sql, params, shape):
    `params(path_args, query_args)` gives the SQL parameters, `shape(rows)` the JSON answer (None: 404)."""
    app = Flask("bench_raw")
    local = threading.local()

    def cursor():
        if getattr(local, "db", None) is None:
            local.db = open_database(url)
            local.db.connect()
        return local.db.cursor()

    for rule, sql, params, shape in routes:
        def view(_sql=sql, _params=params, _shape=shape, **args):
            cur = cursor()
            cur.execute(_sql, _params(args, request.args))
            answer = _shape(cur.fetchall())
            if answer is None:
                abort(404)
            return jsonify(answer)

        app.add_url_rule(rule, endpoint=rule, view_func=view)
    return app
