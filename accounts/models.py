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
