"""Identity codes at rest: every stored code becomes a Fernet token, with a keyed digest beside it
for exact search and uniqueness (clients/crypto.py). Reversible: going back opens the tokens."""

from django.db import migrations, models

import clients.fields

BATCH = 2000


def _rewrite(apps, change):
    client = apps.get_model("clients", "Client")
    rows = list(client.objects.order_by("pk").values_list("pk", "hetu"))
    for start in range(0, len(rows), BATCH):
        batch = []
        for pk, value in rows[start : start + BATCH]:
            item = client(pk=pk)
            change(item, value)
            batch.append(item)
        client.objects.bulk_update(batch, ["hetu", "hetu_hmac"])


def encrypt_codes(apps, schema_editor):
    from clients import crypto

    def seal(item, value):
        code = crypto.open_hetu(value) if crypto.is_token(value) else value
        item.hetu = crypto.seal_hetu(code)
        item.hetu_hmac = crypto.hetu_digest(code)

    _rewrite(apps, seal)


def decrypt_codes(apps, schema_editor):
    from clients import crypto

    def open_(item, value):
        item.hetu = crypto.open_hetu(value) if crypto.is_token(value) else value
        item.hetu_hmac = None

    _rewrite(apps, open_)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_eligibility_limits"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="client", name="client_hetu_shape"),
        migrations.AlterField(
            model_name="client",
            name="hetu",
            field=models.CharField(max_length=200, verbose_name="personal identity code"),
        ),
        migrations.AddField(
            model_name="client",
            name="hetu_hmac",
            field=models.CharField(max_length=64, null=True, verbose_name="identity code digest"),
        ),
        migrations.RunPython(encrypt_codes, decrypt_codes, elidable=False),
        migrations.AlterField(
            model_name="client",
            name="hetu_hmac",
            field=clients.fields.HetuDigestField(unique=True, verbose_name="identity code digest"),
        ),
        migrations.AlterField(
            model_name="client",
            name="hetu",
            field=clients.fields.EncryptedHetuField(
                max_length=200, verbose_name="personal identity code"
            ),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.CheckConstraint(
                condition=models.Q(("hetu__startswith", "gAAAAA")),
                name="client_hetu_encrypted",
            ),
        ),
    ]
