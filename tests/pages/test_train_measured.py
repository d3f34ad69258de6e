"""AppTest: the Train page says which memory layout its steps run in, measured on this machine."""

from __future__ import annotations

import re

from core.runtime import accel
from tests.pages.conftest import advance as _advance


def test_a_run_says_its_measured_layout(app, _cnnlab_home):
    at = app("train")
    at.selectbox(key="train_arch").set_value("seed_net").run()
    at.number_input(key="train_epochs").set_value(1).run()
    at.button(key="train_start").click().run()
    assert not at.exception
    _advance(at, lambda a: any("Finished" in s.value for s in a.success))
    how = [c.value for c in at.caption if c.value.startswith("Steps run on the CPU")]
    precision = "(fp32|bf16)" if accel.cpu_has_bf16() else "fp32"  # "auto": bf16 if native
    assert how and re.fullmatch(
        rf"Steps run on the CPU in {precision}, memory layout (channels_last|NCHW): the fastest of "
        r"(channels_last, NCHW|NCHW, channels_last), timed on this machine for this "
        r"architecture\.", how[0]), how
