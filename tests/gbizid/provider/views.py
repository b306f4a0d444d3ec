"""The provider's own pages: its sign-in form, and an authorization that keeps no session."""

from django.contrib.auth import get_user_model, login, logout
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from oauth2_provider.views import AuthorizationView

from .accounts import account


def sign_in(request):
    """gBizID's sign-in page, as far as the tests need it: account ID and password."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    error = ""
    if request.method == "POST":
        login_id = request.POST.get("account_id", "").strip()
        entry = account(login_id)
        if entry is not None and entry.get("password") == request.POST.get("password"):
            user, _created = get_user_model().objects.get_or_create(username=login_id)
            login(request, user)
            return HttpResponseRedirect(next_url)
        error = "The account ID or password is wrong."
    return render(request, "provider_login.html", {"next": next_url, "error": error})


class SingleUseAuthorizationView(AuthorizationView):
    """The client is trusted (no consent page); the sign-in ends with the answer, so that the
    next sign-in in the same browser asks for an account again (tests switch accounts)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.user.is_authenticated:
            logout(request)
        return response
