from boards.validation import definition_validate


def test_a_driver_feeding_an_unknown_connector_is_rejected(board, connector):
    board["drivers"][0]["feeds"] = ["MOTOR_Q"]
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [("/drivers/0/feeds/0", "unknown connector 'MOTOR_Q'")]


def test_a_driver_feeding_a_heater_is_rejected(board, connector):
    board["drivers"][0]["feeds"] = ["HE0"]
    assert [error.path for error in definition_validate(board)] == ["/drivers/0/feeds/0"]


def test_an_unknown_source_is_rejected(board, connector):
    connector(board, "TH0")["pins"][0]["source"] = "marlin"
    connector(board, "HE0")["label_source"] = "vendor"
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [
        ("/connectors/2/label_source", "unknown source 'vendor'"),
        ("/connectors/3/pins/0/source", "unknown source 'marlin'"),
    ]


def test_geometry_on_an_unknown_image_is_rejected(board, connector):
    connector(board, "HE0")["geometry"] = {"image": "top", "shape": "circle", "cx": 0.5, "cy": 0.5, "r": 0.1}
    assert [error.path for error in definition_validate(board)] == ["/connectors/2/geometry/image"]


def test_a_shared_signal_naming_an_unknown_driver_is_rejected(board, connector):
    board["shared_signals"][0]["drivers"].append("DRIVER_Q")
    paths = [error.path for error in definition_validate(board)]
    assert "/shared_signals/0/drivers/2" in paths
