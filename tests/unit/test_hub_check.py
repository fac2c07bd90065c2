"""The hub check behind model.offline_fallback: an unreachable hub falls back to the cache."""

from __future__ import annotations

import socket

from xlprobe.models.loading import _hub_reachable, hub_model_available


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_endpoint_that_refuses_connections_is_unreachable(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    assert not _hub_reachable()


def test_a_listening_endpoint_is_reachable_unless_hf_hub_offline(monkeypatch):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
        assert _hub_reachable()
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        assert not _hub_reachable()


def test_an_uncached_hub_id_is_unavailable_offline_and_a_local_dir_is_available(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert not hub_model_available("xlprobe-test/no-such-model")
    assert hub_model_available(str(tmp_path))
