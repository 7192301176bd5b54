"""The authentication backend: Django's ModelBackend with a cheaper lookup of the signed-in user.

Every signed-in request loads its user (django.contrib.auth.get_user -> backend.get_user). Through the ORM
that costs more than the rest of a cached page: building the SELECT is most of it, not running it. This
backend sends the same SELECT of the user's concrete columns as plain SQL, built once per process, and
makes the instance with `Model.from_db`, as the ORM itself does. Everything else (passwords, permissions,
`user_can_authenticate`) is ModelBackend's.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


@functools.cache
def _select(alias):
    """(SQL, attnames, columns) of `SELECT <concrete columns> FROM <user table> WHERE <pk> = %s`."""
    model = get_user_model()
    quote = connections[alias].ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s"
    return sql, [field.attname for field in fields], [field.get_col(model._meta.db_table) for field in fields]


class Backend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql, attnames, columns = _select(alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, column in enumerate(columns):  # what the ORM applies to each value read (e.g. datetimes)
            for converter in connection.ops.get_db_converters(column) + column.field.get_db_converters(connection):
                values[index] = converter(values[index], column, connection)
        user = model.from_db(alias, attnames, values)
        return user if self.user_can_authenticate(user) else None
