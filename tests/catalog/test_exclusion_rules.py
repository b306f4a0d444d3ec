"""Exclusion rules are catalog data: administrators edit, retire and add them by date."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog import selectors, services
from catalog.models import ExclusionRule
from catalog.rules import EXCLUSION_RULE_CODES, RuleCode
from portal.models import AuditRecord
from tests import factories

from .helpers import D, jst

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture(autouse=True)
def today_is_2026_03_01():
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def rule_data(**overrides):
    data = {
        "code": "PUBLIC_OR_BASIC_RESEARCH",
        "name_ja": "公知の技術",
        "name_en": "Public technology",
        "description_ja": "すでに公知となっている技術は対象外です。",
        "description_en": "Technology already made public is outside the scheme.",
        "question_ja": "その技術はすでに公知のものですか。",
        "question_en": "Is the technology already public?",
        "source": "テスト",
        "effective_from": D(2026, 4, 1),
        "effective_to": None,
    }
    data.update(overrides)
    return data


def refused(field, call):
    with pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    return " ".join(info.value.message_dict[field])


def public_rule():
    return ExclusionRule.objects.get(code="PUBLIC_OR_BASIC_RESEARCH")


def test_the_seed_rules_are_in_force_from_the_start_of_the_scheme():
    assert set(selectors.exclusion_rules_in_force(D(2024, 12, 30))) == set(EXCLUSION_RULE_CODES)
    assert selectors.exclusion_rules_in_force(D(2024, 12, 29)) == {}
    for rule in ExclusionRule.objects.all():
        assert rule.code in RuleCode.values
        assert rule.name_ja and rule.name_en and rule.description_ja and rule.description_en
        assert bool(rule.question_ja) == (rule.code != "DESTINATION_EXEMPT")


def test_retire_then_add_a_new_version_from_the_next_day(administrator):
    old = services.exclusion_rule_update(
        actor=administrator, rule=public_rule(), data={"effective_to": D(2026, 3, 31)}
    )
    new = services.exclusion_rule_create(actor=administrator, data=rule_data())
    assert selectors.exclusion_rules_in_force(D(2026, 3, 31))["PUBLIC_OR_BASIC_RESEARCH"] == old
    assert selectors.exclusion_rules_in_force(D(2026, 4, 1))["PUBLIC_OR_BASIC_RESEARCH"] == new
    assert [r.verb for r in AuditRecord.objects.order_by("id")] == [
        "exclusion_rule.update",
        "exclusion_rule.create",
    ]
    assert AuditRecord.objects.order_by("id").first().payload == {
        "before": {"effective_to": None},
        "after": {"effective_to": "2026-03-31"},
    }
    # The screening form asks the question of the version in force today, then the new one.
    assert selectors.exclusion_rules_offered()["PUBLIC_OR_BASIC_RESEARCH"] == old
    with time_machine.travel(jst(2026, 4, 1), tick=False):
        assert selectors.exclusion_rules_offered()["PUBLIC_OR_BASIC_RESEARCH"] == new


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # The seed's version is still open-ended: two versions may not share a day.
        ({}, "effective_from"),
        ({"code": "TECH_NOT_NOTIFIED"}, "code"),  # decided by the technologies, not a rule row
        ({"code": "NO_SUCH_RULE"}, "code"),
        ({"question_en": ""}, "question_en"),
        ({"code": "DESTINATION_EXEMPT"}, "question_ja"),  # decided by the country flags
        ({"effective_from": D(2026, 2, 1)}, "effective_from"),
    ],
)
def test_create_refuses_bad_input(administrator, overrides, field):
    refused(
        field,
        lambda: services.exclusion_rule_create(actor=administrator, data=rule_data(**overrides)),
    )
    assert ExclusionRule.objects.count() == 3
    assert not AuditRecord.objects.exists()


def test_a_question_rule_keeps_its_question(administrator):
    refused(
        "question_ja",
        lambda: services.exclusion_rule_update(
            actor=administrator, rule=public_rule(), data={"question_ja": " "}
        ),
    )
    assert public_rule().question_ja


# --- pages ----------------------------------------------------------------------------------


def pages():
    pk = public_rule().pk
    return [
        reverse("catalog:exclusion_rule_list"),
        reverse("catalog:exclusion_rule_add"),
        reverse("catalog:exclusion_rule_edit", args=[pk]),
        reverse("catalog:exclusion_rule_history", args=[pk]),
    ]


@pytest.mark.parametrize(
    "make_user",
    [factories.ExporterFactory, factories.OfficerFactory, factories.SupervisorFactory],
)
def test_non_administrators_get_403(client, make_user):
    client.force_login(make_user())
    for url in pages():
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert public_rule().effective_to is None
    assert not AuditRecord.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_admin_retires_a_rule_on_its_edit_page_and_the_history_shows_it(admin_client):
    rule = public_rule()
    url = reverse("catalog:exclusion_rule_edit", args=[rule.pk])
    initial = admin_client.get(url).context["form"].initial
    data = {k: ("" if v is None else str(v)) for k, v in initial.items() if k != "code"}
    data["effective_to"] = "2026-03-31"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.effective_to == D(2026, 3, 31)

    listing = admin_client.get(reverse("catalog:exclusion_rule_list"))
    assert {r.code for r in listing.context["entries"]} == set(EXCLUSION_RULE_CODES)
    history = admin_client.get(reverse("catalog:exclusion_rule_history", args=[rule.pk]))
    entries = history.context["entries"]
    assert [e["record"].verb for e in entries] == ["exclusion_rule.update"]
    assert entries[0]["changes"] == [("effective_to", None, "2026-03-31")]
    assert "2026-03-31" in history.content.decode()


def test_edit_page_refuses_a_past_last_day_next_to_the_field(admin_client):
    rule = public_rule()
    url = reverse("catalog:exclusion_rule_edit", args=[rule.pk])
    initial = admin_client.get(url).context["form"].initial
    data = {k: ("" if v is None else str(v)) for k, v in initial.items() if k != "code"}
    data["effective_to"] = "2026-02-28"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "2026-03-01" in " ".join(response.context["form"].errors["effective_to"])
    rule.refresh_from_db()
    assert rule.effective_to is None
