"""A real Chromium shaped like a small phone, for the tests that drive a browser: the `browser`
and `make_phone` fixtures, and a `Phone` that taps, checks axe-core WCAG 2.2 AA and sideways
scrolling, and remembers every request it made."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

from tests.services import unavailable

if TYPE_CHECKING:
    from tests.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
SMALLEST_TARGET = 44  # CSS px; WCAG 2.2 asks for 24, children's thumbs need more
ANSWER_TARGETS = "main .option label, main .read-aloud-choice label, main .button"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole module; each test gets fresh contexts."""
    if not CHROMIUM.exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


class Phone:
    """A 360 px touch-screen browser context that remembers every request and console error."""

    def __init__(self, context: BrowserContext, origin: str, javascript: bool) -> None:
        self.context = context
        self.origin = origin
        self.javascript = javascript
        self.requested: list[str] = []
        self.console_errors: list[str] = []
        context.on("request", lambda request: self.requested.append(request.url))
        self.page: Page = context.new_page()
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def open(self, path: str) -> int:
        response = self.page.goto(self.origin + path)
        assert response is not None
        return response.status

    def sign_in(self, email: str, password: str) -> None:
        """Sign in on the staff sign-in page, as a person types it."""
        self.open("/facilitator/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.press("Sign in")

    def choose(self, words: str) -> None:
        """Tap the answer's label, as a child's thumb would."""
        exact = re.compile(rf"^\s*{re.escape(words)}\s*$")
        self.page.locator("main label").filter(has_text=exact).click()

    def press(self, button: str) -> int:
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).click()
        response = navigation.value
        assert response is not None
        return response.status

    def requests_leaving_the_machine(self) -> list[str]:
        return [url for url in self.requested if not url.startswith((self.origin + "/", "data:"))]

    def check_page(self, where: str) -> None:
        """No sideways scrolling at 360 px; with JavaScript, no axe-core WCAG 2.2 AA violation."""
        width = self.page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["viewport"]["width"]:
            culprits = self.page.evaluate(OVERFLOWING)
            pytest.fail(f"{where} scrolls sideways: {width} px wide; too wide: {culprits}")
        if self.javascript:
            violations = axe_violations(self.page)
            assert not violations, describe(violations, where, self.page.url)

    def check_sideways(self, where: str) -> None:
        """Nothing on the page sticks out sideways, so the page never scrolls left or right."""
        scrolled = self.page.evaluate(
            "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        if scrolled[0] > scrolled[1]:
            culprits = self.page.evaluate(OVERFLOWING)
            pytest.fail(f"{where} scrolls sideways: {scrolled[0]} px wide; too wide: {culprits}")

    def focus_ring_contrast(self, control: Locator) -> float:
        """How well the keyboard focus shows on control: the best contrast, against what is
        around it, of an outline or solid shadow at least 2 px thick that focus adds."""
        control.scroll_into_view_if_needed()
        before = control.evaluate(INDICATOR_STYLE)
        control.focus()
        # From the keyboard, as someone tabbing would arrive, so that :focus-visible applies.
        self.page.keyboard.press("Shift+Tab")
        self.page.keyboard.press("Tab")
        assert control.evaluate("element => element === document.activeElement"), control
        after = control.evaluate(INDICATOR_STYLE)
        return float(self.page.evaluate(RING_CONTRAST, [before, after]))

    def check_tap_targets(self, where: str) -> None:
        small = []
        for target in self.page.locator(ANSWER_TARGETS).all():
            if not target.is_visible():
                continue  # the read-aloud choice shows only when the phone can speak
            box = target.bounding_box()
            if box is None or box["width"] < SMALLEST_TARGET or box["height"] < SMALLEST_TARGET:
                small.append(f"{target.inner_text().strip()!r} is {box}")
        assert small == [], f"tap targets under {SMALLEST_TARGET} px on {where}: {small}"
        assert self.page.locator(ANSWER_TARGETS).count() >= 1, f"no answers or buttons on {where}"


# The innermost elements that stick out of the viewport, to say what makes a page scroll sideways.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.body.querySelectorAll("*")].filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
  });
  return out.filter(element => !out.some(other => other !== element && element.contains(other)))
    .slice(0, 5).map(element => element.outerHTML.slice(0, 120));
}"""


# The computed style that draws a focus indicator, on the element itself or, for an answer whose
# input is hidden, on the label drawn after it; and the colours behind the element and around it.
INDICATOR_STYLE = """element => {
  const hidden = getComputedStyle(element).opacity === "0" && element.nextElementSibling;
  const drawn = hidden ? element.nextElementSibling : element;
  const style = getComputedStyle(drawn);
  const behind = node => {
    for (let n = node; n; n = n.parentElement) {
      const colour = getComputedStyle(n).backgroundColor;
      if (!/rgba\\([^)]*, 0\\)$/.test(colour) && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  return {outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
          outlineColor: style.outlineColor, boxShadow: style.boxShadow,
          own: behind(drawn), around: behind(drawn.parentElement)};
}"""

# WCAG relative luminance and contrast; only what focus adds counts (not a button's own shadow).
RING_CONTRAST = """([before, after]) => {
  const rgb = text => {
    const found = /rgba?\\(([^)]*)\\)/.exec(text);
    if (!found) return null;
    const parts = found[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const luminance = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrast = (x, y) => {
    const [light, dark] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (light + 0.05) / (dark + 0.05);
  };
  const shadows = style => style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\\))/)
    .map(part => part.trim());
  const found = [0];
  const outline = rgb(after.outlineColor);
  const outlineAdded = after.outlineStyle !== before.outlineStyle ||
    after.outlineColor !== before.outlineColor || after.outlineWidth !== before.outlineWidth;
  if (outlineAdded && after.outlineStyle !== "none" && parseFloat(after.outlineWidth) >= 2 &&
      outline && outline.a > 0) {
    found.push(contrast(outline, rgb(after.around)));
  }
  const had = shadows(before);
  for (const shadow of shadows(after)) {
    if (had.includes(shadow)) continue;
    const colour = rgb(shadow);
    const sizes = shadow.replace(/rgba?\\([^)]*\\)/, "").match(/-?[\\d.]+px/g).map(parseFloat);
    const [x, y, blur, spread] = [...sizes, 0, 0, 0, 0];
    const thick = Math.max(Math.abs(x), Math.abs(y), spread);
    if (!colour || colour.a === 0 || blur > 0 || thick < 2) continue;
    const inset = /inset/.test(shadow);
    found.push(contrast(colour, rgb(inset ? after.own : after.around)));
  }
  return Math.max(...found);
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SOURCE)
    return page.evaluate(  # type: ignore[no-any-return]
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]}).then(r => r.violations)""",
        WCAG_TAGS,
    )


def describe(violations: list[dict[str, Any]], where: str, url: str) -> str:
    lines = [f"{len(violations)} axe-core WCAG 2.2 AA violation(s) on {where} ({url}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}\n      {node['html'][:200]}")
    return "\n".join(lines)


@pytest.fixture
def make_phone(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Phone]]:
    contexts: list[BrowserContext] = []

    def make(javascript: bool = True) -> Phone:
        # axe-core is injected as an inline script, which the page's CSP rightly forbids; without
        # JavaScript there is no axe, so that phone keeps the CSP and reports any violation.
        context = browser.new_context(
            java_script_enabled=javascript, bypass_csp=javascript, **PHONE
        )
        contexts.append(context)
        return Phone(context, live_server.url, javascript)

    yield make
    for context in contexts:
        context.close()
