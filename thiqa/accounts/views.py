"""Sign-in, second factor, API tokens, participants, groups and people."""

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from thiqa.accounts import policy, services
from thiqa.accounts.forms import (
    CodeForm,
    InviteForm,
    ParticipantFilterForm,
    ParticipantForm,
    PasswordLinkForm,
    RoleForm,
    SignInForm,
    TokenForm,
)
from thiqa.accounts.models import ApiToken, Membership, Participant, ParticipantGroup, User
from thiqa.lib.http import posted
from thiqa.lib.links import extras_for

PENDING = "thiqa-pending-signin"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _complete_signin(request: HttpRequest, user: User) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    services.note_success(user, request)
    request.session[settings.LANGUAGE_COOKIE_NAME] = user.language
    response = redirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


@sensitive_post_parameters("password")
def signin(request: HttpRequest) -> HttpResponse:
    form = SignInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if wait := services.locked_for(email):
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            form.add_error(
                None,
                ngettext(
                    "Too many failed attempts. Try again in %(minutes)d minute.",
                    "Too many failed attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        else:
            user = User.objects.filter(email=email, is_active=True).first()
            if user is None or not user.check_password(form.cleaned_data["password"]):
                services.note_failure(email, request, "password")
                form.add_error(None, _("The e-mail address or the password is not correct."))
            elif user.has_second_factor:
                request.session[PENDING] = {"user": user.pk, "at": time.time()}
                url = reverse("accounts:verify")
                if nxt := request.POST.get("next"):
                    url += "?next=" + nxt
                return redirect(url)
            else:
                return _complete_signin(request, user)
    return render(request, "accounts/signin.html", {"form": form, "next": request.GET.get("next", "")})


def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: the TOTP code."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > settings.THIQA_SECOND_FACTOR_SECONDS:
        request.session.pop(PENDING, None)
        messages.error(request, _("Your sign-in expired. Please start again."))
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if services.locked_for(user.email):
            request.session.pop(PENDING, None)
            messages.error(request, _("Too many failed attempts. Please try again later."))
            return redirect("accounts:login")
        if services.verify_totp(user, form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            return _complete_signin(request, user)
        services.note_failure(user.email, request, "second factor")
        form.add_error("code", _("This code is not valid. Wait for a new one and try again."))
    return render(request, "accounts/verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    secret = request.session.get("thiqa-totp-secret") or services.new_totp_secret()
    request.session["thiqa-totp-secret"] = secret
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if services.enrol_totp(user, secret, form.cleaned_data["code"], request):
            del request.session["thiqa-totp-secret"]
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("home")
        form.add_error("code", _("This code does not match. Check the time on your device and try again."))
    uri = services.totp_uri(user, secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": qr_svg,
            "replacing": user.has_second_factor,
        },
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordLinkForm
    email_template_name = "accounts/email/reset.txt"
    subject_template_name = "accounts/email/reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_url": settings.SITE_URL}

    def form_valid(self, form: Any) -> HttpResponse:
        services.note_reset_request(form.cleaned_data["email"], self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.note_password_reset(form.user, self.request)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.note_password_change(self.request.user, self.request)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.create_token(request.user, request=request, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token, actor=request.user, request=request)
    messages.success(request, _("The token “%s” was revoked.") % token.name)
    return redirect("accounts:tokens")


@login_required
def participants(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "participant.list")
    form = ParticipantFilterForm(request.GET or None)
    rows = Participant.objects.filter(is_active=True)
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            rows = rows.filter(Q(name_en__icontains=q) | Q(name_ar__icontains=q) | Q(code__iexact=q))
        if kind := form.cleaned_data["kind"]:
            rows = rows.filter(kind=kind)
        if group := form.cleaned_data["group"]:
            rows = rows.filter(groups__code=group)
    rows = rows.order_by("name_ar" if request.LANGUAGE_CODE == "ar" else "name_en")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/participants.html",
        {
            "form": form,
            "page": page,
            "groups": ParticipantGroup.objects.all(),
            "can_create": policy.can(request.user, "participant.create"),
        },
    )


@login_required
def participant(request: HttpRequest, code: str) -> HttpResponse:
    obj = get_object_or_404(Participant, code=code)
    policy.require(request.user, "participant.view", obj)
    can_edit = policy.can(request.user, "participant.edit", obj)
    form = ParticipantForm(posted(request), instance=obj) if can_edit else None
    if request.method == "POST":
        policy.require(request.user, "participant.edit", obj)
        if form is not None and form.is_valid():
            services.update_participant(
                Participant.objects.get(pk=obj.pk),
                {f: form.cleaned_data[f] for f in form.changed_data},
                actor=request.user,
                request=request,
            )
            messages.success(request, _("The changes were saved."))
            return redirect("accounts:participant", code=obj.code)
    people = None
    extras = extras_for("accounts.participant", request.user, obj)
    if policy.can(request.user, "participant.view_people", obj):
        people = obj.memberships.filter(is_active=True).select_related("user").order_by("role")
    return render(
        request,
        "accounts/participant.html",
        {
            "participant": obj,
            "form": form,
            "people": people,
            "groups": obj.groups.all(),
            "can_invite": policy.can(request.user, "membership.assign", (obj, Membership.Role.MEMBER)),
            "sections": extras.sections,
            "elsewhere": extras.links,
        },
    )


@login_required
def invite(request: HttpRequest, code: str) -> HttpResponse:
    obj = get_object_or_404(Participant, code=code)
    policy.require(request.user, "participant.view_people", obj)
    form = InviteForm(posted(request), initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.invite(
                actor=request.user, participant=obj, request=request, **form.cleaned_data
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s now has the role %(role)s.")
                % {"name": result.user, "role": result.membership.get_role_display()},
            )
            return redirect("accounts:participant", code=obj.code)
    return render(request, "accounts/invite.html", {"participant": obj, "form": form})


@login_required
@require_POST
def membership(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Membership.objects.select_related("participant", "user"), pk=pk)
    policy.require(request.user, "membership.change", item)
    if request.POST.get("action") == "end":
        services.end_membership(item, actor=request.user, request=request)
        messages.success(request, _("%s no longer has a role here.") % item.user)
    else:
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a valid role."))
        else:
            services.change_role(item, form.cleaned_data["role"], actor=request.user, request=request)
            messages.success(request, _("The role was changed."))
    return redirect("accounts:participant", code=item.participant.code)


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "group.list")
    rows = ParticipantGroup.objects.annotate(size=Count("members")).order_by("code")
    return render(request, "accounts/groups.html", {"groups": rows})


@login_required
def group(request: HttpRequest, code: str) -> HttpResponse:
    obj = get_object_or_404(ParticipantGroup, code=code)
    policy.require(request.user, "group.list", obj)
    members = obj.members.order_by("name_ar" if request.LANGUAGE_CODE == "ar" else "name_en")
    return render(request, "accounts/group.html", {"group": obj, "members": members})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": request.user.memberships.filter(is_active=True).select_related("participant"),
        },
    )
