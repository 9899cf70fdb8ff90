"""The review page: the picture with connectors (overlay data), the validation verdict, and a diff against
the catalog's board of the same id; approve and reject for moderators only."""

import io

import pytest
from django.core.management import call_command

from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, picture, submit, with_shapes

pytestmark = pytest.mark.django_db


def test_a_change_to_a_catalog_board_shows_as_a_diff(client, person):
    call_command("sync_boards", stdout=io.StringIO())
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    edited = new_board(board_id="btt-skr-pico-v1.0", name="BIGTREETECH SKR Pico V1.0")
    edited["manufacturer"] = "BIGTREETECH"
    edited["connectors"][4]["label"] = "Hotend heater (HE)"
    submit(client, with_shapes(edited), with_picture=picture(), headers=carla.bearer)
    submission = BoardSubmission.objects.get()
    client.force_login(mona.user)

    page = client.get(f"/submissions/{submission.pk}").content.decode()

    assert "Valid: the definition passes every rule" in page
    assert '<span class="add">+      &quot;label&quot;: &quot;Hotend heater (HE)&quot;,</span>' in page
    assert '<span class="del">' in page
    assert 'data-testid="approve"' in page
    assert '"picture": "http://testserver/api/board-assets/' in page  # the pending picture, by a signed link
    assert '"shape": "rect"' in page
    assert '<td data-label="MCU pin or net"><code>gpio23</code></td>' in page  # every pin is listed


def test_the_submitter_sees_the_page_without_the_decision(client, person):
    carla = person("carla", "contributors")
    submit(client, new_board(), headers=carla.bearer)
    client.force_login(carla.user)

    page = client.get(f"/submissions/{BoardSubmission.objects.get().pk}").content.decode()

    assert "A new board: the catalog has no board with this id." in page
    assert 'data-testid="approve"' not in page


def test_someone_else_gets_a_404_and_a_moderators_site_decision_is_recorded(client, person):
    carla, bob, mona = person("carla", "contributors"), person("bob", "contributors"), person("mona", "moderators")
    submit(client, new_board(), headers=carla.bearer)
    submission = BoardSubmission.objects.get()
    client.force_login(bob.user)
    assert client.get(f"/submissions/{submission.pk}").status_code == 404
    assert client.post(f"/submissions/{submission.pk}/decision", {"decision": "approve"}).status_code == 404

    client.force_login(mona.user)
    client.post(f"/submissions/{submission.pk}/decision", {"decision": "reject", "notes": "Needs sources."})

    revision = submission.revisions.get()
    assert (revision.outcome, revision.reviewer, revision.notes) == ("rejected", mona.user, "Needs sources.")
