"""In the admin, moderators approve printer submissions from the list and reject them with a note (an
intermediate page asks for it), as board submissions; the community printers are listed read-only. The pages
pass the CSP rules."""

import pytest
from django.contrib.auth.models import Permission

from klipperiwc_site.tests.test_every_html_page_carries_the_security_headers import assert_headers_and_markup
from printers.models import CommunityPrinter
from submissions.models import BoardSubmission, PrinterSubmission
from submissions.tests.conftest import new_board, new_printer, submit, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

LIST = "/admin/submissions/printersubmission/"


def _action(client, action: str, submissions, **extra):
    data = {"action": action, "_selected_action": [str(s.pk) for s in submissions], **extra}
    return client.post(LIST, data, follow=True)


def test_approve_and_reject_from_the_list(client, person):
    carla, bob = person("carla", "contributors"), person("bob", "contributors")
    mona = person("mona", "moderators", superuser=True)
    submit_printer(client, new_printer(), headers=carla.bearer)
    submit_printer(client, new_printer(printer_id="bobs-ender"), headers=bob.bearer)
    carlas, bobs = PrinterSubmission.objects.order_by("id")
    client.force_login(mona.user)

    listed = client.get(LIST)
    approved = _action(client, "approve", [carlas])
    asked = _action(client, "reject", [bobs])
    no_note = _action(client, "reject", [bobs], apply="1", notes="")
    rejected = _action(client, "reject", [bobs], apply="1", notes="Which hotend is it?")
    again = _action(client, "approve", [carlas])

    assert_headers_and_markup(listed, LIST)
    assert "acme-ender3-pro" in listed.content.decode()
    # (The admin's messages start with a capital letter.)
    assert "Acme-ender3-pro: approved." in approved.content.decode()
    assert CommunityPrinter.objects.get().submission == carlas
    assert asked.templates[0].name == "submissions/admin_reject.html"
    assert_headers_and_markup(asked, "the reject page")
    assert 'name="notes"' in asked.content.decode()
    assert no_note.templates[0].name == "submissions/admin_reject.html"
    assert "Bobs-ender: rejected." in rejected.content.decode()
    assert "approved already" in again.content.decode()
    bobs.refresh_from_db()
    revision = bobs.revisions.get()
    assert (bobs.state, revision.notes, revision.reviewer) == ("rejected", "Which hotend is it?", mona.user)

    page = client.get(f"{LIST}{carlas.pk}/change/")
    printers = client.get("/admin/printers/communityprinter/")
    printer = client.get("/admin/printers/communityprinter/acme-ender3-pro/change/")
    for response, path in ((page, "the change page"), (printers, "community printers"), (printer, "one printer")):
        assert response.status_code == 200, path
        assert_headers_and_markup(response, path)
    assert f'href="/submissions/printers/{carlas.pk}"' in page.content.decode()
    assert "&quot;kinematics&quot;: &quot;cartesian&quot;" in printer.content.decode()


def test_staff_who_are_not_moderators_see_their_own_only(client, person):
    carla, bob = person("carla", "contributors"), person("bob", "contributors")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submit_printer(client, new_printer(printer_id="bobs-ender"), headers=bob.bearer)
    bob.user.is_staff = True
    bob.user.save()
    bob.user.user_permissions.add(Permission.objects.get(codename="view_printersubmission"))
    client.force_login(bob.user)

    page = client.get(LIST).content.decode()

    assert "bobs-ender" in page
    assert "acme-ender3-pro" not in page


def test_board_submissions_are_rejected_with_a_note_the_same_way(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators", superuser=True)
    submit(client, new_board(), headers=carla.bearer)
    submission = BoardSubmission.objects.get()
    client.force_login(mona.user)
    data = {"action": "reject", "_selected_action": [str(submission.pk)]}

    asked = client.post("/admin/submissions/boardsubmission/", data, follow=True)
    rejected = client.post(
        "/admin/submissions/boardsubmission/", {**data, "apply": "1", "notes": "Needs sources."}, follow=True
    )

    assert asked.templates[0].name == "submissions/admin_reject.html"
    assert "acme-mini-v1" in asked.content.decode()
    assert "Acme-mini-v1: rejected." in rejected.content.decode()
    assert submission.revisions.get().notes == "Needs sources."
