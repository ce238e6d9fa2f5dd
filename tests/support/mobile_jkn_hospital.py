"""A small hospital-side Mobile JKN web service for the tests (issue #14), written from BPJS's
catalogue ("Web Service RS untuk Mobile JKN"): GET ``auth`` with x-username/x-password gives a
token; every other service is a POST with x-token/x-username answering
``{"response", "metadata": {"code", "message"}}`` — 200 done, 201 refused, 202 new patient on
Ambil Antrean — at SIMRS Khanza's path names. It keeps its bookings in memory and records every
call. ``broken=True`` is the same service with four faults a checker must find: any token
accepted, ``estimasidilayani`` sent as text, no ``waktutunggu`` in Sisa Antrean, a second Batal
Antrean answered 200."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

JAKARTA = dt.timezone(dt.timedelta(hours=7))
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _ok(response=None, message: str = "Ok") -> JSONResponse:
    body = {"metadata": {"message": message, "code": 200}}
    if response is not None:
        body = {"response": response, **body}
    return JSONResponse(body)


def _no(message: str, code: int = 201) -> JSONResponse:
    return JSONResponse({"metadata": {"message": message, "code": code}})


def _day(text) -> dt.date | None:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class Hospital:
    username: str = "jkn-mobile"
    password: str = "rahasia-rs"
    polis: dict = field(default_factory=lambda: {"ANA": "Anak"})
    doctors: dict = field(default_factory=lambda: {"33690": "dr. Ani, Sp.A"})
    hours: str = "07:00-14:00"
    quota: int = 30
    patients: dict = field(default_factory=dict)  # card number -> norm
    broken: bool = False
    down: bool = False  # answers HTTP 500 without the envelope
    tokens: set = field(default_factory=set)
    bookings: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)

    def app(self) -> Starlette:
        routes = [Route("/health", lambda r: JSONResponse({"status": "ok"})),
                  Route("/auth", self.auth, methods=["GET"])]
        for name in ("statusantrean", "ambilantrean", "sisaantrean", "batalantrean", "checkinantrean", "pasienbaru",
                     "jadwaloperasirs", "jadwaloperasipasien"):
            routes.append(Route(f"/{name}", self._guarded(getattr(self, name)), methods=["POST"]))
        return Starlette(routes=routes)

    async def auth(self, request: Request):
        self.calls.append(("auth", None))
        if self.down:
            return JSONResponse({"error": "down"}, status_code=500)
        if (request.headers.get("x-username"), request.headers.get("x-password")) != (self.username, self.password):
            return _no("Username atau Password Tidak Sesuai")
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return _ok({"token": token})

    def _guarded(self, handler):
        async def endpoint(request: Request):
            try:
                body = await request.json()
            except ValueError:
                body = None
            self.calls.append((handler.__name__, body))
            if self.down:
                return JSONResponse({"error": "down"}, status_code=500)
            token_ok = request.headers.get("x-token") in self.tokens or (self.broken and request.headers.get("x-token"))
            if request.headers.get("x-username") != self.username or not token_ok:
                return _no("Token salah/expired")
            if not isinstance(body, dict):
                return _no("Format tidak sesuai")
            return handler(body)
        return endpoint

    # --- the queue ---------------------------------------------------------------------------

    def _window(self, body: dict):
        """The practice the body names, or the refusal."""
        day = _day(body.get("tanggalperiksa"))
        if day is None:
            return None, _no("Format Tanggal tidak sesuai, format yang benar adalah yyyy-mm-dd")
        if body.get("kodepoli") not in self.polis:
            return None, _no("Poli tidak ditemukan")
        if str(body.get("kodedokter")) not in self.doctors:
            return None, _no("Dokter tidak ditemukan")
        if body.get("jampraktek") != self.hours:
            return None, _no("Jadwal dokter tidak ditemukan")
        return day, None

    def _active(self, day: dt.date, poli: str) -> list[dict]:
        return [b for b in self.bookings.values() if b["day"] == day and b["poli"] == poli and b["status"] != "Batal"]

    def _quotas(self, day: dt.date, poli: str) -> dict:
        left = self.quota - len(self._active(day, poli))
        return {"sisakuotajkn": left, "kuotajkn": self.quota, "sisakuotanonjkn": left, "kuotanonjkn": self.quota}

    def statusantrean(self, body: dict):
        day, refusal = self._window(body)
        if refusal:
            return refusal
        active = self._active(day, body["kodepoli"])
        return _ok({"namapoli": self.polis[body["kodepoli"]], "namadokter": self.doctors[str(body["kodedokter"])],
                    "totalantrean": len(active), "sisaantrean": sum(b["status"] == "Belum" for b in active),
                    "antreanpanggil": "-", **self._quotas(day, body["kodepoli"]), "keterangan": ""})

    def ambilantrean(self, body: dict):
        day, refusal = self._window(body)
        if refusal:
            return refusal
        if not re.fullmatch(r"[0-9]{16}", str(body.get("nik") or "")):
            return _no("NIK tidak valid")
        if day < dt.datetime.now(JAKARTA).date():
            return _no("Tanggal Periksa tidak berlaku")
        card, poli = str(body.get("nomorkartu") or ""), body["kodepoli"]
        if not card or not body.get("nomorreferensi"):
            return _no("Nomor kartu dan nomor referensi wajib diisi")
        if card not in self.patients:
            return _no("Pasien Baru", 202)
        if any(b["card"] == card for b in self._active(day, poli)):
            return _no(f"Nomor Antrean Hanya Dapat Diambil 1 Kali Pada Tanggal {day} di poli {poli}")
        n = sum(1 for b in self.bookings.values() if b["day"] == day and b["poli"] == poli) + 1
        code = f"{day:%Y%m%d}{poli}{n:03d}"
        opens = dt.datetime.combine(day, dt.time.fromisoformat(self.hours[:5]), JAKARTA)
        estimate = int((opens + dt.timedelta(minutes=10 * (n - 1))).timestamp() * 1000)
        self.bookings[code] = {"day": day, "poli": poli, "card": card, "number": f"{poli}-{n}", "n": n,
                               "status": "Belum", "checked_in": None, "doctor": str(body["kodedokter"])}
        return _ok({"nomorantrean": f"{poli}-{n}", "angkaantrean": n, "kodebooking": code, "norm": self.patients[card],
                    "namapoli": self.polis[poli], "namadokter": self.doctors[str(body["kodedokter"])],
                    "estimasidilayani": str(estimate) if self.broken else estimate, **self._quotas(day, poli),
                    "keterangan": "Peserta harap 30 menit lebih awal guna pencatatan administrasi."})

    def sisaantrean(self, body: dict):
        b = self.bookings.get(body.get("kodebooking"))
        if b is None:
            return _no("Antrean Tidak Ditemukan")
        ahead = [o for o in self._active(b["day"], b["poli"]) if o["n"] < b["n"] and o["status"] != "Dilayani"]
        answer = {"nomorantrean": b["number"], "namapoli": self.polis[b["poli"]], "namadokter": self.doctors[b["doctor"]],
                  "sisaantrean": len(ahead), "antreanpanggil": "-", "waktutunggu": 600 * len(ahead), "keterangan": ""}
        if self.broken:
            answer.pop("waktutunggu")
        return _ok(answer)

    def batalantrean(self, body: dict):
        b = self.bookings.get(body.get("kodebooking"))
        if b is None:
            return _no("Data Booking tidak ditemukan")
        if not body.get("keterangan"):
            return _no("Keterangan tidak boleh kosong")
        if b["status"] == "Batal" and not self.broken:
            return _no("Booking Anda Sudah Dibatalkan")
        if b["checked_in"]:
            return _no("Anda Sudah Checkin, Pendaftaran Tidak Bisa Dibatalkan")
        b["status"] = "Batal"
        return _ok()

    def checkinantrean(self, body: dict):
        b = self.bookings.get(body.get("kodebooking"))
        if b is None:
            return _no("Data Booking tidak ditemukan")
        if not isinstance(body.get("waktu"), int):
            return _no("Waktu tidak boleh kosong")
        if b["status"] == "Batal":
            return _no("Booking Anda Sudah Dibatalkan")
        if b["checked_in"]:
            return _no("Anda Sudah Checkin")
        b["checked_in"] = body["waktu"]
        return _ok()

    # --- patients and operations ------------------------------------------------------------------

    def pasienbaru(self, body: dict):
        if not re.fullmatch(r"[0-9]{16}", str(body.get("nik") or "")):
            return _no("NIK tidak valid")
        card = str(body.get("nomorkartu") or "")
        if not card or card in self.patients:
            return _no("Data pasien ini sudah terdaftar")
        self.patients[card] = f"RM{len(self.patients) + 1:05d}"
        return _ok({"norm": self.patients[card]}, "Harap datang ke admisi untuk melengkapi data rekam medis")

    def _operations(self) -> list[dict]:
        card = next(iter(self.patients), "")
        return [{"kodebooking": "OP0001", "tanggaloperasi": dt.datetime.now(JAKARTA).date().isoformat(),
                 "jenistindakan": "operasi tonsil", "kodepoli": "THT", "namapoli": "THT", "terlaksana": 0,
                 "nopeserta": card, "lastupdate": 1700000000000}]

    def jadwaloperasirs(self, body: dict):
        start, end = _day(body.get("tanggalawal")), _day(body.get("tanggalakhir"))
        if start is None or end is None or end < start:
            return _no("Tanggal akhir tidak boleh lebih kecil dari tanggal awal")
        return _ok({"list": self._operations()})

    def jadwaloperasipasien(self, body: dict):
        card = str(body.get("nopeserta") or "")
        if not re.fullmatch(r"[0-9]{13}", card):
            return _no("Nomor peserta tidak valid")
        return _ok({"list": [{k: v for k, v in o.items() if k not in ("nopeserta", "lastupdate")}
                             for o in self._operations() if o["nopeserta"] == card]})
