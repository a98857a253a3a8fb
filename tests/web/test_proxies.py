"""X-Forwarded-For is believed only from MLSCREEN_TRUSTED_PROXIES, for the sign-in limiter and the access log."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import httpx
import pytest

from mlscreen.web.proxies import client_address
from tests.web.conftest import World
from tests.web.served import served

NETS = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32")]


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("127.0.0.1", ["6.6.6.6"], [], "127.0.0.1"),  # nothing trusted: the header is ignored
        ("198.51.100.7", ["6.6.6.6"], NETS, "198.51.100.7"),  # an untrusted peer's header is ignored
        ("127.0.0.1", ["6.6.6.6"], NETS, "6.6.6.6"),
        ("127.0.0.1", ["6.6.6.6, 203.0.113.9, 10.1.2.3"], NETS, "203.0.113.9"),  # first untrusted from the right
        ("127.0.0.1", ["6.6.6.6", "10.1.2.3"], NETS, "6.6.6.6"),  # several headers are one list
        ("127.0.0.1", ["not-an-address, 10.1.2.3"], NETS, "10.1.2.3"),
        ("127.0.0.1", [], NETS, "127.0.0.1"),
        ("127.0.0.1", ["2001:db8::1"], NETS, "2001:db8::1"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], trusted: list[ipaddress.IPv4Network], expected: str) -> None:
    assert client_address(peer, forwarded, trusted) == expected


def failed_sign_ins(base: str, forwarded: Callable[[int], str], count: int) -> list[int]:
    # A different e-mail each time: only the per-client key can block.
    return [
        httpx.post(
            f"{base}/api/v1/session",
            json={"email": f"nobody{n}@example.org", "password": "wrong password"},
            headers={"X-Forwarded-For": forwarded(n)},
        ).status_code
        for n in range(count)
    ]


def test_a_local_client_cannot_pick_its_address_with_a_header(world: World) -> None:
    # uvicorn believed X-Forwarded-For from 127.0.0.1, so each attempt counted for a new "client".
    with served(world.app) as base:
        codes = failed_sign_ins(base, lambda n: f"203.0.113.{n}", 6)
    assert codes == [401] * 5 + [429]


def test_a_trusted_proxy_s_header_names_the_client(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_TRUSTED_PROXIES", "127.0.0.1")
    world = make_world()
    with served(world.app) as base:
        assert failed_sign_ins(base, lambda n: f"203.0.113.{n}", 6) == [401] * 6  # six different clients
        assert failed_sign_ins(base, lambda n: "198.51.100.1", 6) == [401] * 5 + [429]  # one client
