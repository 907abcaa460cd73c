"""Make the audit table append-only in the database itself, not just in the ORM."""

from django.db import migrations

from thiqa.audit import guard


def forwards(apps, schema_editor):
    guard.install(schema_editor.connection)


def backwards(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
