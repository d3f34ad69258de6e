"""One thread for numpy's and SciPy's OpenBLAS in the server process.

NumPy and SciPy each bring their own OpenBLAS, and each starts a thread per core. After every
call those threads keep spinning a while, waiting for more work. The lab's BLAS work is small
(PCA, distances and neighbours of at most 10,000 points on the Embeddings page): two threads
buy little there, while spinning threads take the cores from every other session's work and
from each other. Measured with ``benchmarks/pages.py --pages embeddings`` on a 2-core AMD EPYC
(2026-12-07), this module's code before and after, back to back: 8 sessions opening Embeddings
by the sidebar at once, median 8.8 s and 4.9 CPU s of the server's before, 3.6 s and 0.9 CPU s
after; 8 sessions against the server alone, median 1.29 s before, 0.67 s after (an earlier
pair of runs, with ``OPENBLAS_NUM_THREADS=1`` in the server's environment instead: 11.6 against
2.6 s, and 1.50 against 0.74). The largest Embeddings work (PCA of 10,000 x 784,
trustworthiness of 2,000 points, t-SNE of 3,000) ran 0.8-1.3x as fast on one thread as on two
when nothing else ran. Results agree to rounding (OpenBLAS may group a product's sums otherwise).

torch is untouched: its matrix products and convolutions (MKL and oneDNN, linked inside torch)
run on its own OpenMP threads. Only OpenBLAS is set: an MKL that numpy links (conda's numpy) may
be the one torch uses too, and other BLAS libraries were not measured.
"""

from __future__ import annotations

import sys
import threading

_lock = threading.Lock()
_modules_at_limit = 0


def limit() -> bool:
    """Set every OpenBLAS loaded so far to one thread, if modules were imported since the
    last time that worked (a library loaded later, as SciPy's is by the first page that needs
    it, is caught by the next call); returns whether it set them."""
    global _modules_at_limit
    if len(sys.modules) == _modules_at_limit:
        return False
    with _lock:  # sessions run in threads of one process
        if len(sys.modules) == _modules_at_limit:
            return False
        from threadpoolctl import OpenBLASController, ThreadpoolController, threadpool_info

        modules = len(sys.modules)
        # OpenBLAS only: a numpy built on MKL (conda's) can share its MKL with torch
        ThreadpoolController().select(internal_api="openblas").limit(limits=1)
        # OpenBLAS's pool is one for the process, so threadpoolctl lets one thread set it: the
        # first to try, while it lives (others are ignored). Give that back, so that the next
        # call, from another session's thread, can set a library loaded since.
        OpenBLASController.clear_controlling_thread()
        if any(p["num_threads"] != 1 for p in threadpool_info()
               if p["internal_api"] == "openblas"):
            return False  # a live thread held the control: the next run tries again
        _modules_at_limit = modules
    return True
