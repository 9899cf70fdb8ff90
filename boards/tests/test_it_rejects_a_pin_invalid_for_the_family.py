import pytest

from boards.validation import definition_validate, pin_name_valid


@pytest.mark.parametrize(
    ("family", "valid", "invalid"),
    [
        ("stm32", ["PA0", "PK15", "ADC_TEMPERATURE"], ["PA16", "PL0", "gpio5", "P1.2", "pa0", "PA01"]),
        ("gd32", ["PB7"], ["PZ1"]),
        ("sam", ["PA0", "PA31", "PE31"], ["PA32", "gpio1"]),
        ("avr", ["PA0", "PL7"], ["PA8", "PI0", "PM0"]),
        ("lpc176x", ["P0.0", "P4.31"], ["P5.0", "P1.32", "PA1"]),
        ("rp2040", ["gpio0", "gpio29"], ["gpio30", "PA1", "GPIO1"]),
        ("linux", ["gpio17", "gpiochip0/gpio17", "analog0"], ["PA1", "gpio", "gpiochip0"]),
    ],
)
def test_pin_names_per_family(family, valid, invalid):
    assert all(pin_name_valid(family, name) for name in valid)
    assert not any(pin_name_valid(family, name) for name in invalid)


def test_an_rp2040_pin_on_an_stm32_board_is_rejected_where_it_is(board, connector):
    connector(board, "HE0")["pins"][0]["mcu_pin"] = "gpio23"
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [
        ("/connectors/2/pins/0/mcu_pin", "'gpio23' is not a stm32 pin name (PA0..PK15 or ADC_TEMPERATURE)")
    ]


def test_an_stm32_pin_in_a_driver_of_an_rp2040_board_is_rejected(board, connector):
    board["mcu"] = {"family": "rp2040", "chip": "rp2040"}
    for item in board["connectors"]:
        for pin in item["pins"]:
            if "mcu_pin" in pin:
                pin["mcu_pin"] = {"PC8": "gpio23", "PA0": "gpio26", "PB5": "gpio1", "PA15": "gpio2"}[pin["mcu_pin"]]
    board["drivers"][0]["signals"] = {"step": "gpio11", "dir": "gpio10", "enable": "PB14", "uart": "gpio9"}
    board["drivers"][1]["signals"] = {"step": "gpio6", "dir": "gpio5", "enable": "gpio7", "uart": "gpio9"}
    board["shared_signals"][0]["mcu_pin"] = "gpio9"
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/drivers/0/signals/enable"]
    assert "gpio0..gpio29" in errors[0].message
