"""The Django model permissions each role group holds, so its members can use the admin.

Kept in step after every ``migrate`` (a post_migrate handler, accounts/apps.py): permissions are
made by Django's own post_migrate handler, after the migrations, so a migration cannot grant them.
Members also need "staff status" (an admin sets it) to open the admin at all; the site's own
pages (the review page, sign-ups) need the group only.
"""

from __future__ import annotations

from accounts.roles import Role

# (app label, model, actions) per role.
ROLE_PERMISSIONS: dict[Role, list[tuple[str, str, tuple[str, ...]]]] = {
    Role.MODERATOR: [
        ("assets", "boardasset", ("view", "change", "delete")),
        ("assets", "moderationevent", ("view",)),
        ("submissions", "boardsubmission", ("view", "change")),
        ("submissions", "boardsubmissionrevision", ("view",)),
        ("submissions", "printersubmission", ("view", "change")),
        ("submissions", "printersubmissionrevision", ("view",)),
        ("printers", "communityprinter", ("view", "delete")),
        ("accounts", "signup", ("view", "change")),
        ("boards", "board", ("view",)),
    ],
    Role.OPERATOR: [
        ("status", "printer", ("view", "add", "change", "delete")),
        ("status", "printeraction", ("view",)),
        ("status", "printjob", ("view",)),
        ("status", "statussnapshot", ("view",)),
    ],
    Role.CONTRIBUTOR: [
        ("submissions", "boardsubmission", ("view",)),
        ("submissions", "printersubmission", ("view",)),
    ],
}


def role_permissions_sync(**kwargs) -> None:
    """Give each role group its permissions (adds what is missing; what an admin added stays)."""
    from django.contrib.auth.models import Group, Permission

    for role, entries in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        codenames = {(app, f"{action}_{model}") for app, model, actions in entries for action in actions}
        wanted = [
            permission
            for permission in Permission.objects.filter(codename__in={code for _, code in codenames}).select_related(
                "content_type"
            )
            if (permission.content_type.app_label, permission.codename) in codenames
        ]
        group.permissions.add(*wanted)
