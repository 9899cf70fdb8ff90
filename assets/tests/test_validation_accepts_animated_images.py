import pytest

from assets.tests.samples import animated_bytes, inspect_bytes


@pytest.mark.parametrize(("fmt", "kind"), [("PNG", "png"), ("WEBP", "webp")])
def test_animated_image_is_accepted(fmt, kind):
    result = inspect_bytes(animated_bytes(fmt, 32, 24, frames=3))

    assert (result.kind, result.width, result.height) == (kind, 32, 24)
