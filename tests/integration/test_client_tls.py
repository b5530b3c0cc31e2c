"""Every process connects to a self-hosted cluster with mTLS, or to Temporal Cloud with an API key, from settings
alone (engine/client.py). The mTLS path runs for real: a worker reaches the dev server through a
TLS-terminating proxy that demands a client certificate from our own CA, and runs a case through it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from temporalio.service import TLSConfig

from case_service import CaseService
from config.settings import SettingsError, load_settings
from domain.sick_report import parse_sick_report
from engine.client import connect, connect_options
from register.roster import load_roster
from tests import dates
from tests.conftest import sick_report
from tests.helpers import wait_for
from worker import build_worker
from workflows.case_workflow import CaseWorkflow

SERVER_NAME = "temporal.kommune.test"


def test_plain_by_default_and_cloud_with_an_api_key():
    options = connect_options(load_settings(env={}))
    assert options["tls"] is False and options["api_key"] is None
    cloud = connect_options(
        load_settings(
            env={
                "FASTHOLD_TEMPORAL_ADDRESS": "kommune.abc12.tmprl.cloud:7233",
                "FASTHOLD_TEMPORAL_NAMESPACE": "kommune.abc12",
                "FASTHOLD_TEMPORAL_API_KEY": "nøgle",
            }
        )
    )
    assert cloud["tls"] is True and cloud["api_key"] == "nøgle"
    assert cloud["target_host"] == "kommune.abc12.tmprl.cloud:7233" and cloud["namespace"] == "kommune.abc12"


def test_mtls_settings_become_a_tls_config(tmp_path):
    pki = make_pki(tmp_path)
    options = connect_options(
        load_settings(
            env={
                "FASTHOLD_TEMPORAL_TLS_CA_FILE": str(pki["ca"]),
                "FASTHOLD_TEMPORAL_TLS_CERT_FILE": str(pki["client_cert"]),
                "FASTHOLD_TEMPORAL_TLS_KEY_FILE": str(pki["client_key"]),
                "FASTHOLD_TEMPORAL_TLS_SERVER_NAME": SERVER_NAME,
            }
        )
    )
    tls = options["tls"]
    assert isinstance(tls, TLSConfig) and tls.domain == SERVER_NAME
    assert tls.client_cert == pki["client_cert"].read_bytes() and tls.server_root_ca_cert == pki["ca"].read_bytes()
    with pytest.raises(SettingsError, match="go together"):
        connect_options(load_settings(env={"FASTHOLD_TEMPORAL_TLS_CERT_FILE": str(pki["client_cert"])}))
    with pytest.raises(SettingsError, match="cannot read"):
        connect_options(load_settings(env={"FASTHOLD_TEMPORAL_TLS_CA_FILE": str(tmp_path / "missing.pem")}))


# ------------------------------------------------------------------ a real TLS-terminating proxy
def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, key, signer, *, ca=False, sans=(), client=False):
    now = dt.datetime.now(dt.timezone.utc)  # real now: TLS checks certificates against the real clock
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    if not ca:
        usage = x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH if client else x509.oid.ExtendedKeyUsageOID.SERVER_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_pki(directory: Path) -> dict[str, Path]:
    """A CA of our own, a server certificate for the proxy and a client certificate for the engine."""

    def write(name, data):
        path = directory / name
        path.write_bytes(data)
        return path

    def pem_key(key):
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _cert(_name("Kommunens test-CA"), _name("Kommunens test-CA"), ca_key, ca_key, ca=True)
    server = _cert(
        _name(SERVER_NAME),
        ca.subject,
        server_key,
        ca_key,
        sans=(x509.DNSName(SERVER_NAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))),
    )
    client = _cert(_name("fasthold-worker"), ca.subject, client_key, ca_key, client=True)
    pem = serialization.Encoding.PEM
    return {
        "ca": write("ca.pem", ca.public_bytes(pem)),
        "server_cert": write("server.pem", server.public_bytes(pem)),
        "server_key": write("server.key", pem_key(server_key)),
        "client_cert": write("client.pem", client.public_bytes(pem)),
        "client_key": write("client.key", pem_key(client_key)),
    }


async def tls_proxy(pki: dict[str, Path], upstream: str):
    """Terminates TLS (HTTP/2 by ALPN), demands a client certificate from the CA, forwards to the dev server."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki["ca"]))
    context.load_cert_chain(str(pki["server_cert"]), str(pki["server_key"]))
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    host, _, port = upstream.rpartition(":")
    connections = []

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def handle(reader, writer):
        connections.append(writer.get_extra_info("peercert"))
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer), return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    return server, connections


async def test_a_worker_runs_a_case_over_mtls(dev_env, settings, mail, register, tmp_path):
    pki = make_pki(tmp_path)
    proxy, connections = await tls_proxy(pki, dev_env.client.service_client.config.target_host)
    port = proxy.sockets[0].getsockname()[1]
    mtls = settings.replace(
        temporal_address=f"127.0.0.1:{port}",
        temporal_tls_ca_file=str(pki["ca"]),
        temporal_tls_cert_file=str(pki["client_cert"]),
        temporal_tls_key_file=str(pki["client_key"]),
        temporal_tls_server_name=SERVER_NAME,
    )
    try:
        client = await connect(mtls)
        case = parse_sick_report(sick_report(case_reference=f"M-{uuid.uuid4().hex[:8]}"), today=dates.today())
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(client, mtls, register, load_roster(mtls.roster_path), executor):
                await CaseService(client, mtls).start_case(case)
                handle = client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
                await wait_for(handle, lambda s: s.phase == "meeting_booked")
                await handle.terminate("test finished")
        assert connections and all(
            c and dict(x[0] for x in c["subject"])["commonName"] == "fasthold-worker" for c in connections
        )
        assert any(m["X-Fasthold-Purpose"] == "invitation" for m in mail.messages)
        # Without a client certificate the proxy lets nobody in.
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(connect(mtls.replace(temporal_tls_cert_file="", temporal_tls_key_file="")), 30)
    finally:
        proxy.close()
        await proxy.wait_closed()
