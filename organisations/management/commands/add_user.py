"""``python manage.py add_user USERNAME --role ROLE [--scope CODE] [options]`` (interfaces.md §6).

The same service as the in-app user management (``organisations.services.user_add_role``).
Exit status 0 when the user has the role (given now or already), 1 for a scope code that
names nothing, 2 for bad options: a missing or unneeded scope for the role, an unknown role,
a bad email address, a missing password variable, a password the validators refuse.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from organisations.models import Municipality, Project, Role, Unit, municipality_code_validator
from organisations.services import ROLE_SCOPES, RoleScope, user_add_role

UNKNOWN_SCOPE = 1
BAD_OPTIONS = 2
COMMAND_NAME = "add_user"  # who acted, in the access log: nobody is signed in

# The kind of place --scope names for each role.
SCOPE_MODELS: dict[str, type[Unit | Project | Municipality]] = {
    Role.COUNSELLOR: Unit,
    Role.UNIT_MANAGER: Unit,
    Role.PROJECT_MANAGER: Project,
    Role.MUNICIPAL_OFFICIAL: Municipality,
}
# How the service's fields are called on the command line, for the error messages.
OPTION_NAMES = {
    "username": "USERNAME",
    "role": "--role",
    "scope": "--scope",
    "first_name": "--first-name",
    "last_name": "--last-name",
    "email": "--email",
    "password": "--password-from-env",
}


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_OPTIONS)


class Command(BaseCommand):
    help = _(
        "Create a user when missing and give them a role: a unit's code for a counsellor or a "
        "unit manager, a project's code for a project manager, a three-digit municipality code "
        "for a municipal official, no scope for an administrator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME")
        # Checked in handle(), not by argparse, so that a bad role exits with 2 however the
        # command is called.
        parser.add_argument("--role", metavar="|".join(Role.values), help=_("The role to give."))
        parser.add_argument("--scope", metavar="CODE", help=_("Where the role is held."))
        parser.add_argument("--first-name", dest="first_name", metavar="TEXT")
        parser.add_argument("--last-name", dest="last_name", metavar="TEXT")
        parser.add_argument("--email", metavar="ADDRESS")
        parser.add_argument(
            "--password-from-env",
            dest="password_env",
            metavar="VAR",
            help=_(
                "Read a new user's password from this environment variable. Without it a new "
                "user signs in after a password reset."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"] or ""
        scope = self._find_scope(role, options["scope"])
        password = self._password(options["password_env"])
        try:
            result = user_add_role(
                username=options["username"],
                role=role,
                scope=scope,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                password=password,
                actor_name=COMMAND_NAME,
            )
        except ValidationError as error:
            raise _bad(_validation_text(error)) from None

        username = result.user.get_username()
        what = _role_text(role, scope)
        if result.user_created:
            self.stdout.write(_("Created the user %(user)s.") % {"user": username})
        if result.details_changed:
            fields = ", ".join(OPTION_NAMES[name] for name in result.details_changed)
            self.stdout.write(
                _("Changed %(fields)s of %(user)s.") % {"fields": fields, "user": username}
            )
        if password is not None and not result.user_created:
            self.stderr.write(
                _("%(user)s already exists: their password was not changed (use changepassword).")
                % {"user": username}
            )
        if result.role_added:
            self.stdout.write(_("Gave %(user)s %(what)s.") % {"user": username, "what": what})
        if not result.changed:
            self.stdout.write(
                _("Nothing changed: %(user)s already has %(what)s.")
                % {"user": username, "what": what}
            )

    def _find_scope(self, role: str, code: str | None) -> RoleScope | None:
        if role not in ROLE_SCOPES:
            raise _bad(
                _("Give the role with --role: one of %(roles)s.")
                % {"roles": ", ".join(Role.values)}
            )
        model = SCOPE_MODELS.get(role)
        if model is None:
            if code is not None:
                raise _bad(_("An administrator's role has no scope; leave --scope out."))
            return None
        if not code:
            raise _bad(
                _("The role %(role)s needs --scope: the code of a %(kind)s.")
                % {"role": role, "kind": model._meta.verbose_name}
            )
        if model is Municipality:
            try:
                municipality_code_validator(code)
            except ValidationError as error:
                raise _bad(f"--scope: {' '.join(error.messages)}") from None
        scope = model._default_manager.filter(code=code).first()
        if scope is None:
            raise CommandError(
                _("No %(kind)s has the code “%(code)s”.")
                % {"kind": model._meta.verbose_name, "code": code},
                returncode=UNKNOWN_SCOPE,
            )
        return scope

    def _password(self, variable: str | None) -> str | None:
        if variable is None:
            return None
        password = os.environ.get(variable, "")
        if not password:
            raise _bad(
                _("--password-from-env: the environment variable %(var)s is not set or empty.")
                % {"var": variable}
            )
        return password


def _role_text(role: str, scope: RoleScope | None) -> str:
    if scope is None:
        return _("the role %(role)s") % {"role": role}
    place = f"{scope._meta.verbose_name} {scope.code}"
    return _("the role %(role)s in %(scope)s") % {"role": role, "scope": place}


def _validation_text(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "\n".join(
        f"{OPTION_NAMES.get(field, field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )
