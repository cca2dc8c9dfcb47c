"""`yibao keygen`: a new key for encrypting a ledger at rest (YIBAO_CIPHER_KEY)."""

from __future__ import annotations

import base64
import os

import click


@click.command("keygen")
@click.option("--bits", type=click.Choice(["128", "192", "256"]), default="256", show_default=True,
              help="AES key size.")
def command(bits: str) -> None:
    """Print a new key to encrypt a ledger at rest (YIBAO_CIPHER_KEY).

    A random AES key, base64. Set it before `yibao init` of a new ledger and keep it as the ledger's own: without
    it nothing can be read; with it, events are encrypted at rest (AES-GCM, the eventsourcing library's cipher)
    and stream ids derived from ID numbers are keyed (HMAC).

    Example:

        export YIBAO_CIPHER_KEY=$(yibao keygen)
    """
    click.echo(base64.b64encode(os.urandom(int(bits) // 8)).decode("ascii"))
