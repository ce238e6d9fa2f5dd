"""VClaim-compatible protocol core: signatures, v2 response encryption, envelopes.

Pure functions only (no web framework); see shared/docs/vclaim-protocol.md and
docs/vclaim-client-notes.md for what real clients send and expect.
"""

from jkn.vclaim.crypto import SignatureError, decrypt_response, encrypt_response, hmac_b64, signature, verify

__all__ = [
    "SignatureError",
    "decrypt_response",
    "encrypt_response",
    "hmac_b64",
    "signature",
    "verify",
]
