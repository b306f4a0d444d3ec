"""Template filters for the people and bodies named on pages."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person_name(user) -> str:
    """Who did something, as people read it: the person's name, or METI (経済産業省) for what
    the portal did by itself (the clock's lapse, a scheduled job): never a user name or
    "system"."""
    if user is None:
        return _("METI")
    return user.display_name
