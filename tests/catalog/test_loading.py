"""load_catalog: the seed's catalog, added once, never over what administrators changed."""

import pytest
import time_machine
from django.core.management import call_command

from catalog import services
from catalog.loading import load_catalog
from catalog.models import Country, ExclusionRule, Technology, TransactionType
from portal.models import Division

from .helpers import D, jst

pytestmark = pytest.mark.django_db


def counts():
    return {
        "technologies": Technology.objects.count(),
        "transaction_types": TransactionType.objects.count(),
        "exclusion_rules": ExclusionRule.objects.count(),
        "divisions": Division.objects.count(),
        "countries": Country.objects.count(),
    }


def test_first_load_adds_the_seed_and_a_second_adds_nothing():
    first = load_catalog()
    assert first["technologies"] == 10
    assert first["transaction_types"] == 6
    assert first["exclusion_rules"] == 3
    loaded = counts()
    second = load_catalog()
    assert second == dict.fromkeys(first, 0)
    assert counts() == loaded


def test_reloading_keeps_what_administrators_changed(administrator):
    load_catalog()
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        jv = TransactionType.objects.get(code="jv_transfer")
        services.transaction_type_update(
            actor=administrator, transaction_type=jv, data={"name_en": "Joint venture transfer"}
        )
        public = ExclusionRule.objects.get(code="PUBLIC_OR_BASIC_RESEARCH")
        services.exclusion_rule_update(
            actor=administrator, rule=public, data={"effective_to": D(2026, 3, 31)}
        )
        Country.objects.filter(pk="US").update(prior_report_exempt=False)
    # A seed code missing altogether (removed by a database operator) is what it adds.
    TransactionType.objects.filter(code="other_enabling").delete()

    call_command("load_catalog", verbosity=0)

    assert TransactionType.objects.get(code="jv_transfer").name_en == "Joint venture transfer"
    assert ExclusionRule.objects.get(code="PUBLIC_OR_BASIC_RESEARCH").effective_to == D(2026, 3, 31)
    assert ExclusionRule.objects.filter(code="PUBLIC_OR_BASIC_RESEARCH").count() == 1
    assert Country.objects.get(pk="US").prior_report_exempt is False
    assert TransactionType.objects.filter(code="other_enabling").count() == 1
