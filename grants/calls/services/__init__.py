"""Writes: every change to calls and applications goes through these functions."""
