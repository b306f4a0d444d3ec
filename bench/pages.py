"""p50, p95 and query count of the pages and API lists the performance budgets name.

    .venv/bin/python bench/pages.py [--rounds 3] [--requests 30] [--warmup 3] [--only NAME]

Runs against the data of bench/seed.py (BENCH_DATABASE_URL), in process with Django's test
client and production settings (DEBUG off). Each round makes, for every row in turn, the
warm-up requests and then the timed ones, so that the rows alternate and a passing burst of
load on the machine falls on all of them. Prints a table; exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field

from common import DB_URL, database_name, machine, median, percentile, setup_django


@dataclass
class Row:
    name: str
    username: str
    path: str
    budget_p95_ms: float
    samples: list[float] = field(default_factory=list)
    queries: int = 0
    size: int = 0
    status: int = 0

    def result(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "p50_ms": round(median(self.samples), 1),
            "p95_ms": round(percentile(self.samples, 0.95), 1),
            "queries": self.queries,
            "bytes": self.size,
            "budget_p95_ms": self.budget_p95_ms,
            "ok": self.status == 200 and percentile(self.samples, 0.95) <= self.budget_p95_ms,
        }


def rows() -> list[Row]:
    from django.db.models import Count

    from dialogue.models import Message
    from informs.models import Inform, InformStatus
    from portal.models import User

    exporter = User.objects.get(username="bench_exporter")
    featured = (
        Message.objects.filter(thread__report__organisation_id=exporter.organisation_id)
        .values("thread__report")
        .annotate(n=Count("id"))
        .order_by("-n", "thread__report")
        .first()
    )
    if featured is None:
        sys.exit("pages: the bench database is not seeded (bench/seed.py)")
    report_id = featured["thread__report"]
    inform = (
        Inform.objects.filter(
            status=InformStatus.ISSUED, report__organisation_id=exporter.organisation_id
        )
        .order_by("id")
        .first()
    )
    assert inform is not None
    from django.utils import timezone

    this_month = timezone.localdate().replace(day=1)
    first_month = this_month.replace(year=this_month.year - 2)
    statistics_all = f"/statistics/?from_month={first_month:%Y-%m}&to_month={this_month:%Y-%m}"
    return [
        Row("officer queue, default", "bench_officer", "/dialogue/queue/", 100),
        Row("queue search q=Shanghai", "bench_officer", "/dialogue/queue/?q=Shanghai", 150),
        Row("supervisor queue with workload", "bench_supervisor", "/dialogue/queue/", 150),
        Row("supervisor informs page", "bench_supervisor", "/informs/supervisor/", 150),
        Row("exporter dashboard (20k reports)", "bench_exporter", "/reports/", 50),
        Row("API list (20k reports)", "bench_exporter", "/api/v1/reports/", 50),
        Row(
            f"report page with {featured['n']} messages",
            "bench_officer",
            f"/reports/{report_id}/",
            80,
        ),
        Row("report PDF", "bench_exporter", f"/reports/{report_id}/pdf/", 500),
        Row("inform PDF", "bench_exporter", f"/informs/{inform.pk}/notice.pdf", 500),
        # Statistics (insight): every division over the 24 months the seed spreads 100,000
        # reports across, the supervisor's default (their division, 12 months), and the
        # heaviest chart image (months by outcome, all divisions).
        Row("statistics, all divisions, 24 months", "bench_admin", statistics_all, 200),
        Row("statistics, supervisor's division", "bench_supervisor", "/statistics/", 200),
        Row(
            "statistics chart, months by outcome",
            "bench_admin",
            statistics_all.replace("/statistics/?", "/statistics/charts/months.svg?"),
            200,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per round")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per round")
    parser.add_argument("--only", help="rows whose name contains this")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    # New indexes land before measuring; a database that is already migrated is left as is.
    call_command("migrate", verbosity=0)
    table = rows()
    if args.only:
        table = [r for r in table if args.only in r.name]
    clients: dict[str, Client] = {}
    for row in table:
        if row.username not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=row.username))
            clients[row.username] = client

    for row in table:
        client = clients[row.username]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(row.path)
        row.queries = len(captured.captured_queries)
        row.status = response.status_code
        row.size = len(response.content)
        if response.status_code != 200:
            print(f"{row.name}: {row.path} answered {response.status_code}", file=sys.stderr)

    started = time.perf_counter()
    for _round in range(args.rounds):
        for row in table:
            client = clients[row.username]
            for _ in range(args.warmup):
                client.get(row.path)
            for _ in range(args.requests):
                t0 = time.perf_counter()
                client.get(row.path)
                row.samples.append((time.perf_counter() - t0) * 1000)

    results = [row.result() for row in table]
    print(
        f"pages: {database_name(DB_URL)}, {args.rounds} rounds x ({args.warmup} warm-up + "
        f"{args.requests} timed) per row, {time.perf_counter() - started:.0f} s; {machine()}"
    )
    print()
    print("| request | p50 / p95 ms (queries) | size | budget p95 | |")
    print("|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['name']} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} ({r['queries']}) "
            f"| {r['bytes'] / 1024:,.0f} KB | ≤ {r['budget_p95_ms']:.0f} "
            f"| {'ok' if r['ok'] else 'MISSED'} |"
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"machine": machine(), "rows": results}, handle, indent=2)
    missed = [r["name"] for r in results if not r["ok"]]
    if missed:
        print(f"\nbudget missed: {', '.join(missed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
