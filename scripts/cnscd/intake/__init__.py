"""Submissions: issue forms and spreadsheets → rows → the core's checks → a change to files."""
