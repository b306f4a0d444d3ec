#!/usr/bin/env bash
# Serves the portal with a Celery worker and beat; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
# Exported: the worker builds e-mail links from it (PORTAL_BASE_URL in portal/settings/base.py).
export PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"
mkdir -p .run
trap 'trap - EXIT INT TERM; kill $(jobs -p) 2>/dev/null; wait' EXIT INT TERM

.venv/bin/celery -A portal worker --loglevel=INFO --concurrency=2 &
.venv/bin/celery -A portal beat --loglevel=INFO &
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload &

cat <<MSG

  Pre-transfer report portal:  http://127.0.0.1:${PORT}/
  Database: ${DATABASE_URL:-SQLite (db.sqlite3)}   Broker: ${REDIS_URL:-filesystem (.run/broker)}

  Demo accounts (password: demo-pass-2025)
    exporter_a, exporter_b                 exporters of organisations A and B
    officer_elec, officer_mat              desk officers
    supervisor_elec, supervisor_elec2      supervisors (electronic components)
    admin                                  administrator

  Ctrl-C stops the web server, the worker and beat.

MSG
wait
