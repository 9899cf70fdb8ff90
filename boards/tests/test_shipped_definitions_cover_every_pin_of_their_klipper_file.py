"""A shipped definition is complete: every pin its Klipper config file names is on one of its connectors or drivers."""

import re

import pytest

from boards.validation import definition_load, definition_paths, facts_load


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_klipper_pin_is_in_the_definition(path):
    definition = definition_load(path)
    facts = facts_load(definition)["klipper"]
    used = {pin["mcu_pin"] for item in definition["connectors"] for pin in item["pins"] if "mcu_pin" in pin}
    used |= {pin for driver in definition["drivers"] for pin in driver["signals"].values()}
    # Pins of the MCU's own host link (USB, CAN, serial) only need to be in the build notes.
    noted = set(re.findall(r"P[A-K][0-9]{1,2}|gpio[0-9]+", definition["mcu"].get("klipper_build_notes", "")))
    named = {fact["pin"] for fact in facts["pins"] if fact.get("pin")}
    named |= {pin for fact in facts["comment_pins"] for pin in fact["pins"]}
    assert named - used - noted == set()
    assert used - named == set(), "no pin comes from outside the Klipper file"


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_klipper_alias_is_a_connector_contact(path):
    definition = definition_load(path)
    facts = facts_load(definition)["klipper"]
    contacts = {f"{item['id']}_{pin['number']}" for item in definition["connectors"] for pin in item["pins"]}
    aliases = {fact["alias"] for fact in facts["pins"] if "alias" in fact}
    assert aliases <= contacts
