"""The printer review page: the definition, its validation, the printer.cfg it generates, the revisions with
their notes and a diff against the previous one; approve and reject for moderators only. "My submissions"
lists one's printers and, for moderators, the pending ones. Every page passes the site's CSP rules."""

import pytest

from boards.models import Board
from klipperiwc_site.tests.test_every_html_page_carries_the_security_headers import assert_headers_and_markup
from printers.models import CommunityPrinter
from submissions.models import PrinterSubmission
from submissions.tests.conftest import decide_printer, new_printer, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_a_moderator_sees_the_config_the_diff_and_the_decision(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()
    decide_printer(client, submission, mona, decision="reject", notes="Set the real build volume.")
    revised = new_printer()
    revised["build_volume"]["z"] = 245
    submit_printer(client, revised, headers=carla.bearer)
    client.force_login(mona.user)

    response = client.get(f"/submissions/printers/{submission.pk}")

    assert response.status_code == 200
    page = response.content.decode()
    assert_headers_and_markup(response, "the printer review page")
    assert "Valid: the definition fits its boards" in page
    assert '<pre class="diff" data-testid="printer-cfg-preview">' in page
    assert "[printer]\nkinematics: cartesian" in page
    assert "[stepper_x]" in page
    assert "&quot;id&quot;: &quot;acme-ender3-pro&quot;," in page  # the definition, pretty-printed
    assert "Changes from revision 1 (rejected)." in page
    assert '<span class="del">-    &quot;z&quot;: 250</span>' in page
    assert '<span class="add">+    &quot;z&quot;: 245</span>' in page
    assert "Set the real build volume." in page
    assert "A new printer: the catalog has no printer with this id." in page
    assert 'data-testid="approve"' in page
    assert 'data-testid="reject"' in page
    assert f'action="/submissions/printers/{submission.pk}/decision"' in page

    listed = client.get("/submissions")
    assert_headers_and_markup(listed, "/submissions")
    assert f'href="/submissions/printers/{submission.pk}">acme-ender3-pro</a>' in listed.content.decode()
    assert 'data-testid="printer-queue-row"' in listed.content.decode()


def test_the_submitter_sees_the_page_without_the_decision(client, person):
    carla = person("carla", "contributors")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()
    client.force_login(carla.user)

    page = client.get(f"/submissions/printers/{submission.pk}").content.decode()
    mine = client.get("/submissions").content.decode()

    assert 'data-testid="printer-cfg-preview"' in page
    assert "The first revision: nothing earlier to compare." in page
    assert 'data-testid="approve"' not in page
    assert 'data-testid="reject"' not in page
    assert 'data-testid="my-printer-submission"' in mine
    assert 'data-testid="printer-review-queue"' not in mine


def test_someone_else_gets_a_404_and_a_moderators_site_decisions_are_recorded(client, person):
    carla, bob, mona = person("carla", "contributors"), person("bob", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()
    client.force_login(bob.user)
    assert client.get(f"/submissions/printers/{submission.pk}").status_code == 404
    assert client.post(f"/submissions/printers/{submission.pk}/decision", {"decision": "approve"}).status_code == 404
    client.force_login(carla.user)
    own = client.post(f"/submissions/printers/{submission.pk}/decision", {"decision": "approve"}, follow=True)
    assert "Only moderators review submissions." in own.content.decode()

    client.force_login(mona.user)
    no_note = client.post(f"/submissions/printers/{submission.pk}/decision", {"decision": "reject"}, follow=True)
    rejected = client.post(
        f"/submissions/printers/{submission.pk}/decision", {"decision": "reject", "notes": "Needs sources."}
    )

    assert "Rejecting needs a note" in no_note.content.decode()
    assert rejected.status_code == 302
    assert rejected["Location"] == f"/submissions/printers/{submission.pk}"
    revision = submission.revisions.get()
    assert (revision.outcome, revision.reviewer, revision.notes) == ("rejected", mona.user, "Needs sources.")


def test_a_site_approval_says_where_the_printer_went(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    as_shipped = new_printer(printer_id="creality-ender3-pro-4.2.2", name="Creality Ender 3 Pro (2020, 4.2.2 board)")
    submit_printer(client, as_shipped, headers=carla.bearer)
    new, shipped = PrinterSubmission.objects.order_by("id")
    client.force_login(mona.user)

    shipped_page = client.get(f"/submissions/printers/{shipped.pk}").content.decode()
    approved = client.post(f"/submissions/printers/{new.pk}/decision", {"decision": "approve"}, follow=True)
    kept = client.post(f"/submissions/printers/{shipped.pk}/decision", {"decision": "approve"}, follow=True)

    assert 'data-testid="catalog-shipped"' in shipped_page
    assert 'data-testid="catalog-same"' in shipped_page  # the shipped file, unchanged
    assert "acme-ender3-pro approved: it is in the printer catalog now." in approved.content.decode()
    assert 'data-testid="approve"' not in approved.content.decode()
    assert "the shipped printer of that id stays in the catalog" in kept.content.decode()
    assert list(CommunityPrinter.objects.values_list("pk", flat=True)) == ["acme-ender3-pro"]


def test_a_definition_that_no_longer_fits_shows_its_problems_and_no_config(client, person):
    carla = person("carla", "contributors")
    submit_printer(client, new_printer(), headers=carla.bearer)
    Board.objects.filter(pk="creality-4.2.2").delete()
    client.force_login(carla.user)

    page = client.get(f"/submissions/printers/{PrinterSubmission.objects.get().pk}").content.decode()

    assert "Not valid: 1 problem." in page
    assert "<code>/boards/main</code>" in page
    assert 'data-testid="printer-cfg-none"' in page
