"""MkDocs kept open in memory for `cnscd serve`: one page re-rendered in milliseconds after an edit.

A full engine run reads and renders every page (a minute at national scale). The preview loads the
build's generated mkdocs.yml once, collects the file list and the nav once, reads only the pages in
the nav (their titles make the menu), and then renders a page on demand through MkDocs' own page
machinery (`_populate_page`, `_build_page`), so the output is what `mkdocs build` writes for it.
Not refreshed here: the theme's search index (built at the end of a full run).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page


class LiveEngine:
    """The engine's config, files, nav and templates, loaded once from a build folder's mkdocs.yml."""

    def __init__(self, config_file: Path) -> None:
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        config = load_config(str(config_file))
        self.config = config.plugins.on_config(config)
        self.config.plugins.on_pre_build(config=self.config)
        files = get_files(self.config)
        env = self.config.theme.get_env()
        files.add_files_from_theme(env, self.config)
        self.files: Files = self.config.plugins.on_files(files, config=self.config)
        set_exclusions(self.files, self.config)
        self.nav = self.config.plugins.on_nav(get_navigation(self.files, self.config), config=self.config,
                                              files=self.files)
        for page in self.nav.pages:  # the menu shows these pages' titles
            mkdocs_build._populate_page(page, self.config, self.files)
        self.env = self.config.plugins.on_env(env, config=self.config, files=self.files)
        if self.files.get_file_from_path("index.md") is not None:  # compiles the theme's templates now, not at the first edit
            self.render("index.md")

    @property
    def docs_dir(self) -> Path:
        return Path(self.config.docs_dir)

    @property
    def site_dir(self) -> Path:
        return Path(self.config.site_dir)

    def _file(self, src_uri: str) -> File:
        found = self.files.get_file_from_path(src_uri)
        if found is None:  # a page that did not exist at start (a commune that now has data)
            found = File(src_uri, self.config.docs_dir, self.config.site_dir, self.config.use_directory_urls)
            self.files.append(found)
        if found.page is None:
            Page(None, found, self.config)
        return found

    def render(self, src_uri: str) -> str:
        """Re-read one Markdown page from the build's docs folder and write its HTML; returns its URL path."""
        file = self._file(src_uri)
        mkdocs_build._populate_page(file.page, self.config, self.files)
        mkdocs_build._build_page(file.page, self.config, self.files.documentation_pages(), self.nav, self.env)
        return _address(file)

    def copy(self, src_uri: str) -> str:
        """A static file (download, QR code) copied to the site as `mkdocs build` would; returns its URL path."""
        file = self.files.get_file_from_path(src_uri)
        if file is None:
            file = File(src_uri, self.config.docs_dir, self.config.site_dir, self.config.use_directory_urls)
            self.files.append(file)
        file.copy_file()
        return _address(file)


def _address(file: File) -> str:
    """The path a browser asks for: "/" for the home page (MkDocs calls it "./")."""
    return "/" + ("" if file.url in ("", "./") else file.url)
