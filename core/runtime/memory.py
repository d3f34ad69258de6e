"""Peak tensor memory of a piece of work, measured: on CUDA by the caching allocator's own
statistics, on the CPU by following every tensor storage the work allocates.

The CPU has no allocator statistics in PyTorch, and the process's resident size mixes tensors
with what malloc keeps after a free and with torch's own libraries. `TensorMemory` counts what
``torch.cuda.max_memory_allocated`` counts on a GPU: the bytes of tensor storages alive at once.
It is a ``TorchDispatchMode``: it sees every operator the work runs in this thread (the CPU
autograd engine runs a backward pass in the thread that calls it), records each storage an
operator returns that none of its inputs had, once, and drops it when the storage is freed (a
weak reference: since PyTorch 2.0 a storage keeps one Python object for its whole life).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterator

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

__all__ = ["TensorMemory", "peak_bytes"]


class TensorMemory(TorchDispatchMode):
    """Live and peak bytes of the tensor storages created while the mode is active.

    ``with TensorMemory() as m: work()`` then ``m.peak``; ``m.live`` is what is still alive.
    """

    def __init__(self) -> None:
        super().__init__()
        self.live = 0
        self.peak = 0
        self._sizes: dict[int, int] = {}  # id of a storage's key -> bytes counted
        self._refs: dict[int, weakref.ref] = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        inputs = {id(t.untyped_storage()) for t in tree_flatten((args, kwargs))[0]
                  if isinstance(t, torch.Tensor) and t.device.type != "meta"}
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor) and t.device.type != "meta":
                self._track(t.untyped_storage(), inputs)
        return out

    def _track(self, storage, inputs: set[int]) -> None:
        key = id(storage)
        size = storage.nbytes()
        known = self._sizes.get(key)
        if known is not None and self._refs[key]() is storage:
            if size != known:  # resized in place (an out= op)
                self.live += size - known
                self._sizes[key] = size
                self.peak = max(self.peak, self.live)
            return
        if known is not None:  # a dead storage's id reused before its callback ran
            self._drop(key)
        if key in inputs:  # in place, or a view of an input: not a new allocation
            return
        self._sizes[key] = size
        self._refs[key] = weakref.ref(storage, lambda _r, k=key: self._drop(k))
        self.live += size
        self.peak = max(self.peak, self.live)

    def _drop(self, key: int) -> None:
        size = self._sizes.pop(key, None)
        self._refs.pop(key, None)
        if size is not None:
            self.live -= size


@contextlib.contextmanager
def _cuda_peak(device: torch.device) -> Iterator[list[int]]:
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    result = [0]
    try:
        yield result
    finally:
        torch.cuda.synchronize(device)
        result[0] = torch.cuda.max_memory_allocated(device) - before


def peak_bytes(work: Callable[[], object], device: torch.device | str = "cpu") -> int:
    """The most bytes of tensor memory that ``work()`` holds at once, beyond what was allocated
    before it (CUDA: the caching allocator's peak; CPU: `TensorMemory`)."""
    device = torch.device(device)
    if device.type == "cuda":
        with _cuda_peak(device) as result:
            work()
        return result[0]
    with TensorMemory() as m:
        work()
    return m.peak
