"""The importers a higher app registers (``register_importer`` in its ``AppConfig.ready()``).

An importer states its columns (the headers a bureau's spreadsheet uses, Chinese and
English), who may use it, how it validates the whole file at once (with a constant number
of queries: prefetch in bulk, never a query per row), and how one row is created through
its app's services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header of the downloadable template (Chinese, as bureaus write it)
    headers: tuple[str, ...] = ()  # other accepted headers, Chinese and English
    required: bool = False
    help: str = ""
    example: object = ""

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.label, *self.headers)


@dataclass
class SourceRow:
    """A row of the file: its number as the spreadsheet shows it, and its cells by column key
    (already normalised text, or a date/number as the file holds it)."""

    number: int
    cells: dict


@dataclass
class RowResult:
    """What the importer made of a row: the values to create it from (JSON-serialisable),
    the texts the preview shows, and its errors (any error skips the row) and warnings."""

    values: dict
    cells: list[str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Importer:
    key: str = ""
    label = ""  # "Organisations"
    description = ""
    columns: tuple[Column, ...] = ()
    preview_headers: tuple = ()  # the labels of RowResult.cells
    max_rows = 2000

    def can_import(self, user) -> bool:
        raise NotImplementedError

    def options_fields(self) -> dict[str, forms.Field]:
        """Extra fields of the upload form (e.g. a default for a column the file lacks)."""
        return {}

    def validate(self, rows: list[SourceRow], *, options: dict) -> list[RowResult]:
        """Every row at once, in the file's order, against the file and the database."""
        raise NotImplementedError

    def recheck(self, values_list: list[dict]) -> list[list[str]]:
        """Just before creating a chunk of rows: what changed in the database since the
        preview (a name taken meanwhile), one list of errors per row, in bulk."""
        return [[] for _ in values_list]

    def create(self, *, values: dict, by, note: str):
        """Create one row through the app's service (raises ValidationError to skip it)."""
        raise NotImplementedError

    def object_url(self, object_id: str) -> str:
        return ""


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _IMPORTERS[importer.key] = importer


def get_importer(key: str) -> Importer | None:
    return _IMPORTERS.get(key)


def importers() -> list[Importer]:
    return list(_IMPORTERS.values())


def importers_for(user) -> list[Importer]:
    return [importer for importer in _IMPORTERS.values() if importer.can_import(user)]
