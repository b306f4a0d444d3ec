"""Who may call what: every route of the URLconf, probed as every kind of person.

The matrix below has one line per probe (a route, an HTTP method, the object its path points
at, a body) and one column per persona. The URLconf is walked with get_resolver(): a route
without a line fails `test_every_route_has_a_row`, a line naming a route that is gone fails
`test_every_row_names_a_route`, so a new page or endpoint cannot be added without saying who
may call it. Each cell is its own test, named "<METHOD> <route>[<object>, <label>]-<persona>".

Answers (README "Who does what", ../shared/spec/api.md):
- pages: anonymous -> 302 to the sign-in page (SIGN_IN); a role that may not -> 403; an object
  outside the caller's organisation or division -> 404 (never 403); allowed -> 200, or a 302
  after a successful form post (DONE: a redirect elsewhere with no error message, since some
  pages also redirect when the state refuses).
- API: anonymous -> 401 (TokenAuthentication is the first authenticator, so DRF answers 401
  with `WWW-Authenticate: Token`, not 403); then the same 403 / 404 / 409 rules.
POSTs are probed with an empty body, where an allowed person gets the form back (200 on the
pages that re-render it, 400 where it is called invalid) or the state conflict (409); actions
with required fields are probed again with a minimal valid body ("valid body"), so that the
allowed get through to the service and the others' 403 does not hide behind a 400.

The people and objects are made once for the module (fast: ~1,000 cells in seconds); every
cell runs in a savepoint that is rolled back, and the last test checks nothing leaked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts import tokens as account_tokens
from apitokens.services import token_create
from catalog.loading import load_catalog
from catalog.models import Country, ExclusionRule, Technology, TransactionType
from compliance import services as compliance_services
from compliance.models import NoticeWording
from consultations import lifecycle as consultation_lifecycle
from consultations import services as consultation_services
from consultations.models import GeneralDesk
from dialogue import services as dialogue_services
from dialogue.models import MessageKind
from informs import services as inform_services
from portal.models import Division, OrganisationRole
from reports import lifecycle
from reports import services as report_services
from tests import factories
from tests.accounts.helpers import application_data
from tests.dialogue.helpers import PDF_BYTES, upload
from tests.reports.helpers import complete_data, submitted_report

PERSONAS = (
    "anonymous",
    "exporter",  # organisation A, which filed the report
    "other_exporter",  # organisation B
    "officer",  # the division responsible for the report's technology (elec)
    "other_officer",  # another division (mat)
    "supervisor",  # the responsible division
    "other_supervisor",  # another division
    "administrator",
)

SIGN_IN = "302 to sign-in"  # 302 to settings.LOGIN_URL
DONE = "302 elsewhere"  # 302 somewhere other than the sign-in page: the action was done

# --- routes deliberately left out -----------------------------------------------------------

EXCLUDED_PREFIXES = {
    "django-admin/": "Django's own admin site: its own is_staff sign-in, not the portal's roles",
}
EXCLUDED_NAMES: dict[str, str] = {}  # route key ("namespace:name") -> why it has no row


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(full pattern, key, URLPattern) of every route; the key is "namespace:name", or the
    pattern itself for a route without a name (which cannot be reversed: give it one)."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield pattern, name or pattern, entry


def _params(pattern) -> set[str]:
    """Named parameters of path() and re_path() (DRF's routers) patterns alike."""
    return set(pattern.regex.groupindex)


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the pattern itself when the route has no name
    pattern: str
    params: frozenset[str]


@cache
def project_routes() -> dict[str, list[Route]]:
    """Every route of the URLconf but the excluded ones, by key (a list: names may repeat)."""
    found: dict[str, list[Route]] = {}
    for pattern, key, entry in _walk(get_resolver()):
        if key in EXCLUDED_NAMES or any(pattern.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        route = Route(key, pattern, frozenset(_params(entry.pattern)))
        found.setdefault(key, []).append(route)
    return found


# --- the matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    route: str
    method: str
    on: str | None  # the World object whose id fills the path's pk / report_id
    expect: dict[str, object]
    data: dict | Callable[[World], dict] | None = None  # None: an empty body
    format: str = "json"  # API bodies only
    label: str = ""

    @property
    def name(self) -> str:
        inside = ", ".join(part for part in (self.on, self.label) if part)
        return f"{self.method} {self.route}[{inside}]" if inside else f"{self.method} {self.route}"

    def body(self, world: World) -> dict:
        return self.data(world) if callable(self.data) else dict(self.data or {})


def P(route, method, on, *answers, **kwargs) -> Probe:
    assert len(answers) == len(PERSONAS), f"{route} {method}: one answer per persona"
    return Probe(route, method, on, dict(zip(PERSONAS, answers, strict=True)), **kwargs)


_ = None  # no object in the path
VALID = "valid body"  # a minimal valid body, so that the allowed get through to the service

CONCLUSION = {"summary": "懸念は解消された。", "agreed_measures": "アクセス管理を継続する。"}
NOT_SUBJECT = {"rule": "GOODS_ONLY", "reason": "貨物のみの取引と判明した。"}
CONSULTATION = {
    "subject": "子会社への技術移転",
    "description": "報告が必要か相談したい。",
    "technology": "mlcc",
}
NEW_TECHNOLOGY = {
    "code": "power_semiconductor",
    "name_ja": "パワー半導体",
    "name_en": "Power semiconductors",
    "category": "other",
    "division": "elec",
    "effective_from": "2030-04-01",
}


NEW_TRANSACTION_TYPE = {
    "code": "joint_research_transfer",
    "name_ja": "共同研究に伴う製造技術の移転",
    "name_en": "Manufacturing technology transfer in joint research",
    "reportable": "on",
    "exclusion_rule": "TRANSACTION_TYPE",
    "order": "70",
    "effective_from": "2030-04-01",
}


# An End User List with one entry that the World's reports' counterparty matches.
END_USER_CSV = (
    "Country or Region,Company or Organization,Also Known As,Type of WMD\n"
    "China,Shanghai Demo Electronics Co.，Ltd.,,Missile\n"
).encode()


def retire_rule(rule) -> dict:
    """The rule's edit form as it is, with a last day in the future."""
    texts = ("name_ja", "name_en", "description_ja", "description_en", "question_ja")
    form = {name: getattr(rule, name) for name in (*texts, "question_en", "source")}
    form.update(effective_from=rule.effective_from.isoformat(), effective_to="2030-03-31")
    return form


def amendment_form() -> dict:
    """The amendment page's form: the report's content with one change, and the note."""
    data = complete_data(counterparty_address="上海市浦東新区2号")
    form = {k: v for k, v in data.items() if v not in (None, False, True)}
    form["planned_contract_date"] = data["planned_contract_date"].isoformat()
    form["note"] = "住所の訂正"
    return form


def extension(report) -> dict:
    """A week more than the report's current last day (JST)."""
    from reports import clock

    last_day = clock.last_day_of(report.decision_due_at)
    return {"new_due_date": (last_day + datetime.timedelta(days=7)).isoformat(), "reason": "調査中"}


def screening_answers() -> dict:
    return {
        "technology": "mlcc",
        "transaction_type": "subsidiary_transfer",
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }


def compliance_due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=14)).isoformat()


def compliance_case_form(world) -> dict:
    """A standalone case on organisation A, about mlcc (the elec division's)."""
    return {
        "organisation": world.exporter.organisation.corporate_number,
        "technology": world.technology.pk,
        "transfer_date": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "facts": "報道により判明した。",
    }


def new_staff(world) -> dict:
    return {
        "username": "officer_added",
        "last_name": "中村",
        "first_name": "陽子",
        "email": "nakamura@meti.example.go.jp",
        "role": "officer",
        "division": world.staff.division_id,
    }


# fmt: off
MATRIX: list[Probe] = [
    # route                              method  object       anon     exp  exp_b  off  off_y  sup  sup_y  admin
    # --- portal -----------------------------------------------------------------------------------------
    P("home",                            "GET",  _,           SIGN_IN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    P("healthz",                         "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("login",                           "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    # --- sign-in security: the second factor, locked accounts -----------------------------------------
    # Nobody here has a second factor: the backup-code, regenerate and code-step pages send them on.
    P("signin:two_factor",               "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("signin:two_factor",               "POST", _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("signin:backup_codes",             "GET",  _,           SIGN_IN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    P("signin:backup_codes_regenerate",  "POST", _,           SIGN_IN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    P("signin:verify",                   "GET",  _,           SIGN_IN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    P("signin:verify",                   "POST", _,           SIGN_IN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    P("signin:second_factor_list",       "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("signin:second_factor_reset",      "POST", "other_exporter", SIGN_IN, 403, 403, 403, 403, 403, 403, DONE),
    P("signin:locked_list",              "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("signin:unlock",                   "POST", "other_exporter", SIGN_IN, 403, 403, 403, 403, 403, 403, DONE),
    # --- gBizID (not configured here, so its ways to and from gBizID answer 404; exporters only) -------
    P("gbizid:account",                  "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("gbizid:signin",                   "GET",  _,           404,     404, 404,  404,  404,  404,  404,  404),
    P("gbizid:callback",                 "GET",  _,           404,     404, 404,  404,  404,  404,  404,  404),
    P("gbizid:link",                     "GET",  _,           SIGN_IN, 404, 404,  403,  403,  403,  403,  403),
    P("gbizid:unlink",                   "POST", _,           SIGN_IN, DONE, DONE, 403,  403,  403,  403,  403),
    P("logout",                          "POST", _,           SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN),
    P("password_change",                 "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("password_change_done",            "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("password_reset",                  "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("password_reset_done",             "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("password_reset_confirm",          "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200,
      label="bad token"),
    P("password_reset_complete",         "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("set_language",                    "POST", _,           DONE,    DONE, DONE, DONE, DONE, DONE, DONE, DONE,
      data={"language": "en"}),
    P("notifications",                   "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("notifications_read",              "POST", _,           SIGN_IN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    P("audit_list",                      "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("audit_export",                    "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    # --- statistics (supervisors: their division; administrators: all) -------------------------------
    *(
        P(f"insight:{name}",             "GET",  _,           SIGN_IN, 403, 403,  403,  403,  200,  200,  200)
        for name in (
            "statistics",
            "chart_months",
            "chart_days",
            "chart_outcomes",
            "chart_technologies",
            "chart_destinations",
            "export_reports_csv",
            "export_reports_xlsx",
            "export_figures_csv",
            "export_figures_xlsx",
        )
    ),
    # --- API tokens (anyone the API serves) --------------------------------------------------------------
    P("apitokens:list",                  "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("apitokens:create",                "POST", _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200),
    P("apitokens:create",                "POST", _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  200,
      data={"name": "ERP"}, label=VALID),
    P("apitokens:revoke",                "POST", _,           SIGN_IN, 404, 404,  404,  404,  404,  404,  404),
    P("apitokens:revoke",                "POST", _,           SIGN_IN, DONE, 404, 404,  404,  404,  404,  404,
      data=lambda w: {"token": w.exporter.api_tokens.get().pk}, label=VALID),
    # --- catalog pages ----------------------------------------------------------------------------------
    P("catalog:public",                  "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("catalog:admin_list",              "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:technology_add",          "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:technology_add",          "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:technology_edit",         "GET",  "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:technology_edit",         "POST", "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:technology_retire",       "GET",  "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:technology_retire",       "POST", "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:technology_new_version",  "GET",  "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:technology_new_version",  "POST", "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:technology_history",      "GET",  "technology", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:countries",               "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:country_set_exempt",      "GET",  "country",   SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:country_set_exempt",      "POST", "country",   SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:country_set_exempt",      "POST", "country",   SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE,
      data={"exempt": "1", "reason": "告示の改正による。", "confirm": "1"}, label=VALID),
    P("catalog:transaction_type_list",   "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:transaction_type_add",    "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:transaction_type_add",    "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:transaction_type_add",    "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE,
      data=NEW_TRANSACTION_TYPE, label=VALID),
    P("catalog:transaction_type_edit",   "GET",  "transaction_type", SIGN_IN, 403, 403, 403, 403, 403, 403, 200),
    P("catalog:transaction_type_edit",   "POST", "transaction_type", SIGN_IN, 403, 403, 403, 403, 403, 403, 200),
    P("catalog:transaction_type_history", "GET", "transaction_type", SIGN_IN, 403, 403, 403, 403, 403, 403, 200),
    P("catalog:exclusion_rule_list",     "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:exclusion_rule_add",      "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:exclusion_rule_add",      "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("catalog:exclusion_rule_edit",     "GET",  "exclusion_rule", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:exclusion_rule_edit",     "POST", "exclusion_rule", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    P("catalog:exclusion_rule_edit",     "POST", "exclusion_rule", SIGN_IN, 403, 403, 403,  403,  403,  403,  DONE,
      data=lambda w: retire_rule(w.exclusion_rule), label=VALID),
    P("catalog:exclusion_rule_history",  "GET",  "exclusion_rule", SIGN_IN, 403, 403, 403,  403,  403,  403,  200),
    # --- report pages -----------------------------------------------------------------------------------
    P("reports:dashboard",               "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("reports:screening",               "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  403),
    P("reports:screening",               "POST", _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  403),
    P("reports:create",                  "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("reports:create",                  "POST", _,           SIGN_IN, DONE, DONE, 403,  403,  403,  403,  403),
    P("reports:detail",                  "GET",  "dialogue",  SIGN_IN, 200, 404,  200,  404,  200,  404,  403),
    P("reports:detail",                  "GET",  "draft",     SIGN_IN, 200, 404,  404,  404,  404,  404,  403),
    P("reports:edit",                    "GET",  "draft",     SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("reports:edit",                    "POST", "draft",     SIGN_IN, DONE, 404, 403,  403,  403,  403,  403),
    P("reports:check",                   "GET",  "draft",     SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("reports:check",                   "POST", "draft",     SIGN_IN, DONE, 404, 403,  403,  403,  403,  403),
    P("reports:amend",                   "GET",  "dialogue",  SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("reports:amend",                   "POST", "dialogue",  SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("reports:amend",                   "POST", "dialogue",  SIGN_IN, DONE, 404, 403,  403,  403,  403,  403,
      data=lambda w: amendment_form(), label=VALID),
    P("reports:withdraw",                "GET",  "dialogue",  SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("reports:withdraw",                "POST", "dialogue",  SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("reports:withdraw",                "POST", "dialogue",  SIGN_IN, DONE, 404, 403,  403,  403,  403,  403,
      data={"reason": "取引中止", "confirm": "1"}, label=VALID),
    P("reports:extend_deadline",         "GET",  "dialogue",  SIGN_IN, 403, 403,  403,  403,  200,  404,  403),
    P("reports:extend_deadline",         "POST", "dialogue",  SIGN_IN, 403, 403,  403,  403,  200,  404,  403),
    P("reports:extend_deadline",         "POST", "dialogue",  SIGN_IN, 403, 403,  403,  403,  DONE, 404,  403,
      data=lambda w: {**extension(w.dialogue), "confirm": "1"}, label=VALID),
    P("reports:pdf",                     "GET",  "dialogue",  SIGN_IN, 200, 404,  200,  404,  200,  404,  403),
    # --- dialogue pages ---------------------------------------------------------------------------------
    P("dialogue:queue",                  "GET",  _,           SIGN_IN, 403, 403,  200,  200,  200,  200,  403),
    P("dialogue:thread",                 "GET",  "dialogue",  SIGN_IN, 200, 404,  200,  404,  200,  404,  403),
    P("dialogue:message_post",           "GET",  "dialogue",  SIGN_IN, 200, 404,  200,  404,  200,  404,  403),
    P("dialogue:message_post",           "POST", "dialogue",  SIGN_IN, 400, 404,  400,  404,  400,  404,  403),
    P("dialogue:message_post",           "POST", "dialogue",  SIGN_IN, DONE, 404, DONE, 404,  DONE, 404,  403,
      data={"kind": "question", "body": "ご質問"}, label=VALID),
    P("dialogue:attachment_upload",      "GET",  "dialogue",  SIGN_IN, 200, 404,  200,  404,  200,  404,  403),
    P("dialogue:attachment_upload",      "POST", "dialogue",  SIGN_IN, 400, 404,  400,  404,  400,  404,  403),
    P("dialogue:attachment_upload",      "POST", "dialogue",  SIGN_IN, DONE, 404, DONE, 404,  DONE, 404,  403,
      data=lambda w: {"file": upload("spec.pdf", PDF_BYTES)}, label=VALID),
    P("dialogue:start_dialogue",         "POST", "submitted", SIGN_IN, 403, 403,  DONE, 404,  DONE, 404,  403),
    P("dialogue:start_dialogue",         "POST", "dialogue",  SIGN_IN, 403, 403,  409,  404,  409,  404,  403),
    P("dialogue:conclude",               "GET",  "dialogue",  SIGN_IN, 403, 403,  200,  404,  200,  404,  403),
    P("dialogue:conclude",               "POST", "dialogue",  SIGN_IN, 403, 403,  400,  404,  400,  404,  403),
    P("dialogue:conclude",               "POST", "dialogue",  SIGN_IN, 403, 403,  DONE, 404,  DONE, 404,  403,
      data={**CONCLUSION, "confirm": "1"}, label=VALID),
    P("dialogue:not_subject",            "GET",  "dialogue",  SIGN_IN, 403, 403,  200,  404,  200,  404,  403),
    P("dialogue:not_subject",            "POST", "dialogue",  SIGN_IN, 403, 403,  400,  404,  400,  404,  403),
    P("dialogue:not_subject",            "POST", "dialogue",  SIGN_IN, 403, 403,  DONE, 404,  DONE, 404,  403,
      data={**NOT_SUBJECT, "confirm": "1"}, label=VALID),
    P("dialogue:reassign",               "GET",  "dialogue",  SIGN_IN, 403, 403,  403,  403,  200,  404,  403),
    P("dialogue:reassign",               "POST", "dialogue",  SIGN_IN, 403, 403,  403,  403,  400,  404,  403),
    P("dialogue:reassign",               "POST", "dialogue",  SIGN_IN, 403, 403,  403,  403,  DONE, 404,  403,
      data=lambda w: {"officer": w.supervisor.pk}, label=VALID),
    P("dialogue:attachment_download",    "GET",  "attachment", SIGN_IN, 200, 404, 200,  404,  200,  404,  403),
    P("dialogue:attachment_download",    "GET",  "note_attachment", SIGN_IN, 404, 404, 200, 404, 200, 404, 403),
    # --- inform pages -----------------------------------------------------------------------------------
    P("informs:supervisor",              "GET",  _,           SIGN_IN, 403, 403,  403,  403,  200,  200,  403),
    P("informs:propose",                 "GET",  "dialogue",  SIGN_IN, 403, 403,  200,  404,  200,  404,  403),
    P("informs:propose",                 "POST", "dialogue",  SIGN_IN, 403, 403,  200,  404,  200,  404,  403),
    P("informs:propose",                 "POST", "dialogue",  SIGN_IN, 403, 403,  DONE, 404,  DONE, 404,  403,
      data={"grounds": "懸念", "licence_conditions": "再移転の禁止"}, label=VALID),
    P("informs:approve",                 "GET",  "proposed",  SIGN_IN, 403, 403,  403,  404,  200,  404,  403),
    P("informs:approve",                 "POST", "proposed",  SIGN_IN, 403, 403,  403,  404,  DONE, 404,  403),
    P("informs:return",                  "GET",  "proposed",  SIGN_IN, 403, 403,  403,  404,  200,  404,  403),
    P("informs:return",                  "POST", "proposed",  SIGN_IN, 403, 403,  403,  404,  200,  404,  403),
    P("informs:return",                  "POST", "proposed",  SIGN_IN, 403, 403,  403,  404,  DONE, 404,  403,
      data={"reason": "根拠の補足を", "confirm": "1"}, label=VALID),
    P("informs:acknowledge",             "POST", "issued",    SIGN_IN, DONE, 404, 403,  403,  403,  403,  403),
    P("informs:pdf",                     "GET",  "issued",    SIGN_IN, 200, 404,  200,  404,  200,  404,  403),
    P("informs:pdf",                     "GET",  "proposed",  SIGN_IN, 404, 404,  200,  404,  200,  404,  403),
    # --- accounts: registration and invitations (anyone; a bad link is explained on the page) -----------
    P("accounts:register",               "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("accounts:register",               "POST", _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("accounts:register_sent",          "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("accounts:register_confirm",       "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200,
      label="bad token"),
    P("accounts:register_confirm",       "POST", _,           200,     200, 200,  200,  200,  200,  200,  200,
      label="bad token"),
    P("accounts:invitation_accept",      "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200,
      label="bad token"),
    P("accounts:invitation_accept",      "POST", _,           200,     200, 200,  200,  200,  200,  200,  200,
      label="bad token"),
    # --- accounts: organisation applications (METI administrators) --------------------------------------
    P("accounts:application_list",       "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("accounts:application_detail",     "GET",  "application", SIGN_IN, 403, 403, 403, 403,  403,  403,  200),
    P("accounts:application_approve",    "POST", "application", SIGN_IN, 403, 403, 403, 403,  403,  403,  DONE),
    P("accounts:application_reject",     "GET",  "application", SIGN_IN, 403, 403, 403, 403,  403,  403,  200),
    P("accounts:application_reject",     "POST", "application", SIGN_IN, 403, 403, 403, 403,  403,  403,  200),
    P("accounts:application_reject",     "POST", "application", SIGN_IN, 403, 403, 403, 403,  403,  403,  DONE,
      data={"reason": "商号と法人番号が一致しない。"}, label=VALID),
    # --- accounts: members (the organisation's administrators; both exporters administer their own) ----
    P("accounts:member_list",            "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("accounts:member_invite",          "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("accounts:member_invite",          "POST", _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("accounts:member_invite",          "POST", _,           SIGN_IN, DONE, DONE, 403,  403,  403,  403,  403,
      data={"email": "new.colleague@example.jp"}, label=VALID),
    P("accounts:organisation_settings",  "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("accounts:organisation_settings",  "POST", _,           SIGN_IN, DONE, DONE, 403,  403,  403,  403,  403),
    P("accounts:member_detail",          "GET",  "member",    SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("accounts:member_detail",          "POST", "member",    SIGN_IN, 200, 404,  403,  403,  403,  403,  403),
    P("accounts:member_detail",          "POST", "member",    SIGN_IN, DONE, 404, 403,  403,  403,  403,  403,
      data={"organisation_role": "administrator"}, label=VALID),
    P("accounts:member_deactivate",      "POST", "member",    SIGN_IN, DONE, 404, 403,  403,  403,  403,  403),
    P("accounts:member_reactivate",      "POST", "member",    SIGN_IN, DONE, 404, 403,  403,  403,  403,  403),
    P("accounts:invitation_resend",      "POST", "invitation", SIGN_IN, DONE, 404, 403, 403,  403,  403,  403),
    P("accounts:invitation_revoke",      "POST", "invitation", SIGN_IN, DONE, 404, 403, 403,  403,  403,  403),
    # --- accounts: METI staff (METI administrators) -----------------------------------------------------
    P("accounts:staff_list",             "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("accounts:staff_create",           "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("accounts:staff_create",           "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("accounts:staff_create",           "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE,
      data=lambda w: new_staff(w), label=VALID),
    P("accounts:staff_detail",           "GET",  "staff",     SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("accounts:staff_detail",           "POST", "staff",     SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("accounts:staff_deactivate",       "POST", "staff",     SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE),
    P("accounts:staff_reactivate",       "POST", "staff",     SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE),
    P("accounts:staff_password_link",    "POST", "staff",     SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE),
    P("accounts:staff_second_factor_reset", "POST", "staff",  SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE),
    P("accounts:staff_unlock",           "POST", "staff",     SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE),
    # --- API: schema and catalog ------------------------------------------------------------------------
    P("api-schema",                      "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("api-statistics",                  "GET",  _,           401,     403, 403,  403,  403,  200,  200,  200),
    P("api-docs",                        "GET",  _,           200,     200, 200,  200,  200,  200,  200,  200),
    P("api-technologies",                "GET",  _,           401,     200, 200,  200,  200,  200,  200,  200),
    P("api-transaction-types",           "GET",  _,           401,     200, 200,  200,  200,  200,  200,  200),
    P("api-technologies",                "POST", _,           401,     403, 403,  403,  403,  403,  403,  400),
    P("api-technologies",                "POST", _,           401,     403, 403,  403,  403,  403,  403,  201,
      data=NEW_TECHNOLOGY, label=VALID),
    P("api-screening",                   "POST", _,           401,     400, 400,  400,  400,  400,  400,  400),
    P("api-screening",                   "POST", _,           401,     200, 200,  200,  200,  200,  200,  200,
      data=lambda w: screening_answers(), label=VALID),
    # --- API: reports -----------------------------------------------------------------------------------
    P("report-list",                     "GET",  _,           401,     200, 200,  200,  200,  200,  200,  403),
    P("report-list",                     "POST", _,           401,     201, 201,  403,  403,  403,  403,  403),
    P("report-detail",                   "GET",  "dialogue",  401,     200, 404,  200,  404,  200,  404,  403),
    P("report-detail",                   "GET",  "draft",     401,     200, 404,  404,  404,  404,  404,  403),
    P("report-detail",                   "PATCH", "draft",    401,     200, 404,  404,  404,  404,  404,  403),
    P("report-detail",                   "PATCH", "dialogue", 401,     409, 404,  403,  404,  403,  404,  403),
    P("report-submit",                   "POST", "draft",     401,     200, 404,  404,  404,  404,  404,  403),
    P("report-submit",                   "POST", "dialogue",  401,     409, 404,  403,  404,  403,  404,  403),
    P("report-withdraw",                 "POST", "dialogue",  401,     400, 404,  403,  404,  403,  404,  403),
    P("report-withdraw",                 "POST", "dialogue",  401,     200, 404,  403,  404,  403,  404,  403,
      data={"reason": "取引中止"}, label=VALID),
    P("report-amend",                    "POST", "dialogue",  401,     400, 404,  403,  404,  403,  404,  403),
    P("report-amend",                    "POST", "dialogue",  401,     200, 404,  403,  404,  403,  404,  403,
      data={"note": "住所の訂正", "counterparty_address": "上海市浦東新区2号"}, label=VALID),
    P("report-extend-deadline",          "POST", "dialogue",  401,     403, 404,  403,  404,  400,  404,  403),
    P("report-extend-deadline",          "POST", "dialogue",  401,     403, 404,  403,  404,  200,  404,  403,
      data=lambda w: extension(w.dialogue), label=VALID),
    P("report-history",                  "GET",  "dialogue",  401,     200, 404,  200,  404,  200,  404,  403),
    P("report-revisions",                "GET",  "dialogue",  401,     200, 404,  200,  404,  200,  404,  403),
    P("report-pdf",                      "GET",  "dialogue",  401,     200, 404,  200,  404,  200,  404,  403),
    # --- API: dialogue ----------------------------------------------------------------------------------
    P("dialogue-api-messages",           "GET",  "dialogue",  401,     200, 404,  200,  404,  200,  404,  403),
    P("dialogue-api-messages",           "POST", "dialogue",  401,     400, 404,  400,  404,  400,  404,  403),
    P("dialogue-api-messages",           "POST", "dialogue",  401,     201, 404,  201,  404,  201,  404,  403,
      data={"kind": "question", "body": "ご質問"}, label=VALID),
    P("dialogue-api-attachments",        "GET",  "dialogue",  401,     200, 404,  200,  404,  200,  404,  403),
    P("dialogue-api-attachments",        "POST", "dialogue",  401,     400, 404,  400,  404,  400,  404,  403,
      format="multipart"),
    P("dialogue-api-attachments",        "POST", "dialogue",  401,     201, 404,  201,  404,  201,  404,  403,
      data=lambda w: {"file": upload("spec.pdf", PDF_BYTES)}, format="multipart", label=VALID),
    P("dialogue-api-start-dialogue",     "POST", "submitted", 401,     403, 403,  200,  404,  200,  404,  403),
    P("dialogue-api-start-dialogue",     "POST", "dialogue",  401,     403, 403,  409,  404,  409,  404,  403),
    P("dialogue-api-conclude",           "POST", "dialogue",  401,     403, 403,  400,  404,  400,  404,  403),
    P("dialogue-api-conclude",           "POST", "dialogue",  401,     403, 403,  200,  404,  200,  404,  403,
      data=CONCLUSION, label=VALID),
    P("dialogue-api-not-subject",        "POST", "dialogue",  401,     403, 403,  400,  404,  400,  404,  403),
    P("dialogue-api-not-subject",        "POST", "dialogue",  401,     403, 403,  200,  404,  200,  404,  403,
      data=NOT_SUBJECT, label=VALID),
    P("dialogue-api-attachment",         "GET",  "attachment", 401,    200, 404,  200,  404,  200,  404,  403),
    P("dialogue-api-attachment",         "GET",  "note_attachment", 401, 404, 404, 200, 404,  200,  404,  403),
    # --- API: informs -----------------------------------------------------------------------------------
    P("api-report-informs",              "GET",  "proposed_report", 401, 200, 404, 200, 404,  200,  404,  403),
    P("api-report-informs",              "POST", "dialogue",  401,     403, 403,  400,  404,  400,  404,  403),
    P("api-report-informs",              "POST", "dialogue",  401,     403, 403,  201,  404,  201,  404,  403,
      data={"grounds": "懸念", "licence_conditions": ["再移転の禁止"]}, label=VALID),
    P("api-inform",                      "GET",  "issued",    401,     200, 404,  200,  404,  200,  404,  403),
    P("api-inform",                      "GET",  "proposed",  401,     404, 404,  200,  404,  200,  404,  403),
    P("api-inform-approve",              "POST", "proposed",  401,     403, 403,  403,  404,  200,  404,  403),
    P("api-inform-return",               "POST", "proposed",  401,     403, 403,  403,  404,  400,  404,  403),
    P("api-inform-return",               "POST", "proposed",  401,     403, 403,  403,  404,  200,  404,  403,
      data={"reason": "根拠の補足を"}, label=VALID),
    P("api-inform-acknowledge",          "POST", "issued",    401,     200, 404,  403,  403,  403,  403,  403),
    P("api-inform-pdf",                  "GET",  "issued",    401,     200, 404,  200,  404,  200,  404,  403),
    P("api-inform-pdf",                  "GET",  "proposed",  401,     404, 404,  200,  404,  200,  404,  403),
    # --- consultation pages (organisation A's consultation on mlcc, with the elec division) -------------
    P("consultations:list",              "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  403),
    P("consultations:create",            "GET",  _,           SIGN_IN, 200, 200,  403,  403,  403,  403,  403),
    P("consultations:create",            "POST", _,           SIGN_IN, 400, 400,  403,  403,  403,  403,  403),
    P("consultations:create",            "POST", _,           SIGN_IN, DONE, DONE, 403,  403,  403,  403,  403,
      data=CONSULTATION, label=VALID),
    P("consultations:general_desk",      "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("consultations:general_desk",      "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  400),
    P("consultations:general_desk",      "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE,
      data=lambda w: {"division": w.officer.division_id}, label=VALID),
    P("consultations:detail",            "GET",  "consultation", SIGN_IN, 200, 404, 200, 404,  200,  404,  403),
    P("consultations:message_post",      "GET",  "consultation", SIGN_IN, 200, 404, 200, 404,  200,  404,  403),
    P("consultations:message_post",      "POST", "consultation", SIGN_IN, 400, 404, 400, 404,  400,  404,  403),
    P("consultations:message_post",      "POST", "consultation", SIGN_IN, DONE, 404, DONE, 404, DONE, 404,  403,
      data={"kind": "question", "body": "追加の質問"}, label=VALID),
    P("consultations:attachment_upload", "GET",  "consultation", SIGN_IN, 200, 404, 200, 404,  200,  404,  403),
    P("consultations:attachment_upload", "POST", "consultation", SIGN_IN, 400, 404, 400, 404,  400,  404,  403),
    P("consultations:attachment_upload", "POST", "consultation", SIGN_IN, DONE, 404, DONE, 404, DONE, 404,  403,
      data=lambda w: {"file": upload("plan.pdf", PDF_BYTES)}, label=VALID),
    P("consultations:attachment_download", "GET", "consultation", SIGN_IN, 200, 404, 200, 404, 200,  404,  403,
      label="consultation file"),
    P("consultations:attachment_download", "GET", "consultation", SIGN_IN, 404, 404, 200, 404, 200,  404,  403,
      label="consultation note"),
    P("consultations:close",             "GET",  "consultation", SIGN_IN, 403, 403, 200, 404,  200,  404,  403),
    P("consultations:close",             "POST", "consultation", SIGN_IN, 403, 403, 400, 404,  400,  404,  403),
    P("consultations:close",             "POST", "consultation", SIGN_IN, 403, 403, DONE, 404, DONE, 404,  403,
      data={"outcome": "other", "summary": "終了", "confirm": "1"}, label=VALID),
    P("consultations:transfer",          "GET",  "consultation", SIGN_IN, 403, 403, 200, 404,  200,  404,  403),
    P("consultations:transfer",          "POST", "consultation", SIGN_IN, 403, 403, 400, 404,  400,  404,  403),
    P("consultations:transfer",          "POST", "consultation", SIGN_IN, 403, 403, DONE, 404, DONE, 404,  403,
      data=lambda w: {"division": w.other_officer.division_id, "reason": "所管外", "confirm": "1"},
      label=VALID),
    P("consultations:file_report",       "POST", "consultation", SIGN_IN, DONE, 404, 403, 403,  403,  403,  403),
    P("consultations:link_report",       "GET",  "consultation", SIGN_IN, 200, 404, 403, 403,  403,  403,  403),
    P("consultations:link_report",       "POST", "consultation", SIGN_IN, 400, 404, 403, 403,  403,  403,  403),
    P("consultations:link_report",       "POST", "consultation", SIGN_IN, DONE, 404, 403, 403,  403,  403,  403,
      data=lambda w: {"report": w.submitted.pk}, label=VALID),
    # --- API: consultations -----------------------------------------------------------------------------
    P("consultation-api-list",           "GET",  _,           401,     200, 200,  200,  200,  200,  200,  403),
    P("consultation-api-list",           "POST", _,           401,     400, 400,  403,  403,  403,  403,  403),
    P("consultation-api-list",           "POST", _,           401,     201, 201,  403,  403,  403,  403,  403,
      data=CONSULTATION, label=VALID),
    P("consultation-api-detail",         "GET",  "consultation", 401,  200, 404,  200,  404,  200,  404,  403),
    P("consultation-api-messages",       "GET",  "consultation", 401,  200, 404,  200,  404,  200,  404,  403),
    P("consultation-api-messages",       "POST", "consultation", 401,  400, 404,  400,  404,  400,  404,  403),
    P("consultation-api-messages",       "POST", "consultation", 401,  201, 404,  201,  404,  201,  404,  403,
      data={"kind": "question", "body": "追加の質問"}, label=VALID),
    P("consultation-api-attachments",    "GET",  "consultation", 401,  200, 404,  200,  404,  200,  404,  403),
    P("consultation-api-attachments",    "POST", "consultation", 401,  400, 404,  400,  404,  400,  404,  403,
      format="multipart"),
    P("consultation-api-attachments",    "POST", "consultation", 401,  201, 404,  201,  404,  201,  404,  403,
      data=lambda w: {"file": upload("plan.pdf", PDF_BYTES)}, format="multipart", label=VALID),
    P("consultation-api-attachment",     "GET",  "consultation", 401,  200, 404,  200,  404,  200,  404,  403,
      label="consultation file"),
    P("consultation-api-attachment",     "GET",  "consultation", 401,  404, 404,  200,  404,  200,  404,  403,
      label="consultation note"),
    P("consultation-api-transfer",       "POST", "consultation", 401,  403, 404,  400,  404,  400,  404,  403),
    P("consultation-api-transfer",       "POST", "consultation", 401,  403, 404,  200,  404,  200,  404,  403,
      data={"division": "mat", "reason": "所管外"}, label=VALID),
    P("consultation-api-close",          "POST", "consultation", 401,  403, 404,  400,  404,  400,  404,  403),
    P("consultation-api-close",          "POST", "consultation", 401,  403, 404,  200,  404,  200,  404,  403,
      data={"outcome": "report_needed", "summary": "報告が必要です。"}, label=VALID),
    P("consultation-api-close",          "POST", "closed_consultation", 401, 403, 404, 409, 404, 409, 404, 403),
    P("consultation-api-link-report",    "POST", "consultation", 401,  400, 404,  403,  404,  403,  404,  403),
    P("consultation-api-link-report",    "POST", "consultation", 401,  200, 404,  403,  404,  403,  404,  403,
      data=lambda w: {"report": w.submitted.pk}, label=VALID),
    P("consultation-api-history",        "GET",  "consultation", 401,  200, 404,  200,  404,  200,  404,  403),
    # --- compliance case pages (organisation A's cases, run by the elec division) -----------------------
    P("compliance:list",                 "GET",  _,           SIGN_IN, 200, 200,  200,  200,  200,  200,  403),
    P("compliance:create",               "GET",  _,           SIGN_IN, 403, 403,  200,  200,  200,  200,  403),
    P("compliance:create",               "POST", _,           SIGN_IN, 403, 403,  400,  400,  400,  400,  403),
    P("compliance:create",               "POST", _,           SIGN_IN, 403, 403,  DONE, 400,  DONE, 400,  403,
      data=compliance_case_form, label=VALID),
    P("compliance:wording_list",         "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("compliance:wording_edit",         "GET",  "wording",   SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("compliance:wording_edit",         "POST", "wording",   SIGN_IN, 403, 403,  403,  403,  403,  403,  400),
    P("compliance:wording_edit",         "POST", "wording",   SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE,
      data={"legal_basis": "外国為替及び外国貿易法に基づき", "confirm": "1"}, label=VALID),
    P("compliance:detail",               "GET",  "case_guided", SIGN_IN, 200, 404, 200,  404,  200,  404,  403),
    P("compliance:detail",               "GET",  "case_draft", SIGN_IN, 404, 404,  200,  404,  200,  404,  403),
    P("compliance:open",                 "GET",  "case_draft", SIGN_IN, 403, 403,  200,  404,  200,  404,  403),
    P("compliance:open",                 "POST", "case_draft", SIGN_IN, 403, 403,  DONE, 404,  DONE, 404,  403),
    P("compliance:issue_guidance",       "GET",  "case_opened", SIGN_IN, 403, 403, 200,  404,  200,  404,  403),
    P("compliance:issue_guidance",       "POST", "case_opened", SIGN_IN, 403, 403, 400,  404,  400,  404,  403),
    P("compliance:issue_guidance",       "POST", "case_opened", SIGN_IN, 403, 403, DONE, 404,  DONE, 404,  403,
      data=lambda w: {"measures": "規程の整備", "answer_due": compliance_due(), "confirm": "1"}, label=VALID),
    P("compliance:propose_order",        "GET",  "case_guided", SIGN_IN, 403, 403, 200,  404,  200,  404,  403),
    P("compliance:propose_order",        "POST", "case_guided", SIGN_IN, 403, 403, 400,  404,  400,  404,  403),
    P("compliance:propose_order",        "POST", "case_guided", SIGN_IN, 403, 403, DONE, 404,  DONE, 404,  403,
      data=lambda w: {"measures": "体制の改善", "compliance_due": compliance_due(), "confirm": "1"}, label=VALID),
    P("compliance:approve_order",        "GET",  "case_proposed", SIGN_IN, 403, 403, 403, 404,  200,  404,  403),
    P("compliance:approve_order",        "POST", "case_proposed", SIGN_IN, 403, 403, 403, 404,  DONE, 404,  403),
    P("compliance:return_order",         "GET",  "case_proposed", SIGN_IN, 403, 403, 403, 404,  200,  404,  403),
    P("compliance:return_order",         "POST", "case_proposed", SIGN_IN, 403, 403, 403, 404,  400,  404,  403),
    P("compliance:return_order",         "POST", "case_proposed", SIGN_IN, 403, 403, 403, 404,  DONE, 404,  403,
      data={"reason": "具体化を", "confirm": "1"}, label=VALID),
    P("compliance:acknowledge",          "POST", "case_issued", SIGN_IN, DONE, 404, 403,  403,  403,  403,  403),
    P("compliance:close",                "GET",  "case_opened", SIGN_IN, 403, 403, 200,  404,  200,  404,  403),
    P("compliance:close",                "POST", "case_opened", SIGN_IN, 403, 403, 400,  404,  400,  404,  403),
    P("compliance:close",                "POST", "case_opened", SIGN_IN, 403, 403, DONE, 404,  DONE, 404,  403,
      data={"outcome": "resolved", "summary": "事実誤認", "confirm": "1"}, label=VALID),
    P("compliance:discard",              "GET",  "case_draft", SIGN_IN, 403, 403, 200,  404,  200,  404,  403),
    P("compliance:discard",              "POST", "case_draft", SIGN_IN, 403, 403, 400,  404,  400,  404,  403),
    P("compliance:discard",              "POST", "case_draft", SIGN_IN, 403, 403, DONE, 404,  DONE, 404,  403,
      data={"reason": "誤って作成した", "confirm": "1"}, label=VALID),
    P("compliance:order_pdf",            "GET",  "case_issued", SIGN_IN, 200, 404, 200,  404,  200,  404,  403),
    P("compliance:order_pdf",            "GET",  "case_proposed", SIGN_IN, 404, 404, 200, 404,  200,  404,  403),
    P("compliance:message_post",         "POST", "case_guided", SIGN_IN, 400, 404, 400,  404,  400,  404,  403),
    P("compliance:message_post",         "POST", "case_guided", SIGN_IN, DONE, 404, DONE, 404,  DONE, 404,  403,
      data={"kind": "question", "body": "ご質問"}, label=VALID),
    P("compliance:attachment_upload",    "POST", "case_guided", SIGN_IN, 400, 404, 400,  404,  400,  404,  403),
    P("compliance:attachment_upload",    "POST", "case_guided", SIGN_IN, DONE, 404, DONE, 404,  DONE, 404,  403,
      data=lambda w: {"file": upload("evidence.pdf", PDF_BYTES)}, label=VALID),
    P("compliance:attachment_download",  "GET",  "case_guided", SIGN_IN, 200, 404, 200,  404,  200,  404,  403),
    P("compliance:attachment_download",  "GET",  "case_guided", SIGN_IN, 404, 404, 200,  404,  200,  404,  403,
      label="internal note"),
    # --- API: compliance cases --------------------------------------------------------------------------
    P("compliance-api-cases",            "GET",  _,           401,     200, 200,  200,  200,  200,  200,  403),
    P("compliance-api-cases",            "POST", _,           401,     403, 403,  400,  400,  400,  400,  403),
    P("compliance-api-cases",            "POST", _,           401,     403, 403,  201,  400,  201,  400,  403,
      data=lambda w: {**compliance_case_form(w), "organisation": w.exporter.organisation_id,
                      "technology": "mlcc"}, label=VALID),
    P("compliance-api-case",             "GET",  "case_guided", 401,   200, 404,  200,  404,  200,  404,  403),
    P("compliance-api-case",             "GET",  "case_draft", 401,    404, 404,  200,  404,  200,  404,  403),
    P("compliance-api-open",             "POST", "case_draft", 401,    404, 404,  200,  404,  200,  404,  403),
    P("compliance-api-issue-guidance",   "POST", "case_opened", 401,   403, 404,  400,  404,  400,  404,  403),
    P("compliance-api-issue-guidance",   "POST", "case_opened", 401,   403, 404,  200,  404,  200,  404,  403,
      data=lambda w: {"measures": "規程の整備", "answer_due": compliance_due()}, label=VALID),
    P("compliance-api-propose-order",    "POST", "case_guided", 401,   403, 404,  400,  404,  400,  404,  403),
    P("compliance-api-propose-order",    "POST", "case_guided", 401,   403, 404,  200,  404,  200,  404,  403,
      data=lambda w: {"measures": "体制の改善", "compliance_due": compliance_due()}, label=VALID),
    P("compliance-api-approve-order",    "POST", "case_proposed", 401, 403, 404,  403,  404,  200,  404,  403),
    P("compliance-api-return-order",     "POST", "case_proposed", 401, 403, 404,  403,  404,  400,  404,  403),
    P("compliance-api-return-order",     "POST", "case_proposed", 401, 403, 404,  403,  404,  200,  404,  403,
      data={"reason": "具体化を"}, label=VALID),
    P("compliance-api-acknowledge-order", "POST", "case_issued", 401,  200, 404,  403,  404,  403,  404,  403),
    P("compliance-api-close",            "POST", "case_opened", 401,   403, 404,  400,  404,  400,  404,  403),
    P("compliance-api-close",            "POST", "case_opened", 401,   403, 404,  200,  404,  200,  404,  403,
      data={"outcome": "resolved", "summary": "事実誤認"}, label=VALID),
    P("compliance-api-discard",          "POST", "case_draft", 401,    404, 404,  400,  404,  400,  404,  403),
    P("compliance-api-discard",          "POST", "case_draft", 401,    404, 404,  200,  404,  200,  404,  403,
      data={"reason": "誤って作成した"}, label=VALID),
    P("compliance-api-order-pdf",        "GET",  "case_issued", 401,   200, 404,  200,  404,  200,  404,  403),
    P("compliance-api-order-pdf",        "GET",  "case_proposed", 401, 404, 404,  200,  404,  200,  404,  403),
    P("compliance-api-history",          "GET",  "case_guided", 401,   200, 404,  200,  404,  200,  404,  403),
    P("compliance-api-messages",         "GET",  "case_guided", 401,   200, 404,  200,  404,  200,  404,  403),
    P("compliance-api-messages",         "POST", "case_guided", 401,   400, 404,  400,  404,  400,  404,  403),
    P("compliance-api-messages",         "POST", "case_guided", 401,   201, 404,  201,  404,  201,  404,  403,
      data={"kind": "answer", "body": "回答"}, label=VALID),
    P("compliance-api-attachments",      "GET",  "case_guided", 401,   200, 404,  200,  404,  200,  404,  403),
    P("compliance-api-attachments",      "POST", "case_guided", 401,   400, 404,  400,  404,  400,  404,  403,
      format="multipart"),
    P("compliance-api-attachments",      "POST", "case_guided", 401,   201, 404,  201,  404,  201,  404,  403,
      data=lambda w: {"file": upload("evidence.pdf", PDF_BYTES)}, format="multipart", label=VALID),
    P("compliance-api-attachment",       "GET",  "case_guided", 401,   200, 404,  200,  404,  200,  404,  403),
    P("compliance-api-attachment",       "GET",  "case_guided", 401,   404, 404,  200,  404,  200,  404,  403,
      label="internal note"),
    # --- End User List: administrators' pages; officers adjudicate (the report's division) ------------
    P("endusers:version_list",           "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("endusers:upload",                 "GET",  _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  200),
    P("endusers:upload",                 "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  400),
    P("endusers:upload",                 "POST", _,           SIGN_IN, 403, 403,  403,  403,  403,  403,  DONE,
      data=lambda w: {"file": upload("list.csv", END_USER_CSV, "text/csv")}, label=VALID),
    P("endusers:version_detail",         "GET",  "enduser_preview", SIGN_IN, 403, 403, 403, 403, 403, 403, 200),
    P("endusers:version_apply",          "GET",  "enduser_preview", SIGN_IN, 403, 403, 403, 403, 403, 403, 200),
    P("endusers:version_apply",          "POST", "enduser_preview", SIGN_IN, 403, 403, 403, 403, 403, 403, DONE,
      data={"confirm": "1"}),
    P("endusers:version_discard",        "POST", "enduser_preview", SIGN_IN, 403, 403, 403, 403, 403, 403, DONE),
    P("endusers:adjudicate",             "GET",  "enduser_match", SIGN_IN, 403, 403, 200,  404,  200,  404,  403),
    P("endusers:adjudicate",             "POST", "enduser_match", SIGN_IN, 403, 403, 400,  404,  400,  404,  403),
    P("endusers:adjudicate",             "POST", "enduser_match", SIGN_IN, 403, 403, DONE, 404,  DONE, 404,  403,
      data={"decision": "false_match", "reason": "別法人", "confirm": "1"}, label=VALID),
    P("api-report-end-user-matches",     "GET",  "dialogue",  401,     403, 403,  200,  404,  200,  404,  403),
    P("api-end-user-match-adjudicate",   "POST", "enduser_match", 401, 403, 403,  400,  404,  400,  404,  403),
    P("api-end-user-match-adjudicate",   "POST", "enduser_match", 401, 403, 403,  200,  404,  200,  404,  403,
      data={"decision": "false_match", "reason": "別法人"}, label=VALID),
    P("api-report-precedents",           "GET",  "dialogue",  401,     403, 403,  200,  404,  200,  404,  403),
    P("api-end-user-list-versions",      "GET",  _,           401,     403, 403,  403,  403,  403,  403,  200),
]
# fmt: on

# Cells where the project answers otherwise than the contract; each is a reported bug. Strict:
# once fixed, the cell passes and this entry must go.
# Cells whose answer is known to be wrong, as {(probe, persona): why}: each is marked
# xfail(strict=True), so fixing it turns the cell red until the entry is removed. Empty: the
# four found when the matrix was first written are fixed (reports.lifecycle.require_actor).
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}


# --- the objects the paths point at ---------------------------------------------------------


class World:
    """Everyone and everything the paths point at, made once through the real services:
    organisation A's reports on mlcc, which the elec division handles, one per state."""

    def __init__(self, catalog):
        elec, mat = catalog["elec"], catalog["mat"]
        # Each exporter administers its own organisation, so that the members pages answer
        # 200 for their own people and 404 for the other organisation's.
        self.exporter = factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)
        self.other_exporter = factories.ExporterFactory(
            organisation_role=OrganisationRole.ADMINISTRATOR
        )
        self.officer = factories.OfficerFactory(division=elec)
        self.other_officer = factories.OfficerFactory(division=mat)
        self.supervisor = factories.SupervisorFactory(division=elec)
        self.other_supervisor = factories.SupervisorFactory(division=mat)
        self.administrator = factories.AdministratorFactory()
        self.tokens = {
            persona: token_create(
                actor=getattr(self, persona), user=getattr(self, persona), name="access matrix"
            )[1]
            for persona in PERSONAS
            if persona != "anonymous"
        }

        self.draft = report_services.report_create(actor=self.exporter, data=complete_data())
        self.submitted = submitted_report(self.exporter)
        self.dialogue = self._under_dialogue()
        dialogue_services.message_post(
            actor=self.exporter, report_id=self.dialogue.pk, kind=MessageKind.QUESTION, body="質問"
        )
        self.attachment = dialogue_services.attachment_upload(
            actor=self.exporter, report_id=self.dialogue.pk, file=upload("plan.pdf", PDF_BYTES)
        )
        note = dialogue_services.message_post(
            actor=self.officer,
            report_id=self.dialogue.pk,
            kind=MessageKind.INTERNAL_NOTE,
            body="内部メモ",
            files=[upload("memo.pdf", PDF_BYTES)],
        )
        self.note_attachment = note.attachments.get()
        # Both proposed by the officer: the supervisor persona may decide on the open one.
        self.proposed = self._propose()
        self.proposed_report = self.proposed.report
        approver = factories.SupervisorFactory(division=elec)
        self.issued = inform_services.inform_approve(actor=approver, inform_id=self._propose().pk)

        self.technology = Technology.objects.filter(code="mlcc").first()
        self.country = Country.objects.get(pk="CN")
        self.transaction_type = TransactionType.objects.get(code="subsidiary_transfer")
        self.exclusion_rule = ExclusionRule.objects.get(code="PUBLIC_OR_BASIC_RESEARCH")
        self.member = factories.ExporterFactory(organisation=self.exporter.organisation)
        self.invitation, _token = account_services.invitation_send(
            actor=self.exporter, email="invited@example.jp"
        )
        applied = account_services.application_submit(data=application_data())
        self.application = account_services.application_confirm_email(
            token=account_tokens.application_confirmation_token(applied.pk)
        )
        self.staff = factories.OfficerFactory(division=mat)
        self._compliance_cases(elec)
        self._consultations(mat)
        self._end_user_list()
        self.initial: dict = {}  # what the cells must leave as it was (see the last test)

    def _compliance_cases(self, elec):
        """Organisation A's compliance cases, one per state the routes need, run by elec."""
        officer, supervisor = self.officer, factories.SupervisorFactory(division=elec)

        def draft():
            return compliance_services.case_create(
                actor=officer,
                organisation_id=self.exporter.organisation_id,
                technology_id=self.technology.pk,
                transfer_date=timezone.localdate() - datetime.timedelta(days=10),
                facts="報道により判明した。",
            )

        def opened():
            return compliance_services.case_open(actor=officer, case_id=draft().pk)

        def guided():
            return compliance_services.case_issue_guidance(
                actor=officer,
                case_id=opened().pk,
                measures="規程の整備",
                answer_due=timezone.localdate() + datetime.timedelta(days=14),
            )

        def proposed():
            return compliance_services.case_propose_order(
                actor=officer,
                case_id=guided().pk,
                measures="体制の改善",
                compliance_due=timezone.localdate() + datetime.timedelta(days=30),
            )

        self.case_draft, self.case_opened, self.case_guided = draft(), opened(), guided()
        self.case_proposed = proposed()
        self.case_issued = compliance_services.case_approve_order(
            actor=supervisor, case_id=proposed().pk
        )
        self.case_attachments = {
            "": compliance_services.case_attach(
                actor=self.exporter, case_id=self.case_guided.pk, file=upload("a.pdf", PDF_BYTES)
            ),
            "internal note": compliance_services.case_message_post(
                actor=officer,
                case_id=self.case_guided.pk,
                kind=MessageKind.INTERNAL_NOTE,
                body="内部メモ",
                files=[upload("memo.pdf", PDF_BYTES)],
            ).attachments.get(),
        }
        self.wording = NoticeWording.objects.get(kind="order")

    def _end_user_list(self):
        """A list in force that the dialogue report's counterparty matches, and a preview."""
        from endusers import screening
        from endusers import services as enduser_services

        applied = enduser_services.list_version_apply(
            actor=self.administrator,
            version_id=enduser_services.list_version_upload(
                actor=self.administrator, file_name="v1.csv", content=END_USER_CSV
            ).pk,
        )
        screening.reports_screen(version_id=applied.pk, report_ids=[self.dialogue.pk])
        self.enduser_match = self.dialogue.end_user_matches.get()
        self.enduser_preview = enduser_services.list_version_upload(
            actor=self.administrator, file_name="v2.csv", content=END_USER_CSV
        )

    def _consultations(self, mat):
        """Organisation A's consultation on mlcc, run by elec, with a file and an internal note's
        file (by probe label, beside the compliance cases'), and a closed one; the general desk
        is mat."""
        GeneralDesk.objects.update_or_create(pk=1, defaults={"division": mat})
        self.consultation = consultation_services.consultation_create(
            actor=self.exporter, **CONSULTATION
        )
        self.case_attachments["consultation file"] = consultation_services.consultation_attach(
            actor=self.exporter,
            consultation_id=self.consultation.pk,
            file=upload("plan.pdf", PDF_BYTES),
        )
        self.case_attachments["consultation note"] = (
            consultation_services.consultation_post_message(
                actor=self.officer,
                consultation_id=self.consultation.pk,
                kind=MessageKind.INTERNAL_NOTE,
                body="内部メモ",
                files=[upload("memo.pdf", PDF_BYTES)],
            ).attachments.get()
        )
        self.closed_consultation = consultation_lifecycle.consultation_close(
            actor=self.officer,
            consultation_id=consultation_services.consultation_create(
                actor=self.exporter, **CONSULTATION
            ).pk,
            outcome="other",
            summary="終了",
        )

    def _under_dialogue(self):
        return lifecycle.report_start_dialogue(
            actor=self.officer, report_id=submitted_report(self.exporter).pk
        )

    def _propose(self):
        return inform_services.inform_propose(
            actor=self.officer,
            report_id=self._under_dialogue().pk,
            grounds="懸念が解消されない。",
            licence_conditions=["再移転の禁止"],
        )

    def path_kwargs(self, route: Route, probe: Probe) -> dict:
        """Path parameters by name: ids come from the probe's object, `code` is a country."""
        kwargs = {}
        for param in sorted(route.params):
            if param in ("pk", "report_id"):
                assert probe.on, f"{probe.name}: the path needs an object for <{param}>"
                kwargs[param] = getattr(self, probe.on).pk
            elif param == "code":
                kwargs[param] = (getattr(self, probe.on) if probe.on else self.country).pk
            elif param == "uidb64":
                kwargs[param] = urlsafe_base64_encode(force_bytes(self.exporter.pk))
            elif param == "attachment_pk":
                kwargs[param] = self.case_attachments[probe.label].pk
            elif param == "token":
                kwargs[param] = "no-such-token"
            else:
                raise AssertionError(f"{probe.name}: no value for path parameter <{param}>")
        return kwargs


# --- the tests ------------------------------------------------------------------------------


def test_every_route_has_a_row():
    missing = sorted(set(project_routes()) - {p.route for p in MATRIX})
    assert not missing, (
        "routes without a row in the access matrix (add one per method, or exclude with a "
        f"reason): {missing}"
    )


def test_every_row_names_a_route():
    routes = project_routes()
    stale = sorted({p.route for p in MATRIX} - set(routes))
    assert not stale, f"rows for routes that no longer exist: {stale}"
    duplicated = sorted(key for key, found in routes.items() if len(found) > 1)
    assert not duplicated, f"route names used by more than one pattern: {duplicated}"


def test_exclusions_still_match_routes():
    walked = list(_walk(get_resolver()))
    keys = {key for _pattern, key, _entry in walked}
    assert set(EXCLUDED_NAMES) <= keys, "drop the exclusions of routes that are gone"
    for prefix in EXCLUDED_PREFIXES:
        assert any(pattern.startswith(prefix) for pattern, _key, _e in walked), prefix


def test_probes_are_unique():
    seen = [(p.name) for p in MATRIX]
    assert len(seen) == len(set(seen)), "two probes with the same route, method and object"


def _cells():
    for probe in MATRIX:
        for persona in PERSONAS:
            marks = []
            reason = KNOWN_DEVIATIONS.get((probe.name, persona))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            yield pytest.param(probe, persona, id=f"{probe.name}-{persona}", marks=marks)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The catalog and the World, made once for the ~1,000 cells inside a transaction that is
    rolled back when the module is done. Each cell's own transaction (the `db` fixture) nests
    in it as a savepoint and is rolled back after the cell, so no cell sees another's POST."""
    media = tmp_path_factory.mktemp("access-matrix-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        load_catalog()
        built = World({division.code: division for division in Division.objects.all()})
        built.initial = _snapshot(built)
        yield built
        transaction.set_rollback(True)


def _is_api(route: Route) -> bool:
    return route.pattern.startswith("api/")


def _client(world: World, persona: str, api: bool):
    if api:
        client = APIClient()
        if persona != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[persona]}")
        return client
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def _check(response, expected, where: str) -> None:
    sign_in = resolve_url(settings.LOGIN_URL)
    actual = response.status_code
    location = response.headers.get("Location", "")
    shown = f"{actual} -> {location}" if location else str(actual)
    if expected == SIGN_IN:
        assert actual == 302 and urlsplit(location).path == sign_in, (
            f"{where}: expected a redirect to {sign_in}, got {shown}"
        )
    elif expected == DONE:
        assert actual == 302 and urlsplit(location).path != sign_in, (
            f"{where}: expected a redirect after the action, got {shown}"
        )
        # Some pages also redirect when the state refuses (409 in the API), with an error.
        refusals = [
            str(m) for m in get_messages(response.wsgi_request) if m.level >= messages.ERROR
        ]
        assert not refusals, f"{where}: redirected with an error: {refusals}"
    elif isinstance(expected, set | frozenset):
        assert actual in expected, f"{where}: expected one of {sorted(expected)}, got {shown}"
    else:
        assert actual == expected, f"{where}: expected {expected}, got {shown}"


@pytest.mark.parametrize(("probe", "persona"), list(_cells()))
def test_access(probe: Probe, persona: str, world, db):
    routes = project_routes().get(probe.route)
    assert routes, f"{probe.route} is not in the URLconf"
    route = routes[0]
    kwargs = world.path_kwargs(route, probe)
    url = reverse(probe.route, kwargs=kwargs)
    api = _is_api(route)
    client = _client(world, persona, api)
    method = getattr(client, probe.method.lower())
    if probe.method == "GET":
        response = method(url)
    elif api:
        response = method(url, probe.body(world), format=probe.format)
    else:
        response = method(url, probe.body(world))
    _check(response, probe.expect[persona], f"{probe.name} as {persona}")


def _snapshot(world: World) -> dict:
    from dialogue.models import Attachment, Message
    from informs.models import Inform
    from reports.models import Report

    return {
        "reports": sorted(
            Report.objects.filter(organisation=world.exporter.organisation).values_list(
                "pk", "status", "decision_due_at", "revision", "assigned_officer_id"
            )
        ),
        "informs": sorted(Inform.objects.values_list("pk", "status", "acknowledged_at")),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "technologies": Technology.objects.count(),
        "transaction_types": TransactionType.objects.count(),
        "exclusion_rules": sorted(ExclusionRule.objects.values_list("pk", "effective_to")),
        "exempt": sorted(Country.objects.filter(prior_report_exempt=True).values_list("pk")),
    }


def test_cells_leave_the_world_as_it_was(world, db):
    """Runs after the cells (file order): every POST above was rolled back with its cell."""
    assert _snapshot(world) == world.initial
