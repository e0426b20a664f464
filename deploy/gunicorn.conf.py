"""gunicorn settings for archive-service behind nginx (deploy/nginx/archive-service.conf).

    gunicorn -c /etc/archive-service/gunicorn.conf.py

Every worker is a stateless copy of the app: they share one PostgreSQL database and one scan store,
so workers (and machines) can be added freely. Settings can be overridden with GUNICORN_CMD_ARGS."""
import multiprocessing
import os

wsgi_app = "archive_service:create_app()"
bind = os.environ.get("ARCHIVE_BIND", "127.0.0.1:8000")  # nginx in front; never expose gunicorn itself

# Threads wait on the database and on uploads; a few processes use the cores.
worker_class = "gthread"
workers = int(os.environ.get("ARCHIVE_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("ARCHIVE_THREADS", 4))

# A 200 MB scan over a slow office line takes minutes: nginx buffers the body first
# (client_max_body_size, proxy_request_buffering on), so a worker only spends the copy time.
timeout = 120
graceful_timeout = 30  # SIGTERM: running requests finish, each in its own transaction
keepalive = 5
max_requests = 2000  # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 200

# Only nginx on this host may say which scheme and client a request came from
# (ARCHIVE_TRUSTED_PROXIES=1 makes the app read X-Forwarded-For for the audit trail).
forwarded_allow_ips = "127.0.0.1"
secure_scheme_headers = {"X-Forwarded-Proto": "https"}

limit_request_line = 8190
limit_request_fields = 100

accesslog = "-"  # to the journal
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "archive-service"
