"""Jinja2 templates of the generated pages (package data)."""
