"""Identity codes at rest: a copy of the database does not reveal them (clients/crypto.py)."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import translation

from clients import crypto
from clients.models import Client
from tests.clients.factories import ClientFactory, make_hetu
from tests.conftest import need_service

CODE = make_hetu(datetime.date(1984, 3, 14), 234)


def stored(client: Client) -> tuple[str, str]:
    """The two columns as the database holds them, past the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT hetu, hetu_hmac FROM clients_client WHERE id = %s", [client.pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_column_holds_a_token_and_the_model_reads_the_code():
    client = ClientFactory(hetu=CODE)
    token, digest = stored(client)
    assert CODE not in token
    assert CODE[:6] not in token
    assert token.startswith(crypto.TOKEN_PREFIX)
    assert digest == crypto.hetu_digest(CODE)
    assert CODE not in digest
    assert Client.objects.get(pk=client.pk).hetu == CODE
    assert Client.objects.with_hetu(f" {CODE.lower()} ").get() == client
    # The same code twice is two different tokens: equal tokens give nothing away.
    assert crypto.seal_hetu(CODE) != crypto.seal_hetu(CODE)


@pytest.mark.django_db
def test_a_filter_on_the_ciphertext_fails_loudly_instead_of_finding_nobody():
    with pytest.raises(FieldError, match="hetu_hmac"):
        list(Client.objects.filter(hetu=CODE))
    with pytest.raises(FieldError):
        list(Client.objects.filter(hetu__in=[CODE]))


@pytest.mark.django_db
def test_the_database_refuses_clear_text_and_a_second_client_with_the_code():
    client = ClientFactory(hetu=CODE)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clients_client SET hetu = %s WHERE id = %s", [CODE, client.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientFactory(hetu=CODE)


@pytest.mark.django_db
def test_rotation_moves_every_code_to_the_newest_key(settings):
    old_key, new_key = settings.HETU_KEYS[0], Fernet.generate_key().decode()
    clients = [ClientFactory(hetu=make_hetu(datetime.date(1990, 1, day), 123)) for day in (1, 2)]
    settings.HETU_KEYS = [new_key, old_key]
    out = io.StringIO()
    with translation.override("en"):
        call_command("rotate_hetu_keys", "--batch-size", "1", stdout=out)
    assert "2 identity codes" in out.getvalue()
    assert "(2 were under an older key)" in out.getvalue()
    settings.HETU_KEYS = [new_key]  # the old key can go now
    for client in clients:
        token, _digest = stored(client)
        assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == client.hetu
        assert Client.objects.with_hetu(client.hetu).get() == client
    out = io.StringIO()
    with translation.override("en"):
        call_command("rotate_hetu_keys", stdout=out)
    assert "(0 were under an older key)" in out.getvalue()


@pytest.mark.django_db
def test_a_removed_key_still_in_use_is_named_not_a_crash_with_a_code():
    client = ClientFactory(hetu=CODE)
    other_key = Fernet.generate_key().decode()
    with (
        override_settings(HETU_KEYS=[other_key]),
        pytest.raises(ImproperlyConfigured, match="HETU_KEYS") as raised,
    ):
        Client.objects.get(pk=client.pk)
    assert CODE not in str(raised.value)


@pytest.mark.django_db
def test_a_new_hmac_key_takes_effect_after_rotation(settings):
    client = ClientFactory(hetu=CODE)
    settings.HETU_HMAC_KEY = "a-new-digest-key-from-the-environment"
    assert not Client.objects.with_hetu(CODE).exists()
    call_command("rotate_hetu_keys", stdout=io.StringIO())
    assert Client.objects.with_hetu(CODE).get() == client


def test_new_key_prints_a_usable_key():
    out = io.StringIO()
    call_command("rotate_hetu_keys", "--new-key", stdout=out)
    Fernet(out.getvalue().strip().encode())  # a valid key, or this raises


@pytest.mark.django_db(transaction=True)
def test_migrations_encrypt_existing_codes_and_can_go_back():
    """A database from before encryption: its clear-text codes become tokens, and back."""
    before = [("clients", "0005_eligibility_limits")]
    client = ClientFactory(hetu=CODE)
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT hetu FROM clients_client WHERE id = %s", [client.pk])
        assert cursor.fetchone()[0] == CODE  # clear text again after going back
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to where every test expects
    token, digest = stored(client)
    assert token.startswith(crypto.TOKEN_PREFIX)
    assert digest == crypto.hetu_digest(CODE)
    assert Client.objects.with_hetu(CODE).get().hetu == CODE


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_of_a_database_with_clients_holds_no_identity_code():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is PostgreSQL's")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        need_service("pg_dump is not installed")
    codes = [make_hetu(datetime.date(1960 + n, 1 + n % 12, 1 + n), 100 + n) for n in range(20)]
    for n, code in enumerate(codes):
        ClientFactory(hetu=code, last_name=f"Dumpattava{n}")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dump = subprocess.run(  # noqa: S603 (the test database's own settings)
        [
            pg_dump,
            "--data-only",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            db.get("USER") or "postgres",
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout
    assert "Dumpattava7" in dump  # the dump has the clients' rows
    for code in codes:
        assert code not in dump
        assert code.replace("-", "") not in dump
