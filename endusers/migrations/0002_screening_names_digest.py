from django.db import migrations, models


class Migration(migrations.Migration):
    """A report is screened again against the same version when its counterparty is amended:
    the screening mark holds what was screened (marks made before hold an empty digest, so
    their reports are screened once more by the sweep)."""

    dependencies = [
        ("endusers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="screeningrun",
            name="enduser_screened_once",
        ),
        migrations.AddField(
            model_name="screeningrun",
            name="names_digest",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="screeningrun",
            constraint=models.UniqueConstraint(
                fields=("version", "report", "names_digest"), name="enduser_screened_once"
            ),
        ),
    ]
