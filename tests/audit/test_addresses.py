"""The client's address behind a reverse proxy: believed only from TRUSTED_PROXIES, for the
access log and for django-axes alike."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from audit.addresses import client_ip
from audit.models import AccessLogEntry
from audit.services import access_log_record


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # No trusted proxy: the header is never read.
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # A spoofed header from an untrusted address is ignored.
        (["10.0.0.5"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # From the trusted proxy: the nearest untrusted hop is the client.
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1", "198.51.100.1"),
        # A client that sends its own header cannot choose its address: the proxy appended
        # the real one on the right.
        (["10.0.0.5"], "10.0.0.5", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Two proxies in a trusted network, IPv6 client.
        (["10.0.0.0/8"], "10.0.0.5", "2001:db8::1, 10.2.3.4", "2001:db8::1"),
        # Garbage in the header: fall back to the proxy's own address.
        (["10.0.0.5"], "10.0.0.5", "not-an-address", "10.0.0.5"),
        # Only trusted hops: the proxy's address.
        (["10.0.0.0/8"], "10.0.0.5", "10.9.9.9", "10.0.0.5"),
        # A port after the address, as some proxies write it.
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1:51234", "198.51.100.1"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = _request(remote, forwarded)
    assert client_ip(request) == expected
    # django-axes locks out by the same address.
    assert get_client_ip_address(request) == expected


@pytest.mark.django_db
def test_the_access_log_records_the_user_not_the_proxy(settings, counsellor):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    request = _request("10.0.0.5", "198.51.100.23")
    request.user = counsellor
    entry = access_log_record(action="view", request=request)
    assert AccessLogEntry.objects.get(pk=entry.pk).ip_address == "198.51.100.23"
    spoofed = _request("203.0.113.9", "198.51.100.23")
    spoofed.user = counsellor
    entry = access_log_record(action="view", request=spoofed)
    assert AccessLogEntry.objects.get(pk=entry.pk).ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_axes_locks_out_the_forwarded_address_not_the_proxy(settings, client, counsellor):
    """Five failures from one user behind the proxy lock that address out, not everyone
    who comes through the same proxy."""
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    counsellor.set_password("right-password-123")
    counsellor.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "right-password-123"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429
    other = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "right-password-123"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert other.status_code == 302
