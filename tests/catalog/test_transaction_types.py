"""Transaction types are catalog data: administrators add, edit and retire them by date."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog import selectors, services
from catalog.models import TransactionType
from portal.models import AuditRecord
from tests import factories

from .helpers import D, jst

pytestmark = pytest.mark.usefixtures("catalog")

SEED_CODES = [
    "subsidiary_transfer",
    "jv_transfer",
    "manufacturing_outsourcing",
    "licence_with_guidance",
    "licence_without_guidance",
    "other_enabling",
]


@pytest.fixture(autouse=True)
def today_is_2026_03_01():
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def type_data(**overrides):
    data = {
        "code": "joint_research_transfer",
        "name_ja": "共同研究に伴う製造技術の移転",
        "name_en": "Manufacturing technology transfer in joint research",
        "reportable": True,
        "exclusion_rule": "TRANSACTION_TYPE",
        "order": 70,
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


def test_the_seed_types_are_in_force_from_the_start_of_the_scheme():
    assert [t.code for t in selectors.transaction_types_in_force(D(2024, 12, 30))] == SEED_CODES
    assert list(selectors.transaction_types_in_force(D(2024, 12, 29))) == []
    not_reportable = TransactionType.objects.get(reportable=False)
    assert not_reportable.code == "licence_without_guidance"
    assert not_reportable.rule == "LICENCE_NO_GUIDANCE"
    assert selectors.transaction_type_reportable("jv_transfer", D(2025, 1, 1))
    assert not selectors.transaction_type_reportable("licence_without_guidance", D(2025, 1, 1))
    assert not selectors.transaction_type_reportable("gift", D(2025, 1, 1))


def test_create_saves_and_audits_the_full_record(administrator):
    created = services.transaction_type_create(actor=administrator, data=type_data())
    row = AuditRecord.objects.get(verb="transaction_type.create")
    assert row.target_id == str(created.pk) and row.actor == administrator
    assert row.payload == {
        "before": {},
        "after": {
            "code": "joint_research_transfer",
            "name_ja": "共同研究に伴う製造技術の移転",
            "name_en": "Manufacturing technology transfer in joint research",
            "reportable": True,
            "exclusion_rule": "TRANSACTION_TYPE",
            "order": 70,
            "effective_from": "2026-04-01",
            "effective_to": None,
        },
    }
    assert not selectors.transaction_type_reportable("joint_research_transfer", D(2026, 3, 31))
    assert selectors.transaction_type_reportable("joint_research_transfer", D(2026, 4, 1))
    offered = selectors.transaction_types_offered()
    assert [t.code for t in offered] == [*SEED_CODES, "joint_research_transfer"]
    assert [t.announced for t in offered] == [False] * 6 + [True]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"effective_from": D(2026, 2, 28)}, "effective_from"),
        ({"effective_to": D(2026, 3, 31)}, "effective_to"),
        ({"code": "Not A Slug"}, "code"),
        ({"exclusion_rule": "GOODS_ONLY"}, "exclusion_rule"),
        ({"name_ja": ""}, "name_ja"),
        # A second version of a seed code while the first is still open-ended.
        ({"code": "jv_transfer"}, "effective_from"),
    ],
)
def test_create_refuses_bad_input(administrator, overrides, field):
    refused(
        field,
        lambda: services.transaction_type_create(actor=administrator, data=type_data(**overrides)),
    )
    assert TransactionType.objects.count() == 6
    assert not AuditRecord.objects.exists()


def test_a_type_changes_from_a_date_by_a_new_version(administrator):
    licence = TransactionType.objects.get(code="licence_without_guidance")
    services.transaction_type_update(
        actor=administrator, transaction_type=licence, data={"effective_to": D(2026, 6, 30)}
    )
    services.transaction_type_create(
        actor=administrator,
        data=type_data(
            code="licence_without_guidance",
            name_en="Licence without direct technical guidance",
            reportable=True,
            effective_from=D(2026, 7, 1),
        ),
    )
    assert not selectors.transaction_type_reportable("licence_without_guidance", D(2026, 6, 30))
    assert selectors.transaction_type_reportable("licence_without_guidance", D(2026, 7, 1))
    # Offered once in the forms: the version in force today.
    offered = [
        t for t in selectors.transaction_types_offered() if t.code == "licence_without_guidance"
    ]
    assert len(offered) == 1 and offered[0].pk == licence.pk


def test_update_never_changes_the_code_nor_a_past_day(administrator):
    jv = TransactionType.objects.get(code="jv_transfer")
    services.transaction_type_update(
        actor=administrator, transaction_type=jv, data={"code": "renamed", "order": 5}
    )
    jv.refresh_from_db()
    assert (jv.code, jv.order) == ("jv_transfer", 5)
    assert "2024-12-30" in refused(
        "effective_from",
        lambda: services.transaction_type_update(
            actor=administrator, transaction_type=jv, data={"effective_from": D(2026, 5, 1)}
        ),
    )
    assert "2026-03-01" in refused(
        "effective_to",
        lambda: services.transaction_type_update(
            actor=administrator, transaction_type=jv, data={"effective_to": D(2026, 2, 1)}
        ),
    )
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        services.transaction_type_update(
            actor=administrator, transaction_type=jv, data={"effective_to": D(2026, 3, 1)}
        )
    with time_machine.travel(jst(2026, 3, 2), tick=False):
        # Its last day has passed: what screening answered by it stays as it was.
        refused(
            "effective_to",
            lambda: services.transaction_type_update(
                actor=administrator, transaction_type=jv, data={"effective_to": None}
            ),
        )


def test_update_without_changes_writes_nothing(administrator):
    jv = TransactionType.objects.get(code="jv_transfer")
    services.transaction_type_update(
        actor=administrator, transaction_type=jv, data={"name_ja": jv.name_ja}
    )
    assert not AuditRecord.objects.exists()


# --- pages ----------------------------------------------------------------------------------


def pages():
    pk = TransactionType.objects.get(code="jv_transfer").pk
    return [
        reverse("catalog:transaction_type_list"),
        reverse("catalog:transaction_type_add"),
        reverse("catalog:transaction_type_edit", args=[pk]),
        reverse("catalog:transaction_type_history", args=[pk]),
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
    assert not AuditRecord.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def form_data(**overrides):
    data = type_data(**overrides)
    data["reportable"] = "on" if data["reportable"] else ""
    return {k: ("" if v is None else str(v)) for k, v in data.items()}


def test_admin_adds_edits_and_reads_the_history(admin_client):
    response = admin_client.post(reverse("catalog:transaction_type_add"), form_data())
    assert response.status_code == 302
    added = TransactionType.objects.get(code="joint_research_transfer")
    listing = admin_client.get(reverse("catalog:transaction_type_list"), {"status": "upcoming"})
    assert [t.code for t in listing.context["entries"]] == ["joint_research_transfer"]

    edit_url = reverse("catalog:transaction_type_edit", args=[added.pk])
    form = admin_client.get(edit_url).context["form"]
    assert "code" not in form.fields
    data = form_data(name_en="Transfer of manufacturing technology in joint research")
    data.pop("code")
    assert admin_client.post(edit_url, data).status_code == 302

    history = admin_client.get(reverse("catalog:transaction_type_history", args=[added.pk]))
    entries = history.context["entries"]
    assert [e["record"].verb for e in entries] == [
        "transaction_type.create",
        "transaction_type.update",
    ]
    assert entries[1]["changes"] == [
        (
            "name_en",
            "Manufacturing technology transfer in joint research",
            "Transfer of manufacturing technology in joint research",
        )
    ]
    assert "Transfer of manufacturing technology in joint research" in history.content.decode()


def test_add_page_shows_refusals_next_to_the_field(admin_client):
    response = admin_client.post(
        reverse("catalog:transaction_type_add"), form_data(effective_from="2026-02-01")
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    assert 'class="field has-error" id="field-effective_from"' in response.content.decode()
    assert not TransactionType.objects.filter(code="joint_research_transfer").exists()


def test_new_version_link_copies_the_fields(admin_client):
    jv = TransactionType.objects.get(code="jv_transfer")
    response = admin_client.get(reverse("catalog:transaction_type_add"), {"from": jv.pk})
    initial = response.context["form"].initial
    assert initial["code"] == "jv_transfer" and initial["name_ja"] == jv.name_ja
    assert initial["effective_from"] is None
