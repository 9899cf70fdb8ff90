import pytest

from boards.validation import definition_validate, pin_adc_capable


def test_a_thermistor_on_a_digital_only_stm32g0b1_pin_is_rejected(board, connector):
    connector(board, "TH0")["pins"][0]["mcu_pin"] = "PB3"
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [
        ("/connectors/3/pins/0/mcu_pin", "thermistor on PB3, which is not an ADC pin of the stm32g0b1")
    ]


def test_only_the_thermistor_function_is_checked(board, connector):
    connector(board, "HE0")["pins"][0]["mcu_pin"] = "PB3"  # a heater needs no ADC
    assert definition_validate(board) == []


@pytest.mark.parametrize(
    ("family", "chip", "pin", "capable"),
    [
        ("stm32", "stm32g0b1", "PA0", True),
        ("stm32", "stm32g0b1", "PB12", True),
        ("stm32", "stm32g0b1", "PC0", False),
        ("stm32", "stm32f103", "PC5", True),
        ("stm32", "stm32f103", "PF4", False),
        ("stm32", "stm32f446", "PF4", True),
        ("stm32", "stm32f446", "PF11", False),
        ("stm32", "stm32h723", "PF11", True),
        ("stm32", "stm32f446", "ADC_TEMPERATURE", True),
        ("rp2040", "rp2040", "gpio26", True),
        ("rp2040", "rp2040", "gpio29", True),
        ("rp2040", "rp2040", "gpio25", False),
        ("linux", "linux", "analog0", True),
        ("linux", "linux", "gpio17", False),
        ("stm32", "stm32f407", "PE1", True),  # no table for this chip: accepted
        ("avr", "atmega2560", "PK0", True),
    ],
)
def test_adc_capability(family, chip, pin, capable):
    assert pin_adc_capable(family, chip, pin) is capable


def test_an_rp2040_thermistor_outside_gpio26_29_is_rejected(board, connector):
    board["mcu"] = {"family": "rp2040", "chip": "rp2040"}
    board["drivers"] = []
    board["shared_signals"] = []
    board["connectors"] = [
        {
            "id": "TH0",
            "label": "TH0",
            "kind": "thermistor",
            "pins": [{"number": "SIG", "function": "thermistor_adc", "mcu_pin": "gpio12"}],
        }
    ]
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/connectors/0/pins/0/mcu_pin"]
    board["connectors"][0]["pins"][0]["mcu_pin"] = "gpio27"
    assert definition_validate(board) == []
