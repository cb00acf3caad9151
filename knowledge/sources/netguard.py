"""Refuse to fetch internal addresses for URLs that come from sources (admins, feeds, pages, redirects).

Every host is resolved and every address checked before a connection is made, and the connection
goes to the address that was checked, so a DNS answer that changes between check and connect
(rebinding) cannot slip through. Endpoints the operator configures (SEC, price APIs, the model)
are trusted by host and port.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore

from knowledge.sources.limits import DeadlineBackend

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


class BlockedAddressError(Exception):
    """A URL points to an address that sources may not reach; the message says which and why."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def kind_of(address: IPAddress) -> str | None:
    """Why an address is internal ("loopback", "private", …), or None for a public address."""
    mapped = getattr(address, "ipv4_mapped", None) or getattr(address, "sixtofour", None)
    if mapped is not None:
        return kind_of(mapped)
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:  # shared address space (100.64/10) and other special ranges
        return "non-public"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses source URLs may reach."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    trusted: frozenset[str] = field(default_factory=frozenset)  # "host:port" of configured endpoints
    resolver: Resolver = system_resolver

    @classmethod
    def of(cls, allow_private: bool, allowlist: Iterable[str] = (), trusted_urls: Iterable[str] = ()) -> AddressPolicy:
        networks = tuple(ipaddress.ip_network(item.strip(), strict=False) for item in allowlist if item.strip())
        return cls(allow_private, networks, frozenset(_host_port(url) for url in trusted_urls if url))

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for host:port, each checked.

        Raises BlockedAddressError for an internal address, OSError when the host does not resolve.
        """
        found = self.resolver(host, port)
        if self.allow_private or f"{host.lower()}:{port}" in self.trusted:
            return found
        for text in found:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            kind = kind_of(address)
            if kind and not any(address in network for network in self.allowed_networks):
                raise BlockedAddressError(
                    f"{host} resolves to {address}, a {kind} address; sources may not reach internal "
                    "addresses (ALLOW_PRIVATE_URLS=true allows it for intranet sources)"
                )
        return found

    def check_url(self, url: str) -> None:
        """Refuse a URL whose host is internal, when a source is added, for an early clear error.

        A host that does not resolve now passes: the fetch will report it, and is checked again.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BlockedAddressError(f"{url!r} is not an http(s) URL")
        try:
            self.addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except OSError:
            return


class GuardedBackend(DeadlineBackend):
    """httpcore's socket backend (with deadlines), connecting only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._policy.addresses(host, port)
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
        raise last or httpcore.ConnectError(f"no address for {host}")


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"
