"""argparse ``type=`` checkers shared by the command groups: a bad value is a usage error
(exit code 2) that says what was expected."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def _number(text: str, kind: type, ok: Callable, expected: str):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _number(text, int, lambda v: v >= 1, "an integer >= 1")


def non_negative_int(text: str) -> int:
    return _number(text, int, lambda v: v >= 0, "an integer >= 0")


def unit_float(text: str) -> float:
    return _number(text, float, lambda v: 0 <= v <= 1, "a number in [0, 1]")


def positive_unit_float(text: str) -> float:
    return _number(text, float, lambda v: 0 < v <= 1, "a number in (0, 1]")
