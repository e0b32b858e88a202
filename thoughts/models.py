from django.db import models

from core.contract import SUBJECT_MAX_LENGTH


class Thought(models.Model):
    # Longer than the seed's 128-character column: its own Einstein quote is 196 characters.
    quote = models.CharField(max_length=1000, unique=True)
    author = models.CharField(max_length=100)
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.author}"
