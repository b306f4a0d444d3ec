import uuid

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from kombu import Connection

from . import roles
from .models import AuditRecord
from .selectors import outbox_backlog
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


@roles.administrator_required
def audit_list(request: HttpRequest) -> HttpResponse:
    records = AuditRecord.objects.all()
    verb = request.GET.get("verb", "").strip()
    target_type = request.GET.get("target_type", "").strip()
    if verb:
        records = records.filter(verb__icontains=verb)
    if target_type:
        records = records.filter(target_type=target_type)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(
        request, "portal/audit_list.html", {"page": page, "verb": verb, "target_type": target_type}
    )
