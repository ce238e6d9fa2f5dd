"""VClaim signatures and v2.0 response encryption (shared/docs/vclaim-protocol.md).

Our ciphertexts are checked against two decryptors we did not write: the unmodified
``bpjs-bridging`` client's own ``Bridging._decrypt`` (pycryptodome + lzstring), and a
Node script using Node's built-in crypto (strict PKCS#7) and npm's ``lz-string``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import lzstring
import pytest
from bpjs import Bridging
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from jkn.bridging.core import envelope
from jkn.bridging.core.crypto import SignatureError, decrypt_response, encrypt_response, hmac_b64, signature, verify

CONS, SECRET, TS = "12345", "aZ9xSecret", "1717171717"
NODE_DIR = Path(__file__).parent / "node"

NAMES = [
    "SITI NURHALIZA",
    "Ñoño Pérez – “kutip” café",
    "李小龍",
    "Ahmad 😀 Dahlan",  # outside the BMP: UTF-16 surrogates in JS, one code point in Python
    "\u0000\t\n\"\\/</script>",
]


def bridging_decrypt(ciphertext: str, timestamp: str = TS):
    client = Bridging({"host": "http://127.0.0.1:9/vclaim-rest", "consid": CONS,
                       "secret": SECRET, "user_key": "uk"}, "vclaim")
    return client._decrypt(ciphertext, timestamp)


def compressed_len(payload) -> int:
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return len(lzstring.LZString.compressToEncodedURIComponent(text))


def payload_with_compressed_len_mod16(residue: int) -> dict:
    for n in range(400):
        p = {"nama": "x" * n, "n": n}
        if compressed_len(p) % 16 == residue:
            return p
    raise AssertionError(f"no payload found with compressed length % 16 == {residue}")


def raw_plaintext(ciphertext: str, timestamp: str = TS) -> bytes:
    """AES-CBC decrypt without unpadding, to look at the padding bytes themselves."""
    import hashlib

    key = hashlib.sha256(f"{CONS}{SECRET}{timestamp}".encode()).digest()
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return dec.update(base64.b64decode(ciphertext)) + dec.finalize()


# --- signatures ---------------------------------------------------------------------------

def test_hmac_vector_from_the_protocol_doc():
    assert hmac_b64("bbb", "aaa") == "20BKS3PWnD3XU4JbSSZvVlGi2WWnDa8Sv9uHJ+wsELA="


def test_signature_signs_consid_ampersand_timestamp():
    assert signature(CONS, SECRET, TS) == hmac_b64(SECRET, f"{CONS}&{TS}")
    assert signature(CONS, SECRET, int(TS)) == signature(CONS, SECRET, TS)


def test_signature_matches_bpjs_bridging_client():
    client = Bridging({"host": "h", "consid": CONS, "secret": SECRET}, "vclaim")
    assert client._signature(TS) == signature(CONS, SECRET, TS)
    headers = client._headers(TS)
    verify(headers["X-cons-id"], SECRET, headers["X-timestamp"], headers["X-signature"],
           now=int(TS), max_skew_seconds=0)


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_verify_accepts_within_skew(offset):
    verify(CONS, SECRET, TS, signature(CONS, SECRET, TS), now=int(TS) + offset,
           max_skew_seconds=300)


@pytest.mark.parametrize(("now_offset", "reason"), [(301, "stale"), (86400, "stale"),
                                                    (-301, "future"), (-86400, "future")])
def test_verify_rejects_outside_skew(now_offset, reason):
    with pytest.raises(SignatureError) as exc:
        verify(CONS, SECRET, TS, signature(CONS, SECRET, TS), now=int(TS) + now_offset,
               max_skew_seconds=300)
    assert exc.value.reason == reason
    assert str(exc.value)


def test_verify_accepts_aware_datetime_now():
    from datetime import datetime, timezone

    now = datetime.fromtimestamp(int(TS) + 10, tz=timezone.utc)
    verify(CONS, SECRET, TS, signature(CONS, SECRET, TS), now=now, max_skew_seconds=60)


def test_milliseconds_timestamp_is_future_with_hint():
    ms = TS + "123"
    with pytest.raises(SignatureError, match="milliseconds") as exc:
        verify(CONS, SECRET, ms, signature(CONS, SECRET, ms), now=int(TS), max_skew_seconds=300)
    assert exc.value.reason == "future"


@pytest.mark.parametrize("bad", ["", "abc", "12.5", "-1", " 1717171717", "1717171717 ",
                                 "+1717171717", "١٧١٧", "1e9", "9" * 16])
def test_verify_rejects_malformed_timestamp(bad):
    with pytest.raises(SignatureError) as exc:
        verify(CONS, SECRET, bad, signature(CONS, SECRET, bad), now=int(TS),
               max_skew_seconds=10**12)
    assert exc.value.reason == "malformed timestamp"


@pytest.mark.parametrize("sig", ["", "x", signature(CONS, "wrong", TS),
                                 signature("99999", SECRET, TS), signature(CONS, SECRET, "1"),
                                 signature(CONS, SECRET, TS)[:-1], "é" * 44])
def test_verify_rejects_bad_signature(sig):
    with pytest.raises(SignatureError) as exc:
        verify(CONS, SECRET, TS, sig, now=int(TS), max_skew_seconds=300)
    assert exc.value.reason == "bad signature"


def test_bad_signature_is_reported_before_clock_problems():
    with pytest.raises(SignatureError) as exc:
        verify(CONS, SECRET, TS, "nope", now=int(TS) + 10**6, max_skew_seconds=300)
    assert exc.value.reason == "bad signature"


# --- encryption ---------------------------------------------------------------------------

PAYLOADS = [
    {"peserta": {"noKartu": "0001234567890", "nama": n, "hakKelas": {"kode": "1"}}} for n in NAMES
] + [
    {"list": [{"kode": "31", "nama": "DKI JAKARTA"}, {"kode": "32", "nama": "JAWA BARAT"}]},
    {"diagnosa": []},
    "",
    "a",
    0,
    [],
    {"big": [{"i": i, "nama": NAMES[i % len(NAMES)]} for i in range(2000)]},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_round_trip_and_bpjs_bridging_decrypts(payload):
    ct = encrypt_response(payload, CONS, SECRET, TS)
    assert decrypt_response(ct, CONS, SECRET, TS) == payload
    assert bridging_decrypt(ct) == payload


def test_key_depends_on_the_clients_timestamp():
    ct = encrypt_response({"a": 1}, CONS, SECRET, TS)
    with pytest.raises(ValueError):
        decrypt_response(ct, CONS, SECRET, str(int(TS) + 1))


def test_json_is_ascii_only_before_compression():
    ct = encrypt_response({"nama": "李 😀 é"}, CONS, SECRET, TS)
    compressed = decrypt_raw_compressed(ct)
    text = lzstring.LZString.decompressFromEncodedURIComponent(compressed)
    assert text.isascii()
    assert "\\u674e" in text and "\\ud83d\\ude00" in text and "\\u00e9" in text


def decrypt_raw_compressed(ct: str) -> str:
    raw = raw_plaintext(ct)
    return raw[: -raw[-1]].decode("ascii")


@pytest.mark.parametrize("residue", [0, 1, 7, 15])
def test_pkcs7_padding_is_exact(residue):
    payload = payload_with_compressed_len_mod16(residue)
    n = compressed_len(payload)
    ct = encrypt_response(payload, CONS, SECRET, TS)
    raw = raw_plaintext(ct)
    pad = 16 - n % 16  # a full block of 0x10 when the length is a multiple of 16
    assert len(raw) == n + pad
    assert raw[n:] == bytes([pad]) * pad
    assert raw[:n].isascii()
    assert bridging_decrypt(ct) == payload


TWO_BLOCKS = {"nama": "SITI NURHALIZA", "noKartu": "0001234567890"}


def test_decrypt_rejects_tampered_padding():
    assert compressed_len(TWO_BLOCKS) > 16
    ct = base64.b64decode(encrypt_response(TWO_BLOCKS, CONS, SECRET, TS))
    tampered = bytearray(ct)
    tampered[-17] ^= 0x01  # CBC: flips the last plaintext byte, a padding byte
    with pytest.raises(ValueError):
        decrypt_response(base64.b64encode(bytes(tampered)).decode(), CONS, SECRET, TS)


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_decrypt_rejects_garbage(bad):
    with pytest.raises(ValueError):
        decrypt_response(bad, CONS, SECRET, TS)


def test_null_is_not_encrypted():
    with pytest.raises(ValueError):
        encrypt_response(None, CONS, SECRET, TS)


# --- envelope -----------------------------------------------------------------------------

def test_envelopes():
    assert envelope.ok({"x": 1}) == {"metaData": {"code": "200", "message": "OK"},
                                     "response": {"x": 1}}
    assert envelope.error("201", "Data tidak ditemukan") == {
        "metaData": {"code": "201", "message": "Data tidak ditemukan"}, "response": None}
    for bad in (201, "200", "", "2a"):
        with pytest.raises(ValueError):
            envelope.error(bad, "x")
    assert envelope.http_status("401") == 401 and envelope.http_status("201") == 200


@pytest.mark.parametrize(("conventions", "key", "code", "ok_code"), [
    (envelope.VCLAIM, "metaData", "201", "200"), (envelope.ANTREAN, "metadata", 201, 200),
    (envelope.APLICARES, "metadata", 0, 1), (envelope.ICARE, "metaData", 201, 200), (envelope.PCARE, "metaData", 201, 200),
])
def test_each_service_has_its_envelope(conventions, key, code, ok_code):
    """VClaim: metaData with string codes; Antrean, Aplicares: lowercase metadata, numbers; iCare,
    P-Care: metaData, numbers (shared/docs/vclaim-protocol.md, "The other BPJS Kesehatan services");
    Aplicares: success 1, every refusal 0 (docs/aplicares.md, A-V30)."""
    assert conventions.error("201", "x") == {key: {"code": code, "message": "x"}, "response": None}
    assert conventions.ok([1])[key]["code"] == ok_code
    sealed = envelope.seal(conventions.ok({"a": 1}), "any/path", CONS, SECRET, TS, conventions)
    assert (sealed["response"] == {"a": 1}) is (conventions is envelope.APLICARES)  # Aplicares answers plain


@pytest.mark.parametrize(("path", "plain"), [
    ("SEP/2.0/update", True), ("sep/2.0/delete", True), ("//SEP//2.0/Delete/", True),
    ("SEP/2.0/insert", False), ("SEP/2.0/updtglplg", False), ("referensi/propinsi", False),
])
def test_seal_encrypts_except_plain_paths_and_null(path, plain):
    sealed = envelope.seal(envelope.ok({"noSep": "0301R0011117V000008"}), path, CONS, SECRET, TS)
    assert (sealed["response"] == {"noSep": "0301R0011117V000008"}) is plain
    if not plain:
        assert bridging_decrypt(sealed["response"]) == {"noSep": "0301R0011117V000008"}
    err = envelope.error("201", "x")
    assert envelope.seal(err, path, CONS, SECRET, TS) is err


# --- an independent decryptor in Node ----------------------------------------------------

@pytest.fixture(scope="module")
def node_decrypt():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail("node is required in CI for the independent VClaim decryptor")
        pytest.skip("node is not installed: the independent Node decryptor check is skipped")
    lock_path = Path(tempfile.gettempdir()) / "jkn-vclaim-node-install.lock"
    with open(lock_path, "w") as lock:  # pytest-xdist workers must not run npm ci at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (NODE_DIR / "node_modules" / "lz-string" / "package.json").exists():
            npm = shutil.which("npm")
            assert npm, "node is installed but npm is not: cannot install lz-string"
            done = subprocess.run([npm, "ci", "--prefix", str(NODE_DIR), "--no-audit",
                                   "--no-fund"], capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"

    def run(ciphertexts: list[str], timestamp: str = TS) -> list:
        req = {"consid": CONS, "secret": SECRET, "timestamp": timestamp,
               "ciphertexts": ciphertexts}
        done = subprocess.run([node, str(NODE_DIR / "decrypt.js")], input=json.dumps(req),
                              capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["payloads"]

    return run


def test_node_decrypts_our_responses(node_decrypt):
    cases = PAYLOADS + [payload_with_compressed_len_mod16(r) for r in (0, 5, 15)]
    cts = [encrypt_response(p, CONS, SECRET, TS) for p in cases]
    assert node_decrypt(cts) == cases


def test_node_rejects_tampered_padding(node_decrypt):
    ct = bytearray(base64.b64decode(encrypt_response(TWO_BLOCKS, CONS, SECRET, TS)))
    ct[-17] ^= 0x01
    with pytest.raises(AssertionError, match="bad decrypt|padding|final"):
        node_decrypt([base64.b64encode(bytes(ct)).decode()])
