from django import template

from portal.text import list_separator
from reports import clock
from reports.models import TRANSITION_LABELS, ProvisionMethod, Status

register = template.Library()


@register.filter
def last_day(due_at):
    """The last day (JST) of a decision period ending at `due_at`, e.g. 2025-04-02."""
    return clock.last_day_of(due_at) if due_at else None


@register.filter
def status_label(code: str) -> str:
    return Status(code).label if code in Status.values else code


@register.filter
def transition_label(name: str) -> str:
    return str(TRANSITION_LABELS.get(name, name))


@register.filter
def provision_labels(codes) -> str:
    labels = [str(ProvisionMethod(c).label) for c in codes if c in ProvisionMethod.values]
    return list_separator().join(labels)


@register.filter
def rule_label(code: str) -> str:
    """A screening rule in words (its code stays in the data and the API)."""
    from catalog.rules import RuleCode

    return str(RuleCode(code).label) if code in RuleCode.values else code
