"""axe-core in the browser tests: the WCAG 2.1 A/AA rules, serious and critical findings.

axe.min.js comes from the pinned ``axe-playwright-python`` package (requirements-dev.txt); it
is put into the page through Playwright's evaluate, which the page's Content-Security-Policy
does not govern, so the policy itself is tested unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

WCAG_21_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = frozenset({"serious", "critical"})


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def axe_findings(page: Page) -> list[str]:
    """The page's serious and critical violations, one line each: rule, impact, targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_script())
    options = {"runOnly": {"type": "tag", "values": WCAG_21_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        + (f" … and {len(violation['nodes']) - 5} more" if len(violation["nodes"]) > 5 else "")
        for violation in results["violations"]
        if violation.get("impact") in BLOCKING
    ]


@dataclass
class AxeLog:
    """Every page a journey visited and what axe found there; ``assert_clean`` at the end
    names each page with its findings, so one run shows all of them."""

    pages: list[str] = field(default_factory=list)
    findings: dict[str, list[str]] = field(default_factory=dict)

    def check(self, page: Page, where: str) -> None:
        self.pages.append(where)
        found = axe_findings(page)
        if found:
            self.findings[f"{where} ({page.url})"] = found

    def assert_clean(self) -> None:
        report = "\n".join(
            f"{where}:\n  " + "\n  ".join(found) for where, found in self.findings.items()
        )
        assert not self.findings, f"axe: serious or critical violations\n{report}"
