"""Camtrap DP 1.0 (TDWG) packages: reading, validating and importing them."""
