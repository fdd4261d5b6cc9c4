"""What a submission changes: rows to upsert per table, extra files, and where each row came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Finding, Severity


@dataclass
class Change:
    """Rows replace rows with the same primary key; `origins` locates a row in the submission."""

    kind: str
    source: str
    province_code: str | None = None
    commune_code: str | None = None
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # repository-relative path → text
    origins: dict[tuple[str, tuple[str, ...]], tuple[int | None, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    title: str = ""
    summary_vi: list[str] = field(default_factory=list)
    summary_en: list[str] = field(default_factory=list)

    def add(self, table: str, row: dict[str, str], key: tuple[str, ...], line: int | None, field_id: str) -> None:
        self.rows.setdefault(table, []).append(row)
        self.origins[(table, key)] = (line, field_id)

    def error(self, line: int | None, field_id: str | None, code: str, vi: str, en: str) -> None:
        self.findings.append(Finding(self.source, line, field_id, code, vi, en))

    def warn(self, line: int | None, field_id: str | None, code: str, vi: str, en: str) -> None:
        self.findings.append(Finding(self.source, line, field_id, code, vi, en, Severity.WARNING))

    def note(self, vi: str, en: str) -> None:
        self.summary_vi.append(vi)
        self.summary_en.append(en)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == Severity.ERROR for f in self.findings)

    @property
    def empty(self) -> bool:
        return not self.rows and not self.files
