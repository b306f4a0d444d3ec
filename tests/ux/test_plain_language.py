"""Plain language wherever a person reads: a screening answer says why in one sentence (the
rule's code and source in small print), the not-subject reasons, closure texts and
notifications name no code, no Django field name reaches anyone, and no legally significant
answer is chosen in advance."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from catalog import services as catalog_services
from catalog.rules import RuleCode
from dialogue.forms import NotSubjectForm
from portal.models import Notification
from reports import lifecycle
from reports.forms import ScreeningForm
from tests import factories
from tests.catalog.helpers import technology_data
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db

CODES = re.compile(r"\b(" + "|".join(RuleCode.values) + r")\b")


def _screen(client, **answers):
    data = {
        "technology": "mlcc",
        "transaction_type": "subsidiary_transfer",
        "destination_country": "CN",
        "goods_only": "no",
        "publicly_known": "no",
        "planned_contract_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        **answers,
    }
    response = client.post(reverse("reports:screening"), data)
    return response.context["result"], response.content.decode()


def _in_english(client):
    client.cookies["django_language"] = "en"


def test_screening_reasons_are_sentences_with_the_code_only_for_reference(
    client, exporter, catalog
):
    client.force_login(exporter)
    _in_english(client)
    result, html = _screen(client)
    assert result.report_required
    for reason in result.reasons:
        assert not CODES.search(reason.message), reason.message
        # One sentence: one full stop, at the end.
        assert reason.message.endswith(".") and ". " not in reason.message, reason.message
    destination = next(r for r in result.reasons if r.code == RuleCode.DESTINATION_EXEMPT)
    assert "not an exempt" not in destination.message  # no double negative
    assert "China" in destination.message
    # The code and where the rule comes from, in small print.
    small = re.findall(r'<small class="rule-reference">(.*?)</small>', html, re.S)
    assert len(small) == len(result.reasons)
    assert any("DESTINATION_EXEMPT" in s and "Source" in s for s in small)
    assert any("告示" in s for s in small)  # the technology's notice


def test_an_exempt_destination_is_said_plainly(client, exporter, catalog):
    client.force_login(exporter)
    _in_english(client)
    result, _html = _screen(client, destination_country="US")
    assert not result.report_required
    (reason,) = result.reasons
    assert reason.message.startswith("Transfers to") and "need no prior report" in reason.message


def test_screening_questions_start_with_no_answer_and_must_be_answered(client, exporter, catalog):
    form = ScreeningForm()
    for name in ("goods_only", "publicly_known"):
        assert form[name].value() is None and form.fields[name].required
        assert "checked" not in str(form[name])
    client.force_login(exporter)
    data = {
        "technology": "mlcc",
        "transaction_type": "subsidiary_transfer",
        "destination_country": "CN",
        "planned_contract_date": "2030-01-15",
    }
    response = client.post(reverse("reports:screening"), data)
    assert response.context["result"] is None
    assert {"goods_only", "publicly_known"} <= set(response.context["form"].errors)


def test_not_subject_choices_are_words(db):
    with translation.override("en"):
        labels = [label for value, label in NotSubjectForm().fields["rule"].choices if value]
    assert labels and not [label for label in labels if CODES.search(str(label))]


def test_not_subject_closure_and_its_notification_name_no_code(client, catalog):
    exporter = factories.ExporterFactory()
    officer = factories.OfficerFactory(division=catalog["elec"])
    report = submitted_report(exporter)
    lifecycle.report_mark_not_subject(
        actor=officer, report_id=report.pk, rule="GOODS_ONLY", reason="貨物のみと判明。"
    )
    client.force_login(exporter)
    _in_english(client)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    outcome = re.search(r'data-testid="not-subject-outcome">(.*?)</p>', html, re.S).group(1)
    assert "Only goods are transferred" in outcome and not CODES.search(outcome)
    note = Notification.objects.get(recipient=exporter, verb="dialogue.not_subject")
    for text in (note.title_en, note.body_en, note.title_ja, note.body_ja):
        assert not CODES.search(text), text


def test_notifications_to_the_company_name_no_rule_code(catalog):
    exporter = factories.ExporterFactory()
    factories.OfficerFactory(division=catalog["elec"])
    submitted_report(exporter)
    for note in Notification.objects.all():
        assert not CODES.search(note.title_en + note.body_en + note.title_ja + note.body_ja)


def test_catalog_code_error_names_no_django_field_and_matches_the_help(client, catalog):
    admin = factories.AdministratorFactory()
    with pytest.raises(ValidationError) as refused:
        catalog_services.technology_create(actor=admin, data=technology_data(code="Bad-Code"))
    message = " ".join(refused.value.message_dict["code"])
    assert "slug" not in message.lower() and "lower-case" in message.lower()
    client.force_login(admin)
    for language in ("ja", "en"):
        client.cookies["django_language"] = language
        data = {k: "" if v is None else v for k, v in technology_data(code="Bad-Code").items()}
        data["division"] = catalog["elec"].pk
        response = client.post(reverse("catalog:technology_add"), data)
        html = response.content.decode()
        assert "slug" not in html.lower()
        assert response.context["form"].errors["code"]


def test_catalog_history_names_fields_by_their_labels_and_people_by_name(client, catalog):
    from catalog.models import Technology

    admin = factories.AdministratorFactory(last_name="中村", first_name="陽子")
    mlcc = Technology.objects.get(code="mlcc")
    catalog_services.technology_update(
        actor=admin, technology=mlcc, data={"scope_en": "Design only"}
    )
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("catalog:technology_history", args=[mlcc.pk])).content.decode()
    assert "Scope (English)" in html and "<code>scope_en</code>" not in html
    assert "中村 陽子" in html and admin.username not in html
