"""Which addresses source URLs may reach: table-driven over the kinds of internal address."""

from __future__ import annotations

import ipaddress

import pytest

from knowledge.sources.netguard import AddressPolicy, BlockedAddressError, kind_of


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.5", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("93.184.216.34", None),
        ("2606:2800:220:1::", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert kind_of(ipaddress.ip_address(address)) == kind


def _policy(answers: dict[str, list[str]], **options: object) -> AddressPolicy:
    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("Name or service not known")
        return answers[host]

    return AddressPolicy(resolver=resolve, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/admin",
        "http://localhost/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://intranet.example/",
    ],
)
def test_internal_urls_are_refused_with_one_clear_sentence(url: str) -> None:
    policy = _policy(
        {"localhost": ["127.0.0.1", "::1"], "intranet.example": ["10.0.0.7"]}
        | {host: [host] for host in ("127.0.0.1", "::1", "169.254.169.254", "::ffff:127.0.0.1", "fe80::1")}
    )

    with pytest.raises(BlockedAddressError) as refused:
        policy.check_url(url)

    message = str(refused.value)
    assert "internal" in message and "ALLOW_PRIVATE_URLS" in message and "\n" not in message


def test_one_internal_answer_among_public_ones_is_refused() -> None:
    policy = _policy({"mixed.example": ["93.184.216.34", "10.0.0.1"]})

    with pytest.raises(BlockedAddressError):
        policy.addresses("mixed.example", 80)


def test_public_hosts_allowlisted_networks_trusted_endpoints_and_the_switch_pass() -> None:
    answers = {"news.example": ["93.184.216.34"], "wire.intranet": ["10.1.2.3"], "127.0.0.1": ["127.0.0.1"]}

    assert _policy(answers).addresses("news.example", 443) == ["93.184.216.34"]
    allowlisted = _policy(answers, allowed_networks=(ipaddress.ip_network("10.1.0.0/16"),))
    assert allowlisted.addresses("wire.intranet", 80) == ["10.1.2.3"]
    trusted = _policy(answers, trusted=frozenset({"127.0.0.1:9000"}))
    assert trusted.addresses("127.0.0.1", 9000) == ["127.0.0.1"]
    with pytest.raises(BlockedAddressError):
        trusted.addresses("127.0.0.1", 9001)  # another service on the same host is not trusted
    assert _policy(answers, allow_private=True).addresses("wire.intranet", 80) == ["10.1.2.3"]


def test_a_host_that_does_not_resolve_is_left_to_the_fetch() -> None:
    _policy({}).check_url("https://unknown.example/feed.xml")


def test_settings_build_the_policy_from_allowlist_and_configured_urls() -> None:
    policy = AddressPolicy.of(False, ["127.0.0.2/32", " "], ["http://127.0.0.1:5000/sec"])

    assert policy.allowed_networks == (ipaddress.ip_network("127.0.0.2/32"),)
    assert policy.trusted == frozenset({"127.0.0.1:5000"})
