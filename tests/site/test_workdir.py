"""The build's scratch folder: files go between builds, folders stay; a second build at once gets its own."""

from __future__ import annotations

from pathlib import Path

from cnscd.site import workdir


def test_scratch_is_emptied_of_files_and_keeps_its_folders(tmp_path: Path) -> None:
    with workdir.scratch(None, tmp_path) as work:
        (work / "docs" / "79-ho-chi-minh" / "26506-vung-tau").mkdir(parents=True)
        (work / "docs" / "79-ho-chi-minh" / "26506-vung-tau" / "index.md").write_text("x", encoding="utf-8")
        # Another build meanwhile: a temporary folder of its own, removed after it.
        with workdir.scratch(None, tmp_path) as other:
            assert other != work and other.is_dir()
        assert not other.exists()
    with workdir.scratch(None, tmp_path) as again:
        assert again == work
        assert (again / "docs" / "79-ho-chi-minh" / "26506-vung-tau").is_dir()
        assert [path for path in again.rglob("*") if path.is_file()] == []
