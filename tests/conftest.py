"""Shared fixtures. The PII detector is built once per session: it loads spaCy."""

import os
import socket

import numpy as np
import pytest

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Make every outgoing connection fail in this process, to prove nothing is fetched."""

    def refuse(*args, **kwargs):
        raise NetworkBlocked("network access attempted during a test that forbids it")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="session")
def detector():
    """The default detector (strict profile), built once per session: it loads spaCy."""
    from privacy.pii import build_detector

    return build_detector()


@pytest.fixture(scope="session")
def demo_table():
    from clearance.demo_data import generate_admissions

    return generate_admissions(800, rng=np.random.default_rng(11))
