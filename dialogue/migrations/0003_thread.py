import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0002_message_report_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="Thread",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name": "thread", "verbose_name_plural": "threads"},
        ),
        migrations.AddField(
            model_name="message",
            name="thread",
            field=models.ForeignKey(
                null=True, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                related_name="messages", to="dialogue.thread",
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="thread",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments", to="dialogue.thread",
            ),
        ),
        migrations.AddField(
            model_name="threadread",
            name="thread",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="reads", to="dialogue.thread",
            ),
        ),
    ]
