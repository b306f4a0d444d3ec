from django import template

from endusers import selectors

register = template.Library()


@register.inclusion_tag("endusers/_adjudications.html", takes_context=True)
def end_user_adjudications(context, report):
    """The report's End User List matches and their adjudications, for the supervisor deciding
    on an inform (nothing for anyone who may not see matches)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"matches": selectors.matches_of_report(user, report), "report": report}
