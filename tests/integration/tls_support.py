"""A certificate authority, certificates and a TLS-terminating proxy for tests of Temporal over
(mutual) TLS, which can also report the request headers (an API key) clients send.

The Temporal dev server speaks only plain gRPC, so the proxy stands where a production frontend's
TLS listener would: it demands a client certificate issued by its CA (``CERT_REQUIRED``, as the
frontend's ``requireClientAuth``), offers HTTP/2 by ALPN, and forwards the bytes to the dev
server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hpack
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_NAME = "temporal.asb.test"


@dataclass(frozen=True)
class Issued:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Authority:
    """A CA whose certificate is written to ``cert``; it issues leaf certificates."""

    name: str
    cert: Path
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(cls, folder: Path, name: str) -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        path = folder / f"{name}-ca.pem"
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return cls(name, path, certificate, key)

    def issue(self, folder: Path, common_name: str, *, server: bool) -> Issued:
        """A server certificate for SERVER_NAME and 127.0.0.1, or a client certificate."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.private_key.public_key()),
                critical=False,
            )
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName(SERVER_NAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
        certificate = builder.sign(self.private_key, hashes.SHA256())
        cert = folder / f"{self.name}-{common_name}.pem"
        cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path = folder / f"{self.name}-{common_name}-key.pem"
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return Issued(cert, key_path)


def server_context(ca: Authority, server: Issued) -> ssl.SSLContext:
    """The frontend's listener: its certificate, HTTP/2, and a client certificate from ``ca``
    required."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(server.cert, server.key)
    context.load_verify_locations(ca.cert)
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    return context


class RequestHeaders:
    """Reads the request headers out of the HTTP/2 bytes a client sends (RFC 9113 frames, RFC
    7541 HPACK), without changing them: the proxy stays a byte pipe, and a test can see what
    metadata (``authorization``) reached the wire."""

    PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    HEADERS, CONTINUATION = 0x1, 0x9
    END_HEADERS, PADDED, PRIORITY = 0x4, 0x8, 0x20

    def __init__(self, seen: list[tuple[str, str]]) -> None:
        self.seen = seen
        self.buffer = b""
        self.block = b""
        self.decoder = hpack.Decoder()  # one per connection: HPACK's table spans its requests
        self.started = False

    def feed(self, data: bytes) -> None:
        self.buffer += data
        if not self.started:
            if len(self.buffer) < len(self.PREFACE):
                return
            self.buffer = self.buffer[len(self.PREFACE) :]
            self.started = True
        while len(self.buffer) >= 9:
            length = int.from_bytes(self.buffer[:3], "big")
            if len(self.buffer) < 9 + length:
                return
            kind, flags = self.buffer[3], self.buffer[4]
            payload = self.buffer[9 : 9 + length]
            self.buffer = self.buffer[9 + length :]
            if kind == self.HEADERS:
                if flags & self.PADDED:
                    payload = payload[1 : len(payload) - payload[0]]
                if flags & self.PRIORITY:
                    payload = payload[5:]
            elif kind != self.CONTINUATION:
                continue
            self.block += payload
            if flags & self.END_HEADERS:
                self.seen.extend((str(n), str(v)) for n, v in self.decoder.decode(self.block))
                self.block = b""


@asynccontextmanager
async def tls_proxy(
    context: ssl.SSLContext, upstream: str, seen: list[tuple[str, str]] | None = None
) -> AsyncIterator[str]:
    """Listens on 127.0.0.1 (the address it yields) and forwards each connection whose TLS
    handshake succeeded, byte for byte, to ``upstream`` (host:port). With ``seen``, the request
    headers clients send are appended to it."""
    host, port = upstream.rsplit(":", 1)
    writers: list[asyncio.StreamWriter] = []

    async def pipe(
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tap: RequestHeaders | None = None,
    ) -> None:
        with suppress(ConnectionError, ssl.SSLError, OSError):
            while data := await reader.read(65536):
                if tap is not None:
                    tap.feed(data)
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_connection(host, int(port))
        writers.extend((client_w, up_w))
        tap = RequestHeaders(seen) if seen is not None else None
        await asyncio.gather(pipe(client_r, up_w, tap), pipe(up_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    address = server.sockets[0].getsockname()
    try:
        yield f"{address[0]}:{address[1]}"
    finally:
        server.close()
        for writer in writers:  # each pipe then ends by itself: nothing is cancelled
            writer.close()
