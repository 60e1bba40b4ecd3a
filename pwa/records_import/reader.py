"""Reading the import's CSV files: UTF-8 (with or without a byte order mark), a header row, one
record per row. Rows are streamed, never all held in memory. No database in here."""

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the files, shown as `file:line: column: message`."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True)
class FileSpec:
    """A file of the import: its name, the columns it must have and the columns it may have."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    required_file: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Row:
    """One record: the line it starts on and its cells by column (stripped; only known columns)."""

    line: int
    cells: dict[str, str]


def header_name(text: str) -> str:
    """A header cell as a column name: "Client Ref " -> "client_ref"."""
    return "_".join(text.strip().lower().split())


class Table:
    """An open CSV file whose header has been read and checked."""

    def __init__(self, spec: FileSpec, lines: Iterator[str], problems: list[Problem]):
        self.spec, self.problems = spec, problems
        self.reader = csv.reader(lines)
        self.names: list[str] = []
        self.readable = True
        try:
            header = next(self.reader, None)
        except (UnicodeDecodeError, csv.Error) as error:
            self._unreadable(1, error)
            return
        if not header or not any(cell.strip() for cell in header):
            self._problem(1, None, f"The first row must name the columns: {', '.join(spec.columns)}.")
            self.readable = False
            return
        self.names = [header_name(cell) for cell in header]
        self._check_header()

    @property
    def columns(self) -> set[str]:
        """The known columns this file has."""
        return {name for name in self.names if name in self.spec.columns}

    def _problem(self, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.spec.name, line, column, message))

    def _unreadable(self, line: int, error: Exception) -> None:
        if isinstance(error, UnicodeDecodeError):
            message = "This is not UTF-8 text. Save the file as 'CSV UTF-8' and try again."
        else:
            message = f"This is not readable CSV ({error})."
        self._problem(line, None, message)
        self.readable = False

    def _check_header(self) -> None:
        known = self.spec.columns
        seen: set[str] = set()
        for name in self.names:
            if not name:
                continue  # a blank header cell over an empty column (spreadsheets leave these)
            if name in seen:
                self._problem(1, name, "This column is there twice. Keep one of them.")
            elif name not in known:
                # Strict on purpose: a misspelt column would otherwise lose its data without a word.
                self._problem(1, name, f"There is no column called {name!r} here. The columns are: {', '.join(known)}.")
            seen.add(name)
        for name in self.spec.required:
            if name not in seen:
                self._problem(1, name, "This column is needed. Add it to the first row.")
                self.readable = False

    def rows(self) -> Iterator[Row]:
        """Every record after the header, with the line it starts on. Empty rows are skipped."""
        if not self.readable:
            return
        width, known = len(self.names), self.columns
        unnamed = [place for place, name in enumerate(self.names) if not name]
        while True:
            start = self.reader.line_num + 1
            try:
                cells = next(self.reader, None)
            except (UnicodeDecodeError, csv.Error) as error:
                self._unreadable(start, error)
                return
            if cells is None:
                return
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                self._problem(start, None, f"This row has more cells than the first row has columns ({width}).")
                continue
            if any(cells[place].strip() for place in unnamed if place < len(cells)):
                self._problem(start, None, "A cell of this row is under a column with no name in the first row.")
                continue
            # A short row (some programs drop trailing empty cells) has blanks in the rest.
            values = dict.fromkeys(known, "")
            values.update((name, cell.strip()) for name, cell in zip(self.names, cells, strict=False) if name in known)
            yield Row(start, values)


@contextmanager
def open_table(folder: Path, spec: FileSpec, problems: list[Problem]) -> Iterator[Table | None]:
    """The file of the folder as a Table, or None when an optional file is not there."""
    path = folder / spec.name
    if not path.is_file():
        if spec.required_file:
            problems.append(Problem(spec.name, None, None, f"This file is missing: {spec.name} must be in {folder}."))
        yield None
        return
    with path.open("rb") as handle:
        yield Table(spec, _text_lines(handle), problems)


def _text_lines(handle) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a bad byte is reported on its own line.
    Files saved from Excel start with a byte order mark: it is dropped."""
    for number, raw in enumerate(handle, 1):
        yield (raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw).decode("utf-8")
