"""Every MCU pin of a shipped definition is the pin its Klipper config file gives, at the fact it cites."""

import pytest

from boards.validation import SOURCES_DIR, definition_load, definition_paths, facts_load, pin_facts_check

KLIPPER_URL = "https://github.com/Klipper3d/klipper/blob/master/config/"


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_pin_matches_the_fact_it_cites(path):
    definition = definition_load(path)
    assert pin_facts_check(definition, facts_load(definition)) == []


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_mcu_pin_comes_from_a_klipper_config(path):
    definition = definition_load(path)
    sources = {source["id"]: source for source in definition["sources"]}
    klipper = [source for source in sources.values() if source["kind"] == "klipper_config"]
    assert klipper, "a shipped definition cites a Klipper config file"
    for source in klipper:
        assert source["url"].startswith(KLIPPER_URL)
        assert (SOURCES_DIR / source["facts"]).is_file()
        facts = facts_load(definition)[source["id"]]
        assert facts["source"]["url"] == source["url"]
        assert facts["source"]["commit"] == source["commit"]

    cited = []
    for connector in definition["connectors"]:
        for pin in connector["pins"]:
            if "mcu_pin" in pin:
                cited.append((pin.get("source", connector.get("source")), pin.get("fact")))
    for driver in definition["drivers"]:
        cited += [(driver.get("source"), driver.get("facts", {}).get(signal)) for signal in driver["signals"]]
    assert cited
    for source_id, fact in cited:
        assert sources[source_id]["kind"] == "klipper_config"
        assert fact, "each pin names the fact it comes from"


def test_a_pin_that_differs_from_its_source_is_reported():
    path = next(path for path in definition_paths() if path.stem == "btt-octopus-v1.1")
    definition = definition_load(path)
    heater = next(item for item in definition["connectors"] if item["id"] == "HE0")
    heater["pins"][0]["mcu_pin"] = "PA3"
    messages = pin_facts_check(definition, facts_load(definition))
    assert len(messages) == 1
    assert "PA3" in messages[0]
    assert "extruder.heater_pin" in messages[0]
