import pytest


@pytest.fixture
def erp_modules():
    return "exemplar"
