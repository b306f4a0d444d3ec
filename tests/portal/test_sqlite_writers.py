"""The embedded default: web, worker and beat write to one SQLite file at once, and none of
them answers "database is locked" (WAL, a busy timeout and immediate transactions)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_writer_processes_never_see_database_is_locked(tmp_path):
    db = tmp_path / "embedded.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE outbox_probe (writer TEXT, n INTEGER)")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": f"sqlite:///{db}",
        "PORTAL_RUN_DIR": str(tmp_path / "run"),
    }
    writers = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests/portal/sqlite_writer.py"), name, "150"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("web", "worker", "beat", "web2")
    ]
    results = [w.communicate(timeout=120) for w in writers]
    for writer, (_out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err[-2000:]
        assert "locked" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM outbox_probe").fetchone()[0] == 600
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
