"""The secrets of `gps serve`: submission links (one per jurisdiction and period, and one for the
bureau's board), kept in the ledger only as SHA-256 digests, and the signed hidden field of forms.

A token is ``secrets.token_urlsafe(32)`` (256 bits). It is shown once, when made (``gps serve
--links``); the ledger keeps its digest, so that a copy of the ledger gives no working link. A
lookup hashes what the request carries and compares digests in constant time; an unknown or
revoked token is answered like a page that does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..periods import Period

COUNTY, BUREAU = "county", "bureau"
TOKEN_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class Grant:
    """What a valid token grants: a role, its jurisdiction (a county's) and its period."""

    id: int
    digest: str
    role: str
    jurisdiction: str | None
    period: str


@dataclass(frozen=True)
class Link:
    role: str
    jurisdiction: str | None
    period: str
    token: str  # the secret itself: shown once, never stored


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def plausible(token: str) -> bool:
    """Shaped like a token (43 URL-safe characters): anything else is not looked up at all."""
    return 20 <= len(token) <= 64 and set(token) <= TOKEN_CHARS


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def issue(ledger: Ledger, period: Period, jurisdictions: list[str], bureau: bool = True) -> list[Link]:
    """New links for ``period``: one per jurisdiction, and one for the bureau's board. Links made
    before stay valid until revoked."""
    from ..ledger import schema as s
    from ..ledger.engine import errors_said, os_user, writing

    links = [Link(COUNTY, j, period.label, secrets.token_urlsafe(32)) for j in jurisdictions]
    if bureau:
        links.append(Link(BUREAU, None, period.label, secrets.token_urlsafe(32)))
    now, who = _now(), os_user()
    with errors_said(ledger.url), writing(ledger.engine) as conn:
        conn.execute(s.tokens.insert(), [
            {"sha256": digest(x.token), "role": x.role, "jurisdiction": x.jurisdiction, "period": x.period,
             "created_at": now, "created_by": who} for x in links])
    return links


def revoke(ledger: Ledger, *, jurisdiction: str | None = None, bureau: bool = False,
           period: Period | None = None) -> int:
    """Revoke the live links of a jurisdiction (or the bureau's, or all with neither); how many."""
    from sqlalchemy import update

    from ..ledger import schema as s
    from ..ledger.engine import errors_said, writing

    t = s.tokens.c
    q = update(s.tokens).where(t.revoked_at.is_(None))
    if jurisdiction is not None:
        q = q.where(t.jurisdiction == jurisdiction, t.role == COUNTY)
    if bureau:
        q = q.where(t.role == BUREAU)
    if period is not None:
        q = q.where(t.period == period.label)
    with errors_said(ledger.url), writing(ledger.engine) as conn:
        return int(conn.execute(q.values(revoked_at=_now())).rowcount or 0)


def find(ledger: Ledger, token: str) -> Grant | None:
    """The live grant of ``token``, or None (unknown, revoked, or not shaped like a token)."""
    from sqlalchemy import select

    from ..ledger import schema as s
    from ..ledger.engine import errors_said

    if not plausible(token):
        return None
    want = digest(token)
    t = s.tokens.c
    with errors_said(ledger.url), ledger.engine.connect() as conn:
        row = conn.execute(select(t.id, t.sha256, t.role, t.jurisdiction, t.period)
                           .where(t.sha256 == want, t.revoked_at.is_(None))).first()
    if row is None or not hmac.compare_digest(row.sha256, want):  # the index found it; compare anyway
        return None
    return Grant(row.id, row.sha256, row.role, row.jurisdiction, row.period)


def live(ledger: Ledger) -> list[dict]:
    """The live links (without their secrets): for ``gps serve --links`` to list what exists."""
    from sqlalchemy import select

    from ..ledger import schema as s
    from ..ledger.engine import errors_said

    t = s.tokens.c
    with errors_said(ledger.url), ledger.engine.connect() as conn:
        rows = conn.execute(select(t.role, t.jurisdiction, t.period, t.created_at)
                            .where(t.revoked_at.is_(None)).order_by(t.id)).all()
    return [dict(r._mapping) for r in rows]


class Forms:
    """The hidden field of every form: an HMAC of the grant's digest and the form's name under a
    key made when the server starts, so a form posted from elsewhere (or for another link, or
    another form) is refused. A restart makes old pages' forms stale: the page is simply reloaded."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(32)

    def field(self, grant: Grant, form: str) -> str:
        return hmac.new(self.key, f"{grant.digest}:{form}".encode(), hashlib.sha256).hexdigest()

    def check(self, grant: Grant, form: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.field(grant, form), str(given))
