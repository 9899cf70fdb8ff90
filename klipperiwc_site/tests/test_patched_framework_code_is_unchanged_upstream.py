"""The framework code the project copies, wraps or overrides is still what it was written against.

asgi_handler.py, daphne_patches.py and channel_layers.py depend on code that
is not a public API (klipperiwc_site/upstream.py). After an upgrade that
changes it, these tests fail and say what to re-check, instead of the copy
quietly doing what the old version did.
"""

import ast
import importlib.util
import inspect
import textwrap

import pytest
from channels.layers import InMemoryChannelLayer
from twisted.internet.testing import StringTransport
from twisted.web.http import HTTPChannel

from klipperiwc_site import asgi_handler, channel_layers, daphne_patches
from klipperiwc_site.upstream import UpstreamCode, fingerprint

UPSTREAM = [
    (module.__name__, code) for module in (asgi_handler, daphne_patches, channel_layers) for code in module.UPSTREAM
]


@pytest.mark.parametrize(("module", "code"), UPSTREAM, ids=[code.target for _module, code in UPSTREAM])
def test_the_upstream_code_has_its_recorded_fingerprint(module: str, code: UpstreamCode) -> None:
    try:
        upstream = code.resolve()
    except (ImportError, AttributeError) as error:
        pytest.fail(
            f"{code.target} is gone in {code.distribution} {code.installed_version()} ({error}); {module} was"
            f" written against {code.version}. {code.recheck}"
        )
    now = fingerprint(upstream)
    assert now == code.sha256, (
        f"{code.target} changed upstream: {module} follows it as it was in {code.distribution} {code.version},"
        f" {code.installed_version()} is installed. Re-check: {code.recheck} Then record version"
        f" {code.installed_version()} and fingerprint {now} in {module}.UPSTREAM."
    )


def test_a_change_to_the_code_changes_the_fingerprint_and_a_comment_or_docstring_does_not(tmp_path) -> None:
    def defined(body: str):
        path = tmp_path / f"version_{len(list(tmp_path.iterdir()))}.py"
        path.write_text(textwrap.dedent(body))
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.add_one

    original = defined("def add_one(a):\n    return a + 1\n")
    reformatted = defined('def add_one( a ):\n    """Adds."""\n    # why\n    return a+1\n')
    assert fingerprint(original) == fingerprint(reformatted)
    assert fingerprint(original) != fingerprint(defined("def add_one(a):\n    return a + 2\n"))


def test_twisted_channels_still_hold_the_request_line_the_body_limit_reads() -> None:
    """daphne_patches.body_limit_on picks a request's limit by channel._path (private) before the body arrives."""
    channel = HTTPChannel()
    channel.makeConnection(StringTransport())
    channel.dataReceived(b"POST /api/printers/p1/files/?x=1 HTTP/1.1\r\nHost: x\r\n")
    assert channel._path == b"/api/printers/p1/files/?x=1"


def test_twisted_requests_take_the_form_parsing_keyword_daphne_patches_passes() -> None:
    from twisted.web.http import Request

    keyword = inspect.signature(Request.__init__).parameters.get("parsePOSTFormSubmission")
    assert keyword is not None, "twisted.web.http.Request.__init__ has no parsePOSTFormSubmission keyword any more"
    assert keyword.kind in (keyword.POSITIONAL_OR_KEYWORD, keyword.KEYWORD_ONLY)


def test_the_in_memory_layer_still_sweeps_through_the_private_method_the_throttle_overrides() -> None:
    """ThrottledInMemoryChannelLayer overrides _clean_expired(self); upstream must call it where it did."""
    assert list(inspect.signature(InMemoryChannelLayer._clean_expired).parameters) == ["self"]
    tree = ast.parse(textwrap.dedent(inspect.getsource(InMemoryChannelLayer)))
    callers = {
        method.name
        for method in ast.walk(tree)
        if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
        for call in ast.walk(method)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "_clean_expired"
    }
    assert callers == {"receive", "group_send"}, (
        f"channels' InMemoryChannelLayer now sweeps expired messages from {sorted(callers)}: check that"
        " ThrottledInMemoryChannelLayer's once-a-second sweep still suits each of them."
    )
