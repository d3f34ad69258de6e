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
    precisions = {"fp32", "bf16"} if accel.cpu_has_bf16() else {"fp32"}  # "auto": bf16 if native
    setup = r"(channels_last|NCHW) · (fp32|bf16) \(([\d.,]+) ms per image\)"
    found = how and re.fullmatch(
        r"Steps run on the CPU in (?P<precision>fp32|bf16), memory layout "
        r"(?P<layout>channels_last|NCHW): the fastest of (?P<tried>(.+, )+.+), timed on this "
        r"machine for this architecture\.", how[0])
    assert found, how
    tried = re.findall(setup, found["tried"])  # [(layout, precision, ms), ...], fastest first
    assert ", ".join(f"{a} · {b} ({c} ms per image)" for a, b, c in tried) == found["tried"]
    assert {layout for layout, _, _ in tried} == {"channels_last", "NCHW"}
    assert {p for _, p, _ in tried} == precisions
    assert tried[0][:2] == (found["layout"], found["precision"])  # it runs in the fastest
    times = [float(ms.replace(",", "")) for _, _, ms in tried]
    assert times == sorted(times) and all(t > 0 for t in times)
