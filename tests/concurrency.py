"""Real concurrent transactions: each action runs in its own thread and database connection,
released together at a barrier, so the row locks (never mocks) decide who wins."""

import threading

import pytest
from django.db import connection

# SQLite has no row locks; CI runs these on PostgreSQL.
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs on it"
)


def run_together(*actions):
    """Run the actions at once; return each one's result, or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a transaction hung"
    return outcomes
