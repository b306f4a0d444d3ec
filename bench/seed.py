"""Bulk data for the benchmarks: N reports (default 100,000) as the portal holds them in use.

    .venv/bin/python bench/seed.py [N] [--reset] [--if-empty]

- 52 organisations; the first (`bench_exporter`'s) files a fifth of the reports (20,000 of
  100,000), the other 51 share the rest;
- statuses in the shares a running scheme shows (about a fifth still open, deadlines spread
  over the next 30 days, the 7/3/1-day reminders already recorded as the sweep would have);
- 12,000 dialogue messages (one report with 50), 23,000 informs (proposed, issued, returned),
  1.3 million notifications (13 per report), history rows and an audit trail.

Rows are written with COPY and INSERT ... SELECT, not through the services: 100,000 reports
take about a minute. The figures are relative to the moment of seeding, kept in the table
`bench_meta` so that the sweep benchmark measures as of then (`--reset` seeds anew).

Users (no password; the benchmarks sign in with force_login): bench_exporter (organisation 1),
bench_officer and bench_supervisor, bench_supervisor2 (division elec), bench_admin.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time

from common import DB_URL, ensure_database, setup_django

STATUS_SHARES = [
    ("draft", 0.05),
    ("submitted", 0.06),
    ("under_dialogue", 0.14),
    ("inform_proposed", 0.024),
    ("informed", 0.18),
    ("closed_no_inform", 0.36),
    ("lapsed", 0.03),
    ("not_subject", 0.08),
    ("withdrawn", 0.076),
]
OPEN = {"submitted", "under_dialogue", "inform_proposed"}
ORGANISATIONS = 52
MESSAGES_PER_REPORT = 0.12  # 12,000 per 100,000
RETURNED_INFORMS_PER_REPORT = 0.026
NOTIFICATIONS_PER_REPORT = 13  # 1.3 million per 100,000
AUDIT_PER_REPORT = 1.5
FEATURED_MESSAGES = 50

CITIES = [
    ("Shanghai", "CN", 9),
    ("Shenzhen", "CN", 6),
    ("Suzhou", "CN", 4),
    ("Beijing", "CN", 3),
    ("Dalian", "CN", 2),
    ("Wuxi", "CN", 2),
    ("Taipei", "TW", 4),
    ("Hsinchu", "TW", 4),
    ("Seoul", "KR", 3),
    ("Bangkok", "TH", 5),
    ("Hanoi", "VN", 4),
    ("Ho Chi Minh City", "VN", 3),
    ("Singapore", "SG", 3),
    ("Penang", "MY", 3),
    ("Kuala Lumpur", "MY", 2),
    ("Jakarta", "ID", 2),
    ("Manila", "PH", 2),
    ("Bangalore", "IN", 3),
    ("Chennai", "IN", 2),
    ("Munich", "DE", 1),
    ("Dresden", "DE", 1),
    ("Eindhoven", "NL", 1),
    ("Austin", "US", 1),
    ("San Jose", "US", 1),
]
COUNTERPARTY_WORDS = ["Precision", "Materials", "Electronics", "Advanced", "Components"]
COUNTERPARTY_SUFFIX = ["Co., Ltd.", "Technology Co., Ltd.", "Industries Inc.", "Pte. Ltd."]
ORG_PREFIX = [
    ("東洋", "Toyo"), ("日本", "Nippon"), ("大和", "Yamato"), ("北陸", "Hokuriku"),
    ("関東", "Kanto"), ("中部", "Chubu"), ("瀬戸内", "Setouchi"), ("富士", "Fuji"),
    ("旭", "Asahi"), ("三協", "Sankyo"), ("新光", "Shinko"), ("昭和", "Showa"), ("平和", "Heiwa"),
]  # fmt: skip
ORG_TRADE = [
    ("電子", "Electronics"), ("セラミックス", "Ceramics"), ("化学", "Chemical"),
    ("精機", "Precision"),
]  # fmt: skip
SUMMARY = (
    "積層セラミックコンデンサの内部電極形成工程に関する設計資料一式（工程条件表、検査基準書、"
    "設備仕様書）を提供し、量産立上げのため技術者二名を三か月派遣して現地で指導する。"
) * 3
MEASURES = (
    "提供資料は閲覧者を限定した文書管理システムで管理し、複製・再移転を契約で禁止する。"
    "四半期ごとに監査を行い、結果を報告する。"
) * 2
GROUNDS = (
    "提供される技術は当該品目の製造能力の中核をなし、移転先の関係者を通じて懸念用途に"
    "流出するおそれが否定できない。対話において示された管理措置では十分でない。"
) * 4
LEGAL_BASIS = "外国為替及び外国貿易法第25条第1項及び第55条の8、貿易関係貿易外取引等に関する省令"
MESSAGE_BODY = (
    "ご提出いただいた管理措置について確認させてください。移転先での資料の保管方法と、"
    "閲覧権限の付与手順を具体的にご教示ください。"
)


def corporate_number(n: int) -> str:
    from portal.validators import corporate_number_check_digit

    base = f"{n:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order) into the model's table; returns how many."""
    from django.db import connection

    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as cp:
        for row in rows:
            cp.write_row(row)
            count += 1
    return count


def reset_sequence(model) -> None:
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 - a model's table
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


def seed(n: int, rng: random.Random) -> dict[str, int]:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import Technology
    from dialogue.models import Message, Thread, ThreadRead
    from informs.models import Inform
    from portal.models import Division, Organisation, Role, User
    from reports import clock
    from reports.models import Report, ReportTransition

    now = timezone.now()
    counts: dict[str, int] = {}
    divisions = {d.code: d for d in Division.objects.all()}
    technologies = list(Technology.objects.order_by("code"))

    # --- organisations and people --------------------------------------------------------
    orgs = [
        Organisation(
            name_ja="ベンチ電子株式会社",
            name_en="Bench Electronics Co., Ltd.",
            address="東京都千代田区霞が関1-3-1",
            corporate_number=corporate_number(900_000_000_000),
        )
    ]
    for i in range(1, ORGANISATIONS):
        ja, en = ORG_PREFIX[i % len(ORG_PREFIX)]
        trade_ja, trade_en = ORG_TRADE[i % len(ORG_TRADE)]
        orgs.append(
            Organisation(
                name_ja=f"{ja}{trade_ja}株式会社（{i}）",
                name_en=f"{en} {trade_en} Corporation {i}",
                address=f"大阪府大阪市北区梅田{i}-1-1",
                corporate_number=corporate_number(900_000_000_000 + i),
            )
        )
    orgs = Organisation.objects.bulk_create(orgs)
    people: list[User] = []

    def person(username: str, role: str, org=None, division=None) -> User:
        user = User(
            username=username,
            email=f"{username}@bench.example.jp",
            password=make_password(None),  # unusable: the benchmarks sign in with force_login
            role=role,
            organisation=org,
            division=division,
            last_name=username.split("_")[0].title(),
            first_name=username.split("_", 1)[-1],
        )
        people.append(user)
        return user

    for i, org in enumerate(orgs):
        for k in range(3):
            person(
                "bench_exporter" + ("" if k == 0 else str(k + 1)) if i == 0 else f"ex{i}_{k}",
                Role.EXPORTER,
                org=org,
            )
    for code, division in divisions.items():
        prefix = "bench" if code == "elec" else code
        for k in range(8):
            person(f"{prefix}_officer" + (str(k + 1) if k else ""), Role.OFFICER, division=division)
        for k in range(3):
            person(
                f"{prefix}_supervisor" + (str(k + 1) if k else ""),
                Role.SUPERVISOR,
                division=division,
            )
    person("bench_admin", Role.ADMINISTRATOR)
    User.objects.bulk_create(people)
    people = list(User.objects.filter(username__in=[p.username for p in people]))
    exporters: dict[int, list[User]] = {}
    officers: dict[int, list[User]] = {}
    supervisors: dict[int, list[User]] = {}
    for p in people:
        if p.role == Role.EXPORTER:
            exporters.setdefault(p.organisation_id, []).append(p)
        elif p.role == Role.OFFICER:
            officers.setdefault(p.division_id, []).append(p)
        elif p.role == Role.SUPERVISOR:
            supervisors.setdefault(p.division_id, []).append(p)
    counts["organisations"] = len(orgs)
    counts["users"] = len(people)

    # --- reports -------------------------------------------------------------------------
    statuses = [s for s, _ in STATUS_SHARES]
    weights = [w for _, w in STATUS_SHARES]
    cities = [(c, country) for c, country, _ in CITIES]
    city_weights = [w for *_, w in CITIES]
    report_fields = list(Report._meta.concrete_fields)
    columns = [f.column for f in report_fields]
    sequence: dict[int, int] = {}
    reports: list[dict] = []
    today = clock.jst_date(now)
    for i in range(n):
        rid = i + 1
        org = orgs[0] if i < n // 5 else orgs[1 + rng.randrange(ORGANISATIONS - 1)]
        status = rng.choices(statuses, weights)[0]
        technology = technologies[rng.randrange(len(technologies))]
        city, country = rng.choices(cities, city_weights)[0]
        row = {
            "id": rid,
            "organisation_id": org.pk,
            "created_by_id": rng.choice(exporters[org.pk]).pk,
            "status": status,
            "revision": 1,
            "technology_id": technology.pk,
            "technology_scope": "both",
            "technology_summary": SUMMARY,
            "transaction_type": "subsidiary_transfer",
            "counterparty_name": (
                f"{city} {rng.choice(COUNTERPARTY_WORDS)} {rng.choice(COUNTERPARTY_SUFFIX)}"
            ),
            "counterparty_country_id": country,
            "counterparty_address": f"{rng.randrange(1, 999)} Industrial Park Road, {city}",
            "counterparty_relationship": "subsidiary",
            "ownership_percent": 100,
            "planned_contract_date": (now + datetime.timedelta(days=90)).date(),
            "provision_methods": json.dumps(["documents", "onsite_guidance"]),
            "management_measures": MEASURES,
            "contact_name": "担当 太郎",
            "contact_department": "輸出管理部",
            "contact_phone": "03-0000-0000",
            "contact_email": "export@bench.example.jp",
            "declaration": True,
            "late_reason": "",
            "late": False,
            "withdrawal_reason": "",
            "outcome_summary": "",
            "agreed_measures": "",
            "not_subject_rule": "",
            "not_subject_reason": "",
            "reference": None,
            "received_at": None,
            "decision_due_at": None,
            "closed_at": None,
            "assigned_officer_id": None,
            "responsible_division_id": None,
        }
        if status == "draft":
            row["revision"] = 0
            row["declaration"] = False
            created = now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 60))
        else:
            division_id = technology.division_id
            row["responsible_division_id"] = division_id
            if status in OPEN:
                last_day = today + datetime.timedelta(days=rng.randrange(30))
                due = clock.end_of_day_jst(last_day)
                received = datetime.datetime.combine(
                    last_day - datetime.timedelta(days=30),
                    datetime.time(9 + rng.randrange(9), rng.randrange(60)),
                    clock.JST,
                )
            else:
                back = rng.randrange(32 if status == "lapsed" else 1, 730) * 24 * 60
                received = now - datetime.timedelta(minutes=back + rng.randrange(24 * 60))
                due = clock.decision_due_at_for(received)
            if received > now:
                received = now - datetime.timedelta(minutes=5)
            created = received - datetime.timedelta(minutes=rng.randrange(3 * 24 * 60))
            year = received.astimezone(clock.JST).year
            sequence[year] = sequence.get(year, 0) + 1
            row["reference"] = f"PR-{year}-{sequence[year]:06d}"
            row["received_at"] = received
            row["decision_due_at"] = due
            if status not in ("submitted",) or rng.random() < 0.1:
                row["assigned_officer_id"] = rng.choice(officers[division_id]).pk
            if status == "lapsed":
                row["closed_at"] = due
            elif status not in OPEN:
                row["closed_at"] = received + (due - received) * rng.uniform(0.2, 0.95)
                if row["closed_at"] > now:
                    row["closed_at"] = now
            if status == "closed_no_inform":
                row["outcome_summary"] = MEASURES
                row["agreed_measures"] = MEASURES
            elif status == "not_subject":
                row["not_subject_rule"] = "GOODS_ONLY"
                row["not_subject_reason"] = MEASURES
            elif status == "withdrawn":
                row["withdrawal_reason"] = "契約交渉が中止となったため。"
        row["created_at"] = created
        row["updated_at"] = row["closed_at"] or row["received_at"] or created
        # Reports past "submitted" have a dialogue thread, numbered as the report.
        row["thread_id"] = rid if status not in ("draft", "submitted") else None
        reports.append(row)
    # The featured report (the report page with 50 messages): the exporter's, open, elec.
    elec = divisions["elec"].pk
    bench_officer = next(p for p in people if p.username == "bench_officer")
    featured = next(
        r
        for r in reports
        if r["organisation_id"] == orgs[0].pk
        and r["status"] == "under_dialogue"
        and r["responsible_division_id"] == elec
    )
    featured["assigned_officer_id"] = bench_officer.pk

    with transaction.atomic():
        counts["threads"] = copy_rows(
            Thread,
            ["id", "created_at"],
            ((r["thread_id"], r["created_at"]) for r in reports if r["thread_id"]),
        )
        reset_sequence(Thread)
        counts["reports"] = copy_rows(
            Report, columns, ([r[f.attname] for f in report_fields] for r in reports)
        )
        reset_sequence(Report)

    # --- history: the submit, and the decision for closed reports ------------------------
    transitions = []
    for r in reports:
        if r["status"] == "draft":
            continue
        transitions.append(
            (r["id"], "submit", "draft", "submitted", r["created_by_id"], r["received_at"])
        )
        if r["status"] not in ("submitted",):
            end = r["closed_at"] or r["received_at"] + datetime.timedelta(days=1)
            transitions.append(
                (r["id"], r["status"], "under_dialogue", r["status"], r["assigned_officer_id"], end)
            )
    with transaction.atomic():
        counts["transitions"] = copy_rows(
            ReportTransition,
            ["report_id", "transition", "from_status", "to_status", "actor_id", "at", "reason",
             "details"],
            ((*t, "", "{}") for t in transitions),
        )  # fmt: skip

    # --- reminders the sweep has recorded for open reports due within 7 days -------------
    days = sorted(settings.REMINDER_DAYS_BEFORE)
    reminder_rows = []
    for r in reports:
        if r["status"] in OPEN:
            for d in days:
                moment = r["decision_due_at"] - datetime.timedelta(days=d)
                if moment <= now:
                    reminder_rows.append((r["id"], d, r["decision_due_at"], moment))
    from reports.models import ReminderSent

    with transaction.atomic():
        counts["reminders"] = copy_rows(
            ReminderSent, ["report_id", "days_before", "due_at", "sent_at"], reminder_rows
        )

    # --- dialogue messages ---------------------------------------------------------------
    discussed = [r for r in reports if r["status"] not in ("draft", "submitted")]
    message_rows = []
    message_id = 0

    def add_message(r: dict, k: int) -> None:
        nonlocal message_id
        message_id += 1
        staff = k % 2 == 1
        if staff:
            author = r["assigned_officer_id"] or officers[r["responsible_division_id"]][0].pk
            kind = "internal_note" if k % 7 == 3 else "question"
            role = "officer"
        else:
            author = exporters[r["organisation_id"]][0].pk
            kind = "answer"
            role = "exporter"
        at = r["received_at"] + datetime.timedelta(hours=6 * (k + 1))
        message_rows.append((message_id, r["thread_id"], kind, MESSAGE_BODY, author, role, at))

    for k in range(FEATURED_MESSAGES):
        add_message(featured, k)
    target = int(n * MESSAGES_PER_REPORT)
    while message_id < target:
        r = discussed[rng.randrange(len(discussed))]
        for k in range(rng.randrange(1, 6)):
            add_message(r, k)
    with transaction.atomic():
        counts["messages"] = copy_rows(
            Message,
            ["id", "thread_id", "kind", "body", "author_id", "author_role", "created_at"],
            message_rows,
        )
        reset_sequence(Message)
        exporter = exporters[orgs[0].pk][0]
        ThreadRead.objects.create(
            user=exporter, thread_id=featured["thread_id"], last_message_id=40, last_read_at=now
        )

    # --- informs: open proposals, issued informs, returned proposals ---------------------
    bench_supervisor = next(p for p in people if p.username == "bench_supervisor")
    inform_rows = []
    issued_sequence: dict[int, int] = {}
    conditions = json.dumps(["再移転の禁止", "年次報告", "立入検査への協力"], ensure_ascii=False)

    def inform(r: dict, status: str) -> None:
        division = r["responsible_division_id"]
        deciders = supervisors[division]
        proposer = r["assigned_officer_id"] or officers[division][0].pk
        if status == "proposed" and division == elec and rng.random() < 0.02:
            proposer = bench_supervisor.pk  # a few of the supervisor's own proposals
        proposed_at = r["received_at"] + datetime.timedelta(days=rng.randrange(1, 20))
        proposed_at = min(proposed_at, now - datetime.timedelta(minutes=1))
        row = {
            "report_id": r["id"],
            "status": status,
            "number": None,
            "grounds": GROUNDS,
            "licence_conditions": conditions,
            "legal_basis": LEGAL_BASIS,
            "proposed_by_id": proposer,
            "proposed_at": proposed_at,
            "approved_by_id": None,
            "issued_at": None,
            "returned_by_id": None,
            "returned_at": None,
            "return_reason": "",
            "acknowledged_by_id": None,
            "acknowledged_at": None,
        }
        approver = next(s.pk for s in deciders if s.pk != proposer)
        if status == "issued":
            issued = r["closed_at"] or proposed_at
            year = issued.astimezone(clock.JST).year
            issued_sequence[year] = issued_sequence.get(year, 0) + 1
            row.update(
                number=f"INF-{year}-{issued_sequence[year]:04d}",
                approved_by_id=approver,
                issued_at=issued,
            )
            if rng.random() < 0.8:
                row.update(
                    acknowledged_by_id=exporters[r["organisation_id"]][0].pk,
                    acknowledged_at=issued + datetime.timedelta(days=1),
                )
        elif status == "returned":
            row.update(
                returned_by_id=approver,
                returned_at=proposed_at + datetime.timedelta(hours=20),
                return_reason="根拠の記載が不足しているため差し戻す。",
            )
        inform_rows.append(row)

    for r in reports:
        if r["status"] == "inform_proposed":
            inform(r, "proposed")
        elif r["status"] == "informed":
            inform(r, "issued")
    candidates = [
        r for r in reports if r["status"] in ("informed", "inform_proposed", "closed_no_inform")
    ]
    for r in rng.sample(candidates, min(len(candidates), int(n * RETURNED_INFORMS_PER_REPORT))):
        inform(r, "returned")
    inform_columns = list(inform_rows[0]) if inform_rows else []
    with transaction.atomic():
        counts["informs"] = copy_rows(
            Inform, inform_columns, ([row[c] for c in inform_columns] for row in inform_rows)
        )

    # --- notifications and the audit trail, generated by the database --------------------
    user_ids = [p.pk for p in people]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO portal_notification (id, recipient_id, verb, title_ja, title_en, body_ja,
                body_en, url, created_at, read_at, email_state, email_attempts, email_last_error,
                emailed_at)
            SELECT gen_random_uuid(), (%(users)s::bigint[])[1 + (g::bigint * 7919) %% %(n_users)s],
                'report.reminder_7d',
                'PR-2025-' || lpad((g %% 999999)::text, 6, '0') || ': 判断期限まで7日です',
                'PR-2025-' || lpad((g %% 999999)::text, 6, '0') || ': decision due in 7 days',
                '期限までに判断がなければ、期限の到来をもって報告は終了します。',
                'Without a decision it lapses at the deadline.',
                '/reports/' || (1 + g %% %(n_reports)s) || '/',
                at, CASE WHEN g %% 33 = 0 THEN NULL ELSE at + interval '2 hours' END,
                'sent', 1, '', at + interval '1 minute'
            FROM (SELECT g, %(now)s::timestamptz - (g %% 1051200) * interval '1 minute' AS at
                  FROM generate_series(1, %(count)s) AS g) AS s
            """,
            {
                "users": user_ids,
                "n_users": len(user_ids),
                "n_reports": n,
                "now": now,
                "count": n * NOTIFICATIONS_PER_REPORT,
            },
        )
        counts["notifications"] = cursor.rowcount
        admin = next(p for p in people if p.username == "bench_admin")
        cursor.execute(
            """
            INSERT INTO portal_auditrecord (actor_id, actor_label, verb, target_type, target_id,
                target_label, payload, at, request_id)
            SELECT CASE WHEN g %% 5 = 0 THEN NULL ELSE %(admin)s END,
                CASE WHEN g %% 5 = 0 THEN 'system' ELSE 'bench_admin' END,
                (ARRAY['report.submit','report.start_dialogue','dialogue.message_post',
                       'report.lapse','inform.approve'])[1 + g %% 5],
                'reports.report', (1 + g %% %(n_reports)s)::text,
                'PR-2025-' || lpad((g %% 999999)::text, 6, '0'),
                '{"from": "submitted", "to": "under_dialogue"}'::jsonb,
                %(now)s::timestamptz - (g %% 1051200) * interval '1 minute', ''
            FROM generate_series(1, %(count)s) AS g
            """,
            {"admin": admin.pk, "n_reports": n, "now": now, "count": int(n * AUDIT_PER_REPORT)},
        )
        counts["audit records"] = cursor.rowcount
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO bench_meta VALUES ('seeded_at', %s), ('reports', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [now.isoformat(), str(n)],
        )
    return counts


def seeded_at():
    """The moment the data was seeded as of (None if the database is not seeded)."""
    from django.db import connection
    from django.utils.dateparse import parse_datetime

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'seeded_at'")
        row = cursor.fetchone()
    return parse_datetime(row[0]) if row else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="?", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="drop the bench database first")
    parser.add_argument(
        "--if-empty", action="store_true", help="do nothing if the database is seeded"
    )
    parser.add_argument("--seed", type=int, default=55_8, help="random seed")
    args = parser.parse_args()

    ensure_database(DB_URL, drop=args.reset)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from reports.models import Report

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0)
    if seeded_at() is not None or Report.objects.exists():
        if args.if_empty:
            print(f"seed: {DB_URL.rsplit('/', 1)[1]} is already seeded ({seeded_at()})")
            return
        sys.exit("seed: the database already holds reports; use --reset to seed anew")
    print(f"seed: migrated in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    counts = seed(args.reports, random.Random(args.seed))
    t_rows = time.perf_counter() - t0
    t0 = time.perf_counter()
    connection.ensure_connection()
    old_autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # Write the seed's dirty pages out now, not during the first measurements.
        cursor.execute("CHECKPOINT")
    connection.set_autocommit(old_autocommit)
    print(", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(
        f"seed: rows in {t_rows:.1f} s, VACUUM ANALYZE and CHECKPOINT in "
        f"{time.perf_counter() - t0:.1f} s"
    )


if __name__ == "__main__":
    main()
