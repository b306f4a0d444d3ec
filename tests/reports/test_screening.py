import datetime
import itertools

import pytest
import time_machine
from django.utils import translation

from catalog import services as catalog_services
from catalog.models import Country, ExclusionRule, Technology, TransactionType
from catalog.rules import QUESTION_RULE_CODES, RuleCode
from reports.forms import ReportForm, ScreeningForm
from reports.screening import QUESTION_ANSWERS, Answers, screen
from tests.catalog.helpers import D, jst, technology_data
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


def answers(**overrides) -> Answers:
    values = {
        "technology": "mlcc",
        "transaction_type": "subsidiary_transfer",
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": DAY,
    }
    values.update(overrides)
    return Answers(**values)


def codes(result):
    return [r.code for r in result.reasons]


def test_required_when_no_rule_excludes(catalog):
    result = screen(answers())
    assert result.report_required is True
    assert set(codes(result)) == {
        "GOODS_ONLY",
        "TECH_NOT_NOTIFIED",
        "TRANSACTION_TYPE",
        "PUBLIC_OR_BASIC_RESEARCH",
        "DESTINATION_EXEMPT",
    }
    assert not any(r.excludes for r in result.reasons)


@pytest.mark.parametrize(
    "transaction_type",
    [
        "subsidiary_transfer",
        "jv_transfer",
        "manufacturing_outsourcing",
        "licence_with_guidance",
        "other_enabling",
    ],
)
def test_each_reportable_transaction_type(catalog, transaction_type):
    assert screen(answers(transaction_type=transaction_type)).report_required


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"goods_only": True}, "GOODS_ONLY"),
        ({"technology": None}, "TECH_NOT_NOTIFIED"),
        ({"technology": "quantum_widgets"}, "TECH_NOT_NOTIFIED"),
        ({"transaction_type": "licence_without_guidance"}, "LICENCE_NO_GUIDANCE"),
        ({"publicly_known": True}, "PUBLIC_OR_BASIC_RESEARCH"),
        ({"destination_country": "US"}, "DESTINATION_EXEMPT"),
        ({"destination_country": "KR"}, "DESTINATION_EXEMPT"),
    ],
)
def test_each_rule_excludes_alone(catalog, overrides, code):
    result = screen(answers(**overrides))
    assert result.report_required is False
    assert codes(result) == [code]
    assert result.reasons[0].message


def test_several_rules_are_all_named(catalog):
    result = screen(answers(goods_only=True, destination_country="DE", publicly_known=True))
    assert not result.report_required
    assert codes(result) == ["GOODS_ONLY", "PUBLIC_OR_BASIC_RESEARCH", "DESTINATION_EXEMPT"]


def test_exempt_destination_is_data_an_admin_can_change(catalog):
    Country.objects.filter(pk="CN").update(prior_report_exempt=True)
    assert codes(screen(answers())) == ["DESTINATION_EXEMPT"]
    Country.objects.filter(pk="US").update(prior_report_exempt=False)
    assert screen(answers(destination_country="US")).report_required


def test_messages_in_japanese_and_english(catalog):
    from django.utils import translation

    with translation.override("ja"):
        ja = screen(answers(goods_only=True)).reasons[0].message
    with translation.override("en"):
        en = screen(answers(goods_only=True)).reasons[0].message
    assert "goods" in en.lower()
    assert ja != en and "貨物" in ja


def test_before_the_scheme_is_in_force_nothing_is_notified_or_reportable(catalog):
    result = screen(answers(planned_contract_date=datetime.date(2024, 12, 29)))
    assert not result.report_required
    assert codes(result) == ["TECH_NOT_NOTIFIED", "TRANSACTION_TYPE"]


# --- the planned contract date decides ----------------------------------------------------------


@pytest.fixture
def today_is_2026_03_01():
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def announced(catalog, administrator, today_is_2026_03_01):
    """power_semiconductor, announced on 2026-03-01 to come into force on 2026-04-01."""
    return catalog_services.technology_create(actor=administrator, data=technology_data())


def test_an_announced_technology_needs_a_report_for_a_contract_after_its_start(announced):
    result = screen(answers(technology="power_semiconductor", planned_contract_date=D(2026, 4, 1)))
    assert result.report_required
    assert result.reasons[1].code == RuleCode.TECH_NOT_NOTIFIED
    assert not result.reasons[1].excludes


def test_an_announced_technology_before_its_start_names_the_day_it_comes_into_force(announced):
    with translation.override("en"):
        result = screen(
            answers(technology="power_semiconductor", planned_contract_date=D(2026, 3, 31))
        )
    assert not result.report_required
    assert codes(result) == ["TECH_NOT_NOTIFIED"]
    message = result.reasons[0].message
    assert "2026-04-01" in message and "Power semiconductors" in message
    assert "TECH_NOT_NOTIFIED" not in message
    with translation.override("ja"):
        ja = (
            screen(answers(technology="power_semiconductor", planned_contract_date=D(2026, 3, 31)))
            .reasons[0]
            .message
        )
    assert "2026-04-01" in ja and "パワー半導体" in ja


def test_a_retired_technology_names_its_last_day(catalog, administrator, today_is_2026_03_01):
    catalog_services.technology_retire(
        actor=administrator,
        technology=Technology.objects.get(code="mlcc"),
        effective_to=D(2026, 3, 31),
    )
    assert screen(answers(planned_contract_date=D(2026, 3, 31))).report_required
    result = screen(answers(planned_contract_date=D(2026, 4, 1)))
    assert codes(result) == ["TECH_NOT_NOTIFIED"]
    assert "2026-03-31" in result.reasons[0].message


def test_screening_api_answers_for_the_planned_contract_date(announced, exporter):
    body = {
        "technology": "power_semiconductor",
        "transaction_type": "jv_transfer",
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": "2026-04-01",
    }
    client = api_as(exporter)
    assert client.post("/api/v1/screening/", body, format="json").json()["report_required"]
    early = client.post(
        "/api/v1/screening/", {**body, "planned_contract_date": "2026-03-15"}, format="json"
    ).json()
    assert early["report_required"] is False
    assert [r["code"] for r in early["reasons"]] == ["TECH_NOT_NOTIFIED"]
    assert "2026-04-01" in early["reasons"][0]["message"]


def screening_post(**overrides):
    data = {
        "technology": "mlcc",
        "transaction_type": "jv_transfer",
        "destination_country": "CN",
        "goods_only": "no",
        "publicly_known": "no",
        "planned_contract_date": "2026-06-01",
    }
    data.update(overrides)
    return data


def test_screening_form_offers_an_announced_technology_with_its_start(announced):
    with translation.override("en"):
        form = ScreeningForm()
        choices = dict(form.fields["technology"].choices)
    assert choices["power_semiconductor"] == "Power semiconductors (from 2026-04-01)"
    assert choices["mlcc"] == "Multilayer ceramic capacitors (MLCC)"
    form = ScreeningForm(
        screening_post(technology="power_semiconductor", planned_contract_date="2026-03-15")
    )
    assert form.is_valid(), form.errors
    assert codes(screen(Answers(**form.cleaned_data))) == ["TECH_NOT_NOTIFIED"]


def report_post(**overrides):
    data = {"technology": "power_semiconductor", "planned_contract_date": "2026-04-01"}
    data.update(overrides)
    return data


def test_report_form_accepts_an_announced_technology_for_a_contract_from_its_start(announced):
    form = ReportForm(report_post())
    assert form.is_valid(), form.errors
    assert form.service_data()["technology"] == "power_semiconductor"
    # Drafts may be partial: without a date the choice waits for the check at submit.
    assert ReportForm(report_post(planned_contract_date="")).is_valid()


def test_report_form_refuses_a_technology_not_in_force_on_the_planned_date(announced):
    with translation.override("en"):
        form = ReportForm(report_post(planned_contract_date="2026-03-31"))
        assert not form.is_valid()
        assert "2026-04-01" in " ".join(form.errors["technology"])
    Technology.objects.filter(code="mlcc").update(effective_to=D(2026, 5, 31))
    form = ReportForm(report_post(technology="mlcc", planned_contract_date="2026-06-01"))
    assert "2026-05-31" in " ".join(form.errors["technology"])


def test_report_form_keeps_a_drafts_retired_technology_and_says_why_it_no_longer_fits(
    catalog, today_is_2026_03_01
):
    Technology.objects.filter(code="mlcc").update(effective_to=D(2026, 1, 31))
    form = ReportForm(
        report_post(technology="mlcc", planned_contract_date="2026-06-01"),
        current_technology="mlcc",
    )
    assert "mlcc" in dict(form.fields["technology"].choices)
    assert not form.is_valid() and "2026-01-31" in " ".join(form.errors["technology"])
    # Never offered to a new report.
    assert "mlcc" not in dict(ReportForm().fields["technology"].choices)


# --- transaction types are data -------------------------------------------------------------------


def new_type(**overrides):
    data = {
        "code": "joint_research_transfer",
        "name_ja": "共同研究に伴う製造技術の移転",
        "name_en": "Manufacturing technology transfer in joint research",
        "reportable": True,
        "exclusion_rule": "TRANSACTION_TYPE",
        "order": 70,
        "effective_from": D(2026, 7, 1),
        "effective_to": None,
    }
    data.update(overrides)
    return data


def test_a_type_added_for_a_future_date_is_accepted_only_from_that_date(
    catalog, administrator, today_is_2026_03_01, exporter
):
    catalog_services.transaction_type_create(actor=administrator, data=new_type())
    code = "joint_research_transfer"
    assert screen(
        answers(transaction_type=code, planned_contract_date=D(2026, 7, 1))
    ).report_required
    assert codes(screen(answers(transaction_type=code, planned_contract_date=D(2026, 6, 30)))) == [
        "TRANSACTION_TYPE"
    ]

    with translation.override("en"):
        labels = dict(ScreeningForm().fields["transaction_type"].choices)
    assert labels[code] == "Manufacturing technology transfer in joint research (from 2026-07-01)"
    assert ScreeningForm(
        screening_post(transaction_type=code, planned_contract_date="2026-07-01")
    ).is_valid()
    early = ScreeningForm(screening_post(transaction_type=code, planned_contract_date="2026-06-30"))
    assert not early.is_valid() and "2026-07-01" in " ".join(early.errors["transaction_type"])
    assert ReportForm(
        report_post(technology="mlcc", transaction_type=code, planned_contract_date="2026-07-01")
    ).is_valid()
    draft = ReportForm(
        report_post(technology="mlcc", transaction_type=code, planned_contract_date="2026-06-30")
    )
    assert not draft.is_valid() and "transaction_type" in draft.errors

    client = api_as(exporter)
    body = {
        "technology": "mlcc",
        "transaction_type": code,
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": "2026-07-01",
    }
    assert client.post("/api/v1/screening/", body, format="json").json()["report_required"]
    refused = client.post(
        "/api/v1/screening/", {**body, "planned_contract_date": "2026-06-30"}, format="json"
    )
    assert refused.status_code == 400 and set(refused.json()) == {"transaction_type"}
    listed = client.get("/api/v1/transaction-types/", {"on": "2026-07-01"}).json()["results"]
    assert code in [t["code"] for t in listed]
    assert code not in [
        t["code"] for t in client.get("/api/v1/transaction-types/").json()["results"]
    ]


def test_a_type_that_is_not_reportable_names_its_rule(catalog, administrator, today_is_2026_03_01):
    licence = screen(answers(transaction_type="licence_without_guidance"))
    assert codes(licence) == ["LICENCE_NO_GUIDANCE"]
    catalog_services.transaction_type_create(
        actor=administrator, data=new_type(reportable=False, effective_from=D(2026, 3, 1))
    )
    result = screen(answers(transaction_type="joint_research_transfer"))
    assert codes(result) == ["TRANSACTION_TYPE"]
    assert "joint_research_transfer" not in result.reasons[0].message


def test_report_api_refuses_a_type_not_in_force_on_the_planned_date(
    catalog, administrator, today_is_2026_03_01, exporter
):
    catalog_services.transaction_type_create(actor=administrator, data=new_type())
    client = api_as(exporter)
    draft = client.post(
        "/api/v1/reports/", {"transaction_type": "joint_research_transfer"}, format="json"
    )
    assert draft.status_code == 201, draft.content  # no date yet: any known type
    url = f"/api/v1/reports/{draft.json()['id']}/"
    early = client.patch(
        url,
        {"planned_contract_date": "2026-06-30", "transaction_type": "joint_research_transfer"},
        format="json",
    )
    assert early.status_code == 400 and set(early.json()) == {"transaction_type"}
    assert (
        client.patch(url, {"planned_contract_date": "2026-07-01"}, format="json").status_code == 200
    )
    unknown = client.patch(url, {"transaction_type": "gift"}, format="json")
    assert unknown.status_code == 400 and set(unknown.json()) == {"transaction_type"}


# --- exclusion rules are data -------------------------------------------------------------------


def test_retiring_the_public_or_basic_research_rule_stops_screening_applying_it(
    catalog, administrator, today_is_2026_03_01
):
    rule = ExclusionRule.objects.get(code="PUBLIC_OR_BASIC_RESEARCH")
    catalog_services.exclusion_rule_update(
        actor=administrator, rule=rule, data={"effective_to": D(2026, 3, 31)}
    )
    public = {"publicly_known": True}
    assert codes(screen(answers(planned_contract_date=D(2026, 3, 31), **public))) == [
        "PUBLIC_OR_BASIC_RESEARCH"
    ]
    after = screen(answers(planned_contract_date=D(2026, 4, 1), **public))
    assert after.report_required
    assert "PUBLIC_OR_BASIC_RESEARCH" not in codes(after)
    # Still asked while it applies to contracts planned until its last day ...
    assert "publicly_known" in ScreeningForm().fields
    # ... and no longer once it applies to none.
    with time_machine.travel(jst(2026, 4, 1), tick=False):
        form = ScreeningForm(
            screening_post(publicly_known="yes", planned_contract_date="2026-06-01")
        )
        assert "publicly_known" not in form.fields
        assert form.is_valid(), form.errors
        assert form.cleaned_data["publicly_known"] is False
        assert screen(Answers(**form.cleaned_data)).report_required


def test_screening_questions_come_from_the_rules(catalog, administrator, today_is_2026_03_01):
    rule = ExclusionRule.objects.get(code="GOODS_ONLY")
    catalog_services.exclusion_rule_update(
        actor=administrator,
        rule=rule,
        data={"question_en": "Is only hardware shipped, with no know-how at all?"},
    )
    with translation.override("en"):
        assert ScreeningForm().fields["goods_only"].label == (
            "Is only hardware shipped, with no know-how at all?"
        )
    with translation.override("ja"):
        assert ScreeningForm().fields["goods_only"].label == rule.question_ja


def test_a_retired_destination_rule_ignores_the_exempt_flags(
    catalog, administrator, today_is_2026_03_01
):
    catalog_services.exclusion_rule_update(
        actor=administrator,
        rule=ExclusionRule.objects.get(code="DESTINATION_EXEMPT"),
        data={"effective_to": D(2026, 3, 1)},
    )
    assert codes(
        screen(answers(destination_country="US", planned_contract_date=D(2026, 3, 1)))
    ) == ["DESTINATION_EXEMPT"]
    assert screen(
        answers(destination_country="US", planned_contract_date=D(2026, 3, 2))
    ).report_required


# --- one enum of rule codes ---------------------------------------------------------------------


def test_every_code_screening_returns_is_a_rule_code(catalog):
    seen = set()
    combinations = itertools.product(
        [False, True],
        ["mlcc", None, "no_such_technology"],
        [t.code for t in TransactionType.objects.all()],
        [False, True],
        ["CN", "US"],
        [D(2024, 12, 1), D(2025, 6, 1)],
    )
    for goods, technology, kind, public, country, day in combinations:
        result = screen(
            Answers(
                technology=technology,
                transaction_type=kind,
                destination_country=country,
                goods_only=goods,
                publicly_known=public,
                planned_contract_date=day,
            )
        )
        for reason in result.reasons:
            assert isinstance(reason.code, RuleCode)
            assert reason.code in RuleCode.values
            # Plain language: the code is its own field, never inside the message.
            assert not any(code in reason.message for code in RuleCode.values)
            seen.add(reason.code)
    assert seen == set(RuleCode)


def test_the_questions_screening_asks_are_the_question_rules():
    assert set(QUESTION_ANSWERS) == set(QUESTION_RULE_CODES)
    assert set(QUESTION_ANSWERS.values()) <= set(Answers.__dataclass_fields__)


def test_dialogue_not_subject_rules_are_the_rule_codes():
    from dialogue.models import NotSubjectRule

    assert NotSubjectRule is RuleCode
    assert set(RuleCode.values) == {
        "GOODS_ONLY",
        "TECH_NOT_NOTIFIED",
        "TRANSACTION_TYPE",
        "LICENCE_NO_GUIDANCE",
        "PUBLIC_OR_BASIC_RESEARCH",
        "DESTINATION_EXEMPT",
    }
