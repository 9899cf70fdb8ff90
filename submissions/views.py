"""The submission pages: "My submissions" (and the review queue for moderators) and the review page."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import actors
from accounts.roles import Role, user_has_role
from assets import selectors as asset_selectors
from assets import services as asset_services
from assets import storage
from assets.models import ModerationStatus
from boards import selectors as board_selectors
from boards.definition_files import definition_file_path, definition_file_text
from boards.validation import definition_validate
from submissions import selectors, services
from submissions.models import SubmissionState

# Board pictures listed on the moderators' page at once (the admin lists them all).
PICTURES_SHOWN = 50


@login_required
def my_submissions(request):
    moderator = user_has_role(request.user, Role.MODERATOR)
    pictures = None
    if moderator:
        pictures = [
            {"asset": asset, "thumbnail": storage.asset_url(asset, "thumbnail", request=request)}
            for asset in asset_selectors.moderation_queue()[:PICTURES_SHOWN]
        ]
    return render(
        request,
        "submissions/list.html",
        {
            "mine": selectors.submissions_of(user=request.user),
            "to_review": selectors.submissions_to_review() if moderator else None,
            "pictures": pictures,
        },
    )


@login_required
@require_POST
def picture_decide(request, asset_id):
    """A moderator's decision on a board picture from the site (as the admin and the API make it)."""
    if not user_has_role(request.user, Role.MODERATOR):
        raise Http404("Only moderators decide on board pictures.")
    asset = asset_selectors.asset_visible(asset_id=asset_id, privileged=True)
    if asset is None:
        raise Http404("No such board picture.")
    decision = {"approve": ModerationStatus.APPROVED, "reject": ModerationStatus.REJECTED}.get(
        request.POST.get("decision", "")
    )
    if decision is None:
        messages.error(request, "Choose approve or reject.")
        return redirect("submissions")
    try:
        asset_services.asset_moderate(
            asset=asset,
            status=decision,
            reviewer=request.user.get_username(),
            notes=request.POST.get("notes", ""),
            actor=actors.signed_in(request.user),
        )
    except asset_services.AssetError as exc:
        messages.error(request, f"{asset.title}: {exc.message}")
    else:
        messages.success(request, f"{asset.title}: {decision}.")
    return redirect("submissions")


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    """(css class, line) of a unified diff; empty when the texts are equal."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "catalog", "submission", lineterm="", n=3)
    out = []
    for line in lines:
        kind = (
            "hunk"
            if line.startswith("@@")
            else "add"
            if line.startswith("+")
            else "del"
            if line.startswith("-")
            else ""
        )
        out.append((kind, line))
    return out


@login_required
def review(request, submission_id: int):
    submission = selectors.submission_visible(submission_id=submission_id, user=request.user)
    if submission is None:
        raise Http404("No such submission that you may see.")
    newest = selectors.newest_revision(submission)
    if newest is None:
        raise Http404("The submission has no revision.")
    definition = newest.definition
    picture_url = storage.asset_url(newest.picture, "file", request=request) if newest.picture else None
    catalog = board_selectors.board_get(board_id=submission.board_id)
    submitted_text = definition_file_text(definition)
    return render(
        request,
        "submissions/review.html",
        {
            "submission": submission,
            "revision": newest,
            "revisions": list(submission.revisions.all()),
            "definition": definition,
            "overlay": board_selectors.board_overlay(definition, picture_url=picture_url),
            "problems": definition_validate(definition),
            "catalog": catalog,
            "diff": _diff(definition_file_text(catalog.definition), submitted_text) if catalog else None,
            "file_path": f"boards/definitions/{definition_file_path(definition)}",
            "can_decide": user_has_role(request.user, Role.MODERATOR) and submission.state == SubmissionState.PENDING,
        },
    )


@login_required
@require_POST
def decide(request, submission_id: int):
    submission = selectors.submission_visible(submission_id=submission_id, user=request.user)
    if submission is None:
        raise Http404("No such submission that you may see.")
    notes = request.POST.get("notes", "")
    try:
        if request.POST.get("decision") == "approve":
            services.submission_approve(submission=submission, moderator=request.user, notes=notes)
            messages.success(request, f"{submission.board_id} approved: it is in the board library now.")
        elif request.POST.get("decision") == "reject":
            services.submission_reject(submission=submission, moderator=request.user, notes=notes)
            messages.success(request, f"{submission.board_id} rejected; the submitter sees your note.")
        else:
            messages.error(request, "Choose approve or reject.")
    except services.SubmissionRefused as exc:
        messages.error(request, exc.message)
    return redirect("submission-review", submission_id=submission.pk)
