"""Throughput under load: gunicorn with 2 workers on 127.0.0.1 and a bounded load generator.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 4] [--max-requests 20000]

Serves the data of bench/seed.py (BENCH_DATABASE_URL) with production settings (DEBUG off,
persistent database connections) on a free port of 127.0.0.1, then runs `--clients` threads
that each keep one connection open and request, in a fixed mix, the officers' queue, the
supervisors' queue, report pages and the API list and detail, signed in as the bench users.
Everything stops by itself: after `--seconds`, or after `--max-requests` in all, whichever
comes first; gunicorn is stopped at the end whatever happens. Only 127.0.0.1 is ever asked.

The API throttle is raised for the run (API_THROTTLE_USER_READ): four clients signed in as
four users make more reads a minute than one person would, and a 429 would count as an error.
Budget: at least 40 requests a second, p95 at most 300 ms, no error. Exits 1 when missed.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import DB_URL, ROOT, machine, median, percentile, setup_django

HOST = "127.0.0.1"
BUDGET_RPS = 40
BUDGET_P95_MS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def sessions() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A session cookie per bench user, and the request mix as (user, path) pairs."""
    from django.conf import settings
    from django.test import Client

    from portal.models import User
    from reports.models import OPEN_STATUSES, Report

    cookies = {}
    for username in ("bench_officer", "bench_supervisor", "bench_exporter", "bench_officer2"):
        client = Client(HTTP_HOST=HOST)
        client.force_login(User.objects.get(username=username))
        cookies[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    officer = User.objects.get(username="bench_officer")
    exporter = User.objects.get(username="bench_exporter")
    division_reports = list(
        Report.objects.filter(
            responsible_division_id=officer.division_id, status__in=OPEN_STATUSES
        ).values_list("id", flat=True)[:200]
    )
    exporter_reports = list(
        Report.objects.filter(organisation_id=exporter.organisation_id)
        .exclude(reference=None)
        .values_list("id", flat=True)[:200]
    )
    rng = random.Random(40)
    mix: list[tuple[str, str]] = []
    for i in range(200):
        mix += [
            ("bench_officer", "/dialogue/queue/"),
            ("bench_officer2", f"/dialogue/queue/?page={1 + i % 5}"),
            ("bench_supervisor", "/dialogue/queue/"),
            ("bench_officer", f"/reports/{rng.choice(division_reports)}/"),
            ("bench_officer2", f"/reports/{rng.choice(division_reports)}/"),
            ("bench_exporter", "/api/v1/reports/"),
            ("bench_exporter", f"/api/v1/reports/?page={2 + i % 20}"),
            ("bench_exporter", f"/api/v1/reports/{rng.choice(exporter_reports)}/"),
        ]
    return cookies, mix


class Generator:
    """Clients that share one request budget and one deadline."""

    def __init__(self, port: int, cookies: dict[str, str], mix, seconds: float, limit: int):
        self.port = port
        self.cookies = cookies
        self.mix = mix
        self.deadline = time.monotonic() + seconds
        self.remaining = itertools.count()
        self.limit = limit
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_kind: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def client(self, index: int) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        requests = itertools.cycle(self.mix[index::4] or self.mix)
        while time.monotonic() < self.deadline and next(self.remaining) < self.limit:
            username, path = next(requests)
            headers = {"Cookie": f"sessionid={self.cookies[username]}", "Host": HOST}
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                with self.lock:
                    self.errors.append(f"{path}: {exc.__class__.__name__}")
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            kind = f"{username} {path.split('?')[0].rstrip('0123456789/')}/"
            with self.lock:
                self.latencies.append(elapsed)
                self.by_kind.setdefault(kind, []).append(elapsed)
                if status != 200:
                    self.errors.append(f"{path}: {status}")
        conn.close()


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("load: gunicorn stopped while starting")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("load: gunicorn did not answer in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--warmup", type=float, default=5, help="seconds before measuring")
    args = parser.parse_args()
    if not 1 <= args.clients <= 16 or not 0 < args.seconds <= 600:
        sys.exit("load: between 1 and 16 clients, at most 600 seconds")

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    cookies, mix = sessions()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings.base"),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_USER_READ": "1000000/min",
        "PYTHONWARNINGS": "ignore",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "portal.wsgi:application", "--workers", "2"]
    command += ["--bind", f"{HOST}:{port}", "--log-level", "warning", "--timeout", "60"]
    # Our own gunicorn from this virtualenv, with arguments built above.
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    try:
        wait_until_serving(port, process)
        if args.warmup:
            Generator(port, cookies, mix, args.warmup, 10**6).client(0)
        generator = Generator(port, cookies, mix, args.seconds, args.max_requests)
        threads = [
            threading.Thread(target=generator.client, args=(i,), daemon=True)
            for i in range(args.clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 60)
        elapsed = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    done = len(generator.latencies)
    rps = done / elapsed
    p50 = median(generator.latencies) if done else 0
    p95 = percentile(generator.latencies, 0.95) if done else 0
    ok = rps >= BUDGET_RPS and p95 <= BUDGET_P95_MS and not generator.errors and done > 0
    print(f"load: gunicorn, 2 workers, {args.clients} clients, {elapsed:.0f} s; {machine()}")
    print()
    print("| load | req/s | p50 / p95 ms | errors | budget | |")
    print("|---|---|---|---|---|---|")
    print(
        f"| mixed queue/detail/API, {done:,} requests | {rps:.1f} | {p50:.0f} / {p95:.0f} "
        f"| {len(generator.errors)} | ≥ {BUDGET_RPS} req/s, p95 ≤ {BUDGET_P95_MS} ms, 0 errors "
        f"| {'ok' if ok else 'MISSED'} |"
    )
    print()
    for kind, values in sorted(generator.by_kind.items()):
        print(
            f"  {kind}: {len(values)} requests, p50 {median(values):.0f} ms, "
            f"p95 {percentile(values, 0.95):.0f} ms"
        )
    if generator.errors:
        print("errors (first 10):", *generator.errors[:10], sep="\n  ")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
