from thoughts.models import Thought


def thought_get(*, subject: str) -> Thought | None:
    """The first thought (lowest id) on `subject`, or None."""
    return Thought.objects.filter(subject=subject).order_by("id").first()
