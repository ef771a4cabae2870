"""Fast bulk writes with ids chosen by the caller.

Rows are plain dicts with every column of their table. Ids are assigned up front so related rows
can point at each other without a round trip. PostgreSQL gets COPY (several times faster than
executemany there); SQLite gets Core executemany, which keeps the column types' own conversions.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlmodel import SQLModel

Row = dict[str, Any]

CHUNK_ROWS = 20_000


class IdSequence:
    """Hands out the next integer id per table, like the database would."""

    def __init__(self) -> None:
        self._last: dict[str, int] = defaultdict(int)

    def next(self, table: Table) -> int:
        self._last[table.name] += 1
        return self._last[table.name]


class Batch:
    """Rows waiting to be written; written in foreign-key order so every reference already exists."""

    def __init__(self) -> None:
        self.rows: dict[Table, list[Row]] = defaultdict(list)

    def add(self, table: Table, row: Row) -> None:
        self.rows[table].append(row)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class BulkWriter:
    def __init__(self, connection: Connection, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.connection = connection
        self.chunk_rows = chunk_rows
        self.uses_copy = connection.dialect.name == "postgresql"
        self.written: dict[str, int] = defaultdict(int)

    def flush(self, batch: Batch) -> None:
        for table in SQLModel.metadata.sorted_tables:
            rows = batch.rows.pop(table, None)
            if rows:
                self.write(table, rows)

    def write(self, table: Table, rows: Sequence[Row]) -> None:
        columns = [column.name for column in table.columns]
        _check_columns(table, columns, rows[0])
        for start in range(0, len(rows), self.chunk_rows):
            chunk = rows[start : start + self.chunk_rows]
            if self.uses_copy:
                self._copy(table, columns, chunk)
            else:
                self.connection.execute(table.insert(), list(chunk))
        self.written[table.name] += len(rows)

    def _copy(self, table: Table, columns: list[str], rows: Iterable[Row]) -> None:
        driver_connection = self.connection.connection.dbapi_connection
        assert driver_connection is not None
        statement = f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN'
        with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])

    def reset_sequences(self) -> None:
        """Point PostgreSQL's id sequences past the ids written here, so later inserts don't collide."""
        if self.connection.dialect.name != "postgresql":
            return
        for table in SQLModel.metadata.sorted_tables:
            if "id" not in table.columns or not table.columns["id"].primary_key:
                continue
            highest = self.connection.execute(select(func.max(table.columns["id"]))).scalar() or 0
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {highest + 1}, false)"
            )


def _check_columns(table: Table, columns: list[str], row: Row) -> None:
    if set(row) != set(columns):
        missing = sorted(set(columns) - set(row))
        extra = sorted(set(row) - set(columns))
        raise ValueError(f"rows for {table.name} do not match its columns (missing {missing}, extra {extra})")
