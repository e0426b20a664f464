"""The `archive-service` command: a Flask CLI group over the same services as the web."""
import importlib
import json
import signal
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from waitress import create_server

from . import create_app, migrations
from .adapters.notify import Notifier, Settings
from .adapters.scan_store import ScanStore
from .db import database
from .domain.errors import ArchiveError
from .domain.permissions import ROLES
from .domain.timeutil import local_date, parse_date
from .ops import backup as backup_service
from .ops import demo
from .services.accounts import users
from .services.alerts import alerts
from .services.archive import scans
from .services.platform import audit, outbox


def _now():
    return current_app.extensions["archive_clock"].now()


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False, add_version_option=False)
def main():
    """客户档案管理系统 archive-service."""


@main.group()
def db():
    """Database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade():
    """Create or migrate the database named by DATABASE_URL."""
    with database.connection_context():
        applied = migrations.upgrade()
        version = migrations.current_version()
    click.echo(f"database at version {version}" + (f" ({', '.join(applied)})" if applied else ", nothing to do"))


@main.group()
def user():
    """User accounts."""


@user.command("create")
@click.argument("username")
@click.option("--password", required=True, help="at least 8 characters")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)))
@click.option("--display-name", default=None)
@with_appcontext
def user_create(username, password, roles, display_name):
    """Create a user."""
    with database.connection_context():
        try:
            users.create_user(None, username=username, password=password, roles=list(roles),
                              display_name=display_name, now=_now())
        except ArchiveError as refused:
            click.echo(f"错误 [{refused.code}]: {refused.message}", err=True)
            sys.exit(1)
    click.echo(f"created user {username} ({', '.join(roles)})")


@main.group("audit")
def audit_group():
    """The audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Exit 0 if the audit chain is intact, else 1 naming the first bad entry."""
    with database.connection_context():
        result = audit.verify_chain()
    if result["ok"]:
        click.echo(f"audit chain intact: {result['entries']} entries")
        return
    bad = result["first_bad"]
    click.echo(f"audit chain BROKEN at entry {bad['id']} ({bad['reason']}); {result['entries']} entries", err=True)
    sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--demo", "load_demo", is_flag=True,
              help="load demo accounts and data into an empty database and print them")
@with_appcontext
def serve(host, port, threads, load_demo):
    """Run the service with the waitress production WSGI server; SIGTERM shuts it down cleanly."""
    app = current_app._get_current_object()
    if load_demo:
        _prepare_demo()
    signal.signal(signal.SIGTERM, _exit_cleanly)
    server = create_server(app, host=host, port=port, threads=threads)
    click.echo(f"archive-service listening on http://{host}:{port}/")
    server.run()
    click.echo("archive-service stopped")


def _exit_cleanly(_signum, _frame):
    raise SystemExit(0)


def _prepare_demo():
    with database.connection_context():
        migrations.upgrade()
        accounts = demo.load(_now())
    if not accounts:
        click.echo("database already has users: demo data not loaded")
        return
    click.echo(f"demo accounts (password for all: {demo.DEMO_PASSWORD}):")
    names = {username: name for username, name, _roles, _department in demo.DEMO_ACCOUNTS}
    for username, _password, roles in accounts:
        part = demo.DEMO_PARTS.get(username, "")
        click.echo(f"  {username:<10} {names.get(username, username)} · {', '.join(ROLES[r] for r in roles)}"
                   + (f" · {part}" if part else ""))
    click.echo(f"demo records: {len(demo.DEMO_CUSTOMERS)} customers with projects "
               "(a draft list, a list waiting for receipt, a filed archive)")


@main.command()
@click.option("--scale", type=click.Choice(["small", "medium", "full"]), default="small", show_default=True,
              help="small: 2,000 files (CI); medium: 100,000; full: 1,000,000 files, 5,000,000 items")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="also write the results to this JSON file")
@click.option("--postgres", default=None, metavar="URL",
              help="also bench PostgreSQL, in a throwaway schema of this database (default: DATABASE_URL "
                   "when it names PostgreSQL); SQLite is always benched in a temporary file")
def bench(scale, json_file, postgres):
    """The benchmark suite: each workload's ratio to a raw baseline measured in the same run."""
    results = _benchmarks().run(scale, report=click.echo, postgres=postgres)
    if json_file:
        Path(json_file).write_text(json.dumps({"scale": scale, "results": results}, ensure_ascii=False, indent=2),
                                   encoding="utf-8")
    failed = [r["name"] for r in results if r.get("error")]
    if failed:
        click.echo(f"failed workloads: {', '.join(failed)}", err=True)
        sys.exit(1)


def _benchmarks():
    """benchmarks/ of a source checkout (on sys.path when run from it), else the wheel's copy."""
    try:
        return importlib.import_module("benchmarks")
    except ModuleNotFoundError:
        return importlib.import_module("archive_service.benchmarks")


@main.group("scans")
def scans_group():
    """The scan store."""


def _scan_store():
    return ScanStore.from_config(current_app.config)


@scans_group.command("sweep")
@click.option("--grace-hours", default=1, show_default=True, type=int,
              help="keep unreferenced files younger than this: their upload may still be committing")
@with_appcontext
def scans_sweep(grace_hours):
    """Remove stored scan files that no scan record names, and abandoned partial uploads."""
    with database.connection_context():
        removed = scans.sweep(_scan_store(), now=_now(), grace_seconds=grace_hours * 3600)
    click.echo(f"removed {len(removed)} unreferenced file(s)")


@scans_group.command("usage")
@with_appcontext
def scans_usage():
    """How many files the scan store holds and how many bytes."""
    usage = _scan_store().usage()
    click.echo(f"{usage.files} file(s), {usage.bytes} bytes in {current_app.config['SCANS_DIR']}")


@main.command("sweep")
@click.option("--as-of", default=None, help="the day to sweep, YYYY-MM-DD: today or earlier (default: today)")
@with_appcontext
def sweep_command(as_of):
    """The overdue sweep for cron: alerts for late loans and handover steps; idempotent per day."""
    try:
        day = parse_date(as_of, "as_of") if as_of else local_date(_now())
        with database.connection_context():
            result = alerts.sweep(day, now=_now())
    except ArchiveError as refused:
        click.echo(f"错误 [{refused.code}]: {refused.message}", err=True)
        sys.exit(1)
    click.echo(f"sweep {day.isoformat()}: {result['created']} alert(s) created")


@main.command("worker")
@click.option("--once", is_flag=True, help="deliver what is due now, then exit")
@click.option("--interval", default=15, show_default=True, type=int, help="seconds between rounds")
@with_appcontext
def worker_command(once, interval):
    """Deliver queued e-mail and WeCom/DingTalk robot messages from the outbox, with retries."""
    notifier = Notifier(Settings.from_config(current_app.config))
    signal.signal(signal.SIGTERM, _exit_cleanly)
    while True:
        with database.connection_context():
            counts = outbox.deliver_pending(notifier, now=_now())
        if once or any(counts.values()):
            click.echo(f"outbox: {counts['sent']} sent, {counts['retry']} to retry, {counts['skipped']} skipped "
                       "(channel not configured)")
        if once:
            return
        time.sleep(interval)


@main.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(dest):
    """A consistent snapshot of the database and the scan store into the new folder DEST, with a
    manifest of sha256 hashes; safe while the service runs."""
    with database.connection_context():
        manifest = _refusal_exits(backup_service.backup, dest, database_url=current_app.config["DATABASE_URL"],
                                  store=_scan_store(), now=_now())
    click.echo(f"backup written to {dest}: {manifest['engine']} database at version {manifest['schema_version']}, "
               f"{len(manifest['scans'])} scan file(s)")


@main.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def restore_command(src):
    """Restore a backup made by `archive-service backup` into this empty instance (database named by
    DATABASE_URL, scans in ARCHIVE_SCANS_DIR); refused when either already holds data."""
    with database.connection_context():
        manifest = _refusal_exits(backup_service.restore, src, database_url=current_app.config["DATABASE_URL"],
                                  store=_scan_store(), now=_now())
        chain = audit.verify_chain()
    click.echo(f"restored the backup of {manifest['created_at']}: {len(manifest['scans'])} scan file(s); "
               f"audit chain {'intact' if chain['ok'] else 'BROKEN'} ({chain['entries']} entries)")


def _refusal_exits(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ArchiveError as refused:
        click.echo(f"错误 [{refused.code}]: {refused.message}", err=True)
        sys.exit(1)
