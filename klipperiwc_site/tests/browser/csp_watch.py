"""Watch a Chromium page for what the Content-Security-Policy refuses.

Two witnesses, both kept across navigations: the ``securitypolicyviolation``
events the page's documents fire (reported through a binding the init script
calls before any of the page's own scripts run), and Chromium's console
messages ("Refused to load ...", "Refused to apply inline style ...",
"Refused to execute inline script ...", and its complaints about the
Permissions-Policy header).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.href,
  });
});
"""


@dataclass
class Refusals:
    violations: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    # Refusals the test expects (a page's own deliberate one), as (directive, blocked URI).
    expected: set[tuple[str, str]] = field(default_factory=set)

    def unexpected(self) -> dict:
        violations = [v for v in self.violations if (v["directive"], v["blocked"]) not in self.expected]
        console = [
            text
            for text in self.console
            if not any(blocked in text for _directive, blocked in self.expected if blocked.startswith("http"))
        ]
        return {"violations": violations, "console": console}


def watch(page) -> Refusals:
    """Start recording what the CSP refuses on ``page`` (call before its first goto)."""
    refusals = Refusals()
    page.expose_function("__cspViolation", lambda violation: refusals.violations.append(violation))
    page.add_init_script(LISTENER)

    def console(message) -> None:
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text or "Permissions-Policy" in text:
            refusals.console.append(text)

    page.on("console", console)
    return refusals
