"""People by their names and METI (経済産業省) for what the portal does by itself, in history
and notifications; the bell clears once the report it announced is viewed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import Technology
from portal.models import Division, Notification, Role, User
from reports import sweep
from tests import factories
from tests.informs.helpers import make_report_under_dialogue
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_display_name_is_the_name_as_given_or_the_user_name():
    assert User(username="u", last_name="山田", first_name="花子").display_name == "山田 花子"
    assert User(username="admin", last_name="管理者", first_name="").display_name == "管理者"
    assert User(username="admin", last_name="", first_name="").display_name == "admin"
    assert User(username="x", last_name="  ", first_name="Hanako").display_name == "Hanako"


def test_demo_administrator_is_not_split_into_family_and_given_names(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.get(username="admin").display_name == "管理者"


def test_history_names_people_and_meti_for_the_clock(client, people):
    people.officer.last_name, people.officer.first_name = "鈴木", "一郎"
    people.officer.save()
    report = make_report_under_dialogue(people.exporter, people.officer)
    sweep.lapse_due_reports(now=report.decision_due_at + datetime.timedelta(minutes=1))
    client.force_login(people.exporter)
    html = _html(client.get(reverse("reports:detail", args=[report.pk])))
    assert "鈴木 一郎" in html
    assert people.officer.username not in html
    assert "経済産業省" in html or ">METI<" in html
    assert ">system<" not in html


def test_history_of_an_extension_names_the_supervisor(client, people):
    from reports import clock, services

    people.supervisor.last_name, people.supervisor.first_name = "田中", "誠"
    people.supervisor.save()
    report = make_report_under_dialogue(people.exporter, people.officer)
    services.report_extend_deadline(
        actor=people.supervisor,
        report_id=report.pk,
        new_last_day=clock.last_day_of(report.decision_due_at) + datetime.timedelta(days=5),
        reason="照会中",
    )
    client.force_login(people.officer)
    html = _html(client.get(reverse("reports:detail", args=[report.pk])))
    assert "田中 誠" in html and people.supervisor.username not in html


def test_viewing_the_report_clears_its_notifications_only(client, people):
    report = submitted_report(people.exporter)
    other = submitted_report(people.exporter)
    officer = people.officer
    assert Notification.objects.filter(recipient=officer, read_at__isnull=True).count() == 2
    client.force_login(officer)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.context["unread_notifications"] == 1  # the bell on this very page
    unread = Notification.objects.filter(recipient=officer, read_at__isnull=True)
    assert [n.url for n in unread] == [reverse("reports:detail", args=[other.pk])]


def test_division_names_follow_the_language(catalog):
    elec = Division.objects.get(code="elec")
    with translation.override("en"):
        assert str(elec) == elec.name_en
    with translation.override("ja"):
        assert str(elec) == elec.name_ja


def test_catalog_pages_name_divisions_in_english(client, catalog):
    client.force_login(factories.AdministratorFactory())
    client.cookies["django_language"] = "en"
    html = _html(client.get(reverse("catalog:admin_list")))
    division = Technology.objects.get(code="mlcc").division
    assert division.name_en in html and division.name_ja not in html


def test_legal_basis_in_english_beside_the_japanese_setting(client, people, settings):
    from tests.informs.helpers import propose

    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    client.cookies["django_language"] = "en"
    html = _html(client.get(reverse("informs:approve", args=[inform.pk])))
    assert settings.INFORM_LEGAL_BASIS_EN in html
    assert settings.INFORM_LEGAL_BASIS not in html
    client.cookies["django_language"] = "ja"
    assert settings.INFORM_LEGAL_BASIS in _html(
        client.get(reverse("informs:approve", args=[inform.pk]))
    )


def test_english_required_marker_is_half_width(client, people):
    client.force_login(people.exporter)
    client.cookies["django_language"] = "en"
    html = _html(client.get(reverse("reports:screening")))
    assert '<span class="req">(required)</span>' in html and "（required）" not in html


def test_role_labels_are_not_usernames_in_notifications(people):
    report = submitted_report(people.exporter)
    from reports import lifecycle

    people.officer.last_name, people.officer.first_name = "鈴木", "一郎"
    people.officer.save()
    lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)
    note = Notification.objects.filter(recipient=people.exporter, verb="dialogue.started").get()
    assert "鈴木 一郎" in note.body_ja and people.officer.username not in note.body_ja
    assert people.officer.role == Role.OFFICER
