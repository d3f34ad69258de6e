"""dashboard.blas: numpy's and SciPy's BLAS on one thread in the server, torch's threads kept."""

from __future__ import annotations

import sys
import threading
import types

import numpy as np
import pytest
import scipy.linalg  # noqa: F401  (loads SciPy's own OpenBLAS, as the Embeddings page does)
import torch
from threadpoolctl import OpenBLASController, threadpool_info, threadpool_limits

from dashboard import blas


def _pools(api: str) -> list[tuple[str, int]]:
    """(library, threads) of every pool of this internal API ("openblas", "openmp", "mkl")."""
    return [(p["filepath"], p["num_threads"]) for p in threadpool_info()
            if p["internal_api"] == api]


@pytest.fixture
def unlimited(monkeypatch):
    """BLAS at two threads and no limit remembered; every pool's threads as before, after."""
    with threadpool_limits(limits=None):  # restores the original limits on the way out
        threadpool_limits(limits=2, user_api="blas")
        OpenBLASController.clear_controlling_thread()  # (any thread may set it next)
        monkeypatch.setattr(blas, "_modules_at_limit", 0)
        yield


def test_it_sets_every_blas_library_to_one_thread_and_leaves_torch_alone(unlimited):
    assert _pools("openblas") and all(n == 2 for _, n in _pools("openblas"))
    others, torch_threads = _pools("openmp") + _pools("mkl"), torch.get_num_threads()
    assert blas.limit() is True
    assert all(n == 1 for _, n in _pools("openblas")), _pools("openblas")
    assert _pools("openmp") + _pools("mkl") == others  # torch's OpenMP, any MKL: untouched
    assert torch.get_num_threads() == torch_threads


def test_another_thread_can_set_them_after_one_has(unlimited, monkeypatch):
    assert blas.limit() is True
    threadpool_limits(limits=2, user_api="blas")  # this thread's, as a caller of its own
    OpenBLASController.clear_controlling_thread()
    monkeypatch.setattr(blas, "_modules_at_limit", 0)
    done = []
    worker = threading.Thread(target=lambda: done.append(blas.limit()))
    worker.start()
    worker.join()
    assert done == [True] and all(n == 1 for _, n in _pools("openblas"))


def test_it_tries_again_while_another_live_thread_holds_the_control(unlimited, monkeypatch):
    taken, release = threading.Event(), threading.Event()

    def holder():  # takes OpenBLAS's control (threadpoolctl: the first thread to set it)
        threadpool_limits(limits=2, user_api="blas")
        taken.set()
        release.wait(10)

    worker = threading.Thread(target=holder)
    worker.start()
    try:
        assert taken.wait(10)
        assert blas.limit() is False  # ignored: nothing recorded, so the next run tries again
        assert blas._modules_at_limit == 0
    finally:
        release.set()
        worker.join()
    assert blas.limit() is True  # the holder is gone
    assert all(n == 1 for _, n in _pools("openblas"))


def test_it_sets_them_again_only_after_an_import(unlimited, monkeypatch):
    assert blas.limit() is True
    assert blas.limit() is False  # nothing imported since: nothing to do
    monkeypatch.setitem(sys.modules, "_cnnlab_blas_probe", types.ModuleType("_cnnlab_blas_probe"))
    assert blas.limit() is True


def test_results_agree_to_rounding_on_one_thread(unlimited):
    rng = np.random.default_rng(0)
    a, b = rng.random((300, 200)), rng.random((200, 100))
    two = a @ b
    blas.limit()
    # the same products; only how OpenBLAS splits the sums may change (6e-14 of 64 here)
    np.testing.assert_allclose(a @ b, two, rtol=1e-12, atol=0)


def test_the_app_limits_blas_after_a_run(app, unlimited):
    app("home")  # the run is in a thread of its own, as each session's is in the server
    assert all(n == 1 for _, n in _pools("openblas")), _pools("openblas")
