"""The codec endpoint the Temporal Web UI calls: supervisors only, their own landlord's cases
only, CORS for the UI's origin."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from google.protobuf import json_format
from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.api.common.v1 import Payloads
from temporalio.converter import WorkflowSerializationContext

from api import codec
from core.codec import ENCODING, KEY_ID_METADATA, WORKFLOW_METADATA
from core.settings import Settings
from core.temporal import data_converter
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.models import AccessRecord
from edge.auth import mint_token
from edge.deps import Services
from tests.integration.record_support import seed_case

UI = "http://127.0.0.1:8233"
KEY = f"k1:{base64.b64encode(bytes(range(32))).decode()}"


class Opened(BaseModel):
    reference: str
    party_ids: list[str]


VALUE = Opened(reference="ASB-2026-0000ABCD", party_ids=["ASB-2026-0000ABCD-P1"])


@pytest.fixture
def settings() -> Settings:
    return Settings(encryption_keys=KEY, codec_cors_origins=UI)  # type: ignore[arg-type]


@pytest.fixture
async def case_x(sessions: async_sessionmaker[Any]) -> str:
    """A case of landlord X in the record: the workflow its payloads name."""
    return f"case-{(await seed_case(sessions, landlord='X')).reference}"


@pytest.fixture
async def client(
    settings: Settings, sessions: async_sessionmaker[Any]
) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    codec.install(app, settings)
    app.state.services = Services(settings, None, None, sessions)  # type: ignore[arg-type]

    @app.get("/elsewhere")
    async def elsewhere() -> dict[str, str]:
        return {"ok": "yes"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        yield http


def bearer(settings: Settings, *roles: str, landlord: str = "X") -> dict[str, str]:
    token = mint_token(settings, "user.1", list(roles), landlord)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {token}"}


async def encrypted_document(settings: Settings, workflow_id: str = "case-none") -> dict[str, Any]:
    """A payload as the worker encrypts it for the workflow ``workflow_id``."""
    context = WorkflowSerializationContext(namespace="default", workflow_id=workflow_id)
    payloads = await data_converter(settings).with_context(context).encode([VALUE])
    return json_format.MessageToDict(Payloads(payloads=payloads))


async def test_a_supervisor_decodes_what_the_worker_encrypted(
    client: httpx.AsyncClient, settings: Settings, case_x: str
) -> None:
    document = await encrypted_document(settings, case_x)
    assert base64.b64decode(document["payloads"][0]["metadata"]["encoding"]) == ENCODING

    answer = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor")
    )

    assert answer.status_code == 200, answer.text
    [payload] = json_format.ParseDict(answer.json(), Payloads()).payloads
    assert payload.metadata["encoding"] == b"json/plain"
    assert Opened.model_validate_json(payload.data) == VALUE


async def test_a_supervisor_of_another_landlord_decodes_nothing(
    client: httpx.AsyncClient, settings: Settings, case_x: str
) -> None:
    """Issue 13: a supervisor of Y could decode X's payloads."""
    document = await encrypted_document(settings, case_x)
    answer = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor", landlord="Y")
    )
    assert answer.status_code == 200
    assert answer.json() == document and "ASB-2026" not in answer.text


async def test_a_payload_relabelled_as_another_case_does_not_decode(
    client: httpx.AsyncClient, settings: Settings, case_x: str, sessions: async_sessionmaker[Any]
) -> None:
    """The workflow id is bound to the ciphertext: Y's payload claiming to be X's stays shut."""
    case_y = f"case-{(await seed_case(sessions, landlord='Y')).reference}"
    document = await encrypted_document(settings, case_y)
    document["payloads"][0]["metadata"][WORKFLOW_METADATA] = base64.b64encode(
        case_x.encode()
    ).decode()
    answer = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor")
    )
    assert answer.status_code == 400
    assert "payloads[0]" in answer.json()["detail"] and "ASB-2026" not in answer.text


@pytest.mark.parametrize("keep", [0, 5, 27])
async def test_a_truncated_payload_is_a_400_naming_it(
    client: httpx.AsyncClient, settings: Settings, case_x: str, keep: int
) -> None:
    """Issue 13: a truncated encrypted payload was a 500."""
    document = await encrypted_document(settings, case_x)
    data = base64.b64decode(document["payloads"][0]["data"])
    document["payloads"][0]["data"] = base64.b64encode(data[:keep]).decode()
    answer = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor")
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("payloads[0]: ")


async def test_encode_then_decode_keeps_a_payload_of_no_case_encrypted(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """/encode serves the UI; what it seals names no case, so /decode opens it for nobody."""
    plain = {"payloads": [{"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                           "data": base64.b64encode(b'{"a": 1}').decode()}]}  # fmt: skip
    headers = bearer(settings, "supervisor")
    sealed = (await client.post("/codec/encode", json=plain, headers=headers)).json()
    [payload] = json_format.ParseDict(sealed, Payloads()).payloads
    assert payload.metadata[KEY_ID_METADATA] == b"k1"
    opened = (await client.post("/codec/decode", json=sealed, headers=headers)).json()
    assert opened == sealed


async def test_an_officer_is_forbidden(client: httpx.AsyncClient, settings: Settings) -> None:
    document = await encrypted_document(settings)
    answer = await client.post("/codec/decode", json=document, headers=bearer(settings, "officer"))
    assert answer.status_code == 403
    assert "ASB-2026" not in answer.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dXNlcjpwdw=="}],
    ids=["no token", "garbage token", "not bearer"],
)
async def test_without_a_valid_token_it_is_401(
    client: httpx.AsyncClient, settings: Settings, headers: dict[str, str]
) -> None:
    answer = await client.post(
        "/codec/decode", json=await encrypted_document(settings), headers=headers
    )
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


async def test_a_token_signed_with_another_secret_is_401(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    other = Settings(token_secret="another-secret-entirely-0123456789")  # type: ignore[arg-type]
    answer = await client.post(
        "/codec/decode",
        json=await encrypted_document(settings),
        headers=bearer(other, "supervisor"),
    )
    assert answer.status_code == 401


async def test_a_malformed_document_is_400(client: httpx.AsyncClient, settings: Settings) -> None:
    answer = await client.post(
        "/codec/decode", content=b"{not json", headers=bearer(settings, "supervisor")
    )
    assert answer.status_code == 400


async def test_a_payload_under_a_retired_key_stays_encrypted(
    client: httpx.AsyncClient, settings: Settings, case_x: str
) -> None:
    retired = Settings(encryption_keys=f"old:{base64.b64encode(b'x' * 32).decode()}")  # type: ignore[arg-type]
    document = await encrypted_document(retired, case_x)
    answer = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor")
    )
    assert answer.status_code == 200
    assert answer.json() == document


async def test_cors_admits_the_web_ui_on_codec_paths_only(client: httpx.AsyncClient) -> None:
    preflight = {
        "Origin": UI,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    allowed = await client.options("/codec/decode", headers=preflight)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == UI
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()

    stranger = await client.options(
        "/codec/decode", headers={**preflight, "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in stranger.headers
    elsewhere = await client.get("/elsewhere", headers={"Origin": UI})
    assert "access-control-allow-origin" not in elsewhere.headers


async def test_a_body_that_is_not_text_is_a_400_not_a_crash(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """Found by schemathesis: invalid UTF-8 sent to /codec/encode was a 500."""
    response = await client.post(
        "/codec/encode",
        content=b"$\xb1\xe0r\x0f\xd2\x93+s\xe5\xfa\x03",
        headers={**bearer(settings, "supervisor"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400


async def test_a_decode_writes_an_access_record_naming_the_workflow(
    client: httpx.AsyncClient, settings: Settings, case_x: str, sessions: async_sessionmaker[Any]
) -> None:
    """Issue 16: the Temporal UI's decode is a read of the case's personal data."""
    document = await encrypted_document(settings, case_x)
    answer = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor")
    )
    assert answer.status_code == 200, answer.text
    other = await client.post(
        "/codec/decode", json=document, headers=bearer(settings, "supervisor", landlord="Y")
    )
    assert other.status_code == 200 and other.json() == document  # decoded nothing

    reference = case_x.removeprefix("case-")
    async with sessions() as session:
        rows = list(
            await session.scalars(select(AccessRecord).where(AccessRecord.reference == reference))
        )
    assert [(r.user_id, r.role, r.route, r.workflow_id, r.landlord) for r in rows] == [
        ("user.1", "supervisor", "codec_decode", case_x, "X")
    ]


async def test_a_decode_that_cannot_be_recorded_decodes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    """Fail closed: a database that cannot take the access record (its table is gone here)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP TABLE access_records"))
        sessions = session_factory(engine)
        case = f"case-{(await seed_case(sessions, landlord='X')).reference}"
        document = await encrypted_document(settings, case)
        app = FastAPI()
        codec.install(app, settings)
        app.state.services = Services(settings, None, engine, sessions)  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            answer = await http.post(
                "/codec/decode", json=document, headers=bearer(settings, "supervisor")
            )
    finally:
        await engine.dispose()
    assert answer.status_code == 503, answer.text
    assert "access log" in answer.text and "ASB-2026" not in answer.text
