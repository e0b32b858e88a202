"""The seed workshop's six thoughts, loaded the same way on SQLite and PostgreSQL."""
from django.db import migrations

SEED_THOUGHTS = [
    (
        "My religion consists of a humble admiration of the illimitable superior spirit who reveals "
        "himself in the slight details we are able to perceive with our frail and feeble mind.",
        "Albert Einstein",
        "religion",
    ),
    (
        "For a successful technology, reality must take precedence over public relations, "
        "for Nature cannot be fooled.",
        "Richard Feynman",
        "technology",
    ),
    (
        "One is left with the horrible feeling now that war settles nothing; "
        "that to win a war is as disastrous as to lose one.",
        "Agatha Christie",
        "war",
    ),
    ("Life grants nothing to us mortals without hard work.", "Horace", "work"),
    ("Ah, music. A magic beyond all we do here!", "J. K. Rowling", "music"),
    ("I think that God in creating Man somewhat overestimated his ability.", "Oscar Wilde", "mankind"),
]


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
