import uuid
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from kombu import Connection

from . import roles
from .audit import EXPORT_MAX_ROWS, audit_rows, csv_lines
from .forms import AuditFilterForm
from .selectors import audit_records, outbox_backlog
from .services import notification_mark_read


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    user = request.user
    if roles.is_exporter(user):
        target = "reports:dashboard"
    elif roles.is_meti_staff(user):
        target = "dialogue:queue"
    elif roles.is_administrator(user):
        target = "catalog:admin_list"
    else:
        return render(request, "portal/home.html")
    try:
        return redirect(target)
    except NoReverseMatch:
        return render(request, "portal/home.html")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _check_outbox() -> None:
    backlog = outbox_backlog()
    if backlog["count"]:
        raise OutboxBacklog(
            f"{backlog['count']} e-mail(s) undelivered for over "
            f"{settings.EMAIL_OUTBOX_BACKLOG_MINUTES} minutes, oldest {backlog['oldest']:%Y-%m-%d %H:%M}"
        )


class OutboxBacklog(Exception):
    pass


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (
        ("database", _check_database),
        ("broker", _check_broker),
        ("outbox", _check_outbox),
    ):
        try:
            check()
            checks[name] = "ok"
        except OutboxBacklog as exc:
            checks[name] = f"error: {exc}"
        except Exception as exc:
            checks[name] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


@roles.role_required(lambda u: u.is_authenticated)
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


@require_POST
@roles.role_required(lambda u: u.is_authenticated)
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id") or None
    if ids is not None:
        try:
            ids = [str(uuid.UUID(value)) for value in ids]
        except ValueError:
            return HttpResponseBadRequest(
                _("That notification does not exist."), content_type="text/plain; charset=utf-8"
            )
    notification_mark_read(user=request.user, notification_ids=ids)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(reverse("notifications"))


def _audit_filter(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    # A malformed filter is answered 400 with its error next to it; the valid ones still apply.
    form = AuditFilterForm(request.GET)
    form.is_valid()
    valid = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
    records = audit_records(
        verb=valid.get("verb") or "",
        target_type=valid.get("target_type") or "",
        who=(valid.get("who") or "").strip(),
        since=valid.get("since"),
        until=valid.get("until"),
    )
    return form, records


@roles.administrator_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form, records = _audit_filter(request)
    page = Paginator(records, 50).get_page(form.cleaned_data.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": audit_rows(page.object_list),
        "export_query": query.urlencode(),
        "export_max_rows": EXPORT_MAX_ROWS,
    }
    return render(request, "portal/audit_list.html", context, status=400 if form.errors else 200)


@roles.administrator_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit rows as CSV, streamed in chunks (at most EXPORT_MAX_ROWS)."""
    form, records = _audit_filter(request)
    if form.errors:
        return HttpResponseBadRequest(
            _("Correct the filters on the audit trail page first."),
            content_type="text/plain; charset=utf-8",
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(csv_lines(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
