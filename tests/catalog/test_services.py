import pytest
import time_machine
from django.core.exceptions import ValidationError

from catalog import services
from catalog.models import Country, Technology
from portal.models import AuditRecord
from tests import factories

from .helpers import D, jst, make_draft, make_report, technology_data

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture
def admin(db):
    return factories.AdministratorFactory()


@pytest.fixture(autouse=True)
def today_is_2026_03_01():
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        yield


def audit_rows(verb=None):
    rows = AuditRecord.objects.filter(target_type__startswith="catalog.")
    return rows.filter(verb=verb) if verb else rows


def refused(field, call):
    """Run `call`, expecting a ValidationError on `field`; answer its messages."""
    with pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    return " ".join(info.value.message_dict[field])


# --- create -----------------------------------------------------------------------------------


def test_create_saves_and_audits_the_full_record(admin):
    technology = services.technology_create(actor=admin, data=technology_data())
    assert Technology.objects.filter(code="power_semiconductor").count() == 1
    row = audit_rows("technology.create").get()
    assert row.actor == admin and row.target_id == str(technology.pk)
    assert row.payload["before"] == {}
    assert row.payload["after"] == {
        "code": "power_semiconductor",
        "name_ja": "パワー半導体",
        "name_en": "Power semiconductors",
        "category": "other",
        "division": "elec",
        "scope_ja": "パワー半導体の設計技術及び製造技術",
        "scope_en": "Design and manufacturing technology of power semiconductors",
        "notice_reference": "テスト告示",
        "effective_from": "2026-04-01",
        "effective_to": None,
    }


def test_create_refuses_an_existing_code(admin):
    message = refused(
        "code",
        lambda: services.technology_create(
            actor=admin, data=technology_data(code="mlcc", effective_from=D(2027, 1, 1))
        ),
    )
    assert "すでに登録されています" in message
    assert Technology.objects.filter(code="mlcc").count() == 1
    assert not audit_rows().exists()


def test_create_refuses_a_last_day_before_the_first(admin):
    refused(
        "effective_to",
        lambda: services.technology_create(
            actor=admin, data=technology_data(effective_to=D(2026, 3, 31))
        ),
    )
    assert not Technology.objects.filter(code="power_semiconductor").exists()
    assert not audit_rows().exists()


def test_create_refuses_a_start_in_the_past(admin):
    refused(
        "effective_from",
        lambda: services.technology_create(
            actor=admin, data=technology_data(effective_from=D(2026, 2, 28))
        ),
    )
    assert not Technology.objects.filter(code="power_semiconductor").exists()


def test_create_refuses_missing_or_malformed_fields(admin):
    with pytest.raises(ValidationError) as info:
        services.technology_create(
            actor=admin, data=technology_data(code="not a slug", name_en="", category="nope")
        )
    assert {"code", "name_en", "category"} <= set(info.value.message_dict)
    assert Technology.objects.count() == 10


# --- versions and overlapping periods ----------------------------------------------------------


def test_add_version_refuses_a_period_overlapping_another_version(admin):
    mlcc = Technology.objects.get(code="mlcc")
    message = refused(
        "effective_from",
        lambda: services.technology_add_version(
            actor=admin, technology=mlcc, data=technology_data(effective_from=D(2026, 4, 1))
        ),
    )
    assert "同じ日に施行することはできません" in message
    assert Technology.objects.filter(code="mlcc").count() == 1
    assert not audit_rows().exists()


def test_add_version_after_the_old_one_is_retired(admin):
    mlcc = Technology.objects.get(code="mlcc")
    services.technology_retire(actor=admin, technology=mlcc, effective_to=D(2026, 3, 31))
    version = services.technology_add_version(
        actor=admin,
        technology=mlcc,
        data=technology_data(scope_en="New scope", effective_from=D(2026, 4, 1)),
    )
    assert version.code == "mlcc" and version.pk != mlcc.pk
    row = audit_rows("technology.add_version").get()
    assert row.payload["after"]["scope_en"] == "New scope"
    assert row.payload["previous_version"] == mlcc.pk


def test_update_refuses_a_start_that_overlaps_another_version(admin):
    mlcc = Technology.objects.get(code="mlcc")
    services.technology_retire(actor=admin, technology=mlcc, effective_to=D(2026, 3, 31))
    version = services.technology_add_version(
        actor=admin, technology=mlcc, data=technology_data(effective_from=D(2026, 6, 1))
    )
    refused(
        "effective_from",
        lambda: services.technology_update(
            actor=admin, technology=version, data={"effective_from": D(2026, 3, 15)}
        ),
    )
    version.refresh_from_db()
    assert version.effective_from == D(2026, 6, 1)
    assert not audit_rows("technology.update").exists()


# --- update -----------------------------------------------------------------------------------


def test_update_audits_only_the_changed_values(admin):
    mlcc = Technology.objects.get(code="mlcc")
    services.technology_update(
        actor=admin,
        technology=mlcc,
        data={"name_en": "MLCC", "scope_en": "New scope", "name_ja": mlcc.name_ja},
    )
    mlcc.refresh_from_db()
    assert mlcc.name_en == "MLCC" and mlcc.scope_en == "New scope"
    row = audit_rows("technology.update").get()
    assert row.payload == {
        "before": {
            "name_en": "Multilayer ceramic capacitors (MLCC)",
            "scope_en": "Design and manufacturing technology of multilayer ceramic capacitors",
        },
        "after": {"name_en": "MLCC", "scope_en": "New scope"},
    }


def test_update_without_changes_writes_nothing(admin):
    mlcc = Technology.objects.get(code="mlcc")
    services.technology_update(actor=admin, technology=mlcc, data={"name_en": mlcc.name_en})
    assert not audit_rows().exists()


def test_update_can_change_the_code_of_an_unused_technology(admin):
    mlcc = Technology.objects.get(code="mlcc")
    services.technology_update(actor=admin, technology=mlcc, data={"code": "mlcc_v2"})
    assert Technology.objects.filter(code="mlcc_v2").exists()
    assert audit_rows("technology.update").get().payload["after"] == {"code": "mlcc_v2"}


def test_update_refuses_a_code_that_already_exists(admin):
    mlcc = Technology.objects.get(code="mlcc")
    refused(
        "code",
        lambda: services.technology_update(
            actor=admin, technology=mlcc, data={"code": "carbon_fiber"}
        ),
    )
    assert Technology.objects.filter(code="mlcc").exists()
    assert Technology.objects.filter(code="carbon_fiber").count() == 1


def test_update_refuses_a_last_day_before_the_first(admin):
    technology = services.technology_create(
        actor=admin, data=technology_data(effective_to=D(2026, 12, 31))
    )
    refused(
        "effective_to",
        lambda: services.technology_update(
            actor=admin, technology=technology, data={"effective_from": D(2027, 1, 1)}
        ),
    )
    technology.refresh_from_db()
    assert technology.effective_from == D(2026, 4, 1)


def test_update_refuses_changing_the_code_or_start_of_a_technology_in_use(admin):
    mlcc = Technology.objects.get(code="mlcc")
    make_report(mlcc, D(2026, 5, 1))
    message = refused(
        "code",
        lambda: services.technology_update(actor=admin, technology=mlcc, data={"code": "mlcc2"}),
    )
    assert "コードと施行日は変更できません" in message
    refused(
        "effective_from",
        lambda: services.technology_update(
            actor=admin, technology=mlcc, data={"effective_from": D(2026, 3, 2)}
        ),
    )
    mlcc.refresh_from_db()
    assert mlcc.code == "mlcc" and mlcc.effective_from == D(2024, 12, 30)
    assert not audit_rows().exists()
    # Names and scope can still be corrected.
    services.technology_update(actor=admin, technology=mlcc, data={"scope_en": "Clarified"})
    assert audit_rows("technology.update").count() == 1


# --- retire -----------------------------------------------------------------------------------


def test_retire_sets_the_last_day_and_audits_it(admin):
    mlcc = Technology.objects.get(code="mlcc")
    services.technology_retire(actor=admin, technology=mlcc, effective_to=D(2026, 3, 1))
    mlcc.refresh_from_db()
    assert mlcc.effective_to == D(2026, 3, 1)
    row = audit_rows("technology.retire").get()
    assert row.payload == {
        "before": {"effective_to": None},
        "after": {"effective_to": "2026-03-01"},
    }


def test_retire_refuses_a_day_in_the_past(admin):
    mlcc = Technology.objects.get(code="mlcc")
    message = refused(
        "effective_to",
        lambda: services.technology_retire(
            actor=admin, technology=mlcc, effective_to=D(2026, 2, 28)
        ),
    )
    assert "2026-03-01" in message
    mlcc.refresh_from_db()
    assert mlcc.effective_to is None
    assert not audit_rows().exists()


def test_retire_refuses_a_day_before_its_first_day(admin):
    technology = services.technology_create(actor=admin, data=technology_data())
    refused(
        "effective_to",
        lambda: services.technology_retire(
            actor=admin, technology=technology, effective_to=D(2026, 3, 31)
        ),
    )
    technology.refresh_from_db()
    assert technology.effective_to is None


def test_retire_refuses_a_day_before_a_reports_planned_contract_date(admin):
    mlcc = Technology.objects.get(code="mlcc")
    make_report(mlcc, D(2026, 3, 10))
    make_report(mlcc, D(2026, 6, 30))
    message = refused(
        "effective_to",
        lambda: services.technology_retire(
            actor=admin, technology=mlcc, effective_to=D(2026, 6, 29)
        ),
    )
    assert "2026-06-30" in message
    mlcc.refresh_from_db()
    assert mlcc.effective_to is None
    assert not audit_rows().exists()
    services.technology_retire(actor=admin, technology=mlcc, effective_to=D(2026, 6, 30))
    mlcc.refresh_from_db()
    assert mlcc.effective_to == D(2026, 6, 30)


def test_a_draft_does_not_block_retiring(admin):
    # Drafts are checked against the catalog when submitted; they pin nothing.
    mlcc = Technology.objects.get(code="mlcc")
    make_draft(mlcc, D(9999, 12, 31))
    services.technology_retire(actor=admin, technology=mlcc, effective_to=D(2026, 6, 30))
    mlcc.refresh_from_db()
    assert mlcc.effective_to == D(2026, 6, 30)


# --- countries --------------------------------------------------------------------------------


def test_country_set_exempt_changes_the_flag_and_audits_it(admin):
    china = Country.objects.get(code="CN")
    assert china.prior_report_exempt is False
    services.country_set_exempt(actor=admin, country=china, exempt=True, reason="告示改正")
    china.refresh_from_db()
    assert china.prior_report_exempt is True
    row = audit_rows("country.set_exempt").get()
    assert row.target_type == "catalog.country" and row.target_id == "CN"
    assert row.payload == {
        "before": {"prior_report_exempt": False},
        "after": {"prior_report_exempt": True},
        "reason": "告示改正",
    }


def test_country_set_exempt_to_the_current_value_writes_nothing(admin):
    services.country_set_exempt(
        actor=admin, country=Country.objects.get(code="US"), exempt=True, reason="同じ"
    )
    assert not audit_rows().exists()
