"""{% gbizid_signin_button next %}: the sign-in page's gBizID button, only when configured."""

from django import template

from ..client import is_configured

register = template.Library()


@register.inclusion_tag("gbizid/_signin_button.html")
def gbizid_signin_button(next_url: str = "") -> dict:
    return {"configured": is_configured(), "next": next_url}
