"""Page checks every end-to-end test can reuse: axe-core finds no serious or critical
accessibility violation, and nothing overflows a phone's width.

axe-core comes bundled in the ``axe-playwright-python`` test dependency (axe.min.js inside the
package): no CDN, nothing fetched at test time.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 390, "height": 844}
_axe = Axe()


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Violations of the given impacts on the page as it is now, one line each (rule, impact,
    the first offending element)."""
    results = _axe.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") in impacts:
            first = violation["nodes"][0]["target"] if violation["nodes"] else ""
            lines.append(f"{violation['id']} ({violation['impact']}): {first}")
    return lines


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def assert_page_ok(page, what: str = "") -> None:
    """No serious/critical axe violation and no horizontal overflow on the current page."""
    label = what or page.url
    problems = axe_violations(page)
    assert problems == [], f"{label}: {problems}"
    assert horizontal_overflow(page) == 0, f"{label}: wider than the viewport"
