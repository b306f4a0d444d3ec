"""Real concurrent transactions on PostgreSQL: the organisation row lock keeps an administrator,
and the unique corporate number lets only one of two applications through."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import ApplicationStatus, OrganisationApplication
from portal.models import Organisation, OrganisationRole, User
from tests import factories
from tests.concurrency import needs_row_locks, run_together

from .helpers import application_data

pytestmark = [pytest.mark.django_db(transaction=True), needs_row_locks]


def _kinds(outcomes) -> list[str]:
    kinds = []
    for outcome in outcomes:
        if isinstance(outcome, ValidationError | PermissionDenied):
            kinds.append("refused")
        elif isinstance(outcome, Exception):
            kinds.append(f"error: {outcome!r}")
        else:
            kinds.append("ok")
    return sorted(kinds)


def _two_administrators():
    first = factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)
    second = factories.ExporterFactory(
        organisation=first.organisation, organisation_role=OrganisationRole.ADMINISTRATOR
    )
    return first, second


def _active_administrators(organisation) -> int:
    return User.objects.filter(
        organisation=organisation, organisation_role=OrganisationRole.ADMINISTRATOR, is_active=True
    ).count()


def test_two_administrators_stepping_down_at_once_leave_one():
    first, second = _two_administrators()

    outcomes = run_together(
        lambda: services.member_set_role(
            actor=first, member_id=first.pk, organisation_role=OrganisationRole.MEMBER
        ),
        lambda: services.member_set_role(
            actor=second, member_id=second.pk, organisation_role=OrganisationRole.MEMBER
        ),
    )

    assert _kinds(outcomes) == ["ok", "refused"], outcomes
    assert _active_administrators(first.organisation) == 1


def test_two_administrators_demoting_each_other_at_once_leave_one():
    first, second = _two_administrators()

    outcomes = run_together(
        lambda: services.member_set_role(
            actor=first, member_id=second.pk, organisation_role=OrganisationRole.MEMBER
        ),
        lambda: services.member_set_role(
            actor=second, member_id=first.pk, organisation_role=OrganisationRole.MEMBER
        ),
    )

    assert _kinds(outcomes) == ["ok", "refused"], outcomes
    assert _active_administrators(first.organisation) == 1


def test_two_administrators_deactivating_each_other_at_once_leave_one():
    first, second = _two_administrators()

    outcomes = run_together(
        lambda: services.member_deactivate(actor=first, member_id=second.pk),
        lambda: services.member_deactivate(actor=second, member_id=first.pk),
    )

    assert _kinds(outcomes) == ["ok", "refused"], outcomes
    assert _active_administrators(first.organisation) == 1


def _confirmed_application(**overrides) -> OrganisationApplication:
    application = OrganisationApplication.objects.create(
        **{k: v for k, v in application_data(**overrides).items() if k != "password"},
        password_hash="!",
        status=ApplicationStatus.PENDING,
    )
    return application


def test_two_applications_for_one_number_approved_at_once_register_it_once():
    first = _confirmed_application()
    second = _confirmed_application(username="second_applicant", email="b@example.jp")
    admin1 = factories.AdministratorFactory()
    admin2 = factories.AdministratorFactory()

    outcomes = run_together(
        lambda: services.application_approve(actor=admin1, application_id=first.pk),
        lambda: services.application_approve(actor=admin2, application_id=second.pk),
    )

    assert _kinds(outcomes) == ["ok", "refused"], outcomes
    number = first.corporate_number
    assert Organisation.objects.filter(corporate_number=number).count() == 1
    # The loser created nothing: one applicant account in all.
    assert User.objects.filter(username__in=["kasumi_yamamoto", "second_applicant"]).count() == 1
    statuses = sorted(
        OrganisationApplication.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", flat=True
        )
    )
    assert statuses == [ApplicationStatus.APPROVED, ApplicationStatus.PENDING]


def test_one_application_approved_twice_at_once_is_approved_once():
    application = _confirmed_application()
    admin1 = factories.AdministratorFactory()
    admin2 = factories.AdministratorFactory()

    outcomes = run_together(
        lambda: services.application_approve(actor=admin1, application_id=application.pk),
        lambda: services.application_approve(actor=admin2, application_id=application.pk),
    )

    assert _kinds(outcomes) == ["ok", "refused"], outcomes
    assert Organisation.objects.filter(corporate_number=application.corporate_number).count() == 1
