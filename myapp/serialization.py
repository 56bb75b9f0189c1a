"""Fast JSON builders generated from the marshmallow output schemas.

A response is declared once, as a marshmallow schema: flask-smorest documents it (OpenAPI), the
services select the columns it names (articles/queries.py), and ``dumper(Schema)`` compiles it
into a plain function, one dict literal reading each field, that builds the same JSON as
``Schema().dump`` several times faster, for the hot paths. ``tests/api/test_serializers.py``
proves every dumper equal to its schema, and ``tests/api/test_openapi.py`` every response equal
to its document.
"""

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from marshmallow import Schema, fields

from myapp.schemas import Timestamp, format_timestamp

Dump = Callable[[Any], Any]


def _nested(field: fields.Nested) -> Dump:
    nested = field.nested
    return dumper(nested if isinstance(nested, type) else type(nested))


def _converter(field: fields.Field) -> Dump | None:
    """How a non-null value becomes JSON for ``field``; None where it is used as it is."""
    if isinstance(field, Timestamp):
        return format_timestamp
    if isinstance(field, fields.Boolean):
        return bool
    if isinstance(field, fields.Integer):
        return int
    if isinstance(field, fields.String):
        return None
    if isinstance(field, fields.Nested):
        return _nested(field)
    if isinstance(field, fields.List):
        inner = _converter(field.inner)
        return list if inner is None else lambda items: [inner(item) for item in items]
    raise TypeError(f"dumper() has no rule for {type(field).__name__}: add one")


def source_attributes(schema: type[Schema]) -> dict[str, str]:
    """Each output key of ``schema`` and the attribute it is read from."""
    return {
        field.data_key or name: field.attribute or name
        for name, field in schema().dump_fields.items()
    }


def _compile(schema: type[Schema], read: str) -> Dump:
    """``def dump(obj): return {"key": convert(obj.attribute), ...}`` for ``schema``, reading
    with ``read`` (``"obj.{}"`` or ``"obj[{!r}]"``); null stays null, as in marshmallow."""
    namespace: dict[str, Any] = {}
    items = []
    for number, (name, field) in enumerate(schema().dump_fields.items()):
        value = read.format(field.attribute or name)
        convert = _converter(field)
        if convert is not None:
            namespace[f"convert{number}"] = convert
            value = f"(None if (v{number} := {value}) is None else convert{number}(v{number}))"
        items.append(f"{field.data_key or name!r}: {value}")
    source = "def dump(obj):\n    return {" + ", ".join(items) + "}\n"
    exec(compile(source, f"<dumper {schema.__name__}>", "exec"), namespace)
    return namespace["dump"]


@cache
def dumper(schema: type[Schema]) -> Dump:
    """A function building ``schema().dump(obj)`` for an object or a mapping, quickly."""
    from_object, from_mapping = _compile(schema, "obj.{}"), _compile(schema, "obj[{!r}]")
    return lambda obj: from_mapping(obj) if isinstance(obj, Mapping) else from_object(obj)
