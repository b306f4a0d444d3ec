"""Every free text of reports, dialogue and informs has one limit, held the same by the page
forms, the API and the services: one character over is refused naming the field and nothing
is written; exactly at the limit is accepted."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dialogue.limits import MESSAGE_BODY_MAX_LENGTH
from dialogue.models import Message
from informs import limits as inform_limits
from informs import services as inform_services
from informs.models import Inform
from informs.pdf import inform_notice_pdf
from portal.models import AuditRecord, Notification
from reports import clock, lifecycle
from reports import limits as report_limits
from reports import services as report_services
from reports.models import DeadlineExtension, Report, ReportRevision, ReportTransition
from tests.conftest import api_as
from tests.informs.helpers import (  # noqa: F401 - the `people` fixture
    make_report_under_dialogue,
    people,
    propose,
)
from tests.reports.helpers import complete_data, submitted_report

pytestmark = pytest.mark.django_db

CONDITIONS_MAX = inform_limits.LICENCE_CONDITIONS_MAX_COUNT
CONDITION_MAX = inform_limits.LICENCE_CONDITION_MAX_LENGTH


def text(length: int) -> str:
    """Japanese text of exactly `length` characters (with line breaks, as people write)."""
    line = "技術管理措置として、アクセス権限を限定する。\n"
    return (line * (length // len(line) + 1))[: length - 1] + "。"


def db_state() -> tuple:
    """Everything a refused write could have touched."""
    return (
        list(Report.objects.order_by("pk").values()),
        list(Inform.objects.order_by("pk").values()),
        Message.objects.count(),
        ReportTransition.objects.count(),
        ReportRevision.objects.count(),
        DeadlineExtension.objects.count(),
        AuditRecord.objects.count(),
        Notification.objects.count(),
    )


def form_data(**overrides) -> dict:
    """The one-page report form as the browser posts it."""
    data = complete_data(**overrides)
    out = {k: v for k, v in data.items() if v not in (None, False)}
    out["planned_contract_date"] = data["planned_contract_date"].isoformat()
    out["declaration"] = "on" if data["declaration"] else ""
    return out


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names_the_limit(messages: list[str], length: int, limit: int) -> bool:
    return any(f"{length}" in m and f"{limit}" in m for m in messages)


# --- the cases: one per free-text field -----------------------------------------------------


@dataclass
class Case:
    field: str  # as the API and the form name it
    limit: int
    who: str  # attribute of the `people` fixture
    make: Callable[[Any], Any]  # people -> the report or inform acted on
    api_url: str  # formatted with {pk}
    api_body: Callable[[str, Any], dict]  # (text, people) -> JSON body
    page_url: str
    page_data: Callable[[str, Any], dict]
    api_method: str = "post"
    stored: Callable[[Any], str] | None = None  # the object -> the saved text


def _draft(people) -> Report:
    return report_services.report_create(actor=people.exporter, data=complete_data())


def _submitted(people) -> Report:
    return submitted_report(people.exporter)


def _under_dialogue(people) -> Report:
    return make_report_under_dialogue(people.exporter, people.officer)


def _proposal(people) -> Inform:
    return propose(_under_dialogue(people), people.officer)


def _new_last_day(people) -> str:
    report = Report.objects.filter(status="submitted").get()
    return (clock.last_day_of(report.decision_due_at) + datetime.timedelta(days=5)).isoformat()


def _amend_form(value: str, people) -> dict:
    data = form_data(counterparty_address="蘇州市工業園区2号")
    data.pop("declaration")
    return {**data, "note": value}


CASES = {
    "technology_summary": Case(
        field="technology_summary",
        limit=report_limits.TECHNOLOGY_SUMMARY_MAX_LENGTH,
        who="exporter",
        make=_draft,
        api_method="patch",
        api_url="/api/v1/reports/{pk}/",
        api_body=lambda value, p: {"technology_summary": value},
        page_url="/reports/{pk}/edit/",
        page_data=lambda value, p: form_data(technology_summary=value),
        stored=lambda r: Report.objects.get(pk=r.pk).technology_summary,
    ),
    "management_measures": Case(
        field="management_measures",
        limit=report_limits.MANAGEMENT_MEASURES_MAX_LENGTH,
        who="exporter",
        make=_draft,
        api_method="patch",
        api_url="/api/v1/reports/{pk}/",
        api_body=lambda value, p: {"management_measures": value},
        page_url="/reports/{pk}/edit/",
        page_data=lambda value, p: form_data(management_measures=value),
        stored=lambda r: Report.objects.get(pk=r.pk).management_measures,
    ),
    "late_reason": Case(
        field="late_reason",
        limit=report_limits.LATE_REASON_MAX_LENGTH,
        who="exporter",
        make=_draft,
        api_method="patch",
        api_url="/api/v1/reports/{pk}/",
        api_body=lambda value, p: {"late_reason": value},
        page_url="/reports/{pk}/edit/",
        page_data=lambda value, p: form_data(late_reason=value),
        stored=lambda r: Report.objects.get(pk=r.pk).late_reason,
    ),
    "amendment note": Case(
        field="note",
        limit=report_limits.AMENDMENT_NOTE_MAX_LENGTH,
        who="exporter",
        make=_submitted,
        api_url="/api/v1/reports/{pk}/amend/",
        api_body=lambda value, p: {"note": value, "counterparty_address": "蘇州市工業園区2号"},
        page_url="/reports/{pk}/amend/",
        page_data=_amend_form,
        stored=lambda r: r.revisions.order_by("-number").first().note,
    ),
    "withdrawal reason": Case(
        field="reason",
        limit=report_limits.WITHDRAWAL_REASON_MAX_LENGTH,
        who="exporter",
        make=_submitted,
        api_url="/api/v1/reports/{pk}/withdraw/",
        api_body=lambda value, p: {"reason": value},
        page_url="/reports/{pk}/withdraw/",
        page_data=lambda value, p: {"reason": value},
        stored=lambda r: Report.objects.get(pk=r.pk).withdrawal_reason,
    ),
    "extension reason": Case(
        field="reason",
        limit=report_limits.EXTENSION_REASON_MAX_LENGTH,
        who="supervisor",
        make=_submitted,
        api_url="/api/v1/reports/{pk}/extend-deadline/",
        api_body=lambda value, p: {"new_due_date": _new_last_day(p), "reason": value},
        page_url="/reports/{pk}/extend-deadline/",
        page_data=lambda value, p: {"new_due_date": _new_last_day(p), "reason": value},
        stored=lambda r: r.extensions.get().reason,
    ),
    "conclusion summary": Case(
        field="summary",
        limit=report_limits.OUTCOME_SUMMARY_MAX_LENGTH,
        who="officer",
        make=_under_dialogue,
        api_url="/api/v1/reports/{pk}/conclude/",
        api_body=lambda value, p: {"summary": value, "agreed_measures": "年次報告"},
        page_url="/dialogue/reports/{pk}/conclude/",
        page_data=lambda value, p: {"summary": value, "agreed_measures": "年次報告"},
        stored=lambda r: Report.objects.get(pk=r.pk).outcome_summary,
    ),
    "agreed measures": Case(
        field="agreed_measures",
        limit=report_limits.AGREED_MEASURES_MAX_LENGTH,
        who="officer",
        make=_under_dialogue,
        api_url="/api/v1/reports/{pk}/conclude/",
        api_body=lambda value, p: {"summary": "懸念は解消された。", "agreed_measures": value},
        page_url="/dialogue/reports/{pk}/conclude/",
        page_data=lambda value, p: {"summary": "懸念は解消された。", "agreed_measures": value},
        stored=lambda r: Report.objects.get(pk=r.pk).agreed_measures,
    ),
    "not-subject reason": Case(
        field="reason",
        limit=report_limits.NOT_SUBJECT_REASON_MAX_LENGTH,
        who="officer",
        make=_under_dialogue,
        api_url="/api/v1/reports/{pk}/not-subject/",
        api_body=lambda value, p: {"rule": "GOODS_ONLY", "reason": value},
        page_url="/dialogue/reports/{pk}/not-subject/",
        page_data=lambda value, p: {"rule": "GOODS_ONLY", "reason": value},
        stored=lambda r: Report.objects.get(pk=r.pk).not_subject_reason,
    ),
    "message body": Case(
        field="body",
        limit=MESSAGE_BODY_MAX_LENGTH,
        who="officer",
        make=_under_dialogue,
        api_url="/api/v1/reports/{pk}/messages/",
        api_body=lambda value, p: {"kind": "advice", "body": value},
        page_url="/dialogue/reports/{pk}/messages/",
        page_data=lambda value, p: {"kind": "advice", "body": value},
        stored=lambda r: Message.objects.get(thread__report=r).body,
    ),
    "inform grounds": Case(
        field="grounds",
        limit=inform_limits.GROUNDS_MAX_LENGTH,
        who="officer",
        make=_under_dialogue,
        api_url="/api/v1/reports/{pk}/informs/",
        api_body=lambda value, p: {"grounds": value, "licence_conditions": ["再移転の禁止"]},
        page_url="/informs/reports/{pk}/propose/",
        page_data=lambda value, p: {"grounds": value, "licence_conditions": "再移転の禁止"},
        stored=lambda r: Inform.objects.get(report=r).grounds,
    ),
    "inform return reason": Case(
        field="reason",
        limit=inform_limits.RETURN_REASON_MAX_LENGTH,
        who="supervisor",
        make=_proposal,
        api_url="/api/v1/informs/{pk}/return/",
        api_body=lambda value, p: {"reason": value},
        page_url="/informs/{pk}/return/",
        page_data=lambda value, p: {"reason": value},
        stored=lambda i: Inform.objects.get(pk=i.pk).return_reason,
    ),
}


def _api_call(case: Case, people, obj, value: str):
    client = api_as(getattr(people, case.who))
    call = getattr(client, case.api_method)
    return call(case.api_url.format(pk=obj.pk), case.api_body(value, people), format="json")


def _page_post(case: Case, people, obj, value: str):
    return page_as(getattr(people, case.who)).post(
        # `confirm`: past the confirmation step of the pages that have one (portal.confirm).
        case.page_url.format(pk=obj.pk),
        {**case.page_data(value, people), "confirm": "1"},
    )


@pytest.mark.parametrize("name", CASES)
def test_api_refuses_one_character_over_the_limit_and_writes_nothing(people, name):
    case = CASES[name]
    obj = case.make(people)
    before = db_state()
    response = _api_call(case, people, obj, text(case.limit + 1))
    assert response.status_code == 400, response.content
    messages = response.json()[case.field]
    assert names_the_limit(messages, case.limit + 1, case.limit), messages
    assert db_state() == before


@pytest.mark.parametrize("name", CASES)
def test_api_accepts_exactly_the_limit(people, name):
    case = CASES[name]
    obj = case.make(people)
    value = text(case.limit)
    response = _api_call(case, people, obj, value)
    assert response.status_code in (200, 201), response.content
    assert case.stored is not None and case.stored(obj) == value


@pytest.mark.parametrize("name", CASES)
def test_page_form_refuses_one_character_over_the_limit_and_writes_nothing(people, name):
    case = CASES[name]
    obj = case.make(people)
    client = page_as(getattr(people, case.who))
    page = client.get(case.page_url.format(pk=obj.pk)).content.decode()
    # The browser is told the limit; the message below is for a client that ignores it.
    assert f'maxlength="{case.limit}"' in page
    before = db_state()
    response = _page_post(case, people, obj, text(case.limit + 1))
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert names_the_limit(errors[case.field], case.limit + 1, case.limit), errors
    assert db_state() == before


@pytest.mark.parametrize("name", CASES)
def test_page_form_accepts_exactly_the_limit(people, name):
    case = CASES[name]
    obj = case.make(people)
    value = text(case.limit)
    response = _page_post(case, people, obj, value)
    assert response.status_code == 302, (
        response.context and response.context["form"].errors.as_json()
    )
    assert case.stored is not None and case.stored(obj) == value


def test_page_counts_a_line_break_as_the_browser_does(people):
    """A browser counts a line break as one character against `maxlength` and sends CR LF;
    a text it let through is not refused for the extra CRs."""
    report = _under_dialogue(people)
    value = text(report_limits.OUTCOME_SUMMARY_MAX_LENGTH)
    assert "\n" in value
    response = page_as(people.officer).post(
        f"/dialogue/reports/{report.pk}/conclude/",
        {"summary": value.replace("\n", "\r\n"), "agreed_measures": "年次報告", "confirm": "1"},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).outcome_summary == value


@pytest.mark.parametrize(
    ("name", "call"),
    [
        (
            "withdraw",
            lambda p, r, v: lifecycle.report_withdraw(actor=p.exporter, report_id=r.pk, reason=v),
        ),
        (
            "conclude",
            lambda p, r, v: lifecycle.report_conclude(
                actor=p.officer, report_id=r.pk, summary=v, agreed_measures="m"
            ),
        ),
        (
            "propose",
            lambda p, r, v: inform_services.inform_propose(
                actor=p.officer, report_id=r.pk, grounds=v, licence_conditions=[]
            ),
        ),
    ],
)
def test_services_hold_the_limits_whoever_calls_them(people, name, call):
    report = _under_dialogue(people)
    before = db_state()
    with pytest.raises(ValidationError):
        call(people, report, text(report_limits.SUMMARY_MAX_LENGTH + 1))
    assert db_state() == before


# --- licence conditions: how many, and how long each --------------------------------------


def _conditions(count: int, length: int = 40) -> list[str]:
    """`count` one-line conditions of `length` characters each."""
    return [f"{n:02d}" + text(length - 2).replace("\n", "、") for n in range(1, count + 1)]


def test_api_refuses_21_licence_conditions(people):
    report = _under_dialogue(people)
    before = db_state()
    response = api_as(people.officer).post(
        f"/api/v1/reports/{report.pk}/informs/",
        {"grounds": "懸念が解消されなかった。", "licence_conditions": _conditions(21)},
        format="json",
    )
    assert response.status_code == 400
    messages = response.json()["licence_conditions"]
    assert names_the_limit(messages, 21, 20), messages
    assert db_state() == before


def test_api_refuses_a_licence_condition_one_character_too_long(people):
    report = _under_dialogue(people)
    before = db_state()
    conditions = _conditions(3)
    conditions[1] = text(CONDITION_MAX + 1)
    response = api_as(people.officer).post(
        f"/api/v1/reports/{report.pk}/informs/",
        {"grounds": "懸念が解消されなかった。", "licence_conditions": conditions},
        format="json",
    )
    assert response.status_code == 400
    messages = response.json()["licence_conditions"]
    assert names_the_limit(messages, CONDITION_MAX + 1, CONDITION_MAX), messages
    assert db_state() == before


def test_api_accepts_20_licence_conditions_of_500_characters(people):
    report = _under_dialogue(people)
    conditions = _conditions(CONDITIONS_MAX, CONDITION_MAX)
    response = api_as(people.officer).post(
        f"/api/v1/reports/{report.pk}/informs/",
        {"grounds": "懸念が解消されなかった。", "licence_conditions": conditions},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Inform.objects.get(report=report).licence_conditions == conditions


def test_page_refuses_21_licence_conditions(people):
    report = _under_dialogue(people)
    before = db_state()
    response = page_as(people.officer).post(
        f"/informs/reports/{report.pk}/propose/",
        {"grounds": "懸念が解消されなかった。", "licence_conditions": "\n".join(_conditions(21))},
    )
    errors = response.context["form"].errors["licence_conditions"]
    assert names_the_limit(errors, 21, 20), errors
    assert db_state() == before


def test_page_refuses_a_licence_condition_too_long_naming_it(people):
    report = _under_dialogue(people)
    conditions = _conditions(3)
    conditions[2] = text(CONDITION_MAX + 1).replace("\n", "、")
    before = db_state()
    response = page_as(people.officer).post(
        f"/informs/reports/{report.pk}/propose/",
        {"grounds": "懸念が解消されなかった。", "licence_conditions": "\n".join(conditions)},
    )
    errors = response.context["form"].errors["licence_conditions"]
    assert names_the_limit(errors, CONDITION_MAX + 1, CONDITION_MAX), errors
    assert any("3" in e for e in errors)  # which one: the third
    assert db_state() == before


def test_page_accepts_20_licence_conditions_of_500_characters(people):
    report = _under_dialogue(people)
    conditions = _conditions(CONDITIONS_MAX, CONDITION_MAX)
    response = page_as(people.officer).post(
        f"/informs/reports/{report.pk}/propose/",
        {"grounds": "懸念が解消されなかった。", "licence_conditions": "\r\n".join(conditions)},
    )
    assert response.status_code == 302
    assert Inform.objects.get(report=report).licence_conditions == conditions


def test_service_refuses_21_licence_conditions(people):
    report = _under_dialogue(people)
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        inform_services.inform_propose(
            actor=people.officer,
            report_id=report.pk,
            grounds="g",
            licence_conditions=_conditions(21),
        )
    assert "licence_conditions" in refused.value.message_dict
    assert db_state() == before


def test_notice_at_every_limit_stays_a_readable_letter(people):
    """Grounds and 20 conditions at their limits, written in short lines: the notice renders
    to its end and stays bounded (a 1,000-condition notice was 32 pages)."""
    report = _under_dialogue(people)
    conditions = _conditions(CONDITIONS_MAX, CONDITION_MAX)
    inform = inform_services.inform_propose(
        actor=people.officer,
        report_id=report.pk,
        grounds=text(inform_limits.GROUNDS_MAX_LENGTH),
        licence_conditions=conditions,
    )
    inform = inform_services.inform_approve(actor=people.supervisor, inform_id=inform.pk)
    pdf = pypdf.PdfReader(io.BytesIO(inform_notice_pdf(inform)))
    assert len(pdf.pages) <= 13
    assert "以上" in pdf.pages[-1].extract_text()  # the letter's end is printed


def test_notice_wraps_a_long_unbroken_run_instead_of_losing_it(people):
    """A condition without a break (a URL, a list of part numbers) wraps onto the page."""
    report = _under_dialogue(people)
    inform = inform_services.inform_propose(
        actor=people.officer,
        report_id=report.pk,
        grounds="懸念が解消されなかった。",
        licence_conditions=["X" * CONDITION_MAX],
    )
    pdf = pypdf.PdfReader(io.BytesIO(inform_notice_pdf(inform)))
    lines = [line for page in pdf.pages for line in page.extract_text().splitlines()]
    runs = [line for line in lines if "XXXX" in line]
    # Wrapped: several lines of X, none longer than a line of the A4 text block.
    assert len(runs) > 1 and max(len(line.strip(" 1.")) for line in runs) < 120


def test_schema_declares_the_limits(api, people):
    schema = api_as(people.officer).get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    propose = components["InformPropose"]["properties"]
    assert propose["grounds"]["maxLength"] == inform_limits.GROUNDS_MAX_LENGTH
    assert propose["licence_conditions"]["maxItems"] == CONDITIONS_MAX
    assert propose["licence_conditions"]["items"]["maxLength"] == CONDITION_MAX
    assert components["InformReturn"]["properties"]["reason"]["maxLength"] == 2000
    assert components["Conclude"]["properties"]["summary"]["maxLength"] == 4000
    assert components["Conclude"]["properties"]["agreed_measures"]["maxLength"] == 4000
    assert components["NotSubject"]["properties"]["reason"]["maxLength"] == 2000
    assert components["Withdraw"]["properties"]["reason"]["maxLength"] == 2000
    assert components["Extend"]["properties"]["reason"]["maxLength"] == 2000
    assert components["Amend"]["properties"]["note"]["maxLength"] == 2000
    assert components["MessageCreate"]["properties"]["body"]["maxLength"] == 10000
    report = components["Report"]["properties"]
    assert report["technology_summary"]["maxLength"] == 2000
    assert report["management_measures"]["maxLength"] == 4000
    assert report["late_reason"]["maxLength"] == 2000


def test_the_models_declare_the_limits():
    assert Report._meta.get_field("outcome_summary").max_length == 4000
    assert Report._meta.get_field("agreed_measures").max_length == 4000
    assert Report._meta.get_field("not_subject_reason").max_length == 2000
    assert Report._meta.get_field("withdrawal_reason").max_length == 2000
    assert ReportRevision._meta.get_field("note").max_length == 2000
    assert DeadlineExtension._meta.get_field("reason").max_length == 2000
    assert Inform._meta.get_field("grounds").max_length == 4000
    assert Inform._meta.get_field("return_reason").max_length == 2000
    assert Message._meta.get_field("body").max_length == 10000
