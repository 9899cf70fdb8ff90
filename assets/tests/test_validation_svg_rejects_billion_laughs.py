import pytest

from assets.tests.samples import billion_laughs_svg, inspect_bytes
from assets.validation import RejectedFile


def test_entity_expansion_bomb_is_rejected_with_400():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(billion_laughs_svg())

    assert caught.value.status_code == 400
    assert "DOCTYPE" in str(caught.value)
