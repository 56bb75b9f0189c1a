"""Checks shared by the API tests."""

import re

# The RealWorld suite's own pattern: fractional seconds and a zone are mandatory.
TIMESTAMP = re.compile(
    r"^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+(?:[+-][0-2]\d:[0-5]\d|Z)$"
)


def assert_error(response, status, field=None):
    """The status, and a body of the form {"errors": {"field": ["message", ...]}}."""
    assert response.status_code == status
    data = response.get_json()
    assert list(data) == ["errors"]
    errors = data["errors"]
    assert isinstance(errors, dict) and errors
    for messages in errors.values():
        assert isinstance(messages, list) and messages
        assert all(isinstance(m, str) and m for m in messages)
    if field is not None:
        assert field in errors, errors
