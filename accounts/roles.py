"""The roles people hold, as Django groups (created by accounts/migrations/0001_role_groups.py).

Each role opens what one of the seed's environment tokens opens today:
- contributors: submit hardware and upload board pictures (BOARD_ASSET_UPLOAD_TOKEN);
- moderators: review submissions and board assets (BOARD_ASSET_MODERATION_TOKEN);
- operators: manage and control printers (PRINTER_ADMIN_TOKEN, PRINTER_CONTROL_TOKEN).
A superuser holds every role; an inactive account holds none.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CONTRIBUTOR = "contributors"
    MODERATOR = "moderators"
    OPERATOR = "operators"


def user_has_role(user, role: Role) -> bool:
    """Whether ``user`` (a Django user, possibly anonymous) holds ``role``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role.value).exists()
