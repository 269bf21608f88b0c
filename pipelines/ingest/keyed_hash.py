"""HMAC-SHA256 with the deployment's customer salt, computed inside DuckDB.

HMAC(K, m) = sha256((K' xor opad) || sha256((K' xor ipad) || m)), K' the key padded with
zero bytes to SHA-256's 64-byte block (a longer key is first hashed to 32 bytes). The two
64-byte blocks depend on the key alone, so they are computed once here in Python and
travel as BLOB parameters; per row DuckDB runs two ``sha256`` calls over BLOBs,
vectorised like any other function (no Python per row):

    sha256(outer || unhex(sha256(inner || encode(message))))

Unlike ``sha256(salt || value)``, an HMAC does not let anyone who sees one key extend it
to others (length extension), and the salt never meets the message in one string.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from .sql_text import SqlParams

BLOCK_BYTES = 64  # SHA-256's block size
# What the warehouse's salt fingerprint is the HMAC of (never the salt itself)
FINGERPRINT_LABEL = "contact-centre warehouse: customer-key salt fingerprint v1"


@dataclass(frozen=True)
class HmacKey:
    """The key's inner and outer padded blocks (64 bytes each)."""

    inner: bytes
    outer: bytes

    @classmethod
    def from_salt(cls, salt: str) -> HmacKey:
        key = salt.encode("utf-8")
        if len(key) > BLOCK_BYTES:
            key = hashlib.sha256(key).digest()
        key = key.ljust(BLOCK_BYTES, b"\x00")
        return cls(
            inner=bytes(byte ^ 0x36 for byte in key), outer=bytes(byte ^ 0x5C for byte in key)
        )

    def sql(self, message_sql: str, params: SqlParams) -> str:
        """SQL for the hex HMAC of a VARCHAR expression (NULL stays NULL)."""
        inner, outer = params.add(self.inner), params.add(self.outer)
        return f"sha256({outer} || unhex(sha256({inner} || encode({message_sql}))))"


def python_hmac(salt: str, message: str) -> str:
    """The same HMAC in Python (hmac module): the reference for tests and fingerprints."""
    return hmac.new(salt.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def salt_fingerprint(salt: str) -> str:
    """What the warehouse stores to recognise its salt: an HMAC of a fixed label."""
    return python_hmac(salt, FINGERPRINT_LABEL)
