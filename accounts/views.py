"""The account pages: sign-in, sign-out, password change (Django's views, the site's templates) and the
account page with personal API keys."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import api_keys, selectors, services
from accounts.forms import ApiKeyForm, NewAccountForm
from accounts.models import ApiKey, SignUp
from accounts.roles import Role, user_has_role
from klipperiwc_site import guessing

# login() needs to be told which backend vouched for a new account (two are configured).
_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signup_open": settings.SIGNUP_OPEN}


class SignOutView(auth_views.LogoutView):
    next_page = "/"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


def _account_page(request, *, form: ApiKeyForm, new_key: str | None = None, status: int = 200):
    response = render(
        request,
        "accounts/account.html",
        {
            "roles": (roles := selectors.user_roles(request.user)),
            "is_moderator": Role.MODERATOR in roles,
            "keys": selectors.user_api_keys(request.user),
            "form": form,
            "new_key": new_key,
        },
        status=status,
    )
    return response


@never_cache
@login_required
def account(request):
    return _account_page(request, form=ApiKeyForm())


@never_cache
@login_required
@require_POST
def api_key_new(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    _row, key = api_keys.api_key_create(user=request.user, name=form.cleaned_data["name"])
    # Shown in this answer only (never_cache: no-store); the database keeps its hash.
    return _account_page(request, form=ApiKeyForm(), new_key=key)


@login_required
@require_POST
def api_key_revoke(request, key_id: int):
    key = get_object_or_404(ApiKey, pk=key_id, user=request.user)
    api_keys.api_key_revoke(key=key)
    messages.success(request, f"The key “{key.name}” is revoked: it opens nothing any more.")
    return redirect("account")


def _new_account_form(request, *, template: str, context: dict, make, status: int = 200):
    """GET: the form; POST: ``make(form)`` the account, sign it in and go to the account page."""
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = make(form)
        except services.AccountRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
            login(request, user, backend=_BACKEND)
            return redirect("account")
    if request.method == "POST":
        status = 400
    return render(request, template, {**context, "form": form}, status=status)


@never_cache
def invitation(request, token: str):
    """An invitation link: make the account it invites. A wrong link counts as a guessed credential."""
    verdict = guessing.judge(
        request, credential="invitation link", matches=lambda: services.invitation_open(token) is not None
    )
    if verdict.locked_for is not None:
        return guessing.lockout_response(request)
    if not verdict.accepted:
        return render(request, "accounts/invitation_closed.html", status=410)
    found = services.invitation_open(token)

    def make(form):
        user = services.invitation_accept(
            token=token,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data.get("email") or "",
        )
        messages.success(request, "Welcome! Your account is ready.")
        return user

    roles = [group.name for group in found.roles.all()] if found else []
    return _new_account_form(
        request, template="accounts/new_account.html", context={"invited": True, "roles": roles}, make=make
    )


@never_cache
def sign_up(request):
    if not settings.SIGNUP_OPEN:
        raise Http404("Signing up is closed on this hub.")

    def make(form):
        user = services.sign_up(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data.get("email") or "",
        )
        messages.success(
            request, "Welcome! You can submit hardware now; a moderator confirms your account for the rest."
        )
        return user

    return _new_account_form(request, template="accounts/new_account.html", context={"invited": False}, make=make)


def _moderator(request):
    if not user_has_role(request.user, Role.MODERATOR):
        raise PermissionDenied("Only moderators confirm sign-ups.")


@never_cache
@login_required
def sign_ups(request):
    _moderator(request)
    pending = SignUp.objects.filter(state=SignUp.State.PENDING).select_related("user")
    decided = SignUp.objects.exclude(state=SignUp.State.PENDING).select_related("user", "decided_by")
    return render(
        request, "accounts/sign_ups.html", {"pending": pending, "decided": decided.order_by("-decided_at")[:20]}
    )


@login_required
@require_POST
def sign_up_decide(request, sign_up_id: int, decision: str):
    _moderator(request)
    if decision not in ("confirm", "refuse"):
        raise Http404("No such decision.")
    found = get_object_or_404(SignUp, pk=sign_up_id)
    try:
        decided = services.sign_up_decide(sign_up=found, confirm=decision == "confirm", moderator=request.user)
    except services.AccountRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{decided.user.get_username()}: {decided.state}.")
    return redirect("sign-ups")
