import pytest

from assets.tests.samples import inspect_bytes, svg_bytes


@pytest.mark.parametrize(
    ("attrs", "size"),
    [
        ('width="120" height="80"', (120, 80)),
        ('width="120px" height=" 80.4px "', (120, 80)),
        ('width="1e2" height="50"', (100, 50)),
        ('viewBox="0 0 300 200"', (300, 200)),
        ('viewBox="0,0,300,200"', (300, 200)),
        ('width="100%" height="100%" viewBox="0 0 300 200"', (300, 200)),
        ('width="50mm" height="20mm" viewBox="0 0 500 200"', (500, 200)),
        ('width="600" viewBox="0 0 300 200"', (600, 400)),
        ('height="100" viewBox="0 0 300 200"', (150, 100)),
        ("", (None, None)),
        ('width="100%" height="50%"', (None, None)),
        ('viewBox="0 0 0 10"', (None, None)),
    ],
)
def test_svg_size_comes_from_width_height_or_view_box(attrs, size):
    result = inspect_bytes(svg_bytes(attrs=attrs))

    assert (result.width, result.height) == size
