import datetime

import pytest

from catalog.models import Country
from reports.screening import Answers, screen

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
        ({"planned_contract_date": datetime.date(2024, 12, 29)}, "TECH_NOT_NOTIFIED"),
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
