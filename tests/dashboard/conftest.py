"""The dashboard tests' warehouses (the case study and the odd ones) come from tests/conftest.py."""
