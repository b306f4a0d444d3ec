"""/account/tokens/: a user's API tokens; the key is shown once, on the answer to the create."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.roles import role_required

from . import selectors, services
from .forms import TokenCreateForm

api_user_required = role_required(services.may_use_api)


def _list_page(request: HttpRequest, form: TokenCreateForm) -> HttpResponse:
    return render(
        request,
        "apitokens/list.html",
        {
            "form": form,
            "tokens": selectors.tokens_active(user=request.user),
            "revoked": selectors.tokens_revoked(user=request.user),
        },
    )


@api_user_required
def token_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, TokenCreateForm())


@api_user_required
@require_POST
@never_cache  # the answer holds the key: no browser or proxy may keep it
def token_create(request: HttpRequest) -> HttpResponse:
    # Rendered, not redirected: the key is never stored, not even in the session, so the
    # answer to this POST is the only place it appears.
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "apitokens/created.html", {"token": token, "key": key})
    return _list_page(request, form)


@api_user_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    token = services.token_revoke(actor=request.user, token_id=request.POST.get("token", ""))
    messages.success(
        request,
        _("The token “%(name)s” was revoked; systems using it can no longer call the API.")
        % {"name": token.name},
    )
    return redirect("apitokens:list")
