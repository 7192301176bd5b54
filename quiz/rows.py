"""Model instances to and from plain-SQL rows, as the ORM reads and writes them.

The review page and every rating read and write a few rows (the learner's preferences, the card to show
with its question and topic, the rated card and its log). Through the ORM most of that cost is building
the SQL, not running it. These helpers let a plain SELECT list a model's concrete columns and turn the row
back into an instance with `Model.from_db` after each field's database converters, as the ORM's model
iterator does (the same converters turn SQLite's text datetimes and integer booleans, and JSON text, into
Python values); writes adapt each value with the field's `get_db_prep_save`, as the ORM's save does. No
model signals are sent: use these only for models that have no receivers.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connections


@functools.cache
def _fields(model):
    return tuple(model._meta.concrete_fields)


@functools.cache
def _attnames(model):
    return tuple(field.attname for field in _fields(model))


def columns(model, table: str) -> str:
    """`table."col", table."col", ...` for every concrete field of `model`, in the order `from_row` reads them."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return ", ".join(f"{table}.{quote(field.column)}" for field in _fields(model))


def width(model) -> int:
    """How many values `columns(model, ...)` selects."""
    return len(_fields(model))


@functools.cache
def _converters(model, db):
    """(index, column, converters) for each field of `model` that has converters on connection `db`."""
    found = []
    for index, field in enumerate(_fields(model)):
        column = field.get_col(model._meta.db_table)
        converters = db.ops.get_db_converters(column) + field.get_db_converters(db)
        if converters:
            found.append((index, column, tuple(converters)))
    return tuple(found)


def from_row(model, values):
    """An instance of `model` from the values `columns(model, ...)` selected, as if the ORM had loaded it."""
    db = connections[DEFAULT_DB_ALIAS]
    values = list(values)
    for index, column, converters in _converters(model, db):
        for converter in converters:
            values[index] = converter(values[index], column, db)
    return model.from_db(DEFAULT_DB_ALIAS, _attnames(model), values)


def is_id(value: int) -> bool:
    """Whether `value` fits a 64-bit primary key: a bigger integer is no row's id (and SQLite cannot bind it)."""
    return -(2**63) <= value < 2**63


def _table(model) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def get(model, where: str, params, *, for_update: bool = False):
    """The one instance of `model` whose row matches `where` (plain SQL on its table's columns), or None.

    `for_update` locks the row where the database can (PostgreSQL); SQLite's IMMEDIATE transactions
    already hold the write lock, as select_for_update() would be ignored there too.
    """
    db = connections[DEFAULT_DB_ALIAS]
    table = _table(model)
    sql = f"SELECT {columns(model, table)} FROM {table} WHERE {where}"
    if for_update and db.features.has_select_for_update:
        sql += " FOR UPDATE"
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else from_row(model, row)


@functools.cache
def _update_sql(model, names: tuple) -> tuple[str, tuple]:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    fields = tuple(model._meta.get_field(name) for name in names)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    return f"UPDATE {_table(model)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s", fields


def update(instance, names: tuple) -> None:
    """Write these fields of `instance` to its row, as `instance.save(update_fields=names)` does (no signals)."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, fields = _update_sql(type(instance), names)
    params = [field.get_db_prep_save(getattr(instance, field.attname), db) for field in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])


@functools.cache
def _insert_sql(model, returning: bool) -> tuple[str, tuple]:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    fields = tuple(field for field in _fields(model) if not field.primary_key)
    sql = (f"INSERT INTO {_table(model)} ({', '.join(quote(field.column) for field in fields)})"
           f" VALUES ({', '.join(['%s'] * len(fields))})")
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql, fields


def insert(instance) -> None:
    """Insert `instance` (with an automatic primary key) and set its pk, as `instance.save()` does (no signals)."""
    db = connections[DEFAULT_DB_ALIAS]
    model = type(instance)
    returning = db.features.can_return_columns_from_insert
    sql, fields = _insert_sql(model, returning)
    params = [field.get_db_prep_save(field.pre_save(instance, True), db) for field in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0] if returning else db.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
