"""Families defined by the tests, to show what adding a family takes."""
