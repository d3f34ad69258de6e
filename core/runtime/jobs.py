"""A per-process cap on concurrent heavy jobs (style transfer, training, large occlusion maps).

Every session of a Streamlit server shares the process's CPU cores: with no cap, many heavy
jobs at once make every session crawl. A job takes one of ``limit()`` slots, owned by an opaque
string (the dashboard uses "<session id>:<job kind>"); an owner never takes two slots.

Two shapes of jobs:
- one-shot work inside one call: ``with hold(owner): ...`` (raises `Busy` when every slot is
  taken; released in ``finally``, never expires while held);
- chunked work over many calls (a fragment that trains a chunk per rerun): ``claim(owner)``
  takes or refreshes a lease at each chunk, ``release(owner)`` when it stops. A lease not
  refreshed for ``LEASE_S`` lapses, so a session whose browser went away frees its slot.

The cap is read from ``CNNLAB_HEAVY_JOBS`` on each call (an integer >= 1; "0" or "unlimited":
no cap); the default is the number of CPU cores this process may use.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LOG = logging.getLogger(__name__)
ENV = "CNNLAB_HEAVY_JOBS"
UNLIMITED = ("0", "unlimited")
LEASE_S = 15.0  # a chunked job reruns every ~0.5 s; 15 s without a chunk means it is gone

_warned: set[str] = set()  # bad values of ENV already logged
_warned_lock = threading.Lock()


class Busy(RuntimeError):
    """Every slot is taken: ``running`` of ``limit`` heavy jobs are running."""

    def __init__(self, running: int, limit: int) -> None:
        super().__init__(f"{running} of {limit} heavy jobs are running; try again in a moment")
        self.running = running
        self.limit = limit


def default_limit() -> int:
    """The CPU cores this process may use (its affinity where the OS has one), at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def limit() -> int | None:
    """The cap from ``CNNLAB_HEAVY_JOBS``, read now: an integer >= 1, or None (no cap).

    Unset or empty: `default_limit`. A value that is not an integer >= 1, "0" or "unlimited"
    is logged once (a warning) and the default is used: a typo must not stop the app.
    """
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return default_limit()
    if raw.lower() in UNLIMITED:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value >= 1:
        return value
    with _warned_lock:
        first = raw not in _warned
        _warned.add(raw)
    if first:
        LOG.warning("%s=%r is not an integer >= 1, 0 or 'unlimited'; using %d (the CPU cores)",
                    ENV, raw, default_limit())
    return default_limit()


class Slots:
    """A thread-safe registry of heavy-job slots.

    Args:
        limit: returns the cap (None: no cap), asked at every claim; default `limit`.
        clock: seconds, monotonic; default ``time.monotonic`` (tests pass a fake one).
        lease_s: how long a lease lasts without a refresh.
    """

    def __init__(self, *, limit: Callable[[], int | None] = limit,
                 clock: Callable[[], float] = time.monotonic, lease_s: float = LEASE_S) -> None:
        self._limit = limit
        self._clock = clock
        self._lease_s = lease_s
        self._lock = threading.Lock()
        self._leases: dict[str, float] = {}  # owner -> when its lease lapses (clock seconds)
        self._holds: dict[str, int] = {}  # owner -> open `hold` blocks

    def _owners(self) -> set[str]:
        """The owners of a slot now, lapsed leases dropped (call with the lock held)."""
        now = self._clock()
        for owner in [o for o, until in self._leases.items() if until <= now]:
            del self._leases[owner]
        return set(self._leases) | set(self._holds)

    def _full(self, owners: set[str]) -> int | None:
        """The cap when it leaves no slot free, else None (call with the lock held)."""
        cap = self._limit()
        return cap if cap is not None and len(owners) >= cap else None

    def running(self) -> int:
        """How many slots are taken now."""
        with self._lock:
            return len(self._owners())

    def claim(self, owner: str) -> bool:
        """Take a lease for ``owner``, or refresh the one it has, for ``lease_s`` from now.

        Returns:
            True: ``owner`` has a slot; False: every slot is taken by other owners.
        """
        with self._lock:
            owners = self._owners()
            if owner not in owners and self._full(owners) is not None:
                return False
            self._leases[owner] = self._clock() + self._lease_s
            return True

    def release(self, owner: str) -> None:
        """End ``owner``'s lease (nothing if it has none); its open `hold` blocks keep theirs."""
        with self._lock:
            self._leases.pop(owner, None)

    @contextmanager
    def hold(self, owner: str) -> Iterator[None]:
        """A slot for the ``with`` block, released when it ends, however it ends.

        Raises:
            Busy: every slot is taken by other owners (the block does not run).
        """
        with self._lock:
            owners = self._owners()
            if owner not in owners:
                cap = self._full(owners)
                if cap is not None:
                    raise Busy(len(owners), cap)
            self._holds[owner] = self._holds.get(owner, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._holds.pop(owner) - 1
                if left:
                    self._holds[owner] = left

    def reset(self) -> None:
        """Forget every slot (tests)."""
        with self._lock:
            self._leases.clear()
            self._holds.clear()


SLOTS = Slots()  # the process's registry; the functions below use it


def claim(owner: str) -> bool:
    """`Slots.claim` on the process's registry."""
    return SLOTS.claim(owner)


def release(owner: str) -> None:
    """`Slots.release` on the process's registry."""
    SLOTS.release(owner)


def hold(owner: str):
    """`Slots.hold` on the process's registry (a context manager; raises `Busy`)."""
    return SLOTS.hold(owner)


def running() -> int:
    """`Slots.running` on the process's registry."""
    return SLOTS.running()
