"""axe-core in the browser tests: every page a journey visits is checked, and a serious or
critical finding fails the test.

axe.min.js is vendored (tests/e2e/vendor/, MPL-2.0) so that CI needs no network. It is run
through Playwright's `evaluate` (the DevTools protocol), which the page's Content-Security-Policy
does not govern: `add_script_tag` would insert an inline <script>, which `default-src 'self'`
rightly blocks, and the policy of real pages stays as strict as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path if parts.scheme in ("http", "https") else ""


class AxeAudit:
    """Runs axe on the page as it is now, and remembers which pages were visited and checked,
    so that a journey cannot leave a page unchecked (`assert_every_page_checked`)."""

    def __init__(self, page) -> None:
        self.page = page
        self.visited: set[str] = set()
        self.checked: set[str] = set()
        self.findings: list[str] = []
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and (path := _path(frame.url)):
            self.visited.add(path)

    def check(self) -> None:
        """axe on the current page: fail on any serious or critical violation."""
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;void 0")
        violations = page.evaluate(_RUN)
        self.checked.add(_path(page.url))
        serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"axe on {page.url}:\n" + json.dumps(
            serious, ensure_ascii=False, indent=1
        )

    def sign_in(self, username: str, password: str = "pw-test-2025") -> None:  # noqa: S107
        """conftest.sign_in with the sign-in page checked on the way."""
        self.page.goto("/accounts/login/")
        self.check()
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def assert_every_page_checked(self) -> None:
        missed = sorted(self.visited - self.checked)
        assert not missed, f"pages visited without an axe check: {missed}"


def fits_the_width(page) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the document: equal when nothing scrolls sideways."""
    return tuple(
        page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    )


def assert_no_sideways_scroll(page) -> None:
    scroll, client = fits_the_width(page)
    assert scroll <= client, f"{page.url} is {scroll} px wide in a {client} px window"


_WRAPPED = """() => {
  const wrapped = [];
  for (const el of document.querySelectorAll(".status, .badge")) {
    const style = getComputedStyle(el);
    const oneLine = parseFloat(style.lineHeight) * 1.5 + parseFloat(style.paddingTop)
      + parseFloat(style.paddingBottom) + parseFloat(style.borderTopWidth) * 2;
    if (el.getBoundingClientRect().height > oneLine) wrapped.push(el.textContent.trim());
  }
  // references and dates: each inline piece of a .nowrap cell on one line
  for (const el of document.querySelectorAll("td.nowrap a, td.nowrap time, td.nowrap span")) {
    if (el.getClientRects().length > 1) wrapped.push(el.textContent.trim());
  }
  return wrapped;
}"""


def assert_badges_on_one_line(page) -> None:
    """Status badges, counts, references and dates never break over lines."""
    wrapped = page.evaluate(_WRAPPED)
    assert not wrapped, f"{page.url}: wrapped over lines: {wrapped}"
