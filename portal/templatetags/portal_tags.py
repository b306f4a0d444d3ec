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


@register.filter
def legal_basis_shown(text: str) -> str:
    """An inform's legal basis in the reader's language: INFORM_LEGAL_BASIS_EN for the current
    wording in English; any other wording (an earlier one) as it was issued."""
    from django.conf import settings
    from django.utils.translation import get_language

    english = getattr(settings, "INFORM_LEGAL_BASIS_EN", "")
    if get_language() == "en" and english and text == settings.INFORM_LEGAL_BASIS:
        return english
    return text
