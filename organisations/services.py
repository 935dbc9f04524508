"""Writes to the organisation structure: municipalities, organisers, units, projects, roles.

Each ``<entity>_upsert`` finds the record by its natural key (a code; a unit and a name for a
group; a unit and a date for a closure day), creates it or changes only what differs, and tells
what it did (:class:`~organisations.importing.Change`), so that imports and the demo data can
run any number of times. Every write goes through ``full_clean()`` first.

The structure is not client data, so the upserts (imports, demo data) leave no access-log row
(DOMAIN.md §6 logs the processing of client data). Giving people their roles and taking them away
(``user_add_role``, ``user_remove_role``) is logged, and so is every edit an administrator makes
in the app (``structure_record_save``, ``closure_day_remove``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record

from .importing import (
    Change,
    ErrorList,
    ImportCounts,
    ImportFailed,
    RowError,
    RowReader,
    Table,
    parse_municipality_code,
    read_table,
    split_list,
)
from .models import (
    ClosureDay,
    EmploymentAuthority,
    Group,
    Municipality,
    Organiser,
    Project,
    Role,
    RoleAssignment,
    Unit,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

M = TypeVar("M", bound=models.Model)


def _differs(obj: models.Model, name: str, value: object) -> bool:
    if isinstance(value, models.Model):
        # Compare the key, not the related object, so that no query is made.
        return getattr(obj, obj._meta.get_field(name).attname) != value.pk
    return getattr(obj, name) != value


def _upsert(model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, Change]:
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, Change.CREATED
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if not changed:
        return obj, Change.UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    return obj, Change.UPDATED


def municipality_upsert(*, code: str, name: str) -> tuple[Municipality, Change]:
    return _upsert(Municipality, lookup={"code": code}, values={"name": name})


def organiser_upsert(*, code: str, name: str) -> tuple[Organiser, Change]:
    return _upsert(Organiser, lookup={"code": code}, values={"name": name})


def employment_authority_upsert(*, code: str, name: str) -> tuple[EmploymentAuthority, Change]:
    return _upsert(EmploymentAuthority, lookup={"code": code}, values={"name": name})


def unit_upsert(
    *, code: str, name: str, organiser: Organiser, municipality: Municipality
) -> tuple[Unit, Change]:
    return _upsert(
        Unit,
        lookup={"code": code},
        values={"name": name, "organiser": organiser, "municipality": municipality},
    )


@transaction.atomic
def project_upsert(
    *,
    code: str,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    units: Iterable[Unit],
    funder: str | None = None,
) -> tuple[Project, Change]:
    """Create or update a project; its units become exactly ``units``.

    ``funder=None`` leaves an existing project's funder as it is (the import has no such column).
    """
    values: dict[str, Any] = {"name": name, "start_date": start_date, "end_date": end_date}
    if funder is not None:
        values["funder"] = funder
    project, change = _upsert(Project, lookup={"code": code}, values=values)
    unit_ids = {unit.pk for unit in units}
    if change is Change.CREATED:
        project.units.set(unit_ids)
    elif set(project.units.values_list("pk", flat=True)) != unit_ids:
        project.units.set(unit_ids)
        change = Change.UPDATED
    return project, change


def group_upsert(
    *, unit: Unit, name: str, description: str = "", is_active: bool = True
) -> tuple[Group, Change]:
    return _upsert(
        Group,
        lookup={"unit": unit, "name": name},
        values={"description": description, "is_active": is_active},
    )


def closure_day_upsert(
    *, unit: Unit, date: datetime.date, reason: str = ""
) -> tuple[ClosureDay, Change]:
    return _upsert(ClosureDay, lookup={"unit": unit, "date": date}, values={"reason": reason})


def role_assignment_grant(
    *,
    user: User,
    role: Role | str,
    unit: Unit | None = None,
    organiser: Organiser | None = None,
    project: Project | None = None,
    municipality: Municipality | None = None,
) -> tuple[RoleAssignment, Change]:
    """Give ``user`` the role in one place; UNCHANGED when they already hold it.

    The place must match the role (a unit for a counsellor or a unit manager, a project or an
    organiser for a project manager, a municipality for a municipal official, none for an
    administrator); ``full_clean`` refuses anything else with a ValidationError.
    """
    return _upsert(
        RoleAssignment,
        lookup={
            "user": user,
            "role": str(role),
            "unit": unit,
            "organiser": organiser,
            "project": project,
            "municipality": municipality,
        },
        values={},
    )


# --- people and roles (interfaces.md §6) ----------------------------------------------------

RoleScope = Unit | Project | Organiser | Municipality

# The kinds of place each role is held in (RoleAssignment's check constraint).
ROLE_SCOPES: dict[str, tuple[type[RoleScope], ...]] = {
    Role.COUNSELLOR: (Unit,),
    Role.UNIT_MANAGER: (Unit,),
    Role.PROJECT_MANAGER: (Project, Organiser),
    Role.MUNICIPAL_OFFICIAL: (Municipality,),
    Role.ADMINISTRATOR: (),
}


@dataclass(frozen=True)
class RoleAdded:
    """What ``user_add_role`` did: nothing at all when the user already had it all."""

    user: User
    assignment: RoleAssignment
    user_created: bool
    role_added: bool
    details_changed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.user_created or self.role_added or bool(self.details_changed)


def role_scope_label(scope: RoleScope | None) -> str:
    """``unit LAHTI``, ``project KYVYT``, ``municipality 398``; empty for no scope."""
    return f"{scope._meta.model_name} {scope.code}" if scope is not None else ""


def _check_role_scope(role: str, scope: RoleScope | None) -> None:
    if role not in ROLE_SCOPES:
        raise ValidationError(
            {"role": _("Unknown role “%(role)s”.") % {"role": role}}, code="invalid_role"
        )
    kinds = ROLE_SCOPES[role]
    if not kinds and scope is not None:
        raise ValidationError(
            {"scope": _("An administrator's role has no scope; leave the scope out.")},
            code="scope_not_allowed",
        )
    if kinds and not isinstance(scope, kinds):
        names = " / ".join(str(kind._meta.verbose_name) for kind in kinds)
        raise ValidationError(
            {
                "scope": _("The role %(role)s needs a scope: %(kinds)s.")
                % {"role": Role(role).label, "kinds": names}
            },
            code="scope_required",
        )


def _user_find_or_create(
    *, username: str, details: dict[str, str], password: str | None
) -> tuple[User, bool, tuple[str, ...]]:
    """The user (created when missing) and the names of the details that changed."""
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=username).first()
    if user is None:
        user = user_model(username=username, **details)
        if password is None:
            user.set_unusable_password()
        else:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
            user.set_password(password)
        user.full_clean()
        user.save()
        return user, True, ()
    changed = tuple(name for name, value in details.items() if getattr(user, name) != value)
    if changed:
        for name in changed:
            setattr(user, name, details[name])
        user.full_clean()
        user.save(update_fields=list(changed))
    return user, False, changed


@transaction.atomic
def user_add_role(
    *,
    username: str,
    role: Role | str,
    scope: RoleScope | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    actor: User | None = None,
    actor_name: str = "",
    request: HttpRequest | None = None,
) -> RoleAdded:
    """Give ``username`` the role in ``scope``, creating the user when missing (interfaces.md §6).

    ``scope`` is a unit for a counsellor or a unit manager, a project (or an organiser) for a
    project manager, a municipality for a municipal official and None for an administrator.
    Names and email given (not None) are set on the user when they differ. ``password`` is set
    on a new user only (after the password validators); without it a new user has no usable
    password and signs in after a password reset. An existing user's password is never changed
    here. The same call twice changes nothing the second time and writes no log row; any change
    writes one access-log row about the user (create or change), by ``actor`` or, without a
    signed-in user, by ``actor_name`` (the command's name). Bad input raises ValidationError.
    """
    role = str(role)
    _check_role_scope(role, scope)
    details = {
        name: value
        for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email))
        if value is not None
    }
    user, user_created, details_changed = _user_find_or_create(
        username=username, details=details, password=password
    )
    place = {scope._meta.model_name: scope} if scope is not None else {}
    assignment, change = role_assignment_grant(user=user, role=role, **place)
    result = RoleAdded(
        user=user,
        assignment=assignment,
        user_created=user_created,
        role_added=change is Change.CREATED,
        details_changed=details_changed,
    )
    if result.changed:
        access_log_record(
            action=Action.CREATE if user_created else Action.CHANGE,
            request=request,
            user=actor,
            username=actor_name,
            obj=user,
            detail=_role_added_detail(result, role, scope),
        )
    return result


def _role_added_detail(result: RoleAdded, role: str, scope: RoleScope | None) -> str:
    """For the access log, in English like its other details: what changed."""
    parts = []
    if result.user_created:
        parts.append("user created")
    if result.details_changed:
        parts.append(f"{', '.join(result.details_changed)} changed")
    if result.role_added:
        where = f" for scope {role_scope_label(scope)}" if scope is not None else ""
        parts.append(f"role {role}{where} given")
    return "; ".join(parts)


def role_assignment_scope(assignment: RoleAssignment) -> RoleScope | None:
    """The place the role is held in: a unit, a project, an organiser, a municipality, or none."""
    return assignment.unit or assignment.project or assignment.organiser or assignment.municipality


@transaction.atomic
def user_remove_role(
    *,
    assignment: RoleAssignment,
    actor: User | None = None,
    actor_name: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Take the role away from its user; one access-log row about the user says which role
    and where. The user and everything they recorded stay."""
    user = assignment.user
    role = assignment.role
    scope = role_assignment_scope(assignment)
    assignment.delete()
    where = f" for scope {role_scope_label(scope)}" if scope is not None else ""
    access_log_record(
        action=Action.CHANGE,
        request=request,
        user=actor,
        username=actor_name,
        obj=user,
        detail=f"role {role}{where} taken away",
    )


# --- the structure edited in the app ---------------------------------------------------------

StructureRecord = TypeVar("StructureRecord", Unit, Group, ClosureDay, Project)


def _structure_label(obj: models.Model) -> str:
    code = getattr(obj, "code", None)
    if code:
        return f"{obj._meta.model_name} {code}"
    if isinstance(obj, ClosureDay):
        return f"closure day {obj.date.isoformat()} of unit {obj.unit.code}"
    if isinstance(obj, Group):
        return f"group of unit {obj.unit.code}"
    return str(obj._meta.model_name)


@transaction.atomic
def structure_record_save(
    *,
    obj: StructureRecord,
    actor: User,
    request: HttpRequest | None = None,
    units: Iterable[Unit] | None = None,
) -> StructureRecord:
    """Save a unit, a group, a closure day or a project edited in the app (``units``: a
    project's units, which become exactly these), all or nothing, after ``full_clean()``;
    one access-log row names who created or changed what."""
    created = obj._state.adding
    obj.full_clean()
    obj.save()
    if units is not None and isinstance(obj, Project):
        obj.units.set(list(units))
    access_log_record(
        action=Action.CREATE if created else Action.CHANGE,
        request=request,
        user=actor,
        obj=obj,
        detail=f"{_structure_label(obj)} {'created' if created else 'changed'}",
    )
    return obj


@transaction.atomic
def closure_day_remove(
    *, closure_day: ClosureDay, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove a closure day: the unit is open that day again. Logged."""
    label = _structure_label(closure_day)
    unit = closure_day.unit
    closure_day.delete()
    access_log_record(
        action=Action.DELETE,
        request=request,
        user=actor,
        obj=unit,
        detail=f"{label} removed",
    )


# --- organisation import (interfaces.md §0) -------------------------------------------------

ORGANISATION_TYPES = ("municipality", "organiser", "employment_authority", "unit", "project")
ORGANISATION_COLUMNS = (
    "type",
    "code",
    "name",
    "parent",
    "municipality",
    "units",
    "start_date",
    "end_date",
)
_CODE_MAX_LENGTH = 40  # Organiser, EmploymentAuthority, Unit and Project codes
_NAME_MAX_LENGTH = {"municipality": 120}  # the others: 200
# Model fields whose column in the file has another name.
_FIELD_COLUMNS = {"organiser": "parent"}


@dataclass
class _StructureRow:
    number: int
    type: str
    code: str
    name: str
    parent: str = ""
    municipality: str = ""
    units: list[str] = field(default_factory=list)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


def organisation_structure_import(*, data: bytes | str | Path) -> ImportCounts:
    """Create or update the structure in a CSV file, all or nothing (interfaces.md §0).

    Every row is validated first, references included (a unit's organiser and municipality, a
    project's units: defined anywhere in the file or already in the database). Any error raises
    ImportFailed with all of them and nothing is saved. Records are matched by type and code; a
    record counts as updated only when one of its values really changes.
    """
    errors = ErrorList(columns=ORGANISATION_COLUMNS)
    table = read_table(
        data,
        columns=ORGANISATION_COLUMNS,
        required_columns=("type", "code", "name"),
        errors=errors,
    )
    rows = _read_structure_rows(table, errors)
    _check_references(rows, errors)
    errors.raise_if_any()
    with transaction.atomic():
        return _save_structure(rows)


def _read_structure_rows(table: Table, errors: ErrorList) -> list[_StructureRow]:
    """Each row's own values; the rows whose type and code are readable, for the next checks."""
    rows: list[_StructureRow] = []
    first_row_of: dict[tuple[str, str], int] = {}
    for row in table.rows:
        cells = RowReader(row, errors)
        kind = cells.choice("type", ORGANISATION_TYPES, required=True)
        if kind == "municipality":
            code = cells.value("code", parse_municipality_code, required=True) or ""
        else:
            code = cells.text("code", required=True, max_length=_CODE_MAX_LENGTH)
        name = cells.text("name", required=True, max_length=_NAME_MAX_LENGTH.get(kind or "", 200))
        item = _StructureRow(number=row.number, type=kind or "", code=code, name=name)

        if kind == "unit":
            item.parent = cells.text(
                "parent",
                required=_("A unit needs the code of its organiser here."),
                max_length=_CODE_MAX_LENGTH,
            )
            item.municipality = (
                cells.value(
                    "municipality",
                    parse_municipality_code,
                    required=_("A unit needs the three-digit code of its municipality here."),
                )
                or ""
            )
        elif kind:
            cells.must_be_empty("parent", _("Only a unit has an organiser here; leave it empty."))
            cells.must_be_empty(
                "municipality", _("Only a unit has a municipality here; leave it empty.")
            )

        if kind == "project":
            item.units = (
                cells.value(
                    "units",
                    split_list,
                    required=_("A project needs its unit codes, separated by |."),
                )
                or []
            )
            if not item.units and not cells.is_empty("units"):
                cells.error("units", _("No unit code here; separate the codes by |."))
            item.start_date = cells.date("start_date", required=True)
            item.end_date = cells.date("end_date", required=True)
            if item.start_date and item.end_date and item.end_date < item.start_date:
                cells.error("end_date", _("The project ends before it starts."))
        elif kind:
            for column in ("units", "start_date", "end_date"):
                cells.must_be_empty(column, _("Only a project has this value; leave it empty."))

        if not kind or not code:
            continue
        key = (kind, code)
        if key in first_row_of:
            cells.error(
                "code",
                _("Row %(row)d already has the %(type)s code “%(code)s”.")
                % {"row": first_row_of[key], "type": kind, "code": code},
            )
            continue
        first_row_of[key] = row.number
        rows.append(item)
    return rows


def _check_references(rows: list[_StructureRow], errors: ErrorList) -> None:
    """Each unit's organiser and municipality, each project's units: in the file or the db."""
    defined: dict[str, set[str]] = {kind: set() for kind in ORGANISATION_TYPES}
    for item in rows:
        defined[item.type].add(item.code)
    units = [item for item in rows if item.type == "unit"]
    projects = [item for item in rows if item.type == "project"]

    def known(model: type[models.Model], kind: str, codes: set[str]) -> set[str]:
        missing = codes - defined[kind]
        in_db = model._default_manager.filter(code__in=missing).values_list("code", flat=True)
        return defined[kind] | set(in_db)

    organisers = known(Organiser, "organiser", {item.parent for item in units if item.parent})
    municipalities = known(
        Municipality, "municipality", {item.municipality for item in units if item.municipality}
    )
    unit_codes = known(Unit, "unit", {code for item in projects for code in item.units})

    for item in units:
        if item.parent and item.parent not in organisers:
            errors.add(
                item.number,
                "parent",
                _(
                    "No organiser has the code “%(code)s”. Add an organiser row for it "
                    "or correct the code."
                )
                % {"code": item.parent},
            )
        if item.municipality and item.municipality not in municipalities:
            errors.add(
                item.number,
                "municipality",
                _(
                    "No municipality has the code %(code)s. Add a municipality row for it "
                    "or correct the code."
                )
                % {"code": item.municipality},
            )
    for item in projects:
        unknown = [code for code in item.units if code not in unit_codes]
        if unknown:
            errors.add(
                item.number,
                "units",
                _("No unit has the code %(codes)s. Add a unit row or correct the code.")
                % {"codes": ", ".join(f"“{code}”" for code in unknown)},
            )


def _save_row(
    item: _StructureRow, upsert: Callable[..., tuple[M, Change]], **values: Any
) -> tuple[M, Change]:
    """Run one upsert; a ValidationError the checks did not foresee still names its row."""
    try:
        return upsert(**values)
    except ValidationError as exc:
        messages = getattr(exc, "message_dict", None) or {NON_FIELD_ERRORS: exc.messages}
        errors = [
            RowError(
                row=item.number,
                column=_FIELD_COLUMNS.get(name, name if name in ORGANISATION_COLUMNS else ""),
                message=message,
            )
            for name, field_messages in messages.items()
            for message in field_messages
        ]
        raise ImportFailed(errors, columns=ORGANISATION_COLUMNS) from None


def _save_structure(rows: list[_StructureRow]) -> ImportCounts:
    counts = ImportCounts(ORGANISATION_TYPES)
    of_type: dict[str, list[_StructureRow]] = {kind: [] for kind in ORGANISATION_TYPES}
    for item in rows:
        of_type[item.type].append(item)

    # What the file refers to but does not define is already in the database (checked above).
    municipalities = {
        obj.code: obj
        for obj in Municipality.objects.filter(
            code__in={item.municipality for item in of_type["unit"]}
        )
    }
    organisers = {
        obj.code: obj
        for obj in Organiser.objects.filter(code__in={item.parent for item in of_type["unit"]})
    }
    units = {
        obj.code: obj
        for obj in Unit.objects.filter(
            code__in={code for item in of_type["project"] for code in item.units}
        )
    }

    for item in of_type["municipality"]:
        municipality, change = _save_row(item, municipality_upsert, code=item.code, name=item.name)
        municipalities[item.code] = municipality
        counts.add(item.type, change)
    for item in of_type["organiser"]:
        organiser, change = _save_row(item, organiser_upsert, code=item.code, name=item.name)
        organisers[item.code] = organiser
        counts.add(item.type, change)
    for item in of_type["employment_authority"]:
        _, change = _save_row(item, employment_authority_upsert, code=item.code, name=item.name)
        counts.add(item.type, change)
    for item in of_type["unit"]:
        unit, change = _save_row(
            item,
            unit_upsert,
            code=item.code,
            name=item.name,
            organiser=organisers[item.parent],
            municipality=municipalities[item.municipality],
        )
        units[item.code] = unit
        counts.add(item.type, change)
    for item in of_type["project"]:
        _, change = _save_row(
            item,
            project_upsert,
            code=item.code,
            name=item.name,
            start_date=item.start_date,
            end_date=item.end_date,
            units=[units[code] for code in item.units],
        )
        counts.add(item.type, change)
    return counts
