"""CSS and JavaScript copied into every built site (package data)."""
