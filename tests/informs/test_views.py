import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from informs import services, views
from informs.models import Inform, InformStatus
from reports import clock
from reports.models import Report, Status

from .helpers import make_report_under_dialogue, propose

pytestmark = pytest.mark.django_db


def _panel(user, report) -> str:
    request = RequestFactory().get(f"/reports/{report.pk}/")
    request.user = user
    context = {"report": report, **views.panel_context(request, report)}
    return render_to_string("informs/_panel.html", context, request=request)


def _detail(report) -> str:
    return reverse("reports:detail", args=[report.pk])


# --- propose ------------------------------------------------------------------------------


def test_officer_proposes_from_the_page(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.officer)
    response = client.post(
        reverse("informs:propose", args=[report.pk]),
        {"grounds": "懸念が残る。", "licence_conditions": "再移転の禁止\n\n 年次報告 \n"},
    )
    assert response.status_code == 302 and response["Location"] == _detail(report)
    inform = Inform.objects.get(report=report)
    assert inform.licence_conditions == ["再移転の禁止", "年次報告"]
    report.refresh_from_db()
    assert report.status == Status.INFORM_PROPOSED


def test_bad_proposal_redisplays_the_form_with_errors_and_typed_text(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.officer)
    response = client.post(
        reverse("informs:propose", args=[report.pk]),
        {"grounds": "  ", "licence_conditions": "条件その一"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="field-grounds"' in page and "has-error" in page
    assert "条件その一" in page
    assert not Inform.objects.exists()


def test_proposal_in_the_wrong_state_says_so(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.officer)
    client.force_login(people.officer)
    response = client.post(
        reverse("informs:propose", args=[report.pk]), {"grounds": "g", "licence_conditions": ""}
    )
    assert response.status_code == 302
    assert Inform.objects.count() == 1


def test_other_division_gets_404_and_exporter_403_on_propose(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.other_officer)
    url = reverse("informs:propose", args=[report.pk])
    assert client.post(url, {"grounds": "g"}).status_code == 404
    client.force_login(people.exporter)
    assert client.post(url, {"grounds": "g"}).status_code == 403


# --- approve / return ---------------------------------------------------------------------


def test_supervisor_approves_from_the_page(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    response = client.post(reverse("informs:approve", args=[inform.pk]))
    assert response.status_code == 302 and response["Location"] == _detail(report)
    inform.refresh_from_db()
    assert inform.status == InformStatus.ISSUED


def test_approve_redirects_back_to_the_supervisor_page_but_never_off_site(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    response = client.post(
        reverse("informs:approve", args=[inform.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _detail(report)
    report2 = make_report_under_dialogue(people.exporter, people.officer)
    inform2 = propose(report2, people.officer)
    target = reverse("informs:supervisor")
    response = client.post(reverse("informs:approve", args=[inform2.pk]), {"next": target})
    assert response["Location"] == target


def test_proposer_cannot_approve_from_the_page(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    client.force_login(people.supervisor)
    assert client.post(reverse("informs:approve", args=[inform.pk])).status_code == 403
    client.force_login(people.officer)
    assert client.post(reverse("informs:approve", args=[inform.pk])).status_code == 403
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED


def test_late_approval_shows_an_error_message(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    Report.objects.filter(pk=report.pk).update(
        decision_due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(people.supervisor)
    response = client.post(reverse("informs:approve", args=[inform.pk]), follow=False)
    assert response.status_code == 302
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED


def test_return_needs_a_reason_on_the_page(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    url = reverse("informs:return", args=[inform.pk])
    response = client.post(url, {"reason": "", "next": reverse("informs:supervisor")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "has-error" in page and 'name="next"' in page
    response = client.post(url, {"reason": "根拠を補強してください。", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == _detail(report)
    inform.refresh_from_db()
    assert inform.status == InformStatus.RETURNED


# --- acknowledge and PDF ------------------------------------------------------------------


def test_exporter_acknowledges_from_the_page(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    client.force_login(people.exporter)
    url = reverse("informs:acknowledge", args=[inform.pk])
    assert client.post(url).status_code == 302
    inform.refresh_from_db()
    assert inform.acknowledged_by == people.exporter
    assert client.post(url).status_code == 302  # second time: a message, nothing changes
    client.force_login(people.officer)
    assert client.post(url).status_code == 403


def test_exporter_sees_no_proposal_and_no_pdf_before_issue(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    client.force_login(people.exporter)
    assert client.get(reverse("informs:pdf", args=[inform.pk])).status_code == 404
    assert client.post(reverse("informs:acknowledge", args=[inform.pk])).status_code == 404
    services.inform_return(actor=people.supervisor, inform_id=inform.pk, reason="r")
    assert client.get(reverse("informs:pdf", args=[inform.pk])).status_code == 404
    client.force_login(people.officer)
    response = client.get(reverse("informs:pdf", args=[inform.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_issued_pdf_for_the_exporter_only_of_that_organisation(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    inform = services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    client.force_login(people.exporter)
    response = client.get(reverse("informs:pdf", args=[inform.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert inform.number in response["Content-Disposition"]
    client.force_login(people.other_exporter)
    assert client.get(reverse("informs:pdf", args=[inform.pk])).status_code == 404
    client.force_login(people.other_officer)
    assert client.get(reverse("informs:pdf", args=[inform.pk])).status_code == 404


# --- the panel ----------------------------------------------------------------------------


def test_panel_for_staff_under_dialogue_offers_the_proposal_form(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    html = _panel(people.officer, report)
    assert reverse("informs:propose", args=[report.pk]) in html
    assert 'name="grounds"' in html


def test_panel_shows_nothing_of_a_proposal_to_the_exporter(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    report.refresh_from_db()
    html = _panel(people.exporter, report)
    assert "懸念が解消されなかった" not in html
    assert reverse("informs:pdf", args=[inform.pk]) not in html
    assert 'data-testid="inform-proposal"' not in html
    services.inform_return(actor=people.supervisor, inform_id=inform.pk, reason="秘密の理由")
    report.refresh_from_db()
    html = _panel(people.exporter, report)
    assert "秘密の理由" not in html and "inform-returned" not in html


def test_panel_for_supervisors_offers_decision_except_on_own_proposal(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    report.refresh_from_db()
    other = _panel(people.supervisor2, report)
    assert reverse("informs:approve", args=[inform.pk]) in other
    assert reverse("informs:return", args=[inform.pk]) in other
    own = _panel(people.supervisor, report)
    assert reverse("informs:approve", args=[inform.pk]) not in own
    officer = _panel(people.officer, report)
    assert 'data-testid="inform-proposal"' in officer
    assert reverse("informs:approve", args=[inform.pk]) not in officer


def test_panel_keeps_returned_proposals_with_reasons_for_staff(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    services.inform_return(actor=people.supervisor, inform_id=inform.pk, reason="追加調査が必要")
    report.refresh_from_db()
    html = _panel(people.officer, report)
    assert "追加調査が必要" in html and 'data-testid="inform-returned"' in html
    assert 'name="grounds"' in html  # under dialogue again: may propose anew


def test_panel_for_the_exporter_after_issue(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer)
    inform = services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    report.refresh_from_db()
    html = _panel(people.exporter, report)
    assert inform.number in html
    assert reverse("informs:pdf", args=[inform.pk]) in html
    assert reverse("informs:acknowledge", args=[inform.pk]) in html
    services.inform_acknowledge(actor=people.exporter, inform_id=inform.pk)
    html = _panel(people.exporter, report)
    assert reverse("informs:acknowledge", args=[inform.pk]) not in html
    staff = _panel(people.officer, report)
    inform.refresh_from_db()
    acknowledged = timezone.localtime(inform.acknowledged_at).strftime("%Y-%m-%d %H:%M")
    assert acknowledged in staff


def test_panel_shows_nothing_to_exporters_without_an_inform(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    assert _panel(people.exporter, report).strip() == ""


# --- the supervisors' page ----------------------------------------------------------------


def test_supervisor_page_lists_proposals_by_deadline_with_days_remaining(client, people):
    later = make_report_under_dialogue(people.exporter, people.officer)
    sooner = make_report_under_dialogue(people.exporter, people.officer)
    Report.objects.filter(pk=sooner.pk).update(
        decision_due_at=timezone.now() + datetime.timedelta(days=2)
    )
    mine = make_report_under_dialogue(people.exporter, people.officer)
    foreign = make_report_under_dialogue(
        people.exporter, people.other_officer, technology="carbon_fiber"
    )
    propose(later, people.officer)
    propose(sooner, people.officer)
    propose(mine, people.supervisor)
    propose(foreign, people.other_officer)

    client.force_login(people.supervisor)
    response = client.get(reverse("informs:supervisor"))
    assert response.status_code == 200
    awaiting = [p.report.pk for p in response.context["awaiting"]]
    assert awaiting == [sooner.pk, later.pk]
    assert [p.report.pk for p in response.context["own"]] == [mine.pk]
    assert response.context["awaiting"][0].days_remaining in (2, 3)
    page = response.content.decode()
    assert reverse("reports:detail", args=[sooner.pk]) in page
    sooner.refresh_from_db()
    assert clock.last_day_of(sooner.decision_due_at).isoformat() in page
    assert foreign.reference not in page


def test_supervisor_page_is_for_supervisors_only(client, people):
    client.force_login(people.officer)
    assert client.get(reverse("informs:supervisor")).status_code == 403
    client.force_login(people.exporter)
    assert client.get(reverse("informs:supervisor")).status_code == 403


def test_supervisor_page_leaves_out_lapsed_reports(client, people):
    from reports.sweep import lapse_due_reports

    report = make_report_under_dialogue(people.exporter, people.officer)
    propose(report, people.officer)
    report.refresh_from_db()
    assert lapse_due_reports(now=report.decision_due_at) == 1
    client.force_login(people.supervisor)
    assert client.get(reverse("informs:supervisor")).context["awaiting"] == []
