"""Security settings of the portal and the API log-in, read from the environment on each use.

* ``JKN_MIN_PASSWORD_LENGTH`` (8): characters of a new password.
* ``JKN_SESSION_IDLE_MINUTES`` (30): a session unused this long ends (A-S03).
* ``JKN_SESSION_HOURS`` (8): a session ends this long after its log-in, however used (A-S03).
* ``JKN_LOGIN_FREE_FAILURES`` (5): failed log-ins per client, account or device within the
  window before delays start (A-S01).
* ``JKN_LOGIN_DELAY_SECONDS`` (1): the first delay; it doubles with each further failure.
* ``JKN_LOGIN_MAX_DELAY_SECONDS`` (300): the longest delay of a client or a device.
* ``JKN_LOGIN_ACCOUNT_MAX_DELAY_SECONDS`` (60): the longest delay of an account, i.e. the most
  a stranger elsewhere can make its owner wait (A-S01).
* ``JKN_LOGIN_WINDOW_MINUTES`` (15): failed log-ins older than this are forgotten.
* ``JKN_DEVICE_DAYS`` (90): how long a browser stays known to the account that logged in on
  it (A-S02).
* ``JKN_SECURITY_LOG_DAYS`` (90): sessions and log-in attempts older than this are deleted by
  ``jkn users prune`` (A-S13).

Durations accept decimals (``JKN_SESSION_IDLE_MINUTES=0.5``); a missing, zero or unreadable
value takes the default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def positive_number(name: str, default: float) -> float:
    """A positive number from the environment variable ``name``; missing, zero or unreadable: ``default``."""
    try:
        value = float(os.environ.get(name, "").strip())
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class SecuritySettings:
    min_password_length: int = 8
    session_idle_seconds: float = 30 * 60
    session_seconds: float = 8 * 3600
    login_free_failures: int = 5
    login_delay_seconds: float = 1
    login_max_delay_seconds: float = 300
    login_account_max_delay_seconds: float = 60
    login_window_seconds: float = 15 * 60
    device_seconds: float = 90 * 86400
    security_log_seconds: float = 90 * 86400

    @classmethod
    def from_env(cls) -> "SecuritySettings":
        return cls(
            min_password_length=int(positive_number("JKN_MIN_PASSWORD_LENGTH", 8)),
            session_idle_seconds=positive_number("JKN_SESSION_IDLE_MINUTES", 30) * 60,
            session_seconds=positive_number("JKN_SESSION_HOURS", 8) * 3600,
            login_free_failures=int(positive_number("JKN_LOGIN_FREE_FAILURES", 5)),
            login_delay_seconds=positive_number("JKN_LOGIN_DELAY_SECONDS", 1),
            login_max_delay_seconds=positive_number("JKN_LOGIN_MAX_DELAY_SECONDS", 300),
            login_account_max_delay_seconds=positive_number("JKN_LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 60),
            login_window_seconds=positive_number("JKN_LOGIN_WINDOW_MINUTES", 15) * 60,
            device_seconds=positive_number("JKN_DEVICE_DAYS", 90) * 86400,
            security_log_seconds=positive_number("JKN_SECURITY_LOG_DAYS", 90) * 86400,
        )


def settings() -> SecuritySettings:
    return SecuritySettings.from_env()
