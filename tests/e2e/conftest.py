"""The real service in a background thread (waitress, temp SQLite, demo accounts) and Debian's
Chromium driven by Playwright. Browser tests are skipped where /usr/bin/chromium is missing;
CI (ARCHIVE_NO_SKIP=1) turns that skip into a failure."""
import threading
from pathlib import Path

import pytest
from waitress import create_server

from archive_service import create_app, migrations
from archive_service.db import database
from archive_service.ops import demo
from tests.conftest import NOW

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=zh-CN"]


@pytest.fixture
def live_app(tmp_path):
    """The app the live server serves: a fresh SQLite database with the demo accounts, its clock
    pinned at NOW (a test moves it with `live_app.extensions["archive_clock"].frozen = ...`)."""
    app = create_app({
        "DATABASE_URL": f"sqlite:///{tmp_path}/e2e.db",
        "ENV_NAME": "testing",
        "SECRET_KEY": "e2e-secret",
        "SCANS_DIR": str(tmp_path / "scans"),
        "FROZEN_NOW": NOW.isoformat(),
    })
    with database.connection_context():
        migrations.upgrade()
        demo.load(NOW)
    return app


@pytest.fixture
def live_server(live_app):
    """Base URL of the service on a free port."""
    server = create_server(live_app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-e2e", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) with its base URL on the live service."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 800})
    # In CI the browser shares two cores with the crash tests' server processes: a first page can
    # take more than 10 s to arrive there while it takes a second here.
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def sign_in(page):
    """sign_in(username) through the login form with the demo password."""

    def login(username, password=demo.DEMO_PASSWORD):
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/")
        return page

    return login


def open_menu(page, group, entry):
    """Open a navigation group and follow one of its entries, as a person would."""
    nav = page.get_by_role("navigation")
    nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=entry, exact=True).click()


def sign_out(page):
    """The 退出 button in the header, back on the login page."""
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login*")
