"""Demo clients: about twenty a unit, registered through ``client_create``.

Called by ``python manage.py demo_data`` after the organisations step. Every client has a valid
identity code (check character computed, century signs ``-``, ``Y``, ``A`` and ``B``), an age of
19–63 today, a home municipality (mostly the unit's own), contact details and the entry data
funders ask for (DOMAIN.md §5). The random choices come from the caller's seeded generator, so
the same day gives the same clients.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from accounts.models import User
from organisations.demo import DEMO_PASSWORD, DemoOrganisations, DemoUsers
from organisations.models import Municipality, Role
from organisations.services import municipality_upsert, role_assignment_grant

from .hetu import expected_check_character
from .models import (
    Benefit,
    Client,
    Education,
    LabourMarketStatus,
    Language,
    Sex,
    YesNoDeclined,
)
from .services import client_create

CLIENTS_PER_UNIT = 20


@dataclass(frozen=True)
class _Town:
    code: str
    name: str
    postal_codes: tuple[str, ...]
    streets: tuple[str, ...]


# Each unit's home town, then one neighbouring municipality some clients come from.
_TOWNS: dict[str, tuple[_Town, _Town]] = {
    "forssa": (
        _Town(
            "061",
            "Forssa",
            ("30100", "30300", "30420"),
            ("Hämeentie", "Wahreninkatu", "Kartanonkatu", "Saksankatu", "Kuhalankatu"),
        ),
        _Town("169", "Jokioinen", ("31600",), ("Humppilantie", "Keskuskuja", "Kartanontie")),
    ),
    "lahti": (
        _Town(
            "398",
            "Lahti",
            ("15100", "15140", "15500", "15610", "15900"),
            ("Aleksanterinkatu", "Vesijärvenkatu", "Saimaankatu", "Mukkulankatu", "Ahtialantie"),
        ),
        _Town("098", "Hollola", ("15870", "15880"), ("Hämeenlinnantie", "Virtaantie")),
    ),
    "porvoo": (
        _Town(
            "638",
            "Porvoo",
            ("06100", "06150", "06400"),
            ("Mannerheiminkatu", "Runeberginkatu", "Rauhankatu", "Kevätkummuntie"),
        ),
        _Town("434", "Loviisa", ("07900", "07910"), ("Mannerheiminkatu", "Kuningattarenkatu")),
    ),
    "salo": (
        _Town(
            "734",
            "Salo",
            ("24100", "24240", "24260", "24800"),
            ("Helsingintie", "Vilhonkatu", "Anjalankatu", "Perniöntie", "Meriniitynkatu"),
        ),
        _Town("577", "Paimio", ("21530",), ("Vistantie", "Valtatie", "Preitilantie")),
    ),
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_MEN = _words(
    "Mikko Jari Timo Juha Petri Antti Janne Sami Marko Tuomas Ville Jussi Lauri Aleksi "
    "Joonas Eetu Niko Teemu Kalle Matti Heikki Pekka Tommi Henri Jani Kimmo Risto Arto "
    "Veli-Matti Toni"
)
_WOMEN = _words(
    "Anne Tiina Sari Minna Johanna Laura Jenni Heidi Katja Elina Noora Emma Sanni Iida "
    "Pauliina Marja Päivi Riikka Satu Tanja Hanna Kirsi Merja Outi Veera Aino Anna-Maija "
    "Jaana Susanna Milla"
)
_SECOND_MEN = ("Juhani", "Olavi", "Tapani", "Kalevi", "Antero", "Ilmari", "Mikael", "Johannes")
_SECOND_WOMEN = ("Maria", "Johanna", "Kristiina", "Helena", "Sofia", "Annikki", "Elina", "Inkeri")
_LAST_NAMES = _words(
    "Korhonen Mäkinen Mäkelä Hämäläinen Järvinen Lehtonen Lehtinen Saarinen Salminen "
    "Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Laitinen Tuominen Rantanen "
    "Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Hiltunen Leinonen Miettinen "
    "Pitkänen Aaltonen Manninen Hakala Seppälä Kettunen Vainio Räsänen Peltonen Kallio "
    "Lindroos Koivisto Anttila Ketola Rinne Suominen Ojala Harju Vuorinen Nurmi Laaksonen "
    "Hirvonen Väisänen"
)
# Swedish-speaking clients of the Porvoo unit: first name, second name, last name, sex.
_SWEDISH = (
    ("Johan", "Anders", "Lindqvist", Sex.MAN),
    ("Camilla", "Maria", "Holmström", Sex.WOMAN),
    ("Fredrik", "", "Nyberg", Sex.MAN),
    ("Linda", "Sofia", "Westerlund", Sex.WOMAN),
)
# Clients with a foreign background, by (unit, index): first names, last name, sex.
_FOREIGN = {
    ("lahti", 4): ("Ahmed Abdi", "Hassan", Sex.MAN),
    ("lahti", 16): ("Olena", "Kovalenko", Sex.WOMAN),
    ("salo", 7): ("Mohammad Reza", "Rahimi", Sex.MAN),
    ("forssa", 12): ("Svetlana", "Ivanova", Sex.WOMAN),
    ("porvoo", 18): ("Tuan", "Nguyen", Sex.MAN),
}
# Who gets a code with a new century sign (Y for the 1900s, B for the 2000s, in use since
# 2023): people whose code was issued lately, such as those who moved to Finland.
_NEW_CENTURY_SIGN = {("forssa", 2), ("salo", 2), ("lahti", 9), *_FOREIGN}
# Young clients (19–24), so that the codes of the 2000s (A, B) appear.
_YOUNG = {2, 6, 13}
_NON_DISCLOSURE = {("lahti", 5), ("salo", 11)}
_SEX_OTHER = {
    ("lahti", 10): Sex.NON_BINARY,
    ("porvoo", 3): Sex.NON_BINARY,
    ("salo", 15): Sex.UNKNOWN,
}


@dataclass(frozen=True)
class _Counsellor:
    username: str
    first_name: str
    last_name: str
    title: str


# The Porvoo and Salo units get a counsellor of their own; the demo counsellor works in Lahti
# and Forssa.
_UNIT_COUNSELLORS = {
    "porvoo": _Counsellor("demo-ohjaaja-porvoo", "Johanna", "Lindholm", "Sosiaaliohjaaja"),
    "salo": _Counsellor("demo-ohjaaja-salo", "Mikko", "Aalto", "Työvalmentaja"),
}


@dataclass(frozen=True)
class DemoClients:
    """What the client step created, by region key."""

    clients: dict[str, list[Client]]
    counsellors: dict[str, User]  # the counsellor who acts for each unit
    new_users: list[User]  # counsellors created by this step

    def all(self) -> list[Client]:
        return [client for clients in self.clients.values() for client in clients]


def identity_code(born: datetime.date, sign: str, number: int) -> str:
    """A personal identity code with its check character computed (DOMAIN.md §6)."""
    code = f"{born:%d%m%y}{sign}{number:03d}"
    return code + expected_check_character(code)


def _century_sign(born: datetime.date, *, new_style: bool) -> str:
    if born.year >= 2000:
        return "B" if new_style else "A"
    return "Y" if new_style else "-"


def _unit_counsellor(spec: _Counsellor, unit_key: str, organisations: DemoOrganisations) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User.objects.create_user(
            username=spec.username,
            password=DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.invalid",
            title=spec.title,
        )
    role_assignment_grant(user=user, role=Role.COUNSELLOR, unit=organisations.units[unit_key])
    return user


def _neighbour_municipalities() -> dict[str, Municipality]:
    found = {}
    for key, (_home, neighbour) in _TOWNS.items():
        found[key], _change = municipality_upsert(code=neighbour.code, name=neighbour.name)
    return found


class _Names:
    """Finnish names without repeating a full name."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def pick(self, sex: str) -> tuple[str, str]:
        rng = self.rng
        if sex == Sex.MAN or (sex not in (Sex.WOMAN, Sex.MAN) and rng.random() < 0.5):
            first, second = _MEN, _SECOND_MEN
        else:
            first, second = _WOMEN, _SECOND_WOMEN
        while True:
            first_names = rng.choice(first)
            if rng.random() < 0.45:
                first_names += " " + rng.choice([n for n in second if n != first_names])
            last_name = rng.choice(_LAST_NAMES)
            if (first_names.split()[0], last_name) not in self.used:
                self.used.add((first_names.split()[0], last_name))
                return first_names, last_name


def _choice(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _entry_data(rng: random.Random, *, foreign: bool, rural: bool, age: int) -> dict[str, str]:
    """Benefit, labour-market status, education and the six yes/no/declined answers."""
    benefit = _choice(
        rng,
        {
            Benefit.LABOUR_MARKET_SUBSIDY: 70,
            Benefit.SOCIAL_ASSISTANCE: 18,
            Benefit.BASIC_ALLOWANCE: 10,
            Benefit.NONE: 2,
        },
    )
    status = _choice(
        rng,
        {
            LabourMarketStatus.LONG_TERM_UNEMPLOYED: 80,
            LabourMarketStatus.UNEMPLOYED: 14 if age >= 25 else 40,
            LabourMarketStatus.INACTIVE: 6,
        },
    )
    education = _choice(
        rng, {Education.ISCED_0_2: 62, Education.ISCED_3_4: 32, Education.ISCED_5_8: 4, "": 2}
    )

    def answer(yes: int, declined: int = 3, unknown: int = 3) -> str:
        return _choice(
            rng,
            {
                YesNoDeclined.YES: yes,
                YesNoDeclined.NO: 100 - yes - declined - unknown,
                YesNoDeclined.DECLINED: declined,
                YesNoDeclined.UNKNOWN: unknown,
            },
        )

    return {
        "benefit": benefit,
        "labour_market_status": status,
        "education": education,
        "foreign_background": YesNoDeclined.YES if foreign else answer(0, 2, 2),
        "minority": answer(3, 5, 4),
        "disability": answer(4, 6, 5),
        "other_disadvantaged": answer(22, 6, 6),
        "homeless": answer(3, 2, 3),
        "rural": YesNoDeclined.YES if rural else answer(12, 2, 4),
    }


def _birth_date(rng: random.Random, today: datetime.date, *, young: bool) -> datetime.date:
    age = (
        rng.randint(19, 24)
        if young
        else rng.choice(
            [rng.randint(25, 34), rng.randint(35, 44), rng.randint(45, 54), rng.randint(55, 63)]
        )
    )
    # Born 1–330 days before the day ``age`` years ago, so that the age today is ``age``.
    last_birthday = today.replace(year=today.year - age, day=min(today.day, 28))
    return last_birthday - datetime.timedelta(days=rng.randint(1, 330))


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["040", "044", "045", "050"])
    return f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _email(rng: random.Random, first_names: str, last_name: str) -> str:
    if rng.random() < 0.3:
        return ""  # not everyone uses email
    table = str.maketrans("äöåé", "aoae", " '")
    local = f"{first_names.split()[0]}.{last_name}".lower().translate(table)
    return f"{local}@example.com"


def create_demo_clients(
    organisations: DemoOrganisations,
    users: DemoUsers,
    *,
    rng: random.Random,
    today: datetime.date,
) -> DemoClients:
    """About twenty clients in each of the four units, registered by the unit's counsellor."""
    new_users = [
        _unit_counsellor(spec, key, organisations) for key, spec in _UNIT_COUNSELLORS.items()
    ]
    counsellors = {"lahti": users.counsellor, "forssa": users.counsellor}
    counsellors.update(zip(_UNIT_COUNSELLORS, new_users, strict=True))
    neighbours = _neighbour_municipalities()
    names = _Names(rng)
    used_codes: set[str] = set()
    swedish = list(_SWEDISH)
    clients: dict[str, list[Client]] = {}
    for key, unit in organisations.units.items():
        clients[key] = []
        for index in range(CLIENTS_PER_UNIT):
            where = (key, index)
            foreign = _FOREIGN.get(where)
            speaks_swedish = key == "porvoo" and index in (1, 8, 11, 14)
            if foreign:
                first_names, last_name, sex = foreign
            elif speaks_swedish:
                first, second, last_name, sex = swedish.pop(0)
                first_names = f"{first} {second}".strip()
            else:
                sex = _SEX_OTHER.get(where) or (Sex.MAN if rng.random() < 0.54 else Sex.WOMAN)
                first_names, last_name = names.pick(sex)
            mother_tongue = Language.FINNISH
            if speaks_swedish:
                mother_tongue = Language.SWEDISH
            elif foreign:
                mother_tongue = Language.OTHER
            born = _birth_date(rng, today, young=index in _YOUNG)
            sign = _century_sign(born, new_style=where in _NEW_CENTURY_SIGN)
            while True:
                # Odd individual numbers were given to men and even ones to women; the
                # software never derives sex from them (DOMAIN.md §6).
                number = rng.randrange(3 if sex == Sex.MAN else 2, 900, 2)
                code = identity_code(born, sign, number)
                if code not in used_codes:
                    used_codes.add(code)
                    break
            lives_nearby = rng.random() < 0.15
            town = _TOWNS[key][1] if lives_nearby else _TOWNS[key][0]
            municipality = neighbours[key] if lives_nearby else organisations.municipalities[key]
            street = f"{rng.choice(town.streets)} {rng.randint(1, 60)}"
            if rng.random() < 0.6:
                street += f" {rng.choice('ABCDEF')} {rng.randint(1, 40)}"
            client = client_create(
                actor=counsellors[key],
                hetu=code,
                first_name=first_names,
                last_name=last_name,
                sex=sex,
                home_municipality=municipality,
                mother_tongue=mother_tongue,
                service_language=Language.SWEDISH if speaks_swedish else Language.FINNISH,
                phone=_phone(rng),
                email=_email(rng, first_names, last_name),
                street_address=street,
                postal_code=rng.choice(town.postal_codes),
                post_office=town.name.upper(),
                non_disclosure=where in _NON_DISCLOSURE,
                registered_unit=unit,
                responsible_counsellor=counsellors[key],
                **_entry_data(
                    rng,
                    foreign=foreign is not None,
                    rural=lives_nearby,
                    age=today.year - born.year,
                ),
            )
            clients[key].append(client)
    return DemoClients(clients=clients, counsellors=counsellors, new_users=new_users)
