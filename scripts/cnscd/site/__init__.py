"""The transparency site: data → pages (Jinja2, autoescaped) → a static-site engine (MkDocs Material, Zensical)."""
