"""Demo guidance: group memberships, exits and follow-ups, attendance and sessions.

Called by ``python manage.py demo_data`` after the plan step, for the last three months up to
yesterday:

- clients whose period runs in that time join one or two of their unit's groups
  (``group_membership_add``);
- the ended periods get their exit, reason and destination (``period_end``, which accepts an
  exit date in the past) and the 3- and 6-month follow-ups that are recorded
  (``period_follow_up_record``);
- attendance on every scheduled day, saved a unit's month at a time as the month sheet saves it
  (``attendance_records_write``: one insert for the month, an access-log row per client):
  mostly present, some sickness, a few other absences, public holidays and closure days
  ``not_organised``. A few runs are planted in the last 30 days so that warnings show;
- group sessions on the groups' own weekdays with the roster (who took part follows the day's
  attendance) and a few private notes (``group_session_create``);
- individual sessions at the office, by phone and at home (``individual_session_create``).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from activation_plans.demo import ACTIVE, ENDING, REVIEW, DemoPeriod, DemoPlans
from activation_plans.models import ClientGoal
from clients.demo import DemoClients
from clients.models import Client, ExitReason, PeriodStatus
from organisations.demo import DemoOrganisations, DemoUsers
from organisations.models import ClosureDay, Group

from .attendance_services import (
    RecordChange,
    attendance_month_lock,
    attendance_records_write,
    default_hours,
)
from .calendar import finnish_holidays, scheduled_days
from .models import AttendanceRecord, AttendanceStatus, GroupMembership, SessionKind
from .session_services import (
    RosterLine,
    group_membership_add,
    group_session_create,
    individual_session_create,
)
from .transition_services import period_end, period_follow_up_record

_S = AttendanceStatus

# The weekdays each group meets on (ISO digits), in the order of the unit's groups.
_GROUP_DAYS = {
    "forssa": ("24", "1"),
    "lahti": ("13", "2"),
    "porvoo": ("14", "3"),
    "salo": ("2", "14"),
}
_GROUP_TOPICS = {
    "Matalan kynnyksen ryhmä": (
        "Kuulumiskierros ja yhteinen lounas",
        "Arjen taidot: ruokaostokset budjetilla",
        "Ulkoilu ja kävelylenkki",
        "Leivontapäivä",
        "Kahvihetki ja lautapelit",
        "Tietoisku: Kelan sähköinen asiointi",
    ),
    "Puutyöryhmä": (
        "Tuolin kunnostus: hionta ja liimaus",
        "Linnunpönttöjen valmistus",
        "Tilaustyö: kirjahylly",
        "Työturvallisuus ja koneiden käyttö",
        "Pintakäsittely ja lakkaus",
    ),
    "Keittiöryhmä": (
        "Lounaan valmistus: kasviskeitto",
        "Hygieniapassin harjoituskysymykset",
        "Salityöt ja asiakaspalvelu",
        "Leivonta: pullat kahvilaan",
        "Keittiön siivous ja omavalvonta",
    ),
    "Tekstiiliryhmä": (
        "Farkkujen lyhennys ja paikkaus",
        "Kierrätyskankaista kasseja",
        "Ompelukoneen käytön perusteet",
        "Myyjäistuotteiden valmistus",
    ),
    "Kädentaitoryhmä": (
        "Joulukorttien teko",
        "Kynttilöiden valaminen",
        "Huovutus",
        "Myyjäisten valmistelu",
    ),
    "Kiinteistöhuoltoryhmä": (
        "Lehtien haravointi",
        "Pihakalusteiden talvisäilytys",
        "Roskakatosten siivous",
        "Työturvallisuus: suojavarusteet",
    ),
}
_ROSTER_NOTES = (
    "Osallistui aktiivisesti ja auttoi uutta ryhmäläistä.",
    "Lähti kesken päänsäryn vuoksi.",
    "Kertoi hakeneensa työkokeiluun, tarvitsee tukea hakemukseen.",
    "Väsynyt, kertoi nukkuneensa huonosti.",
    "Toi leivonnaisia koko ryhmälle.",
)
_SESSIONS = {
    SessionKind.OFFICE: (
        (
            "Kuulumiset ja tavoitteiden läpikäynti",
            "Käytiin läpi viikkojen sujuminen; läsnäolo on ollut hyvää. Seuraava tapaaminen "
            "kahden viikon päästä.",
        ),
        (
            "Työkokeilupaikan etsiminen",
            "Kartoitettiin kolme mahdollista paikkaa; asiakas ottaa yhteyttä kahteen.",
        ),
        ("Kelan lomakkeet", "Täytettiin yhdessä asumistukihakemus ja liitteet."),
        ("Ansioluettelon päivittäminen", "Päivitettiin CV ja tehtiin työhakemuksen pohja."),
        (
            "Koulutusvaihtoehdot",
            "Tutustuttiin yhteishakuun ja aikuiskoulutukseen; kiinnostus logistiikka-alaan.",
        ),
        ("Velkaneuvontaan ohjaus", "Varattiin aika talous- ja velkaneuvontaan."),
        (
            "Poissaolot",
            "Keskusteltiin poissaoloista. Sairauspoissaoloon tarvitaan todistus 4. päivästä.",
        ),
    ),
    SessionKind.PHONE: (
        (
            "Puhelu: poissaolon syy",
            "Asiakas ilmoitti olevansa kipeänä; ohjattu hakemaan todistus tarvittaessa.",
        ),
        ("Puhelu: muistutus", "Muistutettu huomisesta ajasta terveysasemalla."),
        ("Puhelu: kuulumiset", "Asiakas voi paremmin ja palaa toimintaan maanantaina."),
    ),
    SessionKind.HOME_VISIT: (
        (
            "Kotikäynti: arjen sujuminen",
            "Jääkaapissa vähän ruokaa; sovittiin kaupassakäynnistä yhdessä ensi viikolla.",
        ),
        (
            "Kotikäynti: asumisen tilanne",
            "Vuokrarästejä; otettiin yhteyttä isännöitsijään maksusuunnitelmasta.",
        ),
        (
            "Kotikäynti",
            "Asiakas ei ollut tullut toimintaan viikkoon. Keskusteltiin jaksamisesta ja "
            "varattiin aika terveysasemalle.",
        ),
    ),
}
_FIRST_MEETING = (
    ("Alkuhaastattelu", "Tutustuminen yksikköön ja toimintaan; sovittiin suunnitelman teosta."),
    (
        "Aktivointisuunnitelman valmistelu",
        "Käytiin läpi tilanne, toiveet ja aiemmat palvelut; suunnitelmaluonnos tehty.",
    ),
)


@dataclass(frozen=True)
class DemoGuidance:
    memberships: int
    exits: int
    follow_ups: int
    attendance_records: int
    group_sessions: int
    individual_sessions: int


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Attendance:
    """Statuses for a period's scheduled days: mostly present, absences in short runs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def statuses(
        self,
        planned: list[datetime.date],
        *,
        parent: bool,
        trustee: bool,
    ) -> dict[datetime.date, str]:
        rng = self.rng
        found: dict[datetime.date, str] = {}
        i = 0
        while i < len(planned):
            roll = rng.random()
            status, length = _S.PRESENT, 1
            if roll < 0.034:
                status, length = _S.SICK, rng.randint(1, 3)
            elif roll < 0.043:
                status, length = _S.SICK_CERTIFIED, rng.randint(3, 7)
            elif roll < 0.051:
                status = _S.JOB_INTERVIEW
            elif roll < 0.056:
                status = _S.UNJUSTIFIED
            elif parent and roll < 0.074:
                status, length = _S.CHILD_SICK, rng.randint(1, 2)
            elif trustee and roll < 0.1:
                status = _S.OFFICE_OF_TRUST
            for day in planned[i : i + length]:
                found[day] = status
            i += length
            if status != _S.PRESENT and i < len(planned):
                found[planned[i]] = _S.PRESENT  # a run ends with a day back at the unit
                i += 1
        return found


def _plant(
    statuses: dict[datetime.date, str],
    planned: list[datetime.date],
    since: datetime.date,
    status: str,
    length: int,
) -> None:
    """A run of ``length`` planned days of ``status`` from the second planned day on or after
    ``since``, with the days around it present, so that exactly that warning shows."""
    recent = [day for day in planned if day >= since]
    if len(recent) < length + 2:
        return
    first = len(planned) - len(recent) + 1
    for day in planned[first : first + length]:
        statuses[day] = status
    statuses[planned[first - 1]] = _S.PRESENT
    statuses[planned[first + length]] = _S.PRESENT


# Warnings planted in each unit within the last 30 days: (status, days in a row).
_PLANTED = {
    "lahti": (_S.SICK, 4),
    "forssa": (_S.UNJUSTIFIED, 1),
    "porvoo": (_S.CHILD_SICK, 5),
    "salo": (_S.UNJUSTIFIED, 2),
}


def _live_in(item: DemoPeriod, first: datetime.date, last: datetime.date) -> bool:
    period = item.plan.period
    return (
        period.status != PeriodStatus.DRAFT and period.start_date <= last and item.last_day >= first
    )


class _Guidance:
    def __init__(
        self,
        *,
        organisations: DemoOrganisations,
        users: DemoUsers,
        clients: DemoClients,
        plans: DemoPlans,
        rng: random.Random,
        today: datetime.date,
    ) -> None:
        self.organisations = organisations
        self.users = users
        self.clients = clients
        self.counsellors = clients.counsellors
        self.plans = plans
        self.rng = rng
        self.today = today
        self.first = today - relativedelta(months=3)
        self.last = today - datetime.timedelta(days=1)
        self.holidays = set(finnish_holidays(self.first, self.last))
        self.closures: dict[int, set[datetime.date]] = defaultdict(set)
        for unit_id, day in ClosureDay.objects.filter(
            unit__in=organisations.units.values(), date__range=(self.first, self.last)
        ).values_list("unit_id", "date"):
            self.closures[unit_id].add(day)
        self.live = [item for item in plans.periods if _live_in(item, self.first, self.last)]
        # What each client did on each day, for group rosters and office meetings.
        self.days: dict[tuple[int, datetime.date], str] = {}

    def organised(self, unit_id: int, day: datetime.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays and day not in self.closures[unit_id]

    # --- memberships and exits --------------------------------------------------------------

    def memberships(self) -> int:
        count = 0
        for item in self.live:
            period = item.plan.period
            groups = self.organisations.groups[item.unit_key]
            meets = _GROUP_DAYS[item.unit_key]
            shared = [len(set(days) & set(period.weekdays)) for days in meets]
            order = sorted(range(len(groups)), key=lambda i: (-shared[i], self.rng.random()))
            chosen = [groups[order[0]]]
            if len(order) > 1 and shared[order[1]] and self.rng.random() < 0.25:
                chosen.append(groups[order[1]])
            latest = min(self.last, item.last_day)
            start = min(period.start_date + datetime.timedelta(self.rng.randint(0, 10)), latest)
            for group in chosen:
                group_membership_add(
                    user=item.counsellor, group=group, client=item.client, start_date=start
                )
                count += 1
        return count

    def exits(self) -> tuple[int, int]:
        exits = follow_ups = 0
        for item in self.plans.periods:
            planned = item.exit
            if planned is None or planned.date is None:
                continue
            period = period_end(
                user=item.counsellor,
                period=item.plan.period,
                exit_date=planned.date,
                exit_reason=planned.reason,
                destination=planned.destination,
                follow_up_consent=planned.consent,
                today=self.today,
            )
            exits += 1
            for months, destination in ((3, planned.destination_3m), (6, planned.destination_6m)):
                if destination:
                    period_follow_up_record(
                        user=item.counsellor,
                        period=period,
                        months=months,
                        destination=destination,
                        today=self.today,
                    )
                    follow_ups += 1
        return exits, follow_ups

    # --- attendance -------------------------------------------------------------------------

    def attendance(self) -> int:
        generator = _Attendance(self.rng)
        planted = set()
        recent = self.today - datetime.timedelta(days=29)
        trustee = next(item for item in self.live if item.story == ACTIVE)
        changes: dict[tuple[str, datetime.date], list[RecordChange]] = defaultdict(list)
        for item in self.live:
            period = item.plan.period
            scheduled = scheduled_days(period, self.first, self.last)
            planned = [day for day in scheduled if self.organised(period.unit_id, day)]
            statuses = generator.statuses(
                planned, parent=self.rng.random() < 0.2, trustee=item is trustee
            )
            if item.exit is not None and item.exit.reason == ExitReason.INTERRUPTED_BY_ORGANISER:
                for day in planned[-3:]:
                    statuses[day] = _S.UNJUSTIFIED  # why the organiser interrupted the period
            if (
                item.unit_key not in planted
                and item.story in (ACTIVE, REVIEW)
                and period.start_date <= recent - datetime.timedelta(days=7)
            ):
                status, length = _PLANTED[item.unit_key]
                _plant(statuses, planned, recent, status, length)
                planted.add(item.unit_key)
            for day in scheduled:
                status = statuses.get(day, _S.NOT_ORGANISED)
                self.days[(item.client.pk, day)] = status
                changes[(item.unit_key, day.replace(day=1))].append(
                    RecordChange(
                        period=period,
                        day=day,
                        old=None,
                        status=status,
                        hours=default_hours(period, status),
                    )
                )
        # As the month sheet saves: a unit's month at a time, by the unit's counsellor.
        for (key, month), month_changes in sorted(changes.items()):
            attendance_records_write(
                changes=month_changes,
                actor=self.counsellors[key],
                log_detail=f"attendance {month:%Y-%m}",
            )
        return sum(len(c) for c in changes.values())

    # --- rules at work ----------------------------------------------------------------------

    def rules_at_work(self) -> None:
        """So that a new user sees what each rule does: a week over the person's limit (a client
        who came on an extra day), and last month locked in Lahti with a late correction (a
        certificate that arrived after the lock). The sickness runs are planted above; small,
        hidden counts show on every official's page."""
        self._week_over_the_limit()
        self._late_correction()

    def _week_over_the_limit(self) -> None:
        monday = self.today - datetime.timedelta(days=self.today.weekday() + 14)
        week = [monday + datetime.timedelta(days=n) for n in range(5)]
        for item in self.live:
            period = item.plan.period
            if item.story != ACTIVE or period.days_per_week != 4 or period.start_date > monday:
                continue
            if not all(self.organised(period.unit_id, day) for day in week):
                continue
            statuses = [self.days.get((item.client.pk, day)) for day in week]
            if statuses.count(_S.PRESENT) != 4 or statuses.count(None) != 1:
                continue
            extra = week[statuses.index(None)]  # not one of the plan's weekdays: came anyway
            attendance_records_write(
                changes=[
                    RecordChange(
                        period=period,
                        day=extra,
                        old=None,
                        status=_S.PRESENT,
                        hours=default_hours(period, _S.PRESENT),
                    )
                ],
                actor=self.counsellors[item.unit_key],
                log_detail=f"attendance {extra:%Y-%m}",
            )
            self.days[(item.client.pk, extra)] = _S.PRESENT
            return

    def _late_correction(self) -> None:
        month = (self.today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        unit = self.organisations.units["lahti"]
        sick = next(
            (
                (item, day)
                for item in self.live
                if item.unit_key == "lahti"
                for (client_id, day), status in sorted(self.days.items(), key=lambda kv: kv[0][1])
                if client_id == item.client.pk and status == _S.SICK and day.replace(day=1) == month
            ),
            None,
        )
        attendance_month_lock(unit=unit, first=month, actor=self.users.unit_manager)
        if sick is None:
            return
        item, day = sick
        period = item.plan.period
        attendance_records_write(
            changes=[
                RecordChange(
                    period=period,
                    day=day,
                    old=AttendanceRecord.objects.get(period=period, date=day),
                    status=_S.SICK_CERTIFIED,
                    hours=default_hours(period, _S.SICK_CERTIFIED),
                )
            ],
            actor=self.users.unit_manager,
            locked_months={(unit.pk, month)},
            reason="Lääkärintodistus saapui kuun lukitsemisen jälkeen.",
            log_detail=f"attendance {month:%Y-%m}",
        )
        self.days[(item.client.pk, day)] = _S.SICK_CERTIFIED

    # --- sessions ---------------------------------------------------------------------------

    def group_sessions(self) -> int:
        memberships: dict[int, list[GroupMembership]] = defaultdict(list)
        for membership in GroupMembership.objects.select_related("client").order_by(
            "client__last_name", "client__first_name", "client_id"
        ):
            memberships[membership.group_id].append(membership)
        count = 0
        for key, groups in self.organisations.groups.items():
            counsellor = self.counsellors[key]
            # The Lahti unit manager sometimes leads a group session with the counsellor.
            staff = [counsellor, self.users.unit_manager] if key == "lahti" else [counsellor]
            for group, days in zip(groups, _GROUP_DAYS[key], strict=True):
                count += self._sessions_of(group, days, staff, memberships[group.pk])
        return count

    def _sessions_of(
        self,
        group: Group,
        days: str,
        staff: list[User],
        memberships: list[GroupMembership],
    ) -> int:
        rng = self.rng
        topics = _GROUP_TOPICS.get(group.name, ("Ryhmätoiminta",))
        count = 0
        day = self.first
        hour = rng.choice((9, 10, 12))
        while day <= self.last:
            if str(day.isoweekday()) in days and self.organised(group.unit_id, day):
                members = [
                    m.client
                    for m in memberships
                    if m.start_date <= day and (m.end_date is None or m.end_date >= day)
                ]
                if members:
                    group_session_create(
                        user=staff[0],
                        group=group,
                        starts_at=_aware(day, hour),
                        duration_minutes=rng.choice((90, 120, 120, 180)),
                        topic=rng.choice(topics),
                        counsellors=staff[: 1 + (rng.random() < 0.3)],
                        roster=[self._roster_line(client, day) for client in members],
                    )
                    count += 1
            day += datetime.timedelta(days=1)
        return count

    def _roster_line(self, client: Client, day: datetime.date) -> RosterLine:
        took_part = self.days.get((client.pk, day)) == _S.PRESENT
        note = ""
        if took_part and self.rng.random() < 0.05:
            note = self.rng.choice(_ROSTER_NOTES)
        return RosterLine(client=client, took_part=took_part, note=note)

    def individual_sessions(self) -> int:
        rng = self.rng
        count = 0
        for item in self.live:
            period = item.plan.period
            first = max(self.first, period.start_date)
            last = min(self.last, item.last_day)
            weekdays = [
                first + datetime.timedelta(days=n)
                for n in range((last - first).days + 1)
                if self.organised(period.unit_id, first + datetime.timedelta(days=n))
            ]
            present = [d for d in weekdays if self.days.get((item.client.pk, d)) == _S.PRESENT]
            goals = list(period.plan.goals.all()) if item.story in (ACTIVE, ENDING, REVIEW) else []
            for _n in range(rng.randint(2, 5)):
                kind = rng.choices(
                    (SessionKind.OFFICE, SessionKind.PHONE, SessionKind.HOME_VISIT),
                    weights=(60, 25, 15),
                )[0]
                days = present if kind == SessionKind.OFFICE and present else weekdays
                if not days:
                    break
                topic, notes = rng.choice(_SESSIONS[kind])
                self._individual(
                    item,
                    day=rng.choice(days),
                    kind=kind,
                    topic=topic,
                    notes=notes,
                    goals=rng.sample(goals, 1) if goals and rng.random() < 0.5 else [],
                )
                count += 1
        # A first meeting with those whose plan is still being made or has not begun yet.
        for key, client in self._waiting_clients():
            counsellor = self.counsellors[key]
            topic, notes = rng.choice(_FIRST_MEETING)
            day = self.today - datetime.timedelta(days=rng.randint(1, 20))
            while not self.organised(self.organisations.units[key].pk, day):
                day -= datetime.timedelta(days=1)
            individual_session_create(
                user=counsellor,
                client=client,
                starts_at=_aware(day, rng.choice((9, 10, 13)), rng.choice((0, 30))),
                duration_minutes=rng.choice((45, 60, 90)),
                kind=SessionKind.OFFICE,
                topic=topic,
                notes=notes,
                counsellors=[counsellor],
            )
            count += 1
        return count

    def _waiting_clients(self) -> list[tuple[str, Client]]:
        """Clients with no period in the last three months and none ended: drafts, plans
        agreed to start later, and clients without a plan."""
        seen = {item.client.pk for item in self.live}
        seen.update(item.client.pk for item in self.plans.periods if item.exit is not None)
        return [
            (key, client)
            for key, unit_clients in self.clients.clients.items()
            for client in unit_clients
            if client.pk not in seen
        ]

    def _individual(
        self,
        item: DemoPeriod,
        *,
        day: datetime.date,
        kind: str,
        topic: str,
        notes: str,
        goals: list[ClientGoal],
    ) -> None:
        rng = self.rng
        if kind == SessionKind.PHONE:
            starts_at, minutes = _aware(day, rng.randint(8, 15), rng.choice((0, 15, 30, 45))), 15
        elif kind == SessionKind.HOME_VISIT:
            starts_at, minutes = _aware(day, rng.choice((10, 13, 14))), rng.choice((60, 90))
        else:
            starts_at, minutes = _aware(day, rng.randint(9, 14), rng.choice((0, 30))), 45
        individual_session_create(
            user=item.counsellor,
            client=item.client,
            starts_at=starts_at,
            duration_minutes=minutes,
            kind=kind,
            topic=topic,
            notes=notes,
            counsellors=[item.counsellor],
            goals=goals,
        )


def create_demo_guidance(
    organisations: DemoOrganisations,
    users: DemoUsers,
    clients: DemoClients,
    plans: DemoPlans,
    *,
    rng: random.Random,
    today: datetime.date,
) -> DemoGuidance:
    """Memberships, exits, attendance and sessions for the demo's last three months."""
    guidance = _Guidance(
        organisations=organisations,
        users=users,
        clients=clients,
        plans=plans,
        rng=rng,
        today=today,
    )
    memberships = guidance.memberships()
    exits, follow_ups = guidance.exits()
    records = guidance.attendance()
    guidance.rules_at_work()
    group_sessions = guidance.group_sessions()
    individual_sessions = guidance.individual_sessions()
    return DemoGuidance(
        memberships=memberships,
        exits=exits,
        follow_ups=follow_ups,
        attendance_records=records,
        group_sessions=group_sessions,
        individual_sessions=individual_sessions,
    )
