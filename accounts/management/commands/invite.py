"""manage.py invite: make an invitation link for a new account, with roles, for operators without the admin."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.roles import Role


class Command(BaseCommand):
    help = "Make a single-use invitation link (printed once) that creates an account with the given roles."

    def add_arguments(self, parser):
        parser.add_argument("--role", action="append", choices=[role.value for role in Role], default=[])
        parser.add_argument("--days", type=int, default=None, help="How long the link works (INVITATION_DAYS).")
        parser.add_argument("--note", default="", help="For whom, shown in the admin.")
        parser.add_argument(
            "--base-url", default="", help="The hub's address, e.g. https://farm.example.org (else the path only)."
        )

    def handle(self, *args, role, days, note, base_url, **options):
        if days is not None and not 1 <= days <= 365:
            raise CommandError("--days must be between 1 and 365.")
        groups = list(Group.objects.filter(name__in=role))
        invitation, token = services.invitation_create(created_by=None, roles=groups, note=note, days=days)
        expires = invitation.expires_at.isoformat(timespec="seconds")
        self.stderr.write(f"Invitation {invitation.pk}: roles {', '.join(role) or 'none'}, expires {expires}")
        self.stdout.write(base_url.rstrip("/") + services.invitation_path(token))
