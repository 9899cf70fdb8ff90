"""People's credentials beside Django's users: personal API keys.

A key is ``kiwc_<prefix>_<secret>``: the prefix (public, unique) finds the row, the secret is
stored only as its SHA-256 and compared in constant time. A fast hash is enough because the
secret is 32 random bytes, not a password a person chose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What the owner uses it for.")
    prefix = models.CharField(max_length=16, unique=True, help_text="The key's public part: kiwc_<prefix>_...")
    secret_sha256 = models.CharField("secret (SHA-256)", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="To the minute.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "api_keys"
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (kiwc_{self.prefix}_…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Credential(models.TextChoices):
    """How the actor of an audit row proved who it is."""

    TOKEN = "token", "environment token"
    API_KEY = "api_key", "personal API key"
    SIGN_IN = "sign_in", "signed in"


class Invitation(models.Model):
    """A single-use link that makes an account with the roles an admin chose; it expires.

    The link holds a random token; only its SHA-256 is stored (the admin sees the link once).
    """

    token_sha256 = models.CharField(max_length=64, unique=True)
    roles = models.ManyToManyField("auth.Group", blank=True, related_name="+", help_text="The new account's roles.")
    note = models.CharField(max_length=200, blank=True, help_text="For whom, e.g. “Lena, night shift”.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )

    class Meta:
        db_table = "account_invitations"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}" + (f" ({self.note})" if self.note else "")


class SignUp(models.Model):
    """An account made by signing up (SIGNUP_OPEN): it may submit hardware, nothing else, until confirmed.

    A moderator confirms it (it joins ``contributors``) or refuses it (the account is disabled).
    """

    class State(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"
        REFUSED = "refused"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_up")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "account_sign_ups"
        ordering = ["created_at", "id"]
        verbose_name = "sign-up"

    def __str__(self) -> str:
        return f"{self.user} ({self.state})"
