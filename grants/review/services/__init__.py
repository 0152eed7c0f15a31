"""Writes of the review stage, one module per part: panels, assignments, reviews,
ranking, decisions, announcements."""
