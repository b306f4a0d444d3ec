import pytest
import time_machine
from django.urls import reverse

from catalog import services
from catalog.models import Country, Technology
from portal.models import AuditRecord
from tests import factories

from .helpers import D, jst, make_report, technology_data

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture(autouse=True)
def today_is_2026_03_01():
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def admin_pages():
    pk = Technology.objects.get(code="mlcc").pk
    return [
        reverse("catalog:admin_list"),
        reverse("catalog:technology_add"),
        reverse("catalog:technology_edit", args=[pk]),
        reverse("catalog:technology_retire", args=[pk]),
        reverse("catalog:technology_new_version", args=[pk]),
        reverse("catalog:technology_history", args=[pk]),
        reverse("catalog:countries"),
    ]


@pytest.mark.parametrize(
    "make_user",
    [factories.ExporterFactory, factories.OfficerFactory, factories.SupervisorFactory],
)
def test_non_administrators_get_403_on_every_admin_page(client, make_user):
    client.force_login(make_user())
    for url in admin_pages():
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    toggle = reverse("catalog:country_set_exempt", args=["CN"])
    assert client.post(toggle, {"exempt": "1"}).status_code == 403
    assert Country.objects.get(code="CN").prior_report_exempt is False
    assert not AuditRecord.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    for url in admin_pages():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_public_page_lists_in_force_and_upcoming_without_sign_in(client, administrator):
    services.technology_create(actor=administrator, data=technology_data())
    services.technology_retire(
        actor=administrator,
        technology=Technology.objects.get(code="carbon_fiber"),
        effective_to=D(2026, 3, 1),
    )
    response = client.get(reverse("catalog:public"))
    assert response.status_code == 200
    in_force = [t.code for t in response.context["in_force"]]
    upcoming = [t.code for t in response.context["upcoming"]]
    assert len(in_force) == 10 and "carbon_fiber" in in_force
    assert upcoming == ["power_semiconductor"]
    html = response.content.decode()
    assert "積層セラミックコンデンサの設計技術及び製造技術" in html  # scope, Japanese first
    assert "パワー半導体" in html and "2026-04-01" in html
    with time_machine.travel(jst(2026, 3, 2), tick=False):
        response = client.get(reverse("catalog:public"))
    assert "carbon_fiber" not in [t.code for t in response.context["in_force"]]


def test_admin_list_shows_each_status(admin_client, administrator):
    services.technology_create(actor=administrator, data=technology_data())
    services.technology_retire(
        actor=administrator,
        technology=Technology.objects.get(code="mlcc"),
        effective_to=D(2026, 3, 1),
    )
    with time_machine.travel(jst(2026, 3, 2), tick=False):
        admin_client.force_login(administrator)  # a session ends after 12 hours
        response = admin_client.get(reverse("catalog:admin_list"))
        statuses = {t.code: t.status for t in response.context["technologies"]}
        assert statuses["mlcc"] == "retired"
        assert statuses["power_semiconductor"] == "upcoming"
        assert statuses["photoresist"] == "in_force"
        upcoming = admin_client.get(reverse("catalog:admin_list"), {"status": "upcoming"})
        assert [t.code for t in upcoming.context["technologies"]] == ["power_semiconductor"]


def form_data(**overrides):
    data = technology_data(**overrides)
    data["division"] = data["division"].pk
    return {k: ("" if v is None else str(v)) for k, v in data.items()}


def test_admin_adds_a_technology(admin_client):
    response = admin_client.post(reverse("catalog:technology_add"), form_data())
    assert response.status_code == 302
    technology = Technology.objects.get(code="power_semiconductor")
    assert technology.effective_from == D(2026, 4, 1)
    assert AuditRecord.objects.filter(verb="technology.create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"code": "mlcc"}, "code", "すでに登録されています"),
        ({"effective_to": "2026-03-31"}, "effective_to", "施行日より前"),
        ({"effective_from": "2026-02-01"}, "effective_from", "過去の日付"),
        ({"name_ja": ""}, "name_ja", ""),
    ],
)
def test_add_page_refuses_bad_input_next_to_the_field(admin_client, overrides, field, text):
    response = admin_client.post(reverse("catalog:technology_add"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and text in " ".join(errors[field])
    assert f'class="field has-error" id="field-{field}"' in response.content.decode()
    assert Technology.objects.count() == 10
    assert not AuditRecord.objects.exists()


def test_admin_edits_names_and_scope_then_history_shows_before_and_after(admin_client):
    mlcc = Technology.objects.get(code="mlcc")
    edit = admin_client.get(reverse("catalog:technology_edit", args=[mlcc.pk]))
    data = {k: ("" if v is None else str(v)) for k, v in edit.context["form"].initial.items()}
    data.pop("effective_to")
    data["scope_en"] = "Only the design technology of MLCC"
    response = admin_client.post(reverse("catalog:technology_edit", args=[mlcc.pk]), data)
    assert response.status_code == 302
    mlcc.refresh_from_db()
    assert mlcc.scope_en == "Only the design technology of MLCC"

    response = admin_client.post(
        reverse("catalog:technology_retire", args=[mlcc.pk]),
        {"effective_to": "2026-09-30", "confirm": "1"},
    )
    assert response.status_code == 302

    history = admin_client.get(reverse("catalog:technology_history", args=[mlcc.pk]))
    assert history.status_code == 200
    entries = history.context["entries"]
    assert [e["record"].verb for e in entries] == ["technology.update", "technology.retire"]
    assert entries[0]["changes"] == [
        (
            "scope_en",
            "Design and manufacturing technology of multilayer ceramic capacitors",
            "Only the design technology of MLCC",
        )
    ]
    assert entries[1]["changes"] == [("effective_to", None, "2026-09-30")]
    html = history.content.decode()
    assert "Only the design technology of MLCC" in html and "2026-09-30" in html


def test_retire_page_refuses_a_day_before_a_reports_planned_contract_date(admin_client):
    mlcc = Technology.objects.get(code="mlcc")
    make_report(mlcc, D(2026, 8, 1))
    url = reverse("catalog:technology_retire", args=[mlcc.pk])
    response = admin_client.post(url, {"effective_to": "2026-07-31"})
    assert response.status_code == 200
    assert "2026-08-01" in " ".join(response.context["form"].errors["effective_to"])
    mlcc.refresh_from_db()
    assert mlcc.effective_to is None


def test_edit_page_refuses_a_code_change_of_a_technology_in_use(admin_client):
    mlcc = Technology.objects.get(code="mlcc")
    make_report(mlcc, D(2026, 8, 1))
    data = {
        "code": "mlcc_renamed",
        "name_ja": mlcc.name_ja,
        "name_en": mlcc.name_en,
        "category": mlcc.category,
        "division": mlcc.division_id,
        "scope_ja": mlcc.scope_ja,
        "scope_en": mlcc.scope_en,
        "notice_reference": mlcc.notice_reference,
        "effective_from": "2024-12-30",
    }
    response = admin_client.post(reverse("catalog:technology_edit", args=[mlcc.pk]), data)
    assert response.status_code == 200
    assert "コードと施行日は変更できません" in " ".join(response.context["form"].errors["code"])
    assert Technology.objects.filter(code="mlcc").exists()


def test_new_version_page_refuses_an_overlapping_period(admin_client):
    mlcc = Technology.objects.get(code="mlcc")
    data = form_data(effective_from="2026-05-01")
    data.pop("code")
    url = reverse("catalog:technology_new_version", args=[mlcc.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    assert Technology.objects.filter(code="mlcc").count() == 1


def test_countries_page_searches_and_toggles_the_flag(admin_client):
    response = admin_client.get(reverse("catalog:countries"), {"q": "cn"})
    assert response.status_code == 200
    assert next(c.code for c in response.context["page"]) == "CN"
    toggle = reverse("catalog:country_set_exempt", args=["CN"])
    next_url = reverse("catalog:countries") + "?q=cn"
    response = admin_client.post(
        toggle, {"exempt": "1", "next": next_url, "reason": "告示改正", "confirm": "1"}
    )
    assert response.status_code == 302 and response.url == next_url
    assert Country.objects.get(code="CN").prior_report_exempt is True
    # Sending the same wanted value twice changes and audits nothing more.
    admin_client.post(toggle, {"exempt": "1", "reason": "告示改正", "confirm": "1"})
    rows = AuditRecord.objects.filter(verb="country.set_exempt")
    assert rows.count() == 1
    assert rows.get().payload == {
        "before": {"prior_report_exempt": False},
        "after": {"prior_report_exempt": True},
        "reason": "告示改正",
    }
    response = admin_client.post(
        toggle,
        {"exempt": "0", "next": "https://evil.example/", "reason": "誤り", "confirm": "1"},
    )
    assert response.url == reverse("catalog:countries") + "?q=CN"
    assert Country.objects.get(code="CN").prior_report_exempt is False
    exempt_only = admin_client.get(reverse("catalog:countries"), {"exempt": "yes"})
    assert "CN" not in {c.code for c in exempt_only.context["page"]}
