"""Pin names to compare rule sets with: valid and invalid ones of every family, and near misses."""

CANDIDATES = [
    *(f"P{port}{number}" for port in "ABCDEFGHIJKLMZ" for number in (0, 7, 8, 15, 16, 31, 32)),
    *(f"P{port}.{number}" for port in range(6) for number in (0, 9, 10, 31, 32)),
    *(f"gpio{number}" for number in (0, 9, 17, 26, 29, 30, 99, 123)),
    *("gpio01", "gpiochip0/gpio17", "gpiochip1/gpio3", "gpiochip/gpio3", "analog0", "analog12", "analog01"),
    *("ADC_TEMPERATURE", "adc_temperature", "pa1", "PA", "PA01", "", "GND", "5V", "P1.2.3", "PA1 "),
    # Not "PA1\n": Python's $ also matches before a final newline, so pin_name_valid accepts it and
    # JavaScript's RegExp does not (the designer trims every value before checking it).
    *("\nPA1", "xPA1", "PA1x", "gpio1/gpio2", "analog", "P0.0.0"),
]
