"""Input checks shared by every core module, and the one error they raise.

Every user input is checked at the core boundary by these functions; each raises
``InputError`` naming the offending value and the rule. Pages catch ``InputError`` (a user
mistake) and show its message; any other exception is a bug. torch is imported only inside the
tensor checks, so the numpy-only ``core.teach`` can use the rest.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import Tensor

__all__ = [
    "InputError",
    "Keyed",
    "check_batch",
    "check_bool",
    "check_choice",
    "check_image",
    "check_input_shape",
    "check_int",
    "check_number",
    "check_pair",
    "is_int",
    "is_real",
    "plain",
]


class Keyed:
    """An error whose message also comes as a key and values, for an interface in another
    language.

    ``str(err)`` is the English message (for the library, the CLI and the server log). ``key``
    and ``values`` say the same for the dashboard, which looks ``key`` up in
    ``dashboard/texts/errors.py`` and fills it with ``values``. Mixed into an exception class
    before its base: ``class InputError(Keyed, ValueError)``.
    """

    def __init__(self, message: str = "", key: str | None = None, **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values

    def __reduce__(self):  # keep key and values through pickling (st.cache_data, processes)
        return _rebuild, (type(self), str(self), self.key, self.values)


def _rebuild(cls: type, message: str, key: str | None, values: dict[str, Any]) -> Keyed:
    return cls(message, key, **values)


class InputError(Keyed, ValueError):
    """A user's input broke a rule; the message names the value and the rule."""


def plain(value: Any) -> Any:
    """``value`` as the plain Python data an error's values hold: a numpy integer or float
    becomes an int or a float (a translated message shows ``3``, not ``np.int64(3)``); a
    tuple or list is converted item by item; anything else comes back as it is."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    if is_int(value):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value


def _bounds_key(kind: str, low: float | None, high: float | None, open_low: bool = False) -> str:
    """The message key for a value of ``kind`` and its bounds: "int_between", "number_above"..."""
    if low is not None and high is not None:
        return f"{kind}_between_open" if open_low else f"{kind}_between"
    if low is not None:
        return f"{kind}_above" if open_low else f"{kind}_min"
    return f"{kind}_max" if high is not None else kind


def is_int(value: Any) -> bool:
    """An integer (Python or numpy), but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """A finite real number (Python or numpy), but not a bool."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))


def _rule(low: float | None, high: float | None, *, both: str, open_low: bool = False) -> str:
    """The bounds as the message says them: ' in 1..8', ' >= 0', ' > 0', ' <= 10' or ''."""
    if low is not None and high is not None:
        return " in " + both.format(low=low, high=high)
    if low is not None:
        return f" {'>' if open_low else '>='} {_number(low)}"
    return f" <= {_number(high)}" if high is not None else ""


def _number(v: float) -> str:
    return str(v) if isinstance(v, int) else f"{v:g}"


def _within(value: Any, low: float | None, high: float | None, open_low: bool = False) -> bool:
    if low is not None and (value <= low if open_low else value < low):
        return False
    return high is None or value <= high


def check_int(name: str, value: Any, low: int | None = None, high: int | None = None, *,
              where: str = "") -> int:
    """``value`` as an int in low..high (a missing bound is no bound).

    ``where`` follows the rule in the message, e.g. " for 'conv1'".
    """
    if not (is_int(value) and _within(value, low, high)):
        rule = _rule(low, high, both="{low}..{high}")
        raise InputError(f"{name} must be an integer{rule}{where}, got {value!r}",
                         _bounds_key("int", low, high), name=name, value=plain(value),
                         low=low, high=high)
    return int(value)


def check_number(name: str, value: Any, low: float | None = None, high: float | None = None,
                 *, open_low: bool = False) -> float:
    """``value`` as a finite float with low <= value <= high (low < value if open_low)."""
    if not (is_real(value) and _within(value, low, high, open_low)):
        rule = _rule(low, high, both=("(" if open_low else "[") + "{low:g}, {high:g}]",
                     open_low=open_low)
        raise InputError(f"{name} must be a finite number{rule}, got {value!r}",
                         _bounds_key("number", low, high, open_low), name=name,
                         value=plain(value), low=low, high=high)
    return float(value)


def check_bool(name: str, value: Any) -> bool:
    """``value`` as a bool (Python or numpy); 0/1 and strings are refused."""
    if type(value).__name__ not in ("bool", "bool_"):
        raise InputError(f"{name} must be True or False, got {value!r}", "bool", name=name,
                         value=plain(value))
    return bool(value)


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices``."""
    choices = tuple(choices)
    if isinstance(value, bool) or value not in choices:
        raise InputError(f"{name} must be one of {', '.join(map(str, choices))}, got {value!r}",
                         "choice", name=name, value=plain(value), choices=tuple(map(str, choices)))
    return value


def check_pair(name: str, value: Any, low: int | None = 1) -> tuple[int, int]:
    """An int or a pair of ints as (height, width), each >= low (torch accepts both forms)."""
    try:
        h, w = (value, value) if is_int(value) else value
    except (TypeError, ValueError):
        h = w = None
    if isinstance(value, str) or not (is_int(h) and is_int(w)):
        raise InputError(f"{name} must be an integer or a pair of integers (h, w), "
                         f"got {value!r}", "pair", name=name, value=plain(value))
    if low is not None and min(h, w) < low:
        raise InputError(f"{name} must be >= {low} in both directions, got {(h, w)}",
                         "pair_min", name=name, value=plain((h, w)), low=low)
    return int(h), int(w)


def check_batch(x: Any) -> Tensor:
    """``x`` if it is a float tensor (B, C, H, W)."""
    import torch

    if not isinstance(x, torch.Tensor) or x.dim() != 4 or not x.is_floating_point():
        got = (f"{tuple(x.shape)} {x.dtype}" if isinstance(x, torch.Tensor)
               else type(x).__name__)
        raise InputError(f"x must be a float tensor (B, C, H, W), got {got}", "batch",
                         value=got)
    return x


def check_image(x: Any) -> Tensor:
    """``x`` if it is a float tensor holding one image (1, C, H, W)."""
    x = check_batch(x)
    if x.shape[0] != 1:
        raise InputError(f"x must hold one image (1, C, H, W), got {tuple(x.shape)}",
                         "one_image", value=tuple(map(int, x.shape)))
    return x


def check_input_shape(input_shape: Any) -> tuple[int, int, int]:
    """``input_shape`` as (channels, height, width) of positive ints."""
    if (not isinstance(input_shape, Sequence) or len(input_shape) != 3
            or not all(is_int(v) and v >= 1 for v in input_shape)):
        raise InputError(f"input_shape must be (channels, height, width) of positive "
                         f"integers, got {input_shape!r}", "input_shape",
                         value=plain(input_shape))
    return tuple(int(v) for v in input_shape)
