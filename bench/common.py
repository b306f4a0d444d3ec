"""What every benchmark shares: its own PostgreSQL database and Django set up against it.

The database is named by BENCH_DATABASE_URL (default portal_bench on 127.0.0.1) and is never
the CI or test database: the benchmarks refuse a name that looks like one.
"""

from __future__ import annotations

import os
import statistics
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")


def database_name(url: str = DB_URL) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def check_target(url: str = DB_URL) -> None:
    name = database_name(url)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: BENCH_DATABASE_URL must name a PostgreSQL database")
    if name.startswith("test") or name in {"postgres", "portal", "template0", "template1"}:
        sys.exit(f"bench: refusing to use database {name!r}; name a database of its own")


def ensure_database(url: str = DB_URL, *, drop: bool = False) -> None:
    import psycopg

    check_target(url)
    name = database_name(url)
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str = DB_URL) -> None:
    """Django against the bench database, with production settings (DEBUG off)."""
    check_target(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # WhiteNoise warns that collectstatic has not run; the benchmarks serve no static file.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 90 samples is the 86th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    """One line on where the figures come from."""
    cpus = os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpus} CPUs ({model or 'unknown CPU'}), load average {load}"
