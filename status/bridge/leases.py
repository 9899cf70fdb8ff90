"""Which printers this bridge follows: leases in the database, renewed while the bridge lives.

Every BRIDGE_RELOAD_MS a bridge (1) marks itself alive, (2) renews the leases
it holds, (3) claims printers whose lease is free or expired, up to its fair
share (enabled printers / live bridges, rounded up), and (4) gives back what
it holds beyond that share, so a second bridge gets half of a farm. A claim is
one conditional INSERT or UPDATE, so two bridges racing for a printer cannot
both win, on SQLite and PostgreSQL alike. A bridge that dies stops renewing;
its leases expire after BRIDGE_LEASE_SECONDS and the others take them over.
"""

from __future__ import annotations

import math
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from status.models import BridgeLease, BridgeProcess, Printer


def bridge_holder_id() -> str:
    """A name for this bridge process that no other process (here or on another host) has."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class HolderInUse(RuntimeError):
    """Another live bridge already runs under this holder name (two would follow the same printers)."""


@dataclass(frozen=True)
class LeaseRound:
    printers: dict[int, Printer]  # pk -> printer this bridge follows now (enabled, leased by it)
    live_bridges: int
    claimed: int
    extra: list[int]  # printers beyond the fair share: stop following them, then leases_give_back


def database_now() -> datetime:
    """The database server's clock: every bridge compares lease times on the same clock, whatever its host's says."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT CURRENT_TIMESTAMP")
            return cursor.fetchone()[0].astimezone(UTC)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
            return datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=UTC)
    return timezone.now()


def leases_sync(*, holder: str, started_at: datetime, now: datetime | None = None) -> LeaseRound:
    """One round of heartbeat, renewal and claims. Returns the printers this bridge follows.

    Leases beyond the fair share are only named (``extra``): the caller stops
    following them first and gives them back after, so that no other bridge
    can claim a printer this one still follows.
    """
    now = now or database_now()
    lease = timedelta(seconds=settings.BRIDGE_LEASE_SECONDS)
    with transaction.atomic():
        other = BridgeProcess.objects.filter(holder=holder).exclude(started_at=started_at).first()
        if other is not None and other.seen_at >= now - lease:
            raise HolderInUse(
                f"A bridge named {holder!r} is already running (started {other.started_at.isoformat()}); "
                "give each bridge its own --holder."
            )
        updated = BridgeProcess.objects.filter(holder=holder).update(seen_at=now, started_at=started_at)
        if not updated:
            BridgeProcess.objects.create(holder=holder, started_at=started_at, seen_at=now)
        BridgeProcess.objects.filter(seen_at__lt=now - lease).delete()
        live = max(1, BridgeProcess.objects.count())
        # Leases of printers that were disabled go back (the bridge stops following them).
        BridgeLease.objects.filter(holder=holder, printer__enabled=False).delete()
        BridgeLease.objects.filter(holder=holder).update(expires_at=now + lease)
    enabled = list(Printer.objects.filter(enabled=True).values_list("pk", flat=True))
    share = math.ceil(len(enabled) / live) if enabled else 0
    held = set(BridgeLease.objects.filter(holder=holder).values_list("printer_id", flat=True))
    claimed = 0
    extra: list[int] = []
    if len(held) < share:
        taken = dict(BridgeLease.objects.filter(printer_id__in=enabled).values_list("printer_id", "expires_at"))
        candidates = [pk for pk in enabled if pk not in held and (pk not in taken or taken[pk] < now)]
        for pk in candidates[: share - len(held)]:
            if _claim(printer_id=pk, holder=holder, now=now, expires_at=now + lease, expired=pk in taken):
                held.add(pk)
                claimed += 1
    elif len(held) > share:
        # Give back the newest claims first: the printers followed longest stay put.
        extra = list(
            BridgeLease.objects.filter(holder=holder)
            .order_by("-acquired_at", "-printer_id")
            .values_list("printer_id", flat=True)[: len(held) - share]
        )
        held -= set(extra)
    printers = {printer.pk: printer for printer in Printer.objects.filter(pk__in=held, enabled=True)}
    return LeaseRound(printers=printers, live_bridges=live, claimed=claimed, extra=extra)


def leases_give_back(*, holder: str, printer_ids: list[int]) -> int:
    """Give back leases this bridge no longer follows (after it stopped following them)."""
    return BridgeLease.objects.filter(holder=holder, printer_id__in=printer_ids).delete()[0]


def _claim(*, printer_id: int, holder: str, now: datetime, expires_at: datetime, expired: bool) -> bool:
    if expired:
        # Only if it is still expired: another bridge may have renewed or claimed it meanwhile.
        return bool(
            BridgeLease.objects.filter(printer_id=printer_id, expires_at__lt=now).update(
                holder=holder, acquired_at=now, expires_at=expires_at
            )
        )
    try:
        with transaction.atomic():
            BridgeLease.objects.create(printer_id=printer_id, holder=holder, acquired_at=now, expires_at=expires_at)
    except IntegrityError:  # another bridge was first, or the printer was deleted
        return False
    return True


def leases_release(*, holder: str) -> int:
    """Give back every lease and the heartbeat row (a clean shutdown): others take over at once."""
    with transaction.atomic():
        released = BridgeLease.objects.filter(holder=holder).delete()[0]
        BridgeProcess.objects.filter(holder=holder).delete()
    return released
