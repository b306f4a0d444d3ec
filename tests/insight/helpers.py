"""A hand-built set of reports whose every figure the tests work out by hand.

Filed, decided and closed through the real services at the moments below (JST). The period
2025-03 .. 2025-04 holds all but `february`; days are JST calendar days from receipt to closing.

| key       | division | technology   | country | received         | outcome          | closed           | days |
|-----------|----------|--------------|---------|------------------|------------------|------------------|------|
| fiber     | mat      | carbon_fiber | US      | 2025-03-01 00:30 | closed_no_inform | 2025-03-11 10:00 | 10   |
| informed  | elec     | mlcc         | CN      | 2025-03-03 10:00 | informed         | 2025-03-20 11:00 | 17   |
| lapsed    | elec     | mlcc         | CN      | 2025-03-05 10:00 | lapsed           | 2025-04-05 00:01 | 31   |
| extended  | elec     | mlcc         | US      | 2025-03-10 10:00 | closed_no_inform | 2025-04-15 10:00 | 36   |
| late      | elec     | mlcc         | KR      | 2025-04-02 10:00 | not_subject      | 2025-04-04 10:00 | 2    |
| withdrawn | elec     | mlcc         | CN      | 2025-04-10 10:00 | withdrawn        | 2025-04-12 10:00 | 2    |
| open      | elec     | mlcc         | TW      | 2025-04-20 10:00 | open (submitted) | —                | —    |
| february  | elec     | mlcc         | CN      | 2025-02-28 23:30 | (outside the period; lapses) |        |      |
| (a draft) | elec     | mlcc         | CN      | never received   | not counted      |                  |      |

`extended` had its deadline extended once (to 2025-04-20) and `late` was filed after its planned
contract date. `fiber` was received 00:30 JST on 1 March, i.e. still 28 February in UTC.

Consultations (elec, mlcc): one opened 2025-03-02 and followed by a report (`informed` linked to
it), one opened 2025-04-03 and not followed, one opened 2025-02-20 (outside the period).
Compliance cases (elec): one from `late`, opened to the company (stage `opened`), and one
standalone draft, both recorded in April.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from compliance import services as compliance_services
from consultations import services as consultation_services
from informs import services as inform_services
from reports import lifecycle
from reports import services as report_services
from reports.sweep import lapse_due_reports
from tests import factories
from tests.reports.helpers import complete_data, submitted_report

JST = ZoneInfo("Asia/Tokyo")
MARCH = datetime.date(2025, 3, 1)
APRIL = datetime.date(2025, 4, 1)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=JST)


def _file(exporter, when, **overrides):
    overrides.setdefault("planned_contract_date", (when + datetime.timedelta(days=60)).date())
    with time_machine.travel(when, tick=False):
        return submitted_report(exporter, **overrides)


def build_reports(catalog) -> dict:
    """The reports of the module docstring and the people who acted on them."""
    exporter = factories.ExporterFactory()
    officer = factories.OfficerFactory(division=catalog["elec"])
    supervisor = factories.SupervisorFactory(division=catalog["elec"])
    mat_officer = factories.OfficerFactory(division=catalog["mat"])
    mat_supervisor = factories.SupervisorFactory(division=catalog["mat"])
    r = {}

    consultations = {}
    for key, when, country in (
        ("before", at(2, 20), "CN"),
        ("followed", at(3, 2), "CN"),
        ("not_followed", at(4, 3), "KR"),
    ):
        with time_machine.travel(when, tick=False):
            consultations[key] = consultation_services.consultation_create(
                actor=exporter,
                subject="子会社への製造技術移転",
                description="MLCCの製造技術を子会社へ移転する予定です。",
                technology="mlcc",
                counterparty_country=country,
            )
    r["february"] = _file(exporter, datetime.datetime(2025, 2, 28, 23, 30, tzinfo=JST))
    r["fiber"] = _file(
        exporter,
        at(3, 1, 0, 30),
        technology="carbon_fiber",
        counterparty_country="US",
    )
    r["informed"] = _file(exporter, at(3, 3))
    r["lapsed"] = _file(exporter, at(3, 5))
    r["extended"] = _file(exporter, at(3, 10), counterparty_country="US")

    with time_machine.travel(at(3, 4), tick=False):
        consultation_services.consultation_link_report(
            actor=exporter,
            consultation_id=consultations["followed"].pk,
            report_id=r["informed"].pk,
        )
    with time_machine.travel(at(3, 11), tick=False):
        lifecycle.report_start_dialogue(actor=mat_officer, report_id=r["fiber"].pk)
        lifecycle.report_conclude(
            actor=mat_officer,
            report_id=r["fiber"].pk,
            summary="対話の結果、懸念は解消した。",
            agreed_measures="技術者の秘密保持契約",
        )
    with time_machine.travel(at(3, 15), tick=False):
        lifecycle.report_start_dialogue(actor=officer, report_id=r["informed"].pk)
        inform = inform_services.inform_propose(
            actor=officer,
            report_id=r["informed"].pk,
            grounds="懸念が解消されないため。",
            licence_conditions=[],
        )
    with time_machine.travel(at(3, 20, 11), tick=False):
        inform_services.inform_approve(actor=supervisor, inform_id=inform.pk)
    with time_machine.travel(at(3, 25), tick=False):
        report_services.report_extend_deadline(
            actor=supervisor,
            report_id=r["extended"].pk,
            new_last_day=datetime.date(2025, 4, 20),
            reason="追加資料の確認のため。",
        )
    r["late"] = _file(
        exporter,
        at(4, 2),
        counterparty_country="KR",
        planned_contract_date=datetime.date(2025, 4, 1),
        late_reason="社内手続の遅れのため。",
    )
    with time_machine.travel(at(4, 4), tick=False):
        lifecycle.report_mark_not_subject(
            actor=officer, report_id=r["late"].pk, rule="GOODS_ONLY", reason="貨物のみの取引。"
        )
    lapse_due_reports(now=at(4, 5, 0, 1))
    with time_machine.travel(at(4, 6), tick=False):
        case = compliance_services.case_create(
            actor=officer,
            facts="契約締結後に報告された。",
            transfer_date=datetime.date(2025, 4, 1),
            report_id=r["late"].pk,
        )
        compliance_services.case_open(actor=officer, case_id=case.pk)
    with time_machine.travel(at(4, 8), tick=False):
        compliance_services.case_create(
            actor=officer,
            facts="報道により移転を把握した。",
            transfer_date=datetime.date(2025, 3, 20),
            organisation_id=exporter.organisation_id,
            technology_id=r["informed"].technology_id,
        )
    r["withdrawn"] = _file(exporter, at(4, 10))
    with time_machine.travel(at(4, 12), tick=False):
        lifecycle.report_withdraw(
            actor=exporter, report_id=r["withdrawn"].pk, reason="契約交渉が中止となったため。"
        )
    with time_machine.travel(at(4, 15), tick=False):
        lifecycle.report_start_dialogue(actor=officer, report_id=r["extended"].pk)
        lifecycle.report_conclude(
            actor=officer,
            report_id=r["extended"].pk,
            summary="管理措置で合意した。",
            agreed_measures="アクセス管理",
        )
    r["open"] = _file(exporter, at(4, 20), counterparty_country="TW")
    with time_machine.travel(at(4, 21), tick=False):
        report_services.report_create(actor=exporter, data=complete_data())

    for report in r.values():
        report.refresh_from_db()
    return {
        "reports": r,
        "exporter": exporter,
        "officer": officer,
        "supervisor": supervisor,
        "mat_supervisor": mat_supervisor,
        "divisions": catalog,
        "consultations": consultations,
    }
