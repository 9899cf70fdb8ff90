"""Accounts in the admin: invitations (the link is shown once), sign-ups to confirm, personal API keys."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from accounts import api_keys, services
from accounts.models import ApiKey, Invitation, SignUp


class InvitationForm(forms.ModelForm):
    days = forms.IntegerField(
        min_value=1, max_value=365, initial=settings.INVITATION_DAYS, help_text="The link works this many days, once."
    )

    class Meta:
        model = Invitation
        fields = ["roles", "note"]


class InvitationNoteForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["note"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = InvitationForm
    list_display = ["__str__", "roles_list", "created_by", "created_at", "expires_at", "state"]
    filter_horizontal = ["roles"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["roles_list", "created_by", "created_at", "expires_at", "used_at", "used_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:  # a made invitation only shows what it is; its link is gone
            kwargs["form"] = InvitationNoteForm
            kwargs["fields"] = ["note"]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="roles")
    def roles_list(self, obj) -> str:
        return ", ".join(group.name for group in obj.roles.all()) or "—"

    @admin.display(description="state")
    def state(self, obj) -> str:
        if obj.used_at:
            return f"used by {obj.used_by}" if obj.used_by else "used"
        return "expired" if obj.expires_at <= timezone.now() else "open"

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token = services.invitation_save(invitation=obj, created_by=request.user, days=form.cleaned_data["days"])
        link = request.build_absolute_uri(services.invitation_path(token))
        self.message_user(
            request,
            format_html("The invitation link, shown this once (send it to the person): <code>{}</code>", link),
            messages.SUCCESS,
        )


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["user", "state", "created_at", "decided_by", "decided_at"]
    list_filter = ["state"]
    readonly_fields = ["user", "state", "created_at", "decided_by", "decided_at"]
    actions = ["confirm", "refuse"]

    def has_add_permission(self, request) -> bool:
        return False

    def _decide(self, request, queryset, *, confirm: bool) -> None:
        for entry in queryset:
            try:
                services.sign_up_decide(sign_up=entry, confirm=confirm, moderator=request.user)
            except services.AccountRefused as exc:
                self.message_user(request, f"{entry.user}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{entry.user}: {'confirmed' if confirm else 'refused'}.")

    @admin.action(description="Confirm the selected sign-ups (they join contributors)")
    def confirm(self, request, queryset):
        self._decide(request, queryset, confirm=True)

    @admin.action(description="Refuse the selected sign-ups (their accounts are disabled)")
    def refuse(self, request, queryset):
        self._decide(request, queryset, confirm=False)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "shown_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["secret_sha256"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # people make their own keys on their account page: the key is shown to them only

    @admin.display(description="key")
    def shown_prefix(self, obj) -> str:
        return f"kiwc_{obj.prefix}_…"

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            api_keys.api_key_revoke(key=key)
        self.message_user(request, f"{queryset.count()} key(s) revoked.")
