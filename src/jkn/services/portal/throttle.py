"""Log-in throttling: a progressive delay per client, per account and per known device; never a
lock-out (issue #10, assumptions A-S01 and A-S02 in docs/assumptions.md).

Every checked attempt is a ``login_attempt`` row. Before a password is checked, the failed
guesses (wrong password or unknown name) of the last ``JKN_LOGIN_WINDOW_MINUTES`` are counted
for each key the attempt has:

* an attempt from a browser the account knows (its device cookie, set at a log-in on the
  portal) is counted by that **device** only, so a stranger's guesses never hold the owner back
  there;
* any other attempt by its **client** (IP address) and by the **account** name (known or not:
  the answer tells nothing about which names exist), counting only failures that came from no
  known device.

Up to ``JKN_LOGIN_FREE_FAILURES`` failures cost nothing; then the next attempt must wait
``JKN_LOGIN_DELAY_SECONDS`` after the newest failure, doubling with each failure, up to
``JKN_LOGIN_MAX_DELAY_SECONDS`` for a client or device and ``JKN_LOGIN_ACCOUNT_MAX_DELAY_SECONDS``
for an account (the most a stranger elsewhere can make the owner wait). An attempt that comes
too early is refused (429, ``Retry-After``) without checking the password and without a row,
so it costs the server no argon2 time and buys the attacker nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from jkn.domain.timestamps import as_utc
from jkn.services.portal.settings import SecuritySettings
from jkn.store.portal_tables import LoginAttemptRow


class KnownDevice(NamedTuple):
    """A browser's device cookie: the account that logged in on it (id, session version then) and
    the device's id. It counts only for that account while the version is unchanged (a password
    change or deactivation forgets every device)."""

    user_id: int
    version: int
    id: str


#: ``login_attempt.reason`` of a failed guess (an inactive account with the right password is not one).
FAILED_GUESSES = ("BAD_PASSWORD", "UNKNOWN_USER")


def delay_after(failures: int, cfg: SecuritySettings, cap: float) -> float:
    """Seconds the next attempt waits after the newest of ``failures`` failed guesses."""
    extra = failures - cfg.login_free_failures
    if extra < 0:
        return 0.0
    return min(cap, cfg.login_delay_seconds * 2 ** min(extra, 62))


def _wait(session: Session, key: ColumnElement[bool], now: dt.datetime, cfg: SecuritySettings,
          cap: float) -> float:
    since = now - dt.timedelta(seconds=cfg.login_window_seconds)
    count, newest = session.execute(
        select(func.count(LoginAttemptRow.id), func.max(LoginAttemptRow.at))
        .where(key, LoginAttemptRow.at >= since, LoginAttemptRow.reason.in_(FAILED_GUESSES))).one()
    if not count:
        return 0.0
    ready = as_utc(newest) + dt.timedelta(seconds=delay_after(int(count), cfg, cap))
    return max(0.0, (ready - now).total_seconds())


def wait_seconds(session: Session, *, name: str, client: str | None, device: str | None, now: dt.datetime,
                 cfg: SecuritySettings) -> float:
    """How long this attempt must still wait (0: check it now): the longest of its keys' delays."""
    if device:
        wait = _wait(session, LoginAttemptRow.device == device, now, cfg, cfg.login_max_delay_seconds)
    else:
        untrusted = LoginAttemptRow.device.is_(None)
        wait = _wait(session, (LoginAttemptRow.username == name) & untrusted, now, cfg,
                     cfg.login_account_max_delay_seconds)
        if client:
            wait = max(wait, _wait(session, (LoginAttemptRow.client == client) & untrusted, now, cfg,
                                   cfg.login_max_delay_seconds))
    return wait
