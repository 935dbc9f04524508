"""The session-wide check of tests/conftest.py: a log record whose message or exception text
holds something shaped like an identity code is found (and fails the session); others are not."""

import logging
import sys

from tests.conftest import identity_code_in_record


def _record(message, *args, exc_info=None):  # type: ignore[no-untyped-def]
    # Made directly, not through a logger: this test itself logs nothing.
    return logging.LogRecord("kuty.test", logging.INFO, __file__, 1, message, args, exc_info)


def test_an_identity_code_in_the_message_is_found_and_masked():
    found = identity_code_in_record(_record("opened client %s", "131052-308T"))
    assert found == "opened client XXXXXX-XXXX"
    for code in ("010101A123N", "311299+999C", "050505Y0017"):
        assert identity_code_in_record(_record(f"code {code}"))


def test_an_identity_code_in_the_exception_text_is_found():
    try:
        raise ValueError("bad row 131052-308T")
    except ValueError:
        record = _record("import failed", exc_info=sys.exc_info())
    found = identity_code_in_record(record)
    assert found is not None
    assert "131052-308T" not in found


def test_ids_dates_and_phone_numbers_are_not_identity_codes():
    for text in (
        "client 3f2a9c1e-8d7b-4a61-9f0e-2b6c1d7e8a90 opened",
        "period 01.01.2026-31.12.2026",
        "request 20260101-1234",
        "phone 040-1234567",
    ):
        assert identity_code_in_record(_record(text)) is None
