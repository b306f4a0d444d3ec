"""Applying versions at once, on PostgreSQL with real threads: numbers stay unique and gap-free,
and a version is applied once."""

import pytest

from endusers import services
from endusers.models import ListVersion
from portal.errors import InvalidTransition
from portal.models import AuditRecord
from tests.concurrency import needs_row_locks, run_together

from .helpers import HEADER, upload

pytestmark = [pytest.mark.django_db(transaction=True), needs_row_locks]


def test_the_same_preview_confirmed_twice_at_once_is_applied_once(catalog, administrator):
    preview = upload(administrator, HEADER + "China,Example Concurrent Co.,,Missile\n")
    outcomes = run_together(
        lambda: services.list_version_apply(actor=administrator, version_id=preview.pk),
        lambda: services.list_version_apply(actor=administrator, version_id=preview.pk),
    )
    assert sum(isinstance(o, ListVersion) for o in outcomes) == 1
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1
    assert AuditRecord.objects.filter(verb="enduserlist.apply").count() == 1


def test_two_previews_applied_at_once_get_numbers_one_and_two(catalog, administrator):
    first = upload(administrator, HEADER + "China,Example First Co.,,Missile\n")
    second = upload(administrator, HEADER + "China,Example Second Co.,,Missile\n")
    run_together(
        lambda: services.list_version_apply(actor=administrator, version_id=first.pk),
        lambda: services.list_version_apply(actor=administrator, version_id=second.pk),
    )
    assert sorted(ListVersion.objects.values_list("number", flat=True)) == [1, 2]
