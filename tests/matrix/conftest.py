import pytest


@pytest.fixture(autouse=True)
def _audit_guard():
    """The audit log's append-only triggers are installed once, with the module's world
    (``test_matrix.world``), rather than before each of its many tests."""
    yield
