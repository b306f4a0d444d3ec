"""django-admin only reads consultations and the general desk: every change goes through the
services, with history, audit and the lifecycle's checks."""

import pytest
from django.test import Client
from django.urls import reverse

from consultations.models import Consultation, GeneralDesk
from tests import factories

from .helpers import open_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    return client


def test_a_superuser_can_read_but_not_edit_delete_or_add_a_consultation(people, admin_client):
    consultation = open_consultation(people.exporter)
    change = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and consultation.subject.encode() in page.content
    assert b'name="_save"' not in page.content
    admin_client.post(change, {"subject": "changed", "status": "closed"})
    consultation.refresh_from_db()
    assert consultation.subject != "changed" and consultation.status != "closed"
    delete = reverse("admin:consultations_consultation_delete", args=[consultation.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    assert admin_client.get(reverse("admin:consultations_consultation_add")).status_code == 403


def test_the_general_desk_is_not_changed_in_django_admin(people, admin_client):
    desk = GeneralDesk.objects.get()
    change = reverse("admin:consultations_generaldesk_change", args=[desk.pk])
    admin_client.post(change, {"division": people.mat.pk})
    desk.refresh_from_db()
    assert desk.division_id == people.desk.pk
    delete = reverse("admin:consultations_generaldesk_delete", args=[desk.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert GeneralDesk.objects.filter(pk=desk.pk).exists()
