"""`yibao verify`: the log checked against its hash chains, digests to keep outside the database, inclusion proofs."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import click

from commands.options import db_option, json_option, ledger_from, print_json
from commands.progress import EventProgress
from ledger.audit.proofs import Digest, require_inclusion
from ledger.core.errors import BadInput
from ledger.core.i18n import _
from ledger.core.zone import shown as beijing
from ledger.intake import validation

PROGRESS_FROM = 200_000  # a shorter log is verified before progress would say anything


@click.command("verify")
@click.option("--digest", "take_digest", is_flag=True,
              help="Print the log's digest (size, Merkle root, head link, time) to keep outside the database.")
@click.option("--against", metavar="DIGEST",
              help="A digest kept earlier (its token, its JSON, or a file holding either): prove the log still "
                   "leads to it.")
@click.option("--event", "stream", metavar="STREAM_ID",
              help="Prove one event is in the log: its stream id (or a person's ID number, an employer's credit "
                   "code), with --seq.")
@click.option("--seq", type=int, metavar="N", help="The event's number in its stream (as `timeline` shows it).")
@click.option("--proof", "proof_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Check a saved inclusion proof (JSON) against --against, without any database.")
@click.option("--workers", type=click.IntRange(1, 64), metavar="N",
              help="Processes sharing a long log, a stretch of 524,288 events each (default: one per CPU).")
@json_option
@db_option
@click.pass_context
def command(ctx, take_digest, against, stream, seq, proof_file, workers, as_json):
    """Check the log against its hash chains; with a kept digest, prove nothing was rewritten (AUD-2).

    Recomputes both hash chains and the Merkle tree from the stored bytes and names the first broken link
    (exit 1, AUD-2); prints how many events were verified and the log's head.

    Example:

        yibao verify

        yibao verify --digest > digest-2024-06-30.txt

        yibao verify --against digest-2024-06-30.txt

        yibao verify --event 640102199003070011 --seq 3 --against digest-2024-06-30.txt --json > proof.json

        yibao verify --proof proof.json --against digest-2024-06-30.txt
    """
    kept = _digest_option(against)
    if proof_file is not None:
        if stream is not None or seq is not None or take_digest:
            raise BadInput("proof", _("--proof checks a saved proof: give it with --against only"))
        if kept is None:
            raise BadInput("against", _("give the digest the proof is to be checked against"))
        _check_proof(proof_file, kept, as_json)
        return
    if seq is not None and stream is None:
        raise BadInput("seq", _("--seq names an event of the stream given with --event"))
    if stream is not None:
        if seq is None:
            raise BadInput("seq", _("give the event's number in its stream with --seq"))
        if take_digest:
            raise BadInput("digest", _("--event prints a proof under its digest; --digest is not needed"))
        _prove(ctx, stream, seq, kept, as_json)
        return
    if take_digest and kept is None:
        from ledger.store.verify import digest

        _print_digest(digest(ledger_from(ctx)), as_json)
        return
    _verify(ctx, kept, take_digest, workers or min(os.cpu_count() or 1, 8), as_json)


def _digest_option(text: str | None) -> Digest | None:
    if text is None:
        return None
    path = Path(text)
    if not text.lstrip().startswith(("yibao-digest:", "{")) and path.is_file():
        text = path.read_text("utf-8")
    return Digest.parse(text, "against")


def _print_digest(kept: Digest, as_json: bool) -> None:
    if as_json:
        print_json(kept.as_json())
    else:
        click.echo(kept.token)


def _verify(ctx: click.Context, kept: Digest | None, take_digest: bool, workers: int, as_json: bool) -> None:
    from ledger.store.verify import verify

    ledger = ledger_from(ctx)
    with EventProgress(_("verifying"), ledger.event_count(), every=1_000_000, quiet_below=PROGRESS_FROM,
                       verb="verified") as progress:
        found = verify(ledger, against=kept, progress=progress, workers=workers)
    if as_json:
        document = {"ok": found.broken is None, "events": found.events,
                    "last_notification_id": found.digest.last_notification_id, "head": found.digest.head.hex(),
                    "root": found.digest.root.hex(), "against": kept.as_json() if kept else None,
                    "break": found.broken.as_json() if found.broken else None}
        if take_digest and found.broken is None:
            document["digest"] = found.digest.as_json()
        print_json(document)
    found.require_intact()
    if as_json:
        return
    click.echo(_("verified {count:,} events: the log chain and every stream chain hold; head {head} at notification "
                 "{notification}").format(count=found.events, head=found.digest.head.hex(),
                                          notification=found.digest.last_notification_id))
    if kept is not None:
        click.echo(_("the log still leads to the digest taken {time} (Beijing time; {size:,} events)").format(
            time=beijing(kept.at), size=kept.size))
    if take_digest:
        click.echo(found.digest.token)


def _prove(ctx: click.Context, stream: str, seq: int, kept: Digest | None, as_json: bool) -> None:
    from ledger.store.verify import inclusion_proof

    ledger = ledger_from(ctx)
    proof = inclusion_proof(ledger, _stream_id(ledger, stream), seq, kept)
    if as_json:
        print_json(proof)
        return
    event = proof["event"]
    click.echo(_("event {seq} of stream {stream} (notification {notification}) is leaf {leaf} of {size:,}; {hashes} "
                 "hashes lead to root {root}").format(
        seq=event["seq"], stream=event["stream_id"], notification=event["notification_id"], leaf=proof["leaf_index"],
        size=proof["tree_size"], hashes=len(proof["path"]), root=proof["digest"]["root"]))
    click.echo(_("digest {token}").format(token=proof["digest"]["token"]))
    click.echo(_("save the proof with --json"))


def _stream_id(ledger, text: str) -> uuid.UUID:
    """A stream id as given, or the stream of a person's ID number (through its index, so that a person whose
    own events were tampered with can still be named) or of an employer's credit code."""
    from ledger.registration.employer import Employer
    from ledger.registration.person import IdNumberIndex

    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    try:
        number = validation.id_number(text, "event")
    except BadInput:
        return Employer.id_for(validation.credit_code(text, "event"))
    index = ledger.stream(IdNumberIndex.id_for(number))
    if index is None:
        raise BadInput("event", _("no person is registered with ID number {number}").format(number=number))
    return index.person_id


def _check_proof(proof_file: str, kept: Digest, as_json: bool) -> None:
    try:
        proof = json.loads(Path(proof_file).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput("proof", _("cannot read {file}: {error}").format(file=proof_file, error=error)) from None
    if not isinstance(proof, dict):
        raise BadInput("proof", _("{file} holds no inclusion proof").format(file=proof_file))
    require_inclusion(proof, kept)
    event = proof["event"]
    if as_json:
        print_json({"included": True, "stream_id": event["stream_id"], "seq": event["seq"],
                    "notification_id": event["notification_id"], "leaf_index": proof["leaf_index"],
                    "digest": kept.as_json()})
        return
    click.echo(_("included: event {seq} of stream {stream} (notification {notification}) is in the log under the "
                 "digest taken {time} (Beijing time) ({size:,} events, root {root})").format(
        seq=event["seq"], stream=event["stream_id"], notification=event["notification_id"], time=beijing(kept.at),
        size=kept.size, root=kept.root.hex()))


