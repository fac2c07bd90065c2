"""Typed, bounded settings: dataclasses whose fields say their type and range once.

A settings dataclass derives from :class:`Options`, names its config node in ``prefix`` (e.g.
``probe.calign``) and declares bounds with :func:`option`. Every instance, whether built in
Python or from a YAML node with :meth:`Options.from_mapping`, checks each field against its
annotation and bounds in ``__post_init__``: a wrong type (``probe.k=abc``, ``probe.k=2.5``,
``probe.layers=[a]``), a non-finite number (``theta=nan``) or a value out of range
(``max_sentences=-1``) is one :class:`~xlprobe.errors.InputError` line naming the option, what
it got and what it takes. So a new option is covered when it is added, not when someone
remembers to add a check.

Supported annotations: ``bool``, ``int`` (not bool), ``float`` (finite; ints accepted),
``str``, ``Literal[...]``, ``X | None``, ``tuple[X, ...]`` (lists accepted), ``Mapping[str,
str]`` and nested :class:`Options` dataclasses (built from mappings).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar, Literal, TypeVar, Union

from xlprobe.errors import InputError

T = TypeVar("T", bound="Options")


def option(
    default: Any = dataclasses.MISSING,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    default_factory: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field with a numeric range ``[low, high]`` (``low_open``/``high_open``
    exclude an end; ``None``: unbounded); applies to the number, or to each number of a tuple."""
    bounds = {"low": low, "high": high, "low_open": low_open, "high_open": high_open}
    return dataclasses.field(default=default, default_factory=default_factory, metadata=bounds)


class Options:
    """Mixin of settings dataclasses: type and bound checks of every field in
    ``__post_init__`` (subclasses that add a ``__post_init__`` call ``super().__post_init__()``
    first), and :meth:`from_mapping`."""

    prefix: ClassVar[str] = ""
    """The config node the fields live in, e.g. ``probe.calign``: error messages name
    ``<prefix>.<field>``."""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            name = f"{self.prefix}.{f.name}" if self.prefix else f.name
            value = check_value(name, getattr(self, f.name), hints[f.name], f.metadata)
            object.__setattr__(self, f.name, value)

    @classmethod
    def from_mapping(cls: type[T], values: Mapping[str, Any] | None) -> T:
        """Build from a plain mapping (a resolved config node); unknown keys are one
        InputError naming them and the known ones; nested Options fields take mappings."""
        values = dict(values or {})
        known = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        unknown = sorted(set(values) - set(known))
        if unknown:
            where = f"{cls.prefix} " if cls.prefix else ""
            raise InputError(
                f"unknown {where}setting(s) {unknown}; known: {', '.join(sorted(known))}"
            )
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (tuples as lists), the inverse of :meth:`from_mapping`."""
        return _plain(dataclasses.asdict(self))  # type: ignore[call-overload]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _describe(kind: Any, meta: Mapping[str, Any]) -> str:
    """What a field takes, e.g. ``an integer >= 2 or null``."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        text = " or ".join(_describe(a, meta) for a in rest)
        return f"{text} or null" if len(rest) < len(args) else text
    if origin is Literal:
        return "one of " + ", ".join(map(str, args))
    if origin in (tuple, list):
        return f"a list, each {_describe(args[0], meta)}"
    if origin is not None and issubclass(origin, Mapping):
        return "a mapping"
    names = {bool: "true or false", int: "an integer", float: "a finite number", str: "a string"}
    text = names.get(kind, getattr(kind, "__name__", str(kind)))
    return text + _range_text(meta) if kind in (int, float) else text


def _range_text(meta: Mapping[str, Any]) -> str:
    low, high = meta.get("low"), meta.get("high")
    if low is None and high is None:
        return ""
    if high is None:
        return f" {'>' if meta.get('low_open') else '>='} {low:g}"
    if low is None:
        return f" {'<' if meta.get('high_open') else '<='} {high:g}"
    left, right = "(" if meta.get("low_open") else "[", ")" if meta.get("high_open") else "]"
    return f" in {left}{low:g}, {high:g}{right}"


_NO_BOUNDS: Mapping[str, Any] = types.MappingProxyType({})


class _Mismatch(Exception):
    """A value that does not fit the annotation (turned into an InputError by
    :func:`check_value`)."""


def check_value(name: str, value: Any, kind: Any, meta: Mapping[str, Any] = _NO_BOUNDS) -> Any:
    """``value`` checked against the annotation ``kind`` and the bounds ``meta`` (see
    :func:`option`), normalised (lists become tuples, nested mappings Options).

    Raises:
        InputError: ``<name>=<value>: expected <what it takes>``.
    """
    try:
        return _check(name, value, kind, meta)
    except _Mismatch:
        shown = "null" if value is None else repr(value) if isinstance(value, str) else value
        raise InputError(f"{name}={shown}: expected {_describe(kind, meta)}") from None


def _check(name: str, value: Any, kind: Any, meta: Mapping[str, Any]) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in (a for a in args if a is not type(None)):
            try:
                return _check(name, value, arg, meta)
            except _Mismatch:
                continue
        raise _Mismatch
    if origin is Literal:
        if value not in args or isinstance(value, bool) != isinstance(args[0], bool):
            raise _Mismatch
        return value
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise _Mismatch
        return tuple(_check(name, item, args[0], meta) for item in value)
    if origin is not None and issubclass(origin, Mapping):
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise _Mismatch
        return {k: _check(f"{name}.{k}", v, args[1], {}) for k, v in value.items()}
    if isinstance(kind, type) and issubclass(kind, Options):
        if isinstance(value, kind):
            return value
        if not isinstance(value, Mapping):
            raise _Mismatch
        return kind.from_mapping(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise _Mismatch
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Mismatch
        _check_bounds(value, meta)
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Mismatch
        if not math.isfinite(value):
            raise _Mismatch
        _check_bounds(value, meta)
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise _Mismatch
        return value
    if kind is Any:
        return value
    raise TypeError(f"{name}: unsupported settings annotation {kind!r}")


def _check_bounds(value: float, meta: Mapping[str, Any]) -> None:
    low, high = meta.get("low"), meta.get("high")
    if low is not None and (value <= low if meta.get("low_open") else value < low):
        raise _Mismatch
    if high is not None and (value >= high if meta.get("high_open") else value > high):
        raise _Mismatch
