"""/healthz, the Celery app, production settings and the compose file."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "outbox": "ok"}


@pytest.mark.django_db
def test_healthz_names_an_email_backlog(client):
    import datetime

    from django.utils import timezone

    from portal.models import Notification
    from tests import factories

    user = factories.ExporterFactory()
    fresh = Notification.objects.create(recipient=user, verb="t", title_ja="t", title_en="t")
    assert client.get(reverse("healthz")).status_code == 200  # a fresh row is no backlog
    old = timezone.now() - datetime.timedelta(minutes=20)
    Notification.objects.filter(pk=fresh.pk).update(created_at=old)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"].startswith("error: 1 e-mail(s) undelivered")
    Notification.objects.filter(pk=fresh.pk).update(email_state="sent")
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.django_db
def test_healthz_reports_dead_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["broker"].startswith("error")


def _prod_env(**extra):
    # A production process: no secret inherited, no test-only switches.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.prod", **extra)
    return env


def test_production_refuses_the_development_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_prod_env(SECRET_KEY="dev-only-insecure-key-change-me"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_prod_env(SECRET_KEY="x" * 20 + "-production-secret-key-0123456789abcdef-XYZ"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_services_run_things_that_exist():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])
    commands = get_commands()
    from portal.celery import app

    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        words = shlex.split(command[-1]) if command[0] == "sh" else command
        joined = " ".join(words)
        checked = 0
        for part in joined.split("&&"):
            argv = shlex.split(part)
            if argv[:2] == ["python", "manage.py"]:
                assert argv[2] in commands, argv
                checked += 1
            elif argv[0] == "gunicorn":
                module, attr = argv[1].split(":")
                mod = __import__(module, fromlist=[attr])
                assert callable(getattr(mod, attr))
                checked += 1
            elif argv[0] == "celery":
                assert argv[1:3] == ["-A", "portal"] and app.main == "portal"
                assert argv[3] in ("worker", "beat")
                checked += 1
        assert checked, f"{name}: nothing recognised in {command}"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile and "libpango" in dockerfile


@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path in ["/api/v1/reports/{id}/submit/", "/api/v1/screening/", "/api/v1/technologies/"]:
        assert path in schema["paths"]
