from . import roles


def portal(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        "is_exporter": roles.is_exporter(user),
        "is_meti_staff": roles.is_meti_staff(user),
        "is_supervisor": roles.is_supervisor(user),
        "is_administrator": roles.is_administrator(user),
    }
