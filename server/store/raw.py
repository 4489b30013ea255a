"""Prepared statements for the hot paths: ``prepare(stmt, dialect)`` gives a statement runner.

On SQLite through ``sqlite3`` the runner is a ``RawStatement``, straight on the DBAPI cursor;
on any other dialect it is a ``CoreStatement`` (an ordinary ``Connection.execute``). Both
take the same named values and return rows as plain tuples, so the code that uses them has
ONE path whatever the database.

SQLAlchemy's execution (context, events, result objects) costs more than SQLite itself for the
small statements of issuing a ticket. ``RawStatement`` compiles a Core statement ONCE for a
dialect and keeps, in the statement's order, each bind parameter's name and SQLAlchemy's own
bind processor for its type, so values are stored exactly as a normal ``execute`` would
store them (aware datetimes as naive UTC, dates as ISO text, JSON as text). Only the
``sqlite3`` driver's qmark style is supported; other dialects use ordinary ``execute``.

It runs inside the caller's transaction, on the same DBAPI connection: commit and rollback
stay with the SQLAlchemy ``Connection``; the driver's errors are raised as SQLAlchemy's own
(``IntegrityError``, ``OperationalError``), as ``execute`` raises them. Results come back as
plain tuples with each column's result processor applied, as ``execute`` returns them (aware
datetimes, dates, the domain's enums).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler

from server.store.errors import StoreError


class Prepared(Protocol):
    """A statement ready to run on a connection of the dialect it was prepared for."""

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute once; all result rows as tuples (empty for DML without RETURNING)."""
        ...

    def many(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> None:
        """Execute once per item of ``values`` (no results)."""
        ...


def prepare(
    stmt: Executable, dialect: Dialect, *, column_keys: Sequence[str] | None = None
) -> Prepared:
    """``stmt`` for ``dialect``: on the DBAPI cursor for ``sqlite3``, else through Core.

    column_keys: for an INSERT without ``.values()``, the columns every row gives.
    """
    if dialect.name == "sqlite" and dialect.driver == "pysqlite":
        assert isinstance(stmt, ClauseElement)
        return RawStatement(stmt, dialect, column_keys=column_keys)
    return CoreStatement(stmt)


_cache: WeakKeyDictionary[Dialect, dict[Any, tuple[Executable, Prepared]]] = WeakKeyDictionary()


def prepared(
    stmt: Executable, conn: Connection, *, column_keys: Sequence[str] | None = None
) -> Prepared:
    """``prepare(stmt, conn.dialect)``, done once per statement object and dialect: for
    statements built once (module constants), run wherever a hot path needs them."""
    shapes = _cache.setdefault(conn.dialect, {})
    key = (id(stmt), None if column_keys is None else tuple(column_keys))
    hit = shapes.get(key)
    if hit is None or hit[0] is not stmt:  # the pair keeps ``stmt`` alive: its id stays its own
        made = prepare(stmt, conn.dialect, column_keys=column_keys)
        hit = shapes[key] = (stmt, made)
    return hit[1]


class CoreStatement:
    """A statement run with ``Connection.execute`` (any dialect)."""

    def __init__(self, stmt: Executable) -> None:
        self._stmt = stmt

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        result = conn.execute(self._stmt, dict(values))
        return [tuple(r) for r in result] if result.returns_rows else []

    def many(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> None:
        if values:
            conn.execute(self._stmt, [dict(v) for v in values])


class RawStatement:
    """A statement compiled once for ``dialect`` (qmark style), run on the DBAPI cursor."""

    def __init__(
        self,
        stmt: ClauseElement,
        dialect: Dialect,
        *,
        column_keys: Sequence[str] | None = None,
    ) -> None:
        if dialect.paramstyle != "qmark":
            raise StoreError(
                f"raw statements need the qmark parameter style; dialect {dialect.name!r} "
                f"uses {dialect.paramstyle!r}"
            )
        kwargs: dict[str, Any] = {}
        if column_keys is not None:
            kwargs["column_keys"] = list(column_keys)
        compiled = stmt.compile(dialect=dialect, **kwargs)
        if not isinstance(compiled, SQLCompiler):
            raise StoreError(f"not a SQL statement: {stmt!r}")
        self.sql = str(compiled)
        names = compiled.positiontup
        if names is None:
            raise StoreError(f"statement compiled without positional parameters: {self.sql}")
        binds = compiled.binds
        unique = list(dict.fromkeys(names))  # a name used many times is converted once
        self._names: tuple[str, ...] = tuple(unique)
        self._processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in unique
        )
        self._positions: tuple[int, ...] = tuple(unique.index(name) for name in names)
        self._defaults: dict[str, Any] = {
            name: binds[name].effective_value for name in unique if not binds[name].required
        }
        results = [
            entry.type.dialect_impl(dialect).result_processor(dialect, None)
            for entry in compiled._result_columns
        ]
        self._results: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (i, process) for i, process in enumerate(results) if process is not None
        )

    def params(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The statement's positional parameters for ``values`` (literals filled in)."""
        converted = []
        for name, process in zip(self._names, self._processors, strict=True):
            if name in values:
                value = values[name]
            elif name in self._defaults:
                value = self._defaults[name]
            else:
                raise StoreError(f"no value for the parameter {name!r} of: {self.sql}")
            converted.append(process(value) if process is not None else value)
        return tuple([converted[i] for i in self._positions])

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute on ``conn``'s DBAPI connection; all result rows (empty for DML)."""
        params = self.params(values)
        cursor = _dbapi(conn).cursor()
        try:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
            if not self._results:
                return list(found)
            return [self._processed(row) for row in found]
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(exc, self.sql, params, conn) from exc
        finally:
            cursor.close()

    def _processed(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for i, process in self._results:
            values[i] = process(values[i])
        return tuple(values)

    def many(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> None:
        """Execute once per item of ``values`` (no results: DML without RETURNING)."""
        params = [self.params(v) for v in values]
        cursor = _dbapi(conn).cursor()
        try:
            cursor.executemany(self.sql, params)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(exc, self.sql, params, conn) from exc
        finally:
            cursor.close()


def _wrapped(exc: Exception, sql: str, params: Any, conn: Connection) -> Exception:
    """The driver's error as SQLAlchemy raises it for ``execute`` (``IntegrityError``,
    ``OperationalError``, ...): callers catch one kind whichever path ran the statement."""
    error: Exception = DBAPIError.instance(
        sql, params, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
    )
    return error


def _dbapi(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    if driver is None:
        raise StoreError("the connection has no DBAPI connection (closed or invalidated)")
    return driver
