"""Fingerprints of the framework code this project copies or patches, so an upgrade that changes it fails a test.

asgi_handler.py follows Django's ASGIHandler.handle, daphne_patches.py wraps
daphne's and Twisted's request methods, and channel_layers.py overrides a
private method of channels' in-memory layer. None of that is a public API: an
upgrade may change it without notice, and the copy would then quietly do what
the old version did. Each patching module lists what it depends on as
``UPSTREAM`` (one ``UpstreamCode`` per function), with the fingerprint of the
upstream code as it was read, the version it was read from, and what to
re-check; klipperiwc_site/tests/test_patched_framework_code_is_unchanged_upstream.py
compares them with the installed packages.
"""

import ast
import hashlib
import importlib
import importlib.metadata
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UpstreamCode:
    """One upstream function (``module:Qualified.name``) that our code copies, wraps or overrides."""

    target: str
    distribution: str  # the package it comes from, as pip names it
    version: str  # the version it was read from
    sha256: str  # fingerprint(target) then
    recheck: str  # what to compare in our code when the fingerprint changes

    def resolve(self) -> Any:
        """The upstream function; AttributeError/ImportError when it is gone."""
        module_name, _, qualified_name = self.target.partition(":")
        found: Any = importlib.import_module(module_name)
        for name in qualified_name.split("."):
            found = getattr(found, name)
        return found

    def installed_version(self) -> str:
        return importlib.metadata.version(self.distribution)


def fingerprint(function: Callable[..., object]) -> str:
    """sha256 of a function's syntax tree: any change to its code counts; comments, docstrings and formatting do not."""
    # Unwrapped: the patches themselves wrap some of these functions (functools.wraps) once asgi.py ran.
    tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(function))))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and ast.get_docstring(node):
            node.body = node.body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()
