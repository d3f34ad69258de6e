"""Input checks shared by every core module, and the one error they raise.

Every user input is checked at the core boundary by these functions; each raises
``InputError`` naming the offending value and the rule. Pages catch ``InputError`` (a user
mistake) and show its message; any other exception is a bug. torch is imported only inside the
tensor checks, so numpy-only modules (``core.teach``) can use the rest.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A user's input broke a rule; the message names the value and the rule."""
