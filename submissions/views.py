"""The submission pages: "My submissions" (and the review queue for moderators) and the review pages of a
board and of a printer submission."""

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
from printers.definitions import printer_definition
from printers.models import PrinterSource
from printers.selectors import printer_definition_get
from printers.services import printer_config
from submissions import selectors, services
from submissions.models import SubmissionState
from submissions.printer_files import printer_file_path, printer_file_text, printer_in_schema_order

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
            "printers_mine": selectors.printer_submissions_of(user=request.user),
            "printers_to_review": selectors.printer_submissions_to_review() if moderator else None,
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


def _diff(old: str, new: str, *, before: str = "catalog", after: str = "submission") -> list[tuple[str, str]]:
    """(css class, line) of a unified diff; empty when the texts are equal."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), before, after, lineterm="", n=3)
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


@login_required
def printer_review(request, submission_id: int):
    submission = selectors.printer_submission_visible(submission_id=submission_id, user=request.user)
    if submission is None:
        raise Http404("No such printer submission that you may see.")
    newest = selectors.newest_revision(submission)
    if newest is None:
        raise Http404("The submission has no revision.")
    definition = printer_in_schema_order(newest.definition)  # as the file and the catalog have it
    submitted_text = printer_file_text(definition)
    previous = selectors.previous_revision(submission)
    catalog = printer_definition_get(submission.printer_id)
    # The rules and the boards may have changed since it was submitted: both are as of now.
    problems = services.printer_problems(definition)
    _, printer_cfg = printer_config(definition=definition)
    return render(
        request,
        "submissions/printer_review.html",
        {
            "submission": submission,
            "revision": newest,
            "revisions": list(submission.revisions.all()),
            "definition": definition,
            "definition_text": submitted_text,
            "problems": problems,
            "printer_cfg": printer_cfg,
            "previous": previous,
            "diff": _diff(
                printer_file_text(previous.definition),
                submitted_text,
                before=f"revision {previous.number}",
                after=f"revision {newest.number}",
            )
            if previous
            else None,
            "catalog": catalog,
            "shipped": catalog is not None and catalog.source == PrinterSource.REPOSITORY,
            "catalog_diff": _diff(printer_file_text(catalog.definition), submitted_text) if catalog else None,
            "file_path": printer_file_path(definition),
            "can_decide": user_has_role(request.user, Role.MODERATOR) and submission.state == SubmissionState.PENDING,
        },
    )


@login_required
@require_POST
def printer_decide(request, submission_id: int):
    submission = selectors.printer_submission_visible(submission_id=submission_id, user=request.user)
    if submission is None:
        raise Http404("No such printer submission that you may see.")
    notes = request.POST.get("notes", "")
    try:
        if request.POST.get("decision") == "approve":
            services.printer_submission_approve(submission=submission, moderator=request.user, notes=notes)
            if printer_definition(submission.printer_id) is not None:
                messages.success(
                    request, f"{submission.printer_id} approved; the shipped printer of that id stays in the catalog."
                )
            else:
                messages.success(request, f"{submission.printer_id} approved: it is in the printer catalog now.")
        elif request.POST.get("decision") == "reject":
            services.printer_submission_reject(submission=submission, moderator=request.user, notes=notes)
            messages.success(request, f"{submission.printer_id} rejected; the submitter sees your note.")
        else:
            messages.error(request, "Choose approve or reject.")
    except services.SubmissionRefused as exc:
        messages.error(request, exc.message)
    return redirect("printer-submission-review", submission_id=submission.pk)
