"""The API's types as JSON: attrs classes in, JSON Schema out; request JSON in, typed objects (or located errors) out.

One description serves three jobs, so they cannot disagree: the OpenAPI document is generated
from the attrs classes in `types.py`, request bodies and query strings are decoded and checked
against the same classes (refusing unknown fields, with a JSON pointer to each problem), and
responses are encoded from them. Constraints (pattern, lengths, bounds) live in each field's
metadata in JSON Schema's own spelling and are checked here exactly as a schema validator would.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs

from esirules.diagnostics import did_you_mean

_SCHEMA = "esirules.schema"

# Objects whose shape another document owns (the result, an explanation): classes of dict,
# described by a schema of their own, passed through as they are.
_OPAQUE: dict[type, tuple[str, dict[str, Any]]] = {}
D = TypeVar("D", bound=type)


def opaque(schema: dict[str, Any]) -> Callable[[D], D]:
    """Class decorator: a JSON object described by `schema` (a component named after the class)."""

    def register(cls: D) -> D:
        _OPAQUE[cls] = (cls.__name__, schema)
        return cls

    return register


def api_field(
    description: str, *, default: Any = attrs.NOTHING, omit_none: bool = False, form: str = "",
    mistaken: tuple[tuple[str, str], ...] = (), **schema: Any
) -> Any:
    """An attrs field with its description and JSON Schema constraints (`pattern`, `maxLength`, ...).

    `omit_none`: in a response, a None value is left out rather than written as null.
    `form`: the `pattern` in words, for the message when a value does not match it.
    `mistaken`: (a regular expression, words) for a value that does not match it and is a known
    mistake: the words are said after the message (a workbook given where a CSV file is taken).
    """
    metadata = {_SCHEMA: {"description": description, "omit_none": omit_none, "form": form, "schema": schema,
                          "mistaken": mistaken}}
    return attrs.field(default=default, metadata=metadata)


def _meta(field: attrs.Attribute) -> dict[str, Any]:  # type: ignore[type-arg]
    return field.metadata.get(_SCHEMA, {"description": "", "omit_none": False, "form": "", "schema": {}})


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional(tp: Any) -> tuple[Any, bool]:
    """The type inside `X | None`, and whether None is allowed."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(args) < len(get_args(tp)):
            return args[0], True
    return tp, False


# ---------------------------------------------------------------------------------------------
# JSON Schema


class Components:
    """The schemas of the attrs classes met so far, by name (OpenAPI's `components/schemas`)."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.schemas:
            self.schemas[name] = {}  # INVARIANT: set before recursing, so a class may contain itself
            self.schemas[name] = self.object_schema(cls)
        return {"$ref": f"#/components/schemas/{name}"}

    def object_schema(self, cls: type) -> dict[str, Any]:
        hints = _hints(cls)
        properties = {}
        required = []
        for field in attrs.fields(cls):
            meta = _meta(field)
            inner, nullable = _optional(hints[field.name])
            schema = {**self.schema(inner), **meta["schema"]}
            if nullable and not meta["omit_none"]:
                schema = {"anyOf": [schema, {"type": "null"}]}
            if meta["description"]:
                schema = {**schema, "description": meta["description"]}
            properties[field.name] = schema
            if not meta["omit_none"] and (field.default is attrs.NOTHING or _is_response(cls)):
                required.append(field.name)
        out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            out["required"] = required
        doc = (cls.__doc__ or "").strip().splitlines()
        if doc:
            out["description"] = doc[0]
        return out

    def schema(self, tp: Any) -> dict[str, Any]:
        """The JSON Schema of a Python type used in the API types."""
        inner, nullable = _optional(tp)
        if nullable:
            return {"anyOf": [self.schema(inner), {"type": "null"}]}
        if tp in _OPAQUE:
            name, schema = _OPAQUE[tp]
            self.schemas.setdefault(name, schema)
            return {"$ref": f"#/components/schemas/{name}"}
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is Any:
            return {"type": "object"}
        origin = get_origin(tp)
        if origin is Literal:
            return {"type": "string", "enum": list(get_args(tp))}
        if origin in (tuple, list):
            return {"type": "array", "items": self.schema(get_args(tp)[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.schema(get_args(tp)[1])}
        if attrs.has(tp):
            return self.ref(tp)
        raise TypeError(f"no JSON Schema for {tp!r}")


_RESPONSES: set[type] = set()


def response(cls: type) -> type:
    """Mark an attrs class as a response type: every field is always present (required)."""
    _RESPONSES.add(cls)
    return cls


def _is_response(cls: type) -> bool:
    return cls in _RESPONSES


# ---------------------------------------------------------------------------------------------
# Decoding requests


@attrs.frozen
class FieldError:
    """One problem in a request: where (a JSON pointer, or `?name` for a query parameter), what, and the fix."""

    pointer: str
    message: str
    help: str | None = None


class RequestInvalid(Exception):
    """A request body or query string that does not match its type; carries every problem found."""

    def __init__(self, errors: Iterable[FieldError]):
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.pointer}: {e.message}" for e in self.errors))


_INVALID = object()
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may escape one alone; no text encoding can hold it


def decode(cls: type, data: Any) -> Any:
    """The object of type `cls` that JSON `data` describes; raises RequestInvalid with every problem."""
    errors: list[FieldError] = []
    value = _decode(cls, data, "", errors)
    if errors:
        raise RequestInvalid(errors)
    return value


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


_KINDS = {dict: "an object", list: "an array", str: "a string", bool: "true or false", int: "an integer",
          float: "a number", type(None): "null"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _decode(tp: Any, value: Any, pointer: str, errors: list[FieldError]) -> Any:
    inner, nullable = _optional(tp)
    if value is None:
        if nullable:
            return None
        errors.append(FieldError(pointer, f"must be {_expected(inner)}, not null"))
        return _INVALID
    tp = inner
    if attrs.has(tp):
        return _decode_object(tp, value, pointer, errors)
    origin = get_origin(tp)
    if origin is Literal:
        choices = get_args(tp)
        if value not in choices or not isinstance(value, str):
            listing = ", ".join(f"`{c}`" for c in choices)
            errors.append(FieldError(pointer, f"`{value}` is not one of {listing}",
                                     did_you_mean(str(value), choices) if isinstance(value, str) else None))
            return _INVALID
        return value
    if origin in (tuple, list):
        if not isinstance(value, list):
            errors.append(FieldError(pointer, f"must be an array, not {_kind(value)}"))
            return _INVALID
        items = [_decode(get_args(tp)[0], v, f"{pointer}/{i}", errors) for i, v in enumerate(value)]
        return tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            errors.append(FieldError(pointer, f"must be an object, not {_kind(value)}"))
            return _INVALID
        return {k: _decode(get_args(tp)[1], v, f"{pointer}/{_escape(k)}", errors) for k, v in value.items()}
    if tp in _OPAQUE or tp is Any:
        return value
    expected = {str: str, int: int, bool: bool}.get(tp)
    if expected is None:
        raise TypeError(f"cannot decode {tp!r}")
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        errors.append(FieldError(pointer, f"must be {_expected(tp)}, not {_kind(value)}"))
        return _INVALID
    if isinstance(value, str) and _SURROGATE.search(value):
        errors.append(FieldError(pointer, "is not valid Unicode text: it holds half of a surrogate pair",
                                 "send bytes that are not text in base64"))
        return _INVALID
    return value


def _expected(tp: Any) -> str:
    if attrs.has(tp):
        return "an object"
    if get_origin(tp) in (tuple, list):
        return "an array"
    if get_origin(tp) is Literal:
        return "one of " + ", ".join(f"`{c}`" for c in get_args(tp))
    return {str: "a string", int: "an integer", bool: "true or false"}.get(tp, "an object")


def _decode_object(cls: type, value: Any, pointer: str, errors: list[FieldError]) -> Any:
    if not isinstance(value, dict):
        errors.append(FieldError(pointer, f"must be an object, not {_kind(value)}"))
        return _INVALID
    fields = {f.name: f for f in attrs.fields(cls)}
    hints = _hints(cls)
    for key in value:
        if key not in fields:
            errors.append(FieldError(f"{pointer}/{_escape(key)}", f"`{key}` is not a field here",
                                     did_you_mean(key, fields) or "the fields are " + ", ".join(f"`{f}`" for f in fields)))
    kwargs = {}
    before = len(errors)
    for name, field in fields.items():
        where = f"{pointer}/{name}"
        if name not in value:
            if field.default is attrs.NOTHING:
                errors.append(FieldError(where, f"`{name}` is required", _meta(field)["description"] or None))
            continue
        decoded = _decode(hints[name], value[name], where, errors)
        if decoded is not _INVALID:
            problem = check_constraints(_meta(field), decoded)
            if problem:
                errors.append(FieldError(where, problem, _meta(field)["description"] or None))
        kwargs[name] = decoded
    if len(errors) > before:
        return _INVALID
    return cls(**kwargs)


def check_constraints(meta: Mapping[str, Any], value: Any) -> str | None:
    """What is wrong with `value` by a field's constraints, as a schema validator would find it."""
    schema = meta["schema"]
    if value is None:
        return None
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            return "must not be empty" if schema["minLength"] == 1 else f"must be at least {schema['minLength']} characters"
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"must be at most {schema['maxLength']} characters"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            known = next((words for mistake, words in meta.get("mistaken", ()) if re.search(mistake, value)), "")
            return f"`{_short(value)}` is not {meta['form'] or 'of the required form'}" + (f"; {known}" if known else "")
    elif isinstance(value, tuple):
        for item in value:
            problem = check_constraints(meta, item) if isinstance(item, str) else None
            if problem:
                return problem
        if "minItems" in schema and len(value) < schema["minItems"]:
            return f"must have at least {schema['minItems']} item{'s' if schema['minItems'] != 1 else ''}"
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return f"must have at most {schema['maxItems']} items"
        if schema.get("uniqueItems") and len(set(value)) < len(value):
            return "must not repeat an item"
    elif isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"must be at most {schema['maximum']}"
    return None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------------------------------------
# Query strings


def decode_query(cls: type, items: Iterable[tuple[str, str]]) -> Any:
    """The object of type `cls` a query string describes; unknown or repeated parameters are refused."""
    fields = {f.name: f for f in attrs.fields(cls)}
    hints = _hints(cls)
    given: dict[str, list[str]] = {}
    errors: list[FieldError] = []
    for key, text in items:
        if key not in fields:
            known = ", ".join(f"`{f}`" for f in fields)
            errors.append(FieldError(f"?{key}", f"`{key}` is not a parameter here",
                                     did_you_mean(key, fields)
                                     or (f"the parameters are {known}" if known else "this takes no parameters")))
            continue
        given.setdefault(key, []).append(text)
    kwargs: dict[str, Any] = {}
    for name, field in fields.items():
        where = f"?{name}"
        tp, _ = _optional(hints[name])
        values = given.get(name)
        if values is None:
            if field.default is attrs.NOTHING:
                errors.append(FieldError(where, f"the parameter `{name}` is required", _meta(field)["description"] or None))
            continue
        if get_origin(tp) in (tuple, list):
            value: Any = tuple(values)
        elif len(values) > 1:
            errors.append(FieldError(where, f"`{name}` is given {len(values)} times; give it once"))
            continue
        else:
            value = _query_value(tp, values[0], where, errors)
            if value is _INVALID:
                continue
        problem = check_constraints(_meta(field), value)
        if problem:
            errors.append(FieldError(where, problem, _meta(field)["description"] or None))
            continue
        kwargs[name] = value
    if errors:
        raise RequestInvalid(errors)
    return cls(**kwargs)


def _query_value(tp: Any, text: str, where: str, errors: list[FieldError]) -> Any:
    if tp is bool:
        if text in ("true", "false"):
            return text == "true"
        errors.append(FieldError(where, f"`{_short(text)}` is not `true` or `false`"))
        return _INVALID
    if tp is int:
        if re.fullmatch(r"-?[0-9]{1,40}", text):
            return int(text)
        errors.append(FieldError(where, f"`{_short(text)}` is not a whole number"))
        return _INVALID
    if get_origin(tp) is Literal:
        return _decode(tp, text, where, errors)
    return text


def query_parameters(cls: type, components: Components) -> list[dict[str, Any]]:
    """OpenAPI parameter objects for the fields of a query type."""
    hints = _hints(cls)
    out = []
    for field in attrs.fields(cls):
        meta = _meta(field)
        tp, _ = _optional(hints[field.name])
        schema = {**components.schema(tp), **meta["schema"]}
        if get_origin(tp) in (tuple, list):
            item_schema = {**schema["items"], **{k: v for k, v in meta["schema"].items() if k not in ("minItems", "maxItems", "uniqueItems")}}
            schema = {"type": "array", "items": item_schema,
                      **{k: v for k, v in meta["schema"].items() if k in ("minItems", "maxItems", "uniqueItems")}}
        if field.default is not attrs.NOTHING and field.default is not None:
            schema["default"] = field.default
        parameter: dict[str, Any] = {
            "name": field.name,
            "in": "query",
            "required": field.default is attrs.NOTHING,
            "description": meta["description"],
            "schema": schema,
        }
        if schema.get("type") == "array":
            parameter.update(style="form", explode=True)
        out.append(parameter)
    return out


# ---------------------------------------------------------------------------------------------
# Encoding responses


def encode(value: Any) -> Any:
    """JSON-ready data from an API object (attrs classes, tuples, dicts, plain values)."""
    if attrs.has(type(value)):
        out = {}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if item is None and _meta(field)["omit_none"]:
                continue
            out[field.name] = encode(item)
        return out
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value
