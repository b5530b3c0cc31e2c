"""A stub DNS resolver on loopback (UDP, dnspython's wire format): answers TXT queries from a dict, NXDOMAIN
otherwise. For the gateway's own DKIM/DMARC check with real signatures and real DNS messages."""

from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class StubDns:
    def __init__(self, records: dict[str, str]):
        self.records = {name.lower().rstrip("."): value for name, value in records.items()}
        self.queries: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> StubDns:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.sock.close()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            for question in query.question:
                name = question.name.to_text().rstrip(".").lower()
                self.queries.append(name)
                value = self.records.get(name)
                if question.rdtype == dns.rdatatype.TXT and value is not None:
                    chunks = " ".join(f'"{value[i : i + 250]}"' for i in range(0, len(value), 250))
                    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, chunks)
                    response.answer.append(dns.rrset.from_rdata(question.name, 60, rdata))
                else:
                    response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)
