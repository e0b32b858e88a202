from django.db import models

from core.contract import SUBJECT_MAX_LENGTH

# Longer than the seed's 128-character column: its own Einstein quote is 196 characters.
QUOTE_MAX_LENGTH, AUTHOR_MAX_LENGTH = 1000, 100


class Thought(models.Model):
    quote = models.CharField(max_length=QUOTE_MAX_LENGTH, unique=True)
    author = models.CharField(max_length=AUTHOR_MAX_LENGTH)
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.author}"
