"""core.checks: the one set of input checks; each failure is an InputError naming value, rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.checks import (
    InputError,
    check_batch,
    check_bool,
    check_choice,
    check_image,
    check_input_shape,
    check_int,
    check_number,
    check_pair,
    is_int,
    is_real,
)


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


@pytest.mark.parametrize("value, expected", [
    (3, True), (np.int64(3), True), (-1, True), (True, False), (np.bool_(True), False),
    (3.0, False), ("3", False), (None, False)])
def test_is_int(value, expected):
    assert is_int(value) is expected


@pytest.mark.parametrize("value, expected", [
    (3, True), (0.5, True), (np.float32(0.5), True), (math.inf, False), (math.nan, False),
    (False, False), ("1", False)])
def test_is_real(value, expected):
    assert is_real(value) is expected


@pytest.mark.parametrize("args, kwargs, message", [
    (("k", 0, 1), {}, "k must be an integer >= 1, got 0"),
    (("k", 9, 1, 8), {}, "k must be an integer in 1..8, got 9"),
    (("k", 1.5, 1, 8), {}, "k must be an integer in 1..8, got 1.5"),
    (("k", True, 0, 8), {}, "k must be an integer in 0..8, got True"),
    (("seed", "1"), {}, "seed must be an integer, got '1'"),
    (("n", 11, None, 10), {}, "n must be an integer <= 10, got 11"),
    (("channel", 32, 0, 31), {"where": " for 'conv1'"},
     "channel must be an integer in 0..31 for 'conv1', got 32"),
])
def test_check_int_names_the_value_and_the_rule(args, kwargs, message):
    with pytest.raises(InputError) as err:
        check_int(*args, **kwargs)
    assert str(err.value) == message


def test_check_int_returns_a_python_int():
    out = check_int("k", np.int64(4), 1, 8)
    assert out == 4 and type(out) is int


@pytest.mark.parametrize("args, kwargs, message", [
    (("lr", 0.0, 0), {"open_low": True}, "lr must be a finite number > 0, got 0.0"),
    (("w", -0.1, 0), {}, "w must be a finite number >= 0, got -0.1"),
    (("p", 1.5, 0, 1), {}, "p must be a finite number in [0, 1], got 1.5"),
    (("p", 0, 0, 1), {"open_low": True}, "p must be a finite number in (0, 1], got 0"),
    (("x", math.nan), {}, "x must be a finite number, got nan"),
    (("x", True), {}, "x must be a finite number, got True"),
    (("x", 11.0, None, 10), {}, "x must be a finite number <= 10, got 11.0"),
])
def test_check_number(args, kwargs, message):
    with pytest.raises(InputError) as err:
        check_number(*args, **kwargs)
    assert str(err.value) == message


def test_check_number_accepts_bounds_and_returns_a_float():
    assert check_number("p", 1, 0, 1) == 1.0 and type(check_number("p", 1, 0, 1)) is float
    assert check_number("p", np.float32(0.25), 0, 1) == 0.25


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_check_bool_accepts_bools(value):
    assert check_bool("flag", value) is bool(value)


@pytest.mark.parametrize("value", [1, 0, "yes", None])
def test_check_bool_refuses_the_rest(value):
    with pytest.raises(InputError, match=f"flag must be True or False, got {value!r}"):
        check_bool("flag", value)


def test_check_choice():
    assert check_choice("mode", "a", ("a", "b")) == "a"
    with pytest.raises(InputError) as err:
        check_choice("mode", "c", ("a", "b"))
    assert str(err.value) == "mode must be one of a, b, got 'c'"
    with pytest.raises(InputError):
        check_choice("k", True, (1, 2))  # True == 1, but a bool is no choice


@pytest.mark.parametrize("value, low, expected", [
    (3, 1, (3, 3)), ((2, 5), 1, (2, 5)), ([2, 5], 1, (2, 5)), (np.array([2, 5]), 1, (2, 5)),
    ((0, -1), None, (0, -1))])
def test_check_pair_accepts_an_int_or_a_pair(value, low, expected):
    assert check_pair("kernel", value, low=low) == expected


@pytest.mark.parametrize("value, message", [
    ((2, 5, 1), "kernel must be an integer or a pair of integers (h, w), got (2, 5, 1)"),
    ("ab", "kernel must be an integer or a pair of integers (h, w), got 'ab'"),
    ((2.5, 2), "kernel must be an integer or a pair of integers (h, w), got (2.5, 2)"),
    ((True, 2), "kernel must be an integer or a pair of integers (h, w), got (True, 2)"),
    ((0, 2), "kernel must be >= 1 in both directions, got (0, 2)"),
])
def test_check_pair_refuses(value, message):
    with pytest.raises(InputError) as err:
        check_pair("kernel", value)
    assert str(err.value) == message


def test_tensor_checks():
    x = torch.zeros(1, 3, 4, 4)
    assert check_batch(x) is x and check_image(x) is x
    with pytest.raises(InputError, match=r"x must be a float tensor \(B, C, H, W\), got "
                                         r"\(3, 4, 4\) torch.float32"):
        check_batch(x[0])
    with pytest.raises(InputError, match="got ndarray"):
        check_batch(np.zeros((1, 3, 4, 4)))
    with pytest.raises(InputError, match="float tensor"):
        check_batch(torch.zeros(1, 3, 4, 4, dtype=torch.uint8))
    with pytest.raises(InputError, match=r"x must hold one image \(1, C, H, W\), got "
                                         r"\(2, 3, 4, 4\)"):
        check_image(torch.zeros(2, 3, 4, 4))


def test_check_input_shape():
    assert check_input_shape([1, 28, 28]) == (1, 28, 28)
    for bad in [(1, 28), (0, 28, 28), (1, 28.0, 28), "abc"]:
        with pytest.raises(InputError, match=r"input_shape must be \(channels, height, width\)"):
            check_input_shape(bad)
