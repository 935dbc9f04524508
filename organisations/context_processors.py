from django.http import HttpRequest

from .access import get_access
from .models import Role


def roles(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's roles, for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = get_access(user)
    labels = dict(Role.choices)
    ordered = [labels[r] for r in Role.values if r in access.roles]
    return {"kuty_access": access, "kuty_role_labels": ordered}
