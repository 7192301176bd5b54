"""Model instances from plain-SQL rows, made as the ORM makes them.

The review page and every rating read a few rows (the learner's preferences, the card to show with its
question and topic). Through the ORM most of that cost is building the SQL, not running it. These helpers
let a plain SELECT list a model's concrete columns and turn the row back into an instance with
`Model.from_db` after each field's database converters, as the ORM's model iterator does (the same
converters turn SQLite's text datetimes and integer booleans, and JSON text, into Python values).
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
