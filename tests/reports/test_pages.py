import pytest

from reports.models import Report, Status
from tests import factories

from .helpers import complete_data, submitted_report

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = complete_data(**overrides)
    out = {k: v for k, v in data.items() if v not in (None, False)}
    out["planned_contract_date"] = data["planned_contract_date"].isoformat()
    out["declaration"] = "on" if data["declaration"] else ""
    return out


def test_screening_page_says_required_and_offers_a_report(client, exporter, catalog):
    client.force_login(exporter)
    response = client.post(
        "/reports/screening/",
        {
            "technology": "carbon_fiber",
            "transaction_type": "jv_transfer",
            "destination_country": "IN",
            "goods_only": "no",
            "publicly_known": "no",
            "planned_contract_date": "2030-01-15",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="screening-result"' in body and "result-required" in body
    assert "/reports/new/?technology=carbon_fiber" in body
    start = client.get(
        "/reports/new/?technology=carbon_fiber&transaction_type=jv_transfer&counterparty_country=IN&planned_contract_date=2030-01-15"
    )
    page = start.content.decode()
    assert 'value="carbon_fiber" selected' in page
    assert 'name="counterparty_country" value="インド (IN)"' in page  # the country picker


def test_screening_page_not_required_names_rule(client, exporter, catalog):
    client.force_login(exporter)
    response = client.post(
        "/reports/screening/",
        {
            "technology": "none",
            "transaction_type": "jv_transfer",
            "destination_country": "IN",
            "goods_only": "no",
            "publicly_known": "no",
            "planned_contract_date": "2030-01-15",
        },
    )
    body = response.content.decode()
    assert "result-not-required" in body and "TECH_NOT_NOTIFIED" in body


def test_submit_with_problems_keeps_typed_text_and_shows_errors_by_field(client, exporter, catalog):
    client.force_login(exporter)
    data = form_data(declaration=False, counterparty_name="入力したテキスト")
    data["submit"] = "1"
    response = client.post("/reports/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "入力したテキスト" in body
    assert 'id="field-declaration"' in body and "has-error" in body
    report = Report.objects.get()
    assert report.status == Status.DRAFT  # the draft was kept
    assert report.counterparty_name == "入力したテキスト"
    # the corrected form posts to the saved draft, never creating a second one
    assert f'action="/reports/{report.pk}/edit/"' in body


def test_invalid_field_saves_nothing_but_keeps_input(client, exporter, catalog):
    client.force_login(exporter)
    data = form_data(contact_email="broken@", counterparty_name="残る")
    response = client.post("/reports/new/", data)
    assert response.status_code == 200
    assert "残る" in response.content.decode()
    assert not Report.objects.exists()


def test_full_flow_in_the_browser_pages(client, exporter, catalog):
    client.force_login(exporter)
    response = client.post("/reports/new/", {**form_data(), "save": "1"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/edit/"
    response = client.post(f"/reports/{report.pk}/edit/", {**form_data(), "submit": "1"})
    assert response["Location"] == f"/reports/{report.pk}/check/"  # check the answers first
    response = client.post(f"/reports/{report.pk}/check/")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert response["Location"] == f"/reports/{report.pk}/"
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert report.reference in detail and 'data-testid="decision-due"' in detail
    # history and provision methods in words, not codes
    assert ">提出済み</td>" in detail and "文書" in detail
    dashboard = client.get("/reports/").content.decode()
    assert report.reference in dashboard


def test_amend_and_withdraw_pages(client, exporter, catalog):
    officer = factories.OfficerFactory(division=catalog["elec"])
    report = submitted_report(exporter)
    client.force_login(exporter)
    data = form_data(counterparty_address="新しい住所")
    data.pop("declaration")
    data["note"] = "住所の訂正"
    response = client.post(f"/reports/{report.pk}/amend/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.revision == 2
    client.force_login(officer)
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert "住所の訂正" in detail and "新しい住所" in detail and "diff-old" in detail
    client.force_login(exporter)
    response = client.post(f"/reports/{report.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    client.post(f"/reports/{report.pk}/withdraw/", {"reason": "取引中止", "confirm": "1"})
    report.refresh_from_db()
    assert report.status == Status.WITHDRAWN


def test_pages_respect_roles(client, exporter, catalog):
    report = submitted_report(exporter)
    client.force_login(factories.ExporterFactory())
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 404
    client.force_login(factories.OfficerFactory(division=catalog["mat"]))
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get("/reports/new/").status_code == 403
    client.force_login(factories.OfficerFactory(division=catalog["elec"]))
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/reports/{report.pk}/").status_code == 302


def test_a_new_technology_is_offered_from_its_date_without_restart(client, exporter, catalog):
    import datetime

    import time_machine
    from django.utils import timezone

    from catalog.models import Technology

    start = timezone.localdate() + datetime.timedelta(days=10)
    Technology.objects.create(
        code="gallium_nitride",
        name_ja="窒化ガリウム",
        name_en="Gallium nitride",
        category="other",
        division=catalog["elec"],
        effective_from=start,
    )
    client.force_login(exporter)
    client.cookies["django_language"] = "en"
    # Announced: offered for contracts planned from its date, which the label gives.
    for url in ("/reports/new/", "/reports/screening/"):
        page = client.get(url).content.decode()
        assert f'<option value="gallium_nitride">Gallium nitride (from {start}' in page
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(9)), tick=False):
        client.force_login(exporter)  # days later: a new session (12-hour limit)
        for url in ("/reports/new/", "/reports/screening/"):
            page = client.get(url).content.decode()
            assert '<option value="gallium_nitride">Gallium nitride</option>' in page
    Technology.objects.filter(code="mlcc").update(effective_to=timezone.localdate())
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(9)), tick=False):
        client.force_login(exporter)
        assert 'value="mlcc"' not in client.get("/reports/new/").content.decode()
