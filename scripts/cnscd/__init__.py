"""Tổ Công nghệ số cộng đồng: data package, checks, site and submissions."""

__version__ = "0.1.0"
