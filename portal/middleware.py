import re
import uuid

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _

from .request_context import current_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane X-Request-ID) that audit rows record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class JapaneseFirstLocaleMiddleware:
    """Japanese unless the user chose English with the switch (language cookie).

    Unlike LocaleMiddleware this ignores the browser's Accept-Language: the portal is a
    Japanese government service first, and the switch on every page is the way to English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulMiddleware:
    """A NUL character in the path, a query or a form field is refused with a 400.

    PostgreSQL text cannot hold NUL, so a filter like `?status=%00` would otherwise end in a
    500; no legitimate input contains one. JSON bodies are checked by the API's parser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            has_nul = self._has_nul(request)
        except MultiPartParserError:
            return self._bad_request(request, _("The form data could not be read."))
        if has_nul:
            return self._bad_request(
                request, _("The request contains a NUL character, which is not allowed.")
            )
        return self.get_response(request)

    @staticmethod
    def _bad_request(request, message):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": str(message)}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        if _nul_in(request.GET):
            return True
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return _nul_in(request.POST)
        return False


def _nul_in(query_dict) -> bool:
    return any("\x00" in item for key, values in query_dict.lists() for item in (key, *values))
