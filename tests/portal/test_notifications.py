import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Notification
from portal.services import notify
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_notification_is_stored_and_emailed_after_commit():
    user = factories.ExporterFactory()
    with transaction.atomic():
        notify(recipients=[user], verb="test", title=_("Sign in"), body="本文", url="/x/")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "ログイン" in message.subject and "Sign in" in message.subject
    n = Notification.objects.get(recipient=user)
    assert n.title_ja == "ログイン" and n.title_en == "Sign in" and n.emailed_at is not None


def test_rolled_back_action_notifies_no_one():
    user = factories.ExporterFactory()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notify(recipients=[user], verb="test", title="t", body="b")
        raise Boom
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=user).exists()


def test_bell_shows_unread_count_and_reading_clears_it(client):
    user = factories.ExporterFactory()
    notify(recipients=[user], verb="test", title="一件目", url="/")
    notify(recipients=[user], verb="test", title="二件目", url="/")
    client.force_login(user)
    page = client.get(reverse("notifications")).content.decode()
    assert 'data-testid="unread-count">2<' in page
    client.post(reverse("notifications_read"))
    page = client.get(reverse("notifications")).content.decode()
    assert 'data-testid="unread-count"' not in page


def test_user_sees_only_their_notifications(client):
    a, b = factories.ExporterFactory(), factories.ExporterFactory()
    notify(recipients=[a], verb="test", title="for-a-only")
    client.force_login(b)
    assert "for-a-only" not in client.get(reverse("notifications")).content.decode()


def test_failed_mail_is_released_for_a_retry(settings):
    settings.EMAIL_BACKEND = "tests.portal.failing_mail.Backend"
    from portal.tasks import send_notification_email

    user = factories.ExporterFactory()
    n = Notification.objects.create(recipient=user, verb="test", title_ja="t", title_en="t")
    with pytest.raises(OSError):
        send_notification_email(str(n.pk))
    n.refresh_from_db()
    assert n.emailed_at is None  # not marked sent: the retry will send it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_email(str(n.pk)) is True
    assert send_notification_email(str(n.pk)) is False  # and only once
    assert len(mail.outbox) == 1
