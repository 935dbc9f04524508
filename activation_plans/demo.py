"""Demo plans and periods in every state, made through the plan services.

Called by ``python manage.py demo_data`` after the client step. Each client gets a story:

- ``draft``: a plan waiting for the three parties' agreement (some partly agreed);
- ``agreed``: agreed, starting in the next weeks;
- ``active``: running (started up to eleven months ago), some with a follow-up meeting and
  GAS scores, one changed after agreement so that an earlier version is kept;
- ``ending``: running, planned to end within 30 days;
- ``review``: an earlier period that ended, and a current one that takes the client's time in
  KUTY to 24 months, so the review reminder shows;
- ``ended``: a period that ended; the guidance step records the exit and follow-ups;
- ``none``: registered, no plan yet.

Periods in the past are agreed before they start (the services refuse an agreement after the
start) and activated with ``plan_activate_due``. The acting user is the unit's counsellor.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import holidays as holiday_calendars
from dateutil.relativedelta import relativedelta

from accounts.models import User
from clients.demo import DemoClients
from clients.models import Benefit, Client, Destination, Education, ExitReason
from organisations.demo import DemoOrganisations

from .models import ActivationPlan, PlanType
from .services import (
    CONTENT_FIELDS,
    GoalInput,
    Placement,
    activation_plan_agree,
    activation_plan_create,
    activation_plan_record_agreements,
    activation_plan_update,
    follow_up_meeting_create,
    plan_activate_due,
)

DRAFT = "draft"
AGREED = "agreed"
ACTIVE = "active"
ENDING = "ending"
REVIEW = "review"
ENDED = "ended"
NONE = "none"

# How many clients of each unit have each story (20 a unit).
_STORIES: dict[str, dict[str, int]] = {
    "forssa": {DRAFT: 2, AGREED: 1, ACTIVE: 10, ENDING: 1, REVIEW: 1, ENDED: 4, NONE: 1},
    "lahti": {DRAFT: 2, AGREED: 2, ACTIVE: 10, ENDING: 2, REVIEW: 1, ENDED: 3},
    "porvoo": {DRAFT: 2, AGREED: 1, ACTIVE: 10, ENDING: 1, ENDED: 5, NONE: 1},
    "salo": {DRAFT: 2, AGREED: 1, ACTIVE: 10, ENDING: 1, ENDED: 6},
}


@dataclass(frozen=True)
class PlannedExit:
    """How a period ends: recorded by the guidance step through ``period_end``."""

    days_ago: int  # the exit date, counted back from today (moved to the previous weekday)
    reason: str
    destination: str
    months: int  # the period's planned length
    consent: bool = False
    destination_3m: str = ""  # recorded follow-ups; "" leaves it for the counsellor
    destination_6m: str = ""
    date: datetime.date | None = None  # set when the dates are worked out


_C, _I = ExitReason.COMPLETED, ExitReason.INTERRUPTED
_D = Destination
# The ended periods of each unit, in the order the unit's "ended" clients get them. Some
# follow-ups are recorded; a few fall due now and show on the counsellors' lists.
_EXITS: dict[str, tuple[PlannedExit, ...]] = {
    "forssa": (
        PlannedExit(12, _C, _D.SUBSIDISED_WORK, 6, consent=True),
        PlannedExit(96, _C, _D.UNEMPLOYED, 9, consent=True),  # 3-month follow-up overdue
        PlannedExit(210, _I, _D.HEALTH_OR_REHABILITATION, 12),
        PlannedExit(300, _C, _D.EDUCATION, 12, True, _D.EDUCATION, _D.EDUCATION),
    ),
    "lahti": (
        PlannedExit(30, _I, _D.UNEMPLOYED, 6, consent=True),
        # The 6-month follow-up falls due within two weeks.
        PlannedExit(176, _C, _D.OPEN_LABOUR_MARKET, 12, True, _D.OPEN_LABOUR_MARKET),
        PlannedExit(
            400, _C, _D.OTHER_EMPLOYMENT_SERVICE, 9, True, _D.SUBSIDISED_WORK, _D.SUBSIDISED_WORK
        ),
    ),
    "porvoo": (
        PlannedExit(20, _C, _D.SOCIAL_REHABILITATION, 6),
        PlannedExit(60, ExitReason.INTERRUPTED_BY_ORGANISER, _D.UNEMPLOYED, 12),
        PlannedExit(150, _C, _D.SUBSIDISED_WORK, 9, True, _D.SUBSIDISED_WORK),
        PlannedExit(250, ExitReason.MOVED, _D.UNKNOWN, 12),
        PlannedExit(360, _C, _D.UNEMPLOYED, 6, True, _D.UNEMPLOYED, _D.OTHER_EMPLOYMENT_SERVICE),
    ),
    "salo": (
        PlannedExit(8, _C, _D.EDUCATION, 6, consent=True),
        PlannedExit(45, _I, _D.OUTSIDE_LABOUR_FORCE, 12),
        PlannedExit(85, _C, _D.UNEMPLOYED, 6, consent=True),  # 3-month follow-up due soon
        PlannedExit(130, _C, _D.UNEMPLOYED, 12),
        PlannedExit(200, _I, _D.UNEMPLOYED, 12, True, _D.UNEMPLOYED),  # 6-month overdue
        PlannedExit(
            330, _C, _D.OPEN_LABOUR_MARKET, 12, True, _D.OPEN_LABOUR_MARKET, _D.OPEN_LABOUR_MARKET
        ),
    ),
}
# Time in KUTY (days) at today + 30 days for the two review clients: one past 24 months
# already, one reaching it in about two weeks.
_REVIEW_DAYS = {"forssa": 790, "lahti": 745}

_REPRESENTATIVES = {
    "forssa": (("Helena Saarinen", "Jukka Lindfors"), ("Tarja Mäntylä", "Ossi Kivelä")),
    "lahti": (("Pirjo Hyvönen", "Marika Salo"), ("Jouni Rautio", "Kati Lehmusvaara")),
    "porvoo": (("Annika Sundström", "Kristiina Aho"), ("Patrik Grönqvist", "Leena Heino")),
    "salo": (("Eija Nurminen", "Petteri Valtonen"), ("Raija Kuusela", "Ari Hellsten")),
}

_WEEKDAYS = {
    2: ("13", "24", "23", "14", "25"),
    3: ("124", "135", "234", "123", "245"),
    4: ("1234", "1235"),
}
_HOURS = (Decimal(4), Decimal("4.5"), Decimal(5), Decimal(5), Decimal(6), Decimal(6))

_EDUCATION_HISTORY = {
    Education.ISCED_0_2: (
        "Peruskoulu. Ammattikoulun kone- ja metallialan opinnot keskeytyivät toisena vuonna.",
        "Peruskoulu. Ei toisen asteen tutkintoa; yrittänyt lähihoitajaopintoja.",
        "Peruskoulu, kymppiluokka. Hygieniapassi ja työturvallisuuskortti vanhentuneet.",
        "Peruskoulu. Trukkikortti (2016).",
    ),
    Education.ISCED_3_4: (
        "Merkonomi (2009). Ei jatko-opintoja.",
        "Ylioppilas (2005), ammattikorkeakouluopinnot keskeytyivät.",
        "Kokki, ammatillinen perustutkinto (2012).",
        "Puuseppä, ammatillinen perustutkinto (2001).",
    ),
    Education.ISCED_5_8: (
        "Tradenomi (AMK, 2010).",
        "Yliopisto-opintoja (humanistinen ala), tutkinto kesken.",
    ),
}
_WORK_HISTORY = (
    "Varastotöitä henkilöstövuokrausyrityksen kautta 2014–2018, sen jälkeen lyhyitä keikkoja.",
    "Siivoustyötä osa-aikaisena 2011–2016. Ei työsuhteita viime vuosina.",
    "Rakennusalan aputöitä kausiluonteisesti 2008–2019.",
    "Kaupan kassatyötä 2006–2013, sen jälkeen pitkä työttömyys ja sairauslomia.",
    "Ei varsinaista työhistoriaa; kesätöitä nuorena.",
    "Ravintolatyötä keittiössä 2012–2020, työ loppui koronan aikana.",
    "Metsätöitä ja maatilan töitä 1998–2010.",
)
_EARLIER_SERVICES = (
    "Työkokeilu kierrätyskeskuksessa 2022: keskeytyi poissaolojen vuoksi.",
    "Kuntouttava työtoiminta 2021 (6 kk): päivärytmi parani, jatkopolku jäi auki.",
    "Sosiaalinen kuntoutus 2023; mielenterveyspalvelut (depressio, hoito jatkuu).",
    "Työvalmennus ja ammatinvalinnanohjaus 2020. Päihdekuntoutus 2019.",
    "Ei aiempia palveluja.",
    "Palkkatuettu työ seurakunnan kiinteistöhuollossa 2019 (8 kk): sujui hyvin.",
)
_ACTIVITY_GOALS = (
    "Työ- ja toimintakyvyn vahvistaminen ja päivärytmin vakiinnuttaminen ennen siirtymistä "
    "työkokeiluun.",
    "Elämänhallinnan tukeminen ja sosiaalisen kuntoutumisen edistäminen; jatkopolun "
    "selvittäminen (kuntoutustutkimus tai koulutus).",
    "Työelämävalmiuksien kartuttaminen ja ammatillisen suunnan selkiyttäminen.",
    "Säännöllisen arjen rakentaminen ja työkyvyn arvioinnin tukeminen.",
    "Osallisuuden lisääminen ja valmiuksien vahvistaminen koulutukseen hakeutumista varten.",
)
_SUPPORT = (
    "Työvalmentajan yksilöohjaus kahden viikon välein, ryhmätoiminta ja tuki Kela-asioinnissa.",
    "Päivittäinen työnohjaus työpisteessä, kuukausittainen tavoitekeskustelu, ohjaus "
    "tarvittaessa mielenterveys- ja päihdepalveluihin.",
    "Ryhmätoiminta, yksilöohjaus ja kotikäynnit tarvittaessa; tuki asumisasioissa ja "
    "velkaneuvontaan hakeutumisessa.",
    "Työvalmennus työtehtävissä, tuki ansioluettelon ja työhakemusten tekemisessä, "
    "koulutusvaihtoehtojen kartoitus.",
)
_SUPPORT_PERSONS = ("Äiti", "Puoliso", "Kuntoutusohjaaja", "Sosiaaliohjaaja", "Ystävä")

# Client goals, each with a GAS ladder (−2 … +2); the last one has none.
_GOALS = (
    GoalInput(
        text="Saapuu paikalle sovittuina päivinä",
        gas_minus_2="Käy alle puolena sovituista päivistä eikä ilmoita poissaoloista",
        gas_minus_1="Käy noin puolena sovituista päivistä",
        gas_0="Käy useimpina sovittuina päivinä ja ilmoittaa poissaoloista",
        gas_plus_1="Käy kaikkina sovittuina päivinä ja ilmoittaa poissaoloista etukäteen",
        gas_plus_2="Käy kaikkina päivinä ja on valmis lisäämään toimintapäiviä",
    ),
    GoalInput(
        text="Päivärytmin vakiintuminen",
        gas_minus_2="Valvoo öisin eikä jaksa aamuisin lähteä liikkeelle",
        gas_minus_1="Herää ajoissa vain osana toimintapäivistä",
        gas_0="Herää ajoissa toimintapäivinä ja saapuu ajallaan",
        gas_plus_1="Säännöllinen rytmi myös vapaapäivinä",
        gas_plus_2="Säännöllinen rytmi ja omat aamurutiinit ilman muistutuksia",
    ),
    GoalInput(
        text="Ryhmässä toimiminen ja yhteistyö muiden kanssa",
        gas_minus_2="Välttää ryhmätilanteita kokonaan",
        gas_minus_1="Osallistuu ryhmään, mutta vetäytyy sivuun",
        gas_0="Osallistuu ryhmään ja tekee yhteisiä tehtäviä",
        gas_plus_1="Ottaa puheeksi omia asioitaan ryhmässä",
        gas_plus_2="Ohjaa uusia osallistujia ja ottaa vastuuta yhteisistä töistä",
    ),
    GoalInput(
        text="Ammatillisen suunnan selkiytyminen",
        gas_minus_2="Ei ajatuksia jatkosta",
        gas_minus_1="Tunnistaa kiinnostavan alan, ei ole tutustunut vaihtoehtoihin",
        gas_0="On tutustunut kahteen koulutus- tai työvaihtoehtoon",
        gas_plus_1="On hakenut koulutukseen tai työkokeiluun",
        gas_plus_2="On saanut opiskelu- tai työkokeilupaikan",
    ),
    GoalInput(
        text="Raha-asioiden hoitaminen",
        gas_minus_2="Laskut jäävät maksamatta, ei ole yhteydessä velkaneuvontaan",
        gas_minus_1="On varannut ajan velkaneuvontaan",
        gas_0="Maksaa laskut ajallaan ja on käynyt velkaneuvonnassa",
        gas_plus_1="Laatii kuukausibudjetin ohjaajan kanssa",
        gas_plus_2="Hoitaa raha-asiansa itsenäisesti budjetin mukaan",
    ),
    GoalInput(
        text="Hygieniapassin suorittaminen",
        gas_minus_2="Ei ole aloittanut opiskelua",
        gas_minus_1="Opiskelee materiaalia ohjaajan kanssa",
        gas_0="On ilmoittautunut hygieniapassitestiin",
        gas_plus_1="On suorittanut hygieniapassin",
        gas_plus_2="On suorittanut hygieniapassin ja työskentelee itsenäisesti keittiössä",
    ),
    GoalInput(text="Oppii käyttämään sähköisiä asiointipalveluja (OmaKanta, Kela)"),
)
_EDIT_NOTE = (
    " Lisäksi ohjaus työkokeilupaikan etsimisessä: yhteydenotot kahteen yritykseen "
    "tavoitekeskustelun jälkeen."
)
_MEETING_NOTES = (
    "Läsnäolo on vakiintunut, asiakas kokee päivät mielekkäiksi. Sovittiin lisäpäivän kokeilusta.",
    "Poissaoloja on ollut terveyssyistä; lääkäriaika varattu. Tavoitteet pidetään ennallaan.",
    "Asiakas on edennyt hyvin; seuraavaksi kartoitetaan työkokeilupaikkoja.",
    "Päivärytmi on parantunut. Ryhmässä toimiminen jännittää edelleen.",
)


@dataclass
class DemoPeriod:
    """One demo plan and its period, with who acts for the unit and how the period ends."""

    unit_key: str
    client: Client
    plan: ActivationPlan
    counsellor: User
    story: str
    exit: PlannedExit | None = None

    @property
    def last_day(self) -> datetime.date:
        """The exit date the guidance step records, else the planned end."""
        if self.exit is not None and self.exit.date is not None:
            return self.exit.date
        return self.plan.period.end_date


@dataclass(frozen=True)
class DemoPlans:
    periods: list[DemoPeriod]
    versions: int  # plans changed after agreement
    follow_up_meetings: int


_FINNISH_HOLIDAYS = holiday_calendars.country_holidays("FI")


def _working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _FINNISH_HOLIDAYS


def weekday_on_or_after(day: datetime.date) -> datetime.date:
    """The first working day (not a weekend or a public holiday) from ``day`` on."""
    while not _working_day(day):
        day += datetime.timedelta(days=1)
    return day


def weekday_on_or_before(day: datetime.date) -> datetime.date:
    """The last working day up to ``day``."""
    while not _working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


class _PlanMaker:
    """Makes one unit's plans with its counsellor, drawing from the shared generator."""

    def __init__(
        self,
        *,
        key: str,
        organisations: DemoOrganisations,
        counsellor: User,
        rng: random.Random,
        today: datetime.date,
        plan_types: dict[str, PlanType],
    ) -> None:
        self.key = key
        self.unit = organisations.units[key]
        self.authority = organisations.employment_authorities[key]
        self.counsellor = counsellor
        self.rng = rng
        self.today = today
        self.plan_types = plan_types

    # --- content ----------------------------------------------------------------------------

    def _placement(self, start: datetime.date, end: datetime.date) -> Placement:
        rng = self.rng
        days = rng.choices((2, 3, 4), weights=(35, 50, 15))[0]
        return Placement(
            unit=self.unit,
            start_date=start,
            end_date=end,
            days_per_week=days,
            hours_per_day=rng.choice(_HOURS),
            weekdays=rng.choice(_WEEKDAYS[days]),
        )

    def _content(self, client: Client, next_follow_up: datetime.date | None) -> dict[str, Any]:
        rng = self.rng
        unemployment_benefit = client.benefit in (
            Benefit.LABOUR_MARKET_SUBSIDY,
            Benefit.BASIC_ALLOWANCE,
            Benefit.EARNINGS_RELATED,
        )
        plan_type = self.plan_types[
            "multisectoral_employment_plan" if unemployment_benefit else "activation_plan"
        ]
        education = _EDUCATION_HISTORY.get(client.education, ("Ei tietoa koulutuksesta.",))
        return {
            "plan_type": plan_type,
            "employment_authority": self.authority,
            "support_person": rng.choice(_SUPPORT_PERSONS) if rng.random() < 0.15 else "",
            "education_history": rng.choice(education),
            "work_history": rng.choice(_WORK_HISTORY),
            "earlier_services": rng.choice(_EARLIER_SERVICES),
            "activity_goal": rng.choice(_ACTIVITY_GOALS),
            "support_and_guidance": rng.choice(_SUPPORT),
            "next_follow_up": next_follow_up,
        }

    def _goals(self) -> list[GoalInput]:
        rng = self.rng
        first = _GOALS[0] if rng.random() < 0.6 else _GOALS[1]
        others = [g for g in _GOALS[1:] if g is not first]
        if self.key != "lahti":
            others = [g for g in others if g.text != "Hygieniapassin suorittaminen"]
        return [first, *rng.sample(others, rng.choice((1, 1, 2)))]

    def _agree(
        self, plan: ActivationPlan, on: datetime.date, *, partly: bool = False
    ) -> ActivationPlan:
        """Record the three parties' agreement on or before ``on``, then agree the plan (or,
        with ``partly``, only the client's and the organiser's agreement)."""
        rng = self.rng
        organiser_rep, authority_rep = (rng.choice(names) for names in _REPRESENTATIVES[self.key])
        plan = activation_plan_record_agreements(
            user=self.counsellor,
            plan=plan,
            client_agreed_on=on - _days(rng.randint(0, 2)),
            organiser_representative=organiser_rep,
            organiser_agreed_on=on - _days(rng.randint(0, 2)),
            employment_authority_representative="" if partly else authority_rep,
            employment_authority_agreed_on=None if partly else on,
        )
        if partly:
            return plan
        return activation_plan_agree(user=self.counsellor, plan=plan)

    def make(
        self,
        client: Client,
        *,
        start: datetime.date,
        end: datetime.date,
        next_follow_up: datetime.date | None,
    ) -> ActivationPlan:
        return activation_plan_create(
            user=self.counsellor,
            client=client,
            content=self._content(client, next_follow_up),
            placement=self._placement(start, end),
            goals=self._goals(),
        )

    # --- stories ----------------------------------------------------------------------------

    def _running_follow_up(self, start: datetime.date) -> datetime.date:
        """The next follow-up of a running plan: mostly weeks ahead, a few due or overdue."""
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < 0.1 and start <= today - _days(60):
            return today - _days(rng.randint(1, 10))
        if roll < 0.25:
            return today + _days(rng.randint(1, 13))
        three_months = start + relativedelta(months=3)
        return (
            three_months if three_months > today + _days(14) else today + _days(rng.randint(20, 90))
        )

    def _agreed_before(self, start: datetime.date) -> datetime.date:
        return min(start - _days(self.rng.randint(3, 20)), self.today)

    def draft(self, client: Client) -> ActivationPlan:
        start = weekday_on_or_after(self.today + _days(self.rng.randint(14, 45)))
        end = start + relativedelta(months=self.rng.choice((6, 6, 12))) - _days(1)
        plan = self.make(
            client, start=start, end=end, next_follow_up=start + relativedelta(months=3)
        )
        if self.rng.random() < 0.5:
            plan = self._agree(plan, self.today - _days(self.rng.randint(0, 6)), partly=True)
        return plan

    def agreed(self, client: Client) -> ActivationPlan:
        start = weekday_on_or_after(self.today + _days(self.rng.randint(5, 35)))
        end = start + relativedelta(months=self.rng.choice((6, 9, 12))) - _days(1)
        plan = self.make(
            client, start=start, end=end, next_follow_up=start + relativedelta(months=3)
        )
        return self._agree(plan, self.today - _days(self.rng.randint(2, 20)))

    def active(self, client: Client) -> ActivationPlan:
        rng, today = self.rng, self.today
        start = weekday_on_or_after(today - _days(rng.randint(7, 330)))
        months = rng.choice((6, 9, 12, 12))
        while start + relativedelta(months=months) <= today + _days(35):
            months += 6
        end = start + relativedelta(months=min(months, 24)) - _days(1)
        plan = self.make(
            client, start=start, end=end, next_follow_up=self._running_follow_up(start)
        )
        return self._agree(plan, self._agreed_before(start))

    def ending(self, client: Client) -> ActivationPlan:
        rng, today = self.rng, self.today
        months = rng.choice((6, 12))
        target_end = today + _days(rng.randint(5, 26))
        start = weekday_on_or_after(target_end - relativedelta(months=months) + _days(1))
        end = start + relativedelta(months=months) - _days(1)
        plan = self.make(client, start=start, end=end, next_follow_up=None)
        return self._agree(plan, self._agreed_before(start))

    def ended(self, client: Client, planned: PlannedExit) -> tuple[ActivationPlan, PlannedExit]:
        rng = self.rng
        exit_date = weekday_on_or_before(self.today - _days(planned.days_ago))
        if planned.reason == ExitReason.COMPLETED:
            end = exit_date
            start = weekday_on_or_after(end - relativedelta(months=planned.months) + _days(1))
        else:
            start = weekday_on_or_before(
                exit_date - _days(rng.randint(40, planned.months * 30 - 40))
            )
            end = start + relativedelta(months=planned.months) - _days(1)
        plan = self.make(
            client, start=start, end=end, next_follow_up=start + relativedelta(months=3)
        )
        return self._agree(plan, self._agreed_before(start)), replace(planned, date=exit_date)

    def review(self, client: Client) -> list[tuple[ActivationPlan, PlannedExit | None]]:
        """An earlier 12-month period that ended as planned, and the current one that takes
        the client's time in KUTY to 24 months."""
        today = self.today
        first_start = weekday_on_or_after(today - relativedelta(months=26))
        first_end = weekday_on_or_before(first_start + relativedelta(months=12) - _days(1))
        first = self.make(client, start=first_start, end=first_end, next_follow_up=None)
        first = self._agree(first, self._agreed_before(first_start))
        earlier = PlannedExit(
            0, ExitReason.COMPLETED, Destination.NEW_KUTY_PERIOD, 12, date=first_end
        )
        first_days = (first_end - first_start).days
        horizon = today + _days(30)
        start = weekday_on_or_before(horizon - _days(_REVIEW_DAYS[self.key] - first_days))
        end = start + relativedelta(months=18) - _days(1)
        current = self.make(
            client, start=start, end=end, next_follow_up=self._running_follow_up(start)
        )
        current = self._agree(current, self._agreed_before(start))
        return [(first, earlier), (current, None)]


def _plan_input(plan: ActivationPlan) -> tuple[dict[str, Any], Placement, list[GoalInput]]:
    """A plan as the update service takes it (what the plan form would send back)."""
    period = plan.period
    content = {name: getattr(plan, name) for name in CONTENT_FIELDS}
    placement = Placement(
        unit=period.unit,
        start_date=period.start_date,
        end_date=period.end_date,
        days_per_week=period.days_per_week,
        hours_per_day=period.hours_per_day,
        weekdays=period.weekdays,
    )
    goals = [
        GoalInput(
            id=goal.pk,
            text=goal.text,
            gas_minus_2=goal.gas_minus_2,
            gas_minus_1=goal.gas_minus_1,
            gas_0=goal.gas_0,
            gas_plus_1=goal.gas_plus_1,
            gas_plus_2=goal.gas_plus_2,
        )
        for goal in plan.goals.order_by("order", "id")
    ]
    return content, placement, goals


def _edit_after_agreement(item: DemoPeriod, rng: random.Random) -> ActivationPlan:
    """Change an agreed plan: more support written in, a goal added, an hour more a day (when
    the week allows). The service keeps the earlier content as a version."""
    content, placement, goals = _plan_input(item.plan)
    content["support_and_guidance"] += _EDIT_NOTE
    hours = placement.hours_per_day + 1
    if hours <= 8 and hours * placement.days_per_week <= 32:
        placement = replace(placement, hours_per_day=hours)
    texts = {goal.text for goal in goals}
    goals.append(next(g for g in _GOALS[2:] if g.text not in texts))
    return activation_plan_update(
        user=item.counsellor,
        plan=item.plan,
        content=content,
        placement=placement,
        goals=goals,
        expected_version=item.plan.version,
    )


def _follow_up(item: DemoPeriod, rng: random.Random, today: datetime.date) -> None:
    """A follow-up meeting some weeks ago with a GAS score for each goal with a ladder."""
    start = item.plan.period.start_date
    first = max(start + _days(42), today - _days(75))
    day = weekday_on_or_before(first + _days(rng.randint(0, (today - _days(3) - first).days)))
    if rng.random() < 0.3:
        next_follow_up = today + _days(rng.randint(2, 12))  # due soon: shows as a reminder
    else:
        next_follow_up = max(day + relativedelta(months=3), today + _days(rng.randint(20, 60)))
    goals = [goal for goal in item.plan.goals.all() if goal.gas_0]
    follow_up_meeting_create(
        user=item.counsellor,
        plan=item.plan,
        date=day,
        participants=f"asiakas, {item.counsellor.get_full_name()} (ohjaaja), "
        + rng.choice(_REPRESENTATIVES[item.unit_key][0])
        + " (sosiaalityö)",
        notes=rng.choice(_MEETING_NOTES),
        scores={goal.pk: rng.choice((-1, 0, 0, 0, 1, 1, 2)) for goal in goals},
        next_follow_up=next_follow_up,
    )


def create_demo_plans(
    organisations: DemoOrganisations,
    clients: DemoClients,
    *,
    rng: random.Random,
    today: datetime.date,
) -> DemoPlans:
    """Plans and periods for the demo clients, each unit's by its own counsellor."""
    plan_types = {plan_type.code: plan_type for plan_type in PlanType.objects.all()}
    periods: list[DemoPeriod] = []
    for key, unit_clients in clients.clients.items():
        counsellor = clients.counsellors[key]
        maker = _PlanMaker(
            key=key,
            organisations=organisations,
            counsellor=counsellor,
            rng=rng,
            today=today,
            plan_types=plan_types,
        )
        stories = [story for story, count in _STORIES[key].items() for _n in range(count)]
        rng.shuffle(stories)
        exits = iter(_EXITS[key])
        for client, story in zip(unit_clients, stories, strict=True):
            made: list[tuple[ActivationPlan, PlannedExit | None]] = []
            if story == DRAFT:
                made = [(maker.draft(client), None)]
            elif story == AGREED:
                made = [(maker.agreed(client), None)]
            elif story == ACTIVE:
                made = [(maker.active(client), None)]
            elif story == ENDING:
                made = [(maker.ending(client), None)]
            elif story == ENDED:
                made = [maker.ended(client, next(exits))]
            elif story == REVIEW:
                made = maker.review(client)
            periods.extend(
                DemoPeriod(key, client, plan, counsellor, story, planned) for plan, planned in made
            )

    plan_activate_due(today=today)
    # Fresh copies: activation changed the statuses in the database.
    fresh = ActivationPlan.objects.select_related(
        "period__client", "period__unit", "plan_type", "organiser", "employment_authority"
    ).in_bulk([item.plan.pk for item in periods])
    for item in periods:
        item.plan = fresh[item.plan.pk]

    running = [item for item in periods if item.story == ACTIVE]
    # One running plan of the demo counsellor's and one agreed plan get a second version.
    edited = [
        next(item for item in running if item.unit_key == "lahti"),
        next(item for item in periods if item.story == AGREED and item.unit_key == "salo"),
    ]
    for item in edited:
        item.plan = _edit_after_agreement(item, rng)

    meetings = 0
    for key in _STORIES:
        candidates = [
            item
            for item in running
            if item.unit_key == key and item.plan.period.start_date <= today - _days(60)
        ]
        for item in rng.sample(candidates, min(3, len(candidates))):
            _follow_up(item, rng, today)
            meetings += 1
    return DemoPlans(periods=periods, versions=len(edited), follow_up_meetings=meetings)
