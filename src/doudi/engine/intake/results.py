"""What intake reports back: per file (or pushed batch), and per quarantined row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    """Why a row was quarantined or a file refused, in Chinese and English."""

    code: str  # stable machine code, e.g. "bad_date", "no_identity", "formula"
    zh: str
    en: str


@dataclass
class QuarantinedRow:
    line: int | None  # 1-based physical line (CSV/JSONL; the header is line 1) or row number
    sheet: str | None  # XLSX sheet name, else None
    field: str | None  # canonical field name at fault, None for the whole row
    reason: Reason
    raw: dict[str, str]  # the row as delivered: original header → original cell text

    @property
    def location(self) -> str:
        if self.sheet is not None:
            return f"{self.sheet}!{self.line}"
        return f"line {self.line}" if self.line is not None else ""


@dataclass
class FileResult:
    source: str  # file path as given, or "push:<feed>" for a JSON batch
    feed_id: str | None
    content_hash: str  # sha256 hex of the delivered bytes
    # "ingested" | "duplicate" (same content delivered before) | "failed" | "held" (a snapshot
    # written to the lake but not in force until confirmed: ``hold`` says why)
    status: str
    rows_read: int = 0
    accepted: int = 0  # rows that passed validation
    quarantined: int = 0  # rows kept aside with a reason; accepted + quarantined = rows_read
    written: int = 0  # accepted rows written to the lake
    duplicates: int = 0  # accepted rows not written: same record key and content already seen
    flagged: dict[str, int] = field(
        default_factory=dict
    )  # accepted-with-flag counts, e.g. id_check_digit
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    error: Reason | None = None  # file-level refusal (status "failed")
    seconds: float = 0.0
    lake_path: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)  # quarantined rows per reason code
    quarantine_not_listed: int = 0  # quarantined rows counted but beyond the listed maximum
    unknown_headers: list[str] = field(default_factory=list)  # headers ignored (no field)
    skipped_sheets: list[str] = field(default_factory=list)  # XLSX sheets with no feed header
    encoding: str | None = None  # CSV text encoding detected ("utf-8", "gb18030", "utf-16")
    hold: Reason | None = None  # why a snapshot delivery waits for confirmation
    previous_rows: int | None = None  # rows of the snapshot in force when this one arrived

    @property
    def balanced(self) -> bool:
        """Nothing lost: accepted + quarantined = rows read, written + duplicates = accepted."""
        return (
            self.accepted + self.quarantined == self.rows_read
            and self.written + self.duplicates == self.accepted
        )
