from boards.validation import definition_validate

IMAGE = {"id": "top", "file": "boards/test-top.png", "width": 1200, "height": 800, "sha256": "0" * 64}


def test_a_rectangle_inside_the_image_is_accepted(board, connector):
    board["images"] = [IMAGE]
    connector(board, "HE0")["geometry"] = {"image": "top", "shape": "rect", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.1}
    assert definition_validate(board) == []


def test_a_rectangle_past_the_edge_is_rejected(board, connector):
    board["images"] = [IMAGE]
    connector(board, "HE0")["geometry"] = {"image": "top", "shape": "rect", "x": 0.8, "y": 0.2, "w": 0.3, "h": 0.1}
    assert [error.path for error in definition_validate(board)] == ["/connectors/2/geometry"]


def test_coordinates_are_fractions(board, connector):
    board["images"] = [IMAGE]
    connector(board, "HE0")["geometry"] = {"image": "top", "shape": "circle", "cx": 640, "cy": 0.5, "r": 0.1}
    assert [error.path for error in definition_validate(board)] == ["/connectors/2/geometry/cx"]


def test_a_shape_needs_its_own_coordinates(board, connector):
    board["images"] = [IMAGE]
    connector(board, "HE0")["geometry"] = {"image": "top", "shape": "circle", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.1}
    errors = definition_validate(board)
    assert {error.path for error in errors} == {"/connectors/2/geometry"}
    assert any("'cx' is a required property" in error.message for error in errors)


def test_an_image_needs_its_size_and_hash(board, connector):
    board["images"] = [{**IMAGE, "sha256": "not-a-hash"}]
    assert [error.path for error in definition_validate(board)] == ["/images/0/sha256"]
