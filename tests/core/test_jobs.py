"""core.runtime.jobs: the cap's value from the environment, holds and leases, lapsing leases
(a fake clock), and that racing threads never take more slots than the cap."""

from __future__ import annotations

import logging
import os
import sys
import threading

import pytest

from core.runtime import jobs


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def slots(cap: int | None, clock: Clock) -> jobs.Slots:
    return jobs.Slots(limit=lambda: cap, clock=clock, lease_s=15.0)


# --------------------------------------------------------------------------- limit()
def test_the_default_is_the_cores_this_process_may_use(monkeypatch):
    monkeypatch.delenv(jobs.ENV, raising=False)
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else os.cpu_count()
    assert jobs.limit() == jobs.default_limit() == max(1, expected)
    monkeypatch.setenv(jobs.ENV, "  ")
    assert jobs.limit() == jobs.default_limit()


def test_without_affinity_the_default_is_the_cpu_count(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert jobs.default_limit() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert jobs.default_limit() == 1


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("3", 3), (" 12 ", 12)])
def test_a_valid_value_is_the_cap(monkeypatch, raw, expected):
    monkeypatch.setenv(jobs.ENV, raw)
    assert jobs.limit() == expected


@pytest.mark.parametrize("raw", ["0", "unlimited", "Unlimited"])
def test_zero_or_unlimited_means_no_cap(monkeypatch, raw, clock):
    monkeypatch.setenv(jobs.ENV, raw)
    assert jobs.limit() is None
    registry = jobs.Slots(clock=clock)  # reads the environment
    assert all(registry.claim(f"s{i}:train") for i in range(50))
    assert registry.running() == 50


@pytest.mark.parametrize("raw", ["abc", "-3", "1.5", "two"])
def test_a_bad_value_warns_once_and_uses_the_default(monkeypatch, caplog, raw):
    monkeypatch.setattr(jobs, "_warned", set())
    monkeypatch.setenv(jobs.ENV, raw)
    with caplog.at_level(logging.WARNING, logger=jobs.__name__):
        assert jobs.limit() == jobs.default_limit()
        assert jobs.limit() == jobs.default_limit()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert jobs.ENV in warnings[0].getMessage() and repr(raw) in warnings[0].getMessage()


def test_the_environment_is_read_at_every_claim(monkeypatch, clock):
    registry = jobs.Slots(clock=clock)
    monkeypatch.setenv(jobs.ENV, "1")
    assert registry.claim("a") and not registry.claim("b")
    monkeypatch.setenv(jobs.ENV, "2")
    assert registry.claim("b")


# --------------------------------------------------------------------------- leases
def test_claim_takes_a_slot_until_the_cap(clock):
    registry = slots(2, clock)
    assert registry.running() == 0
    assert registry.claim("a:style") and registry.claim("b:style")
    assert not registry.claim("c:style")
    assert registry.running() == 2


def test_the_same_owner_reclaims_without_a_second_slot(clock):
    registry = slots(2, clock)
    assert registry.claim("a:train")
    assert registry.claim("a:train") and registry.claim("a:train")
    assert registry.running() == 1
    assert registry.claim("b:train")
    assert registry.claim("a:train")  # full, but it is its own slot
    assert not registry.claim("c:train")


def test_release_frees_the_slot(clock):
    registry = slots(1, clock)
    assert registry.claim("a")
    assert not registry.claim("b")
    registry.release("a")
    assert registry.running() == 0
    assert registry.claim("b")
    registry.release("nobody")  # nothing to release: no error
    assert registry.running() == 1


def test_a_lease_lapses_after_lease_s_without_a_refresh(clock):
    registry = slots(1, clock)
    assert registry.claim("gone")
    clock.now += 14.9
    assert registry.running() == 1 and not registry.claim("b")
    clock.now += 0.1  # 15 s after the claim
    assert registry.running() == 0
    assert registry.claim("b")
    assert not registry.claim("gone")  # it came back too late: the slot is taken


def test_a_refresh_keeps_the_lease(clock):
    registry = slots(1, clock)
    assert registry.claim("a")
    for _ in range(10):  # a chunk every 10 s: 100 s in all, never 15 s without one
        clock.now += 10.0
        assert registry.claim("a")
        assert not registry.claim("b")
    clock.now += 15.0
    assert registry.claim("b")


# --------------------------------------------------------------------------- holds
def test_hold_takes_a_slot_and_releases_it_however_the_block_ends(clock):
    registry = slots(1, clock)
    with registry.hold("a:occlusion"):
        assert registry.running() == 1
        assert not registry.claim("b:train")
        with pytest.raises(jobs.Busy) as busy, registry.hold("c:occlusion"):
            pass
        assert (busy.value.running, busy.value.limit) == (1, 1)
    assert registry.running() == 0
    with pytest.raises(KeyError), registry.hold("a:occlusion"):
        raise KeyError("the work failed")
    assert registry.running() == 0 and registry.claim("b:train")


def test_a_refused_hold_does_not_run_its_block(clock):
    registry = slots(1, clock)
    registry.claim("other")
    ran = []
    with pytest.raises(jobs.Busy), registry.hold("me"):
        ran.append(True)
    assert not ran and registry.running() == 1


def test_hold_never_lapses(clock):
    registry = slots(1, clock)
    with registry.hold("a"):
        clock.now += 10_000.0
        assert registry.running() == 1
        assert not registry.claim("b")
    assert registry.claim("b")


def test_nested_holds_of_one_owner_share_its_slot(clock):
    registry = slots(1, clock)
    with registry.hold("a"):
        with registry.hold("a"):
            assert registry.running() == 1
        assert registry.running() == 1  # the outer block still holds it
    assert registry.running() == 0


def test_release_leaves_an_open_hold_of_the_owner(clock):
    registry = slots(1, clock)
    with registry.hold("a"):
        registry.claim("a")
        registry.release("a")
        assert registry.running() == 1
    assert registry.running() == 0


def test_reset_forgets_every_slot(clock):
    registry = slots(2, clock)
    registry.claim("a")
    registry.claim("b")
    registry.reset()
    assert registry.running() == 0


def test_the_module_functions_use_the_process_registry(monkeypatch, clock):
    monkeypatch.setattr(jobs, "SLOTS", slots(1, clock))
    assert jobs.claim("a") and not jobs.claim("b")
    assert jobs.running() == 1
    jobs.release("a")
    with jobs.hold("b"):
        assert jobs.running() == 1
    assert jobs.running() == 0


# --------------------------------------------------------------------------- threads
def test_racing_threads_never_hold_more_than_the_cap(clock):
    registry = slots(2, clock)
    lock = threading.Lock()
    inside, most, got, refused = [0], [0], [0], [0]
    start = threading.Barrier(32)

    def worker(i: int) -> None:
        start.wait()
        for k in range(200):
            owner = f"s{i}:{k % 2}"
            try:
                with registry.hold(owner):
                    with lock:
                        inside[0] += 1
                        most[0] = max(most[0], inside[0], registry.running())
                        got[0] += 1
                    sum(range(500))  # some work, for the other threads to race in
                    with lock:
                        inside[0] -= 1
            except jobs.Busy:
                with lock:
                    refused[0] += 1
            if registry.claim(owner):
                with lock:
                    most[0] = max(most[0], registry.running())
                registry.release(owner)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: races happen, if they can
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert most[0] <= 2
    assert got[0] > 0 and got[0] + refused[0] == 32 * 200
    assert registry.running() == 0
