"""The seed workshop's six thoughts, loaded the same way on SQLite and PostgreSQL."""

from django.db import migrations

# Imported, not copied: the thinker answers these same six before the datastore step (STEP 1 to 3),
# and their ids there must be the ones this migration gives them.
from thoughts.seed import SEED_THOUGHTS


def add_seed_thoughts(apps, schema_editor):
    Thought = apps.get_model("thinker_app", "Thought")
    for quote, author, subject in SEED_THOUGHTS:
        Thought.objects.get_or_create(quote=quote, defaults={"author": author, "subject": subject})


def remove_seed_thoughts(apps, schema_editor):
    Thought = apps.get_model("thinker_app", "Thought")
    Thought.objects.filter(quote__in=[quote for quote, _, _ in SEED_THOUGHTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("thinker_app", "0001_initial")]

    operations = [migrations.RunPython(add_seed_thoughts, remove_seed_thoughts)]
