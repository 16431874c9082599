from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``mapping|get:key``: a dict's value in a template."""
    return mapping.get(key) if mapping else None
