"""A bank's side of ``/h2h``: signed requests exactly as docs/h2h.md tells a bank to send them."""

from __future__ import annotations

import json
import time

import httpx

from jkn.api.h2h.signing import sign


class Bank:
    def __init__(self, base_url: str, code: str, secret: str, va_prefix: str):
        self.base_url, self.code, self.secret, self.va_prefix = base_url, code, secret, va_prefix

    def headers(self, method: str, path: str, body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {"X-Bank-Id": self.code, "X-Timestamp": ts,
                "X-Signature": sign(secret or self.secret, ts, method, path, body)}

    def send(self, method: str, path: str, payload=None, *, raw: bytes | None = None, content_type="application/json",
             **signing) -> httpx.Response:
        body = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        headers = {**self.headers(method, path, body, **signing), "Content-Type": content_type}
        with httpx.Client(base_url=self.base_url, timeout=30) as c:
            return c.request(method, path, content=body, headers=headers)

    def inquiry(self, va: str) -> httpx.Response:
        return self.send("POST", "/h2h/inquiry", {"va_number": va})

    def pay(self, va: str, reference: str, amount: int) -> httpx.Response:
        return self.send("POST", "/h2h/payments", {"va_number": va, "reference": reference, "amount": amount})

    def reverse(self, reference: str, reversal_reference: str) -> httpx.Response:
        return self.send("POST", "/h2h/reversals", {"reference": reference, "reversal_reference": reversal_reference})
