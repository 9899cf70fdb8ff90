"""Forms of the account pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        strip=True,
        help_text="What the key is for, e.g. “farm wall” or “OrcaSlicer upload”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "farm wall"}),
    )


class NewAccountForm(UserCreationForm):
    """Name, optional e-mail and password twice (Django's rules: unique name, the password validators)."""

    email = forms.EmailField(required=False, help_text="Optional; for moderators to reach you.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
