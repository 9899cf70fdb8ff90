"""A slug another printer has is a 409 naming slug, on POST and on a rename, and when two creates race."""

import threading

import pytest
from django.db import connection

from status import printer_services
from status.models import Printer
from status.tests.printer_api import moonraker_body


@pytest.mark.django_db
def test_a_second_printer_with_a_slug_is_a_409(admin_api):
    assert admin_api.post("/api/printers/", moonraker_body(), content_type="application/json").status_code == 201

    response = admin_api.post("/api/printers/", moonraker_body(name="Other"), content_type="application/json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "A printer with slug 'mk-1' already exists.",
        "slug": ["A printer with slug 'mk-1' already exists."],
    }
    assert Printer.objects.get(slug="mk-1").name == "Moonraker 1"


@pytest.mark.django_db
def test_renaming_onto_another_slug_is_a_409(admin_api):
    admin_api.post("/api/printers/", moonraker_body(), content_type="application/json")

    response = admin_api.patch("/api/printers/mk-1", {"slug": "demo"}, content_type="application/json")

    assert response.status_code == 409
    assert "slug" in response.json()
    assert Printer.objects.filter(slug="mk-1").exists()


@pytest.mark.django_db
def test_a_rename_to_its_own_slug_or_a_free_one_works(admin_api):
    admin_api.post("/api/printers/", moonraker_body(), content_type="application/json")

    assert admin_api.patch("/api/printers/mk-1", {"slug": "mk-1"}, content_type="application/json").status_code == 200
    renamed = admin_api.patch("/api/printers/mk-1", {"slug": "mk-9"}, content_type="application/json")

    assert renamed.status_code == 200
    assert renamed.json()["slug"] == "mk-9"
    assert admin_api.get("/api/printers/mk-9").status_code == 200
    assert admin_api.get("/api/printers/mk-1").status_code == 404


@pytest.mark.django_db
def test_a_create_that_loses_the_race_after_the_check_is_a_409(monkeypatch):
    """Another request saved the slug between our check and our save: the unique index says so, still a 409."""
    printer_services.printer_create(slug="race-1", name="First", source_kind="demo")
    # As if the check ran before the other request committed.
    monkeypatch.setattr(printer_services, "_slug_taken", lambda slug, *, other_than: False)

    with pytest.raises(printer_services.PrinterSlugTaken) as refused:
        printer_services.printer_create(slug="race-1", name="Second", source_kind="demo")

    assert refused.value.errors == {"slug": ["A printer with slug 'race-1' already exists."]}
    assert Printer.objects.get(slug="race-1").name == "First"


@pytest.mark.on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_creates_racing_store_one_printer_and_refuse_the_other(monkeypatch):
    """Both pass the "is the slug free?" check before either saves: the database's unique index decides."""
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[str] = []
    checked = printer_services._slug_taken
    first_check: set[str] = set()

    def racing_check(slug, *, other_than):
        taken = checked(slug, other_than=other_than)
        if threading.current_thread().name not in first_check:
            first_check.add(threading.current_thread().name)
            barrier.wait()  # both threads have found the slug free
        return taken

    def create():
        try:
            printer_services.printer_create(slug="race-1", name="Race", source_kind="demo")
            outcomes.append("created")
        except printer_services.PrinterSlugTaken as exc:
            outcomes.append(f"taken: {exc.errors}")
        finally:
            connection.close()

    monkeypatch.setattr(printer_services, "_slug_taken", racing_check)
    threads = [threading.Thread(target=create, name=f"creator-{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["created", "taken: {'slug': [\"A printer with slug 'race-1' already exists.\"]}"]
    assert Printer.objects.filter(slug="race-1").count() == 1
