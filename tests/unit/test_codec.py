"""The payload encryption codec: AES-256-GCM, key ids in metadata, rotation, production guard."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import BaseModel, ValidationError
from temporalio.api.common.v1 import Payload

from core.codec import (
    DEV_KEY,
    DEV_KEY_ID,
    ENCODING,
    KEY_ID_METADATA,
    CodecError,
    EncryptionCodec,
    main,
    new_key_entry,
    parse_keys,
)
from core.settings import Settings
from core.temporal import data_converter

SECRET = b'{"party_id": "ASB-2026-0000ABCD-P1", "categories": ["hate_incident"]}'


def key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


def plain(data: bytes = SECRET) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=data)


async def test_a_payload_is_encrypted_with_the_key_id_and_decrypts_back() -> None:
    codec = EncryptionCodec(parse_keys(key("k1")))
    [sealed] = await codec.encode([plain()])

    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID_METADATA] == b"k1"
    assert b"ASB-2026" not in sealed.data and b"hate" not in sealed.data
    assert b"json/plain" not in sealed.SerializeToString()  # the inner metadata is sealed too
    [opened] = await codec.decode([sealed])
    assert opened == plain()


async def test_each_encryption_uses_a_fresh_nonce() -> None:
    codec = EncryptionCodec(parse_keys(key("k1")))
    first, second = await codec.encode([plain(), plain()])
    assert first.data != second.data


async def test_keys_rotate_the_first_encrypts_and_every_one_decrypts() -> None:
    old, new = key("2025"), key("2026")
    [before] = await EncryptionCodec(parse_keys(old)).encode([plain()])
    rotated = EncryptionCodec(parse_keys(f"{new}, {old}"))

    [after] = await rotated.encode([plain()])
    assert after.metadata[KEY_ID_METADATA] == b"2026"
    assert await rotated.decode([before, after]) == [plain(), plain()]
    with pytest.raises(CodecError, match="unknown key id '2026'"):
        await EncryptionCodec(parse_keys(old)).decode([after])


async def test_a_wrong_key_or_tampered_data_is_refused() -> None:
    [sealed] = await EncryptionCodec(parse_keys(key("k1"))).encode([plain()])
    with pytest.raises(CodecError, match="does not decrypt"):
        await EncryptionCodec(parse_keys(key("k1"))).decode([sealed])  # same id, other key
    codec = EncryptionCodec(parse_keys(key("k1")))
    [sealed] = await codec.encode([plain()])
    tampered = Payload(metadata=sealed.metadata, data=sealed.data[:-1] + b"\x00")
    with pytest.raises(CodecError):
        await codec.decode([tampered])


async def test_payloads_recorded_before_the_codec_pass_through() -> None:
    codec = EncryptionCodec(parse_keys(key("k1")))
    assert await codec.decode([plain()]) == [plain()]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-separator", "keyid:base64key"),
        (":" + base64.b64encode(os.urandom(32)).decode(), "keyid:base64key"),
        ("k1:not base64!", "not valid base64"),
        ("k1:" + base64.b64encode(os.urandom(16)).decode(), "must be 32 bytes"),
    ],
)
def test_malformed_keys_are_refused(spec: str, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        parse_keys(spec)
    with pytest.raises(ValidationError):
        Settings(encryption_keys=spec)  # type: ignore[arg-type]


def test_a_key_id_listed_twice_is_refused() -> None:
    with pytest.raises(CodecError, match="twice"):
        parse_keys(f"{key('a')},{key('a')}")


def test_without_keys_the_development_key_is_used_and_labelled() -> None:
    ring = parse_keys("")
    assert ring.active_id == DEV_KEY_ID == "dev-only-insecure"
    assert ring.keys == {DEV_KEY_ID: DEV_KEY} and ring.uses_dev_key
    assert not parse_keys(key("k1")).uses_dev_key


def test_production_refuses_the_development_key() -> None:
    base = {"environment": "production", "token_secret": "s" * 40,
            "database_url": "postgresql+asyncpg://asb@db/asb"}  # fmt: skip
    with pytest.raises(ValueError, match="ASB_ENCRYPTION_KEYS"):
        Settings(**base).check_production()  # type: ignore[arg-type]
    dev = f"{DEV_KEY_ID}:{base64.b64encode(DEV_KEY).decode()}"
    with pytest.raises(ValueError, match="ASB_ENCRYPTION_KEYS"):
        Settings(**base, encryption_keys=f"{key('k1')},{dev}").check_production()  # type: ignore[arg-type]
    renamed = f"mine:{base64.b64encode(DEV_KEY).decode()}"  # the public key under another name
    with pytest.raises(ValueError, match="ASB_ENCRYPTION_KEYS"):
        Settings(**base, encryption_keys=renamed).check_production()  # type: ignore[arg-type]
    Settings(**base, encryption_keys=key("k1")).check_production()  # type: ignore[arg-type]


def test_new_key_prints_a_usable_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_keys(new_key_entry("k9")).active_id == "k9"
    assert main(["new-key", "k2027"]) == 0
    assert parse_keys(capsys.readouterr().out.strip()).active_id == "k2027"
    assert main([]) == 2


class Opened(BaseModel):
    reference: str
    party_ids: list[str]


async def test_the_data_converter_round_trips_pydantic_models_encrypted() -> None:
    settings = Settings(encryption_keys=key("k1"))  # type: ignore[arg-type]
    converter = data_converter(settings)
    value = Opened(reference="ASB-2026-0000ABCD", party_ids=["ASB-2026-0000ABCD-P1"])

    [encoded] = await converter.encode([value])
    assert encoded.metadata[KEY_ID_METADATA] == b"k1"
    assert b"ASB-2026" not in encoded.data
    [decoded] = await converter.decode([encoded], [Opened])
    assert decoded == value
