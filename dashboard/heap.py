"""Keep the full garbage collection Streamlit runs after every script run cheap.

After each run Streamlit calls ``gc.collect(2)`` (``runner.postScriptGC``), holding the GIL.
Once torch, Plotly and scikit-learn are imported the collector tracks about 490,000 objects
and that call takes about 0.34 s on a 2-core Xeon: every rerun of every session pays it, and
every other session waits for it. With 8 sessions opening Layers at once it was three
quarters of the server's CPU time (``benchmarks/pages.py``, the server-alone round).

Nearly all of those objects are modules, classes and functions, alive as long as the process.
:func:`freeze_imports` collects once and then moves everything alive into the permanent
generation (``gc.freeze()``), which the collector no longer scans; it does so again only when
more modules have been imported since. Reference counting still frees frozen objects as usual;
only a reference cycle among objects alive at a freeze would outlive its use, and those are
the process's own imports and caches.
"""

from __future__ import annotations

import gc
import sys
import threading

_lock = threading.Lock()
_modules_at_freeze = 0


def freeze_imports() -> bool:
    """Collect and freeze the heap if modules were imported since the last freeze (once per
    new import, not per run); returns whether it froze."""
    global _modules_at_freeze
    if len(sys.modules) == _modules_at_freeze:
        return False
    with _lock:  # sessions run in threads of one process
        if len(sys.modules) == _modules_at_freeze:
            return False
        gc.collect()
        gc.freeze()
        _modules_at_freeze = len(sys.modules)
    return True
