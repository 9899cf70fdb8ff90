"""The farm's choice of printers is in the URL: the summary's state filter, the tag and state
filters, the name search and the sort each change the query, and a bookmarked query (a wall
screen's ?tag=floor-2&wall=1) opens the same view."""

from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def query(page) -> dict:
    # The page's own location (Playwright's page.url follows a history.replaceState a moment later).
    search = page.evaluate("() => window.location.search")
    return {name: values[0] for name, values in parse_qs(search.removeprefix("?")).items()}


def shown(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('#grid [data-printer]')].filter((c) => !c.hidden)"
        ".map((c) => c.dataset.printer)"
    )


def test_filters_sort_and_search_are_in_the_url(farm_site):
    farm_site.start_print("beta", "slow.gcode", layers=40, lines_per_layer=30)
    page = farm_site.open_farm()
    expect(page.locator('[data-printer="beta"]')).to_have_attribute("data-state", "printing")
    assert shown(page) == ["alpha", "beta"]

    page.locator('[data-summary="printing"]').click()
    assert query(page) == {"state": "printing"}
    assert shown(page) == ["beta"]
    expect(page.locator('[data-summary="printing"]')).to_have_attribute("aria-pressed", "true")
    page.locator('[data-summary="printing"]').click()  # again: the filter is off
    assert query(page) == {}
    assert shown(page) == ["alpha", "beta"]

    page.locator("#filter-tag").select_option("floor-1")
    assert query(page) == {"tag": "floor-1"}
    assert shown(page) == ["alpha"]
    page.locator("#filter-tag").select_option("")
    page.locator("#filter-state").select_option("idle")
    assert query(page) == {"state": "idle"}
    assert shown(page) == ["alpha"]
    page.locator("#filter-state").select_option("")

    page.locator("#filter-q").fill("bet")
    assert query(page) == {"q": "bet"}
    assert shown(page) == ["beta"]
    page.locator("#filter-q").fill("")

    # Time left: the printer that will be done first comes first; idle ones last.
    page.locator("#sort").select_option("time-left")
    assert query(page) == {"sort": "time-left"}
    assert shown(page) == ["beta", "alpha"]
    page.locator("#sort").select_option("name")
    assert query(page) == {}
    assert shown(page) == ["alpha", "beta"]

    # A bookmark opens the same view, here on a wall screen: no controls, bigger type.
    wall = farm_site.new_page(viewport={"width": 1920, "height": 1080})
    farm_site.open_farm("?tag=floor-2&wall=1", page=wall)
    assert shown(wall) == ["beta"]
    expect(wall.locator("#controls")).to_be_hidden()
    expect(wall.locator(".site-header")).to_be_hidden()
    expect(wall.locator('[data-printer="beta"] input.select')).to_be_hidden()
    sizes = wall.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('[data-printer=beta] .card-name')).fontSize)"
    )
    assert sizes > page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('[data-printer=beta] .card-name')).fontSize)"
    )
    # The same choice with the query reloaded on the first page.
    farm_site.open_farm("?state=printing&sort=state")
    expect(page.locator("#filter-state")).to_have_value("printing")
    expect(page.locator("#sort")).to_have_value("state")
    assert shown(page) == ["beta"]
