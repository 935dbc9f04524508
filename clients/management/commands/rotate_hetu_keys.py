"""Re-encrypt every stored identity code with the newest key of HETU_KEYS (docs/security.md).

Rotation, step by step: put a new key first in HETU_KEYS (keep the old ones after it), restart,
run this command, then remove the old keys. The digests are made again too, so a new
HETU_HMAC_KEY takes effect the same way (exact search by code misses until the command has run).
``--new-key`` prints a fresh key and changes nothing.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from clients.crypto import hetu_digest, open_hetu
from clients.models import Client


class Command(BaseCommand):
    help = _(
        "Re-encrypts every client's identity code with the newest key in HETU_KEYS and makes "
        "its search digest again with HETU_HMAC_KEY. --new-key prints a new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key", action="store_true", help=_("Print a new random key and change nothing.")
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help=_("Clients written in one statement.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        newest = Fernet(settings.HETU_KEYS[0].encode())
        size = max(1, options["batch_size"])
        # The stored tokens as they are (the field would open them): only the count of the
        # ones an older key made is reported, the codes themselves stay in memory only.
        rows = list(
            Client.objects.order_by("pk")
            .annotate(token=Cast("hetu", TextField()))
            .values_list("pk", "token")
        )
        older = 0
        for start in range(0, len(rows), size):
            batch = []
            for pk, token in rows[start : start + size]:
                try:
                    newest.decrypt(token.encode())
                except InvalidToken:
                    older += 1
                code = open_hetu(token)
                batch.append(Client(pk=pk, hetu=code, hetu_hmac=hetu_digest(code)))
            with transaction.atomic():
                Client.objects.bulk_update(batch, ["hetu", "hetu_hmac"])
        self.stdout.write(
            _(
                "%(count)s identity codes encrypted again with the newest key (%(older)s were "
                "under an older key); search digests made again."
            )
            % {"count": len(rows), "older": older}
        )
