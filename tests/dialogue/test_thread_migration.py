"""Messages, files and read markers written before threads existed are kept, on their report's
thread (dialogue migration 0004)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("dialogue", "0003_thread"), ("reports", "0007_report_thread")]
AFTER = [("dialogue", "0005_thread_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_dialogue_moves_onto_the_reports_thread():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organisation = old.get_model("portal", "Organisation")
    User = old.get_model("portal", "User")
    Report = old.get_model("reports", "Report")
    Message = old.get_model("dialogue", "Message")
    Attachment = old.get_model("dialogue", "Attachment")
    ThreadRead = old.get_model("dialogue", "ThreadRead")
    now = timezone.now()
    org = Organisation.objects.create(name_ja="移行株式会社", corporate_number="9999999999999")
    user = User.objects.create(username="before-threads", role="exporter", organisation=org)
    talked, silent = (
        Report.objects.create(organisation=org, created_by=user, status="under_dialogue"),
        Report.objects.create(organisation=org, created_by=user, status="submitted"),
    )
    first = Message.objects.create(
        report=talked, kind="question", body="質問", author=user, author_role="exporter"
    )
    Message.objects.create(
        report=talked, kind="answer", body="回答", author=user, author_role="exporter"
    )
    Attachment.objects.create(
        report=talked,
        message=first,
        file="attachments/x",
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=user,
    )
    ThreadRead.objects.create(user=user, report=talked, last_message_id=first.pk, last_read_at=now)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Report = new.get_model("reports", "Report")
    Message = new.get_model("dialogue", "Message")
    Attachment = new.get_model("dialogue", "Attachment")
    ThreadRead = new.get_model("dialogue", "ThreadRead")
    thread_id = Report.objects.get(pk=talked.pk).thread_id
    assert thread_id is not None
    assert Report.objects.get(pk=silent.pk).thread_id is None
    assert list(Message.objects.order_by("id").values_list("thread_id", "body")) == [
        (thread_id, "質問"),
        (thread_id, "回答"),
    ]
    assert list(Attachment.objects.values_list("thread_id", "message_id")) == [
        (thread_id, first.pk)
    ]
    assert list(ThreadRead.objects.values_list("thread_id", "last_message_id")) == [
        (thread_id, first.pk)
    ]

    # Back to the present for the rest of the suite.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
