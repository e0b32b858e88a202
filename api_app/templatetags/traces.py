from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    """Tag names have dots (error.type), which Django's template lookups read as attributes."""
    return (mapping or {}).get(key, "")
