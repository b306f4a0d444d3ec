"""One form pattern for every form (required markers, an error summary that takes the focus
and links to each error, the error again beside its field), and check-your-answers before a
report is submitted."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Report, Status
from tests import factories
from tests.informs.helpers import make_report_under_dialogue, propose
from tests.reports.helpers import complete_data, submitted_report

pytestmark = pytest.mark.django_db


def summary_of(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def assert_pattern(html: str, fields: list[str]) -> None:
    """The summary takes the focus without script, lists a link per error, and each field
    shows its error beside it."""
    summary = summary_of(html)
    opening = summary.split(">", 1)[0]
    assert 'tabindex="-1"' in opening and "autofocus" in opening and 'role="alert"' in opening
    for name in fields:
        anchor = re.search(rf'<a href="#([^"]*{name}[^"]*)">', summary)
        assert anchor, f"no link to {name} in the summary"
        assert f'id="{anchor.group(1)}"' in html, f"the link to {name} leads nowhere"
        field = re.search(
            rf'<div class="field has-error" id="field-{name}">(.*?)</div>\s', html, re.S
        )
        assert field and "errorlist" in field.group(1), f"no error beside {name}"


def english(client):
    client.cookies["django_language"] = "en"


def test_screening(client, exporter, catalog):
    client.force_login(exporter)
    html = client.post(reverse("reports:screening"), {"sent": "1"}).content.decode()
    assert_pattern(html, ["technology", "transaction_type", "destination_country", "goods_only"])
    assert html.count('class="req"') >= 5


def test_officer_and_supervisor_forms(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.officer)
    for url, fields in (
        (reverse("informs:propose", args=[report.pk]), ["grounds"]),
        (reverse("dialogue:conclude", args=[report.pk]), ["summary", "agreed_measures"]),
        (reverse("dialogue:not_subject", args=[report.pk]), ["rule", "reason"]),
    ):
        html = client.post(url, {"sent": "1"}).content.decode()
        assert_pattern(html, fields)
        assert 'class="req"' in html
    inform = propose(report, people.officer)
    client.force_login(people.supervisor)
    html = client.post(reverse("informs:return", args=[inform.pk]), {"sent": "1"}).content.decode()
    assert_pattern(html, ["reason"])
    html = client.post(
        reverse("reports:extend_deadline", args=[report.pk]), {"sent": "1"}
    ).content.decode()
    assert_pattern(html, ["new_due_date", "reason"])


def test_company_forms(client, people):
    report = submitted_report(people.exporter)
    client.force_login(people.exporter)
    html = client.post(reverse("reports:withdraw", args=[report.pk]), {"reason": ""})
    assert_pattern(html.content.decode(), ["reason"])
    html = client.post(reverse("reports:create"), {"contact_email": "broken@", "submit": "1"})
    assert_pattern(html.content.decode(), ["contact_email"])


def test_catalog_forms(client, catalog):
    client.force_login(factories.AdministratorFactory())
    html = client.post(reverse("catalog:technology_add"), {"sent": "1"}).content.decode()
    assert_pattern(html, ["code", "name_ja"])
    html = client.post(reverse("catalog:country_set_exempt", args=["VN"]), {"exempt": "1"})
    assert_pattern(html.content.decode(), ["reason"])
    mlcc = catalog["elec"].technologies.get(code="mlcc")
    html = client.post(reverse("catalog:technology_retire", args=[mlcc.pk]), {"sent": "1"})
    assert_pattern(html.content.decode(), ["effective_to"])


def test_registration_form_uses_the_shared_summary(client, db):
    html = client.post(reverse("accounts:register"), {"sent": "1"}).content.decode()
    summary = summary_of(html)
    assert "<a href=" in summary and "autofocus" in summary


def test_required_marker_in_english_is_half_width(client, people):
    client.force_login(people.exporter)
    english(client)
    html = client.get(reverse("reports:screening")).content.decode()
    assert '<span class="req">(required)</span>' in html


def test_report_form_marks_what_submitting_requires(client, people):
    client.force_login(people.exporter)
    html = client.get(reverse("reports:create")).content.decode()
    for name in ("counterparty_name", "planned_contract_date", "declaration"):
        field = re.search(rf'id="field-{name}">(.*?)</div>', html, re.S).group(1)
        assert 'class="req"' in field, name
    assert 'class="req"' not in re.search(r'id="field-late_reason">(.*?)</div>', html, re.S).group(
        1
    )


def test_cancel_is_a_link_styled_as_a_button_everywhere(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.officer)
    for url in (
        reverse("informs:propose", args=[report.pk]),
        reverse("dialogue:conclude", args=[report.pk]),
    ):
        html = client.get(url).content.decode()
        cancel = re.search(r"<a ([^>]*)>[^<]*</a>\s*</div>\s*</form>", html)
        assert cancel and 'class="button secondary"' in cancel.group(1)


# --- check your answers ---------------------------------------------------------------------------


def _draft(exporter, **overrides):
    return services.report_create(actor=exporter, data=complete_data(**overrides))


def _form_post(data: dict) -> dict:
    out = {k: ("" if v is None else v) for k, v in data.items()}
    out["planned_contract_date"] = data["planned_contract_date"].isoformat()
    out["declaration"] = "on" if data["declaration"] else ""
    return out


def test_continuing_from_the_form_leads_to_check_your_answers(client, people):
    client.force_login(people.exporter)
    response = client.post(
        reverse("reports:create"), {**_form_post(complete_data()), "submit": "1"}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:check", args=[report.pk]
    )
    assert report.status == Status.DRAFT  # not submitted yet


def test_check_page_lists_every_answer_with_a_change_link(client, people):
    report = _draft(people.exporter)
    client.force_login(people.exporter)
    english(client)
    html = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    edit = reverse("reports:edit", args=[report.pk])
    for name in (
        "technology",
        "technology_scope",
        "technology_summary",
        "transaction_type",
        "counterparty_name",
        "counterparty_country",
        "counterparty_address",
        "counterparty_relationship",
        "ownership_percent",
        "planned_contract_date",
        "provision_methods",
        "management_measures",
        "contact_name",
        "contact_department",
        "contact_phone",
        "contact_email",
        "declaration",
    ):
        assert f'href="{edit}#field-{name}"' in html, name
    assert "Shanghai Demo Electronics Co., Ltd." in html and "China (CN)" not in html
    assert "China" in html and "80%" in html
    assert 'data-testid="submit-report"' in html
    # every anchor exists on the form it leads to
    form = client.get(edit).content.decode()
    for anchor in re.findall(rf'href="{edit}#(field-[a-z_]+)"', html):
        assert f'id="{anchor}"' in form


def test_submit_from_the_check_page(client, people):
    report = _draft(people.exporter)
    client.force_login(people.exporter)
    response = client.post(reverse("reports:check", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    # Once submitted, the check page leads to the report.
    again = client.get(reverse("reports:check", args=[report.pk]))
    assert again["Location"] == reverse("reports:detail", args=[report.pk])


def test_check_page_of_an_incomplete_draft_links_each_problem_and_offers_no_submit(client, people):
    report = _draft(people.exporter, declaration=False, counterparty_name="")
    client.force_login(people.exporter)
    html = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    summary = summary_of(html)
    edit = reverse("reports:edit", args=[report.pk])
    assert f'href="{edit}#field-declaration"' in summary
    assert f'href="{edit}#field-counterparty_name"' in summary
    assert 'data-testid="submit-report"' not in html
    refused = client.post(reverse("reports:check", args=[report.pk]))
    assert refused.status_code == 400
    assert Report.objects.get(pk=report.pk).status == Status.DRAFT


def test_drafts_list_shows_when_they_were_saved(client, people):
    report = _draft(people.exporter)
    client.force_login(people.exporter)
    english(client)
    html = client.get(reverse("reports:dashboard")).content.decode()
    saved = timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M")
    assert f"Draft saved {saved}" in html


def test_late_reason_is_asked_only_when_it_applies(client, people):
    report = _draft(people.exporter)
    client.force_login(people.exporter)
    html = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    assert 'data-field="late_reason"' not in html
    late = _draft(
        people.exporter,
        planned_contract_date=timezone.localdate() - datetime.timedelta(days=1),
        late_reason="契約を急いだため",
    )
    html = client.get(reverse("reports:check", args=[late.pk])).content.decode()
    assert 'data-field="late_reason"' in html and "契約を急いだため" in html


def test_lists_in_english_use_half_width_commas(client, people):
    report = _draft(people.exporter)
    client.force_login(people.exporter)
    english(client)
    html = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    row = re.search(r'data-field="provision_methods">(.*?)</div>', html, re.S).group(1)
    assert ", " in row and "、" not in row
