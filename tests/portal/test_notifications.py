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
    assert n.email_state == "sent"


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


def test_failed_mail_waits_for_its_next_attempt_and_is_sent_once(settings):
    import datetime

    import time_machine
    from django.utils import timezone

    from portal.tasks import deliver_pending_emails, send_notification_email

    settings.EMAIL_BACKEND = "tests.portal.failing_mail.Backend"
    user = factories.ExporterFactory()
    with transaction.atomic():
        (n,) = notify(recipients=[user], verb="test", title="t", body="b")
    n.refresh_from_db()
    assert (n.email_state, n.email_attempts, n.emailed_at) == ("pending", 1, None)
    assert "mail server unreachable" in n.email_last_error
    assert n.email_next_attempt_at > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_email(str(n.pk)) is False  # backing off: not yet
    later = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        assert deliver_pending_emails() == 1
        assert deliver_pending_emails() == 0  # delivered: nothing left to queue
        assert send_notification_email(str(n.pk)) is False  # and only once
    n.refresh_from_db()
    assert n.email_state == "sent" and n.emailed_at is not None
    assert len(mail.outbox) == 1


def test_mail_that_keeps_failing_is_given_up_and_named(settings):
    import datetime

    import time_machine
    from django.utils import timezone

    from portal.tasks import deliver_pending_emails

    settings.EMAIL_BACKEND = "tests.portal.failing_mail.Backend"
    settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 3
    user = factories.ExporterFactory()
    with transaction.atomic():
        (n,) = notify(recipients=[user], verb="test", title="t", body="b")
    for hours in (1, 2):
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=False):
            deliver_pending_emails()
    n.refresh_from_db()
    assert (n.email_state, n.email_attempts) == ("failed", 3)


def test_recipient_without_address_is_skipped():
    user = factories.ExporterFactory(email="")
    with transaction.atomic():
        (n,) = notify(recipients=[user], verb="test", title="t", body="b")
    n.refresh_from_db()
    assert n.email_state == "skipped" and mail.outbox == []
