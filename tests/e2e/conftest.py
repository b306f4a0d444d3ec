"""Browser tests: Playwright drives Debian's chromium against the live test server."""

import os
import re
import shutil
from pathlib import Path

import pytest

# The README's screenshots are a tool (`make screenshots` writes docs/), not a test: collected
# only when asked for, so `make test` neither writes docs/ nor reports a skipped test.
collect_ignore = [] if os.environ.get("SCREENSHOTS") else ["test_screenshots.py"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Where a failing browser test leaves a screenshot of the page it was on (CI keeps .run/).
FAILURES_DIR = Path(__file__).resolve().parents[2] / ".run" / "e2e-failures"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make test`, which installs it")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that `page` knows the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _screenshot_on_failure(request, page) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    FAILURES_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(FAILURES_DIR / f"{name}.png"), full_page=True)
    except Exception as exc:  # a crashed page must not hide the test's own failure
        print(f"no screenshot of {request.node.nodeid}: {exc}")
    else:
        print(f"screenshot: {FAILURES_DIR / name}.png ({page.url})")


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Any Content-Security-Policy violation fails the test: the browser reports each one on
    # the console, so a page that needs inline script or style cannot slip in.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    _screenshot_on_failure(request, page)
    context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)


def sign_in(page, username, password="pw-test-2025"):  # noqa: S107 - factory password
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
