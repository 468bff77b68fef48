"""Fixtures shared by the server tests."""

import pytest
from fastapi.testclient import TestClient

from goldendome.server.app import create_app


@pytest.fixture()
def client(tmp_path):
    """A test client of an app writing under tmp_path (its lifespan started and stopped around the test)."""
    with TestClient(create_app(tmp_path)) as c:
        yield c
