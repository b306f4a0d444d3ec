"""Every act with legal or irreversible effect goes through a confirmation page: GET (or the
form's POST) shows what will happen and changes nothing; only the confirmed POST acts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Country, Technology
from informs.models import InformStatus
from portal.models import AuditRecord
from reports.models import Report, Status
from tests import factories
from tests.informs.helpers import make_report_under_dialogue, propose
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


# --- issuing an inform ----------------------------------------------------------------------


def test_issue_inform_shows_the_notice_before_issuing(client, people, settings):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer, ["第三者への再移転を禁止すること", "年次報告"])
    url = reverse("informs:approve", args=[inform.pk])
    client.force_login(people.supervisor)

    page = client.get(url)
    assert page.status_code == 200
    html = _html(page)
    # The grounds, each condition and the legal basis, as the notice states them.
    assert "懸念が解消されなかったため。" in html
    assert "第三者への再移転を禁止すること" in html and "年次報告" in html
    assert settings.INFORM_LEGAL_BASIS.splitlines()[0] in html
    assert 'data-testid="confirm-panel"' in html and 'name="confirm"' in html
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED  # looking changes nothing

    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "reports:detail", args=[report.pk]
    )
    inform.refresh_from_db()
    assert inform.status == InformStatus.ISSUED and inform.number


def test_report_page_links_to_the_confirmation_instead_of_issuing(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    html = _html(client.get(reverse("reports:detail", args=[report.pk])))
    approve = reverse("informs:approve", args=[inform.pk])
    assert f'href="{approve}"' in html
    assert f'action="{approve}"' not in html  # no one-click form


def test_issue_page_refuses_the_proposer_and_a_decided_proposal(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)  # a supervisor may propose too
    client.force_login(people.supervisor)
    assert client.get(reverse("informs:approve", args=[inform.pk])).status_code == 403
    client.force_login(people.supervisor2)
    client.post(reverse("informs:approve", args=[inform.pk]), {"confirm": "1"})
    again = client.get(reverse("informs:approve", args=[inform.pk]))
    assert again.status_code == 302  # back to the report, with the reason as a message


def test_issue_page_keeps_where_it_was_opened_from(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    url = reverse("informs:approve", args=[inform.pk])
    supervisor_page = reverse("informs:supervisor")
    html = _html(client.get(url, {"next": supervisor_page}))
    assert f'name="next" value="{supervisor_page}"' in html
    assert 'name="next" value="https://' not in _html(
        client.get(url, {"next": "https://x.example/"})
    )
    done = client.post(url, {"confirm": "1", "next": supervisor_page})
    assert done["Location"] == supervisor_page


# --- returning a proposal -----------------------------------------------------------------------


def test_return_shows_the_reason_before_returning_and_keeps_it_when_changed(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    url = reverse("informs:return", args=[inform.pk])
    client.force_login(people.supervisor)
    assert client.get(url).status_code == 200

    step = client.post(url, {"reason": "根拠を補強してください。\n二行目"})
    assert step.status_code == 200
    html = _html(step)
    assert 'data-testid="confirm-answers"' in html and "根拠を補強してください。" in html
    assert 'type="hidden" name="reason"' in html
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED

    back = client.post(url, {"reason": "根拠を補強してください。\n二行目", "change": "1"})
    assert back.status_code == 200 and "<textarea" in _html(back)
    assert "根拠を補強してください。\n二行目" in _html(back)

    client.post(url, {"reason": "根拠を補強してください。\n二行目", "confirm": "1"})
    inform.refresh_from_db()
    assert inform.status == InformStatus.RETURNED
    assert inform.return_reason == "根拠を補強してください。\n二行目"


# --- the officers' closing acts -----------------------------------------------------------------


def test_conclude_goes_through_a_confirmation(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    url = reverse("dialogue:conclude", args=[report.pk])
    client.force_login(people.officer)
    data = {"summary": "懸念は解消された。", "agreed_measures": "アクセス管理を継続する。"}
    step = client.post(url, data)
    assert step.status_code == 200
    assert "懸念は解消された。" in _html(step) and 'name="confirm"' in _html(step)
    report.refresh_from_db()
    assert report.status == Status.UNDER_DIALOGUE
    client.post(url, {**data, "confirm": "1"})
    report.refresh_from_db()
    assert report.status == Status.CLOSED_NO_INFORM


def test_not_subject_confirmation_names_the_rule_in_words(client, people):
    report = submitted_report(people.exporter)
    url = reverse("dialogue:not_subject", args=[report.pk])
    client.force_login(people.officer)
    data = {"rule": "GOODS_ONLY", "reason": "貨物のみの取引と判明した。"}
    with_english(client)
    html = _html(client.post(url, data))
    assert "Only goods are transferred, no technology" in html
    assert "GOODS_ONLY" not in html.replace('value="GOODS_ONLY"', "")
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
    client.post(url, {**data, "confirm": "1"})
    assert Report.objects.get(pk=report.pk).status == Status.NOT_SUBJECT


def test_errors_found_at_the_confirmed_step_go_back_to_the_form_with_the_text(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    url = reverse("dialogue:conclude", args=[report.pk])
    client.force_login(people.officer)
    # Whitespace only passes the form but not the service: the form comes back, text kept.
    response = client.post(url, {"summary": "要旨", "agreed_measures": "   ", "confirm": "1"})
    assert response.status_code == 400
    assert "要旨" in _html(response) and "error-summary" in _html(response)


# --- the company's withdrawal and the deadline extension --------------------------------------


def test_withdraw_requires_a_reason_then_a_confirmation(client, people):
    report = submitted_report(people.exporter)
    url = reverse("reports:withdraw", args=[report.pk])
    client.force_login(people.exporter)
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "error-summary" in _html(empty)
    step = client.post(url, {"reason": "取引を中止した。"})
    assert "取引を中止した。" in _html(step) and 'name="confirm"' in _html(step)
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
    client.post(url, {"reason": "取引を中止した。", "confirm": "1"})
    assert Report.objects.get(pk=report.pk).status == Status.WITHDRAWN


def test_discarding_a_draft_is_confirmed_on_its_own_page(client, people):
    from reports import services
    from tests.reports.helpers import complete_data

    draft = services.report_create(actor=people.exporter, data=complete_data())
    url = reverse("reports:withdraw", args=[draft.pk])
    client.force_login(people.exporter)
    page = _html(client.get(url))
    assert 'name="confirm"' in page  # the page itself is the confirmation
    client.post(url, {"reason": "", "confirm": "1"})
    assert Report.objects.get(pk=draft.pk).status == Status.WITHDRAWN


def test_extend_shows_old_and_new_last_day_before_extending(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    url = reverse("reports:extend_deadline", args=[report.pk])
    client.force_login(people.supervisor)
    from reports import clock

    old = clock.last_day_of(report.decision_due_at)
    new = old + datetime.timedelta(days=10)
    step = client.post(url, {"new_due_date": new.isoformat(), "reason": "照会中のため"})
    html = _html(step)
    assert old.isoformat() in html and new.isoformat() in html and "照会中のため" in html
    assert Report.objects.get(pk=report.pk).decision_due_at == report.decision_due_at
    too_late = client.post(
        url, {"new_due_date": (old + datetime.timedelta(days=400)).isoformat(), "reason": "r"}
    )
    assert "error-summary" in _html(too_late)  # refused before the confirmation
    client.post(url, {"new_due_date": new.isoformat(), "reason": "照会中のため", "confirm": "1"})
    assert clock.last_day_of(Report.objects.get(pk=report.pk).decision_due_at) == new


# --- the catalog ----------------------------------------------------------------------------------


def test_country_flag_change_needs_a_reason_a_confirmation_and_is_audited(client, catalog):
    admin = factories.AdministratorFactory()
    client.force_login(admin)
    url = reverse("catalog:country_set_exempt", args=["VN"])
    page = client.get(url, {"exempt": "1"})
    assert page.status_code == 200 and 'name="reason"' in _html(page)
    no_reason = client.post(url, {"exempt": "1", "reason": ""})
    assert "error-summary" in _html(no_reason)
    step = client.post(url, {"exempt": "1", "reason": "告示の改正による。"})
    assert "告示の改正による。" in _html(step) and 'name="confirm"' in _html(step)
    assert Country.objects.get(code="VN").prior_report_exempt is False
    client.post(url, {"exempt": "1", "reason": "告示の改正による。", "confirm": "1"})
    assert Country.objects.get(code="VN").prior_report_exempt is True
    row = AuditRecord.objects.get(verb="country.set_exempt")
    assert row.payload["reason"] == "告示の改正による。"


def test_country_list_links_to_the_change_page_instead_of_toggling(client, catalog):
    client.force_login(factories.AdministratorFactory())
    html = _html(client.get(reverse("catalog:countries"), {"q": "VN"}))
    url = reverse("catalog:country_set_exempt", args=["VN"])
    assert f'href="{url}?exempt=1' in html and f'action="{url}"' not in html


def test_retiring_a_technology_is_confirmed(client, catalog):
    client.force_login(factories.AdministratorFactory())
    mlcc = Technology.objects.get(code="mlcc")
    url = reverse("catalog:technology_retire", args=[mlcc.pk])
    day = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    step = client.post(url, {"effective_to": day})
    assert step.status_code == 200 and day in _html(step) and 'name="confirm"' in _html(step)
    assert Technology.objects.get(pk=mlcc.pk).effective_to is None
    client.post(url, {"effective_to": day, "confirm": "1"})
    assert Technology.objects.get(pk=mlcc.pk).effective_to.isoformat() == day


def with_english(client):
    client.cookies["django_language"] = "en"


def test_no_confirmation_is_offered_for_an_act_the_state_refuses(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    from reports import lifecycle

    lifecycle.report_conclude(
        actor=people.officer, report_id=report.pk, summary="要旨", agreed_measures="措置"
    )
    client.force_login(people.officer)
    url = reverse("dialogue:not_subject", args=[report.pk])
    response = client.post(url, {"rule": "GOODS_ONLY", "reason": "理由"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
