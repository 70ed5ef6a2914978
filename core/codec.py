"""Encryption of every Temporal payload (docs/design.md "Where state lives": defence in depth).

Workflow payloads carry ids, enums and dates only, never personal data; this codec makes sure
that even those (and anything that slips in, such as an error message quoting an address) are
stored in the Temporal server only as AES-256-GCM ciphertext. Search attributes are never
encrypted, so they must hold no personal data either.

Keys rotate: ``ASB_ENCRYPTION_KEYS`` is a comma-separated list of ``keyid:base64key``. The first
key encrypts; every listed key decrypts, chosen by the key id stored in each payload's metadata.
To rotate, put the new key first and keep the old ones until no open case's history needs them.
Payloads that were never encrypted (histories recorded before the codec) pass through unchanged.

Each payload also names the workflow it belongs to (``asb-workflow-id``, from the SDK's
serialization context), bound to the ciphertext as AES-GCM associated data so it cannot be
changed without the payload failing to decrypt. The codec endpoint uses it to decode only the
payloads of the caller's landlord's cases (``api/codec.py``).

Without ``ASB_ENCRYPTION_KEYS`` the development key is used: it is derived from a public string,
so it protects nothing, and production refuses it (``Settings.check_production``).

``python -m core.codec new-key [KEY_ID]`` prints a fresh ``keyid:base64key`` entry.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec, SerializationContext, WithSerializationContext

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
CIPHER_METADATA = "encryption-cipher"
WORKFLOW_METADATA = "asb-workflow-id"
CIPHER = b"AES-256-GCM"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

# DEVELOPMENT ONLY. Derived from a public string: anyone can compute it. Production refuses it.
DEV_KEY_ID = "dev-only-insecure"
DEV_KEY = hashlib.sha256(b"asb-case-engine development payload key: public, not a secret").digest()


class CodecError(ValueError):
    """A payload cannot be decrypted (unknown key id, wrong key, tampered data) or a key is bad."""


class MalformedPayload(CodecError):
    """A payload with a known key that cannot be ours: truncated, altered or mislabelled."""


@dataclass(frozen=True)
class Keyring:
    """The key that encrypts and every key that may decrypt, by key id."""

    active_id: str
    keys: Mapping[str, bytes]

    @property
    def uses_dev_key(self) -> bool:
        return DEV_KEY_ID in self.keys or DEV_KEY in self.keys.values()


DEV_KEYRING = Keyring(DEV_KEY_ID, {DEV_KEY_ID: DEV_KEY})


def parse_keys(spec: str) -> Keyring:
    """``"k2:BASE64,k1:BASE64"`` -> a keyring encrypting with ``k2``; empty -> the dev key."""
    entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
    if not entries:
        return DEV_KEYRING
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, key = _parse_entry(entry)
        if key_id in keys:
            raise CodecError(f"encryption key id {key_id!r} is listed twice")
        keys[key_id] = key
    return Keyring(next(iter(keys)), keys)


def _parse_entry(entry: str) -> tuple[str, bytes]:
    key_id, separator, encoded = entry.partition(":")
    key_id = key_id.strip()
    if not separator or not key_id:
        raise CodecError("each encryption key is written keyid:base64key")
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CodecError(f"encryption key {key_id!r} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise CodecError(f"encryption key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
    return key_id, key


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    """AES-256-GCM over each serialised payload; the key id and the workflow id travel in the
    metadata, the workflow id bound to the ciphertext."""

    def __init__(self, keyring: Keyring, workflow_id: str | None = None) -> None:
        super().__init__()
        self._active_id = keyring.active_id
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}
        self._workflow_id = workflow_id

    def with_context(self, context: SerializationContext) -> Self:
        workflow_id = getattr(context, "workflow_id", None)
        if workflow_id == self._workflow_id:
            return self
        bound = copy.copy(self)
        bound._workflow_id = workflow_id
        return bound

    @classmethod
    def from_spec(cls, spec: str) -> EncryptionCodec:
        return _codec_for(spec)

    async def encode(self, payloads: Iterable[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Iterable[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        bound = self._workflow_id.encode() if self._workflow_id else None
        sealed = self._ciphers[self._active_id].encrypt(nonce, payload.SerializeToString(), bound)
        metadata = {
            "encoding": ENCODING,
            KEY_ID_METADATA: self._active_id.encode(),
            CIPHER_METADATA: CIPHER,
        }
        if bound:
            metadata[WORKFLOW_METADATA] = bound
        return Payload(metadata=metadata, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # recorded before the codec: plain, pass it through
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise CodecError(f"payload encrypted with unknown key id {key_id!r}")
        if len(payload.data) < NONCE_BYTES + TAG_BYTES:
            raise MalformedPayload(f"encrypted payload truncated to {len(payload.data)} bytes")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        bound = payload.metadata.get(WORKFLOW_METADATA) or None
        try:
            return Payload.FromString(cipher.decrypt(nonce, sealed, bound))
        except InvalidTag:
            raise MalformedPayload(
                f"payload does not decrypt with key {key_id!r}: altered or truncated"
            ) from None
        except DecodeError:
            raise MalformedPayload("decrypted payload is not a payload") from None


def workflow_of(payload: Payload) -> str | None:
    """The workflow an encrypted payload says it belongs to (checked when it decrypts)."""
    found = payload.metadata.get(WORKFLOW_METADATA)
    return found.decode(errors="replace") if found else None


@lru_cache(maxsize=8)
def _codec_for(spec: str) -> EncryptionCodec:
    return EncryptionCodec(parse_keys(spec))


def new_key_entry(key_id: str | None = None) -> str:
    """A fresh ``keyid:base64key`` entry for ``ASB_ENCRYPTION_KEYS``."""
    key_id = key_id or datetime.now(UTC).strftime("k%Y%m%d")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "new-key" or len(argv) > 2:
        print("usage: python -m core.codec new-key [KEY_ID]", file=sys.stderr)
        return 2
    print(new_key_entry(argv[1] if len(argv) > 1 else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
