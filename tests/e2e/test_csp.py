"""The policy holds in a real browser: pages and the API docs work with no violation."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_under_the_policy(page):
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert "Pre-transfer report portal API" in page.inner_text(".swagger-ui .info")


def test_the_browser_reports_an_inline_script_as_a_violation(browser, live_server):
    """What the page fixture listens for is real: inline script is refused and reported."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    seen = []
    page.on("console", lambda m: seen.append(m.text))
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    ran = page.evaluate("() => window.ran === true")
    context.close()
    assert not ran
    assert any("Content Security Policy" in text for text in seen), seen
