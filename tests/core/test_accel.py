"""Device and precision choice: the rules, with hardware availability faked both ways."""

from __future__ import annotations

import pytest
import torch

from core.runtime import accel


@pytest.fixture
def fake_cpu(monkeypatch, tmp_path):
    """fake_cpu(capability, flags): torch dispatches to `capability` on a CPU with `flags`."""

    def fake(capability: str, flags: str) -> None:
        info = tmp_path / "cpuinfo"
        info.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 {flags}\n\n"
                        f"processor\t: 1\nflags\t\t: fpu sse2 {flags}\n")
        monkeypatch.setattr(accel, "CPUINFO", info)
        monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: capability)
        accel.cpu_has_bf16.cache_clear()

    yield fake
    accel.cpu_has_bf16.cache_clear()


@pytest.mark.parametrize("capability, flags, expected", [
    ("AVX512", "avx512f avx512_bf16", True),
    ("AVX512", "avx512f amx_bf16 amx_tile", True),
    ("AVX512", "avx512f avx512bw", False),  # AVX-512 alone emulates bf16: slow
    ("AVX2", "avx2 avx512_bf16", False),  # torch forced to its AVX2 kernels
])
def test_cpu_bf16_comes_from_the_flags(fake_cpu, capability, flags, expected):
    fake_cpu(capability, flags)
    assert accel.cpu_has_bf16() is expected


def test_cpu_bf16_is_false_without_cpuinfo(fake_cpu, monkeypatch, tmp_path):
    fake_cpu("AVX512", "avx512_bf16")
    monkeypatch.setattr(accel, "CPUINFO", tmp_path / "missing")
    assert accel.cpu_has_bf16() is False


def test_resolve_device(monkeypatch):
    assert accel.resolve_device("cpu") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert accel.resolve_device("auto") == torch.device("cpu")
    with pytest.raises(ValueError, match="'cuda' was asked for but no CUDA GPU is available"):
        accel.resolve_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert accel.resolve_device("auto") == torch.device("cuda")
    assert accel.resolve_device("cuda") == torch.device("cuda")
    with pytest.raises(ValueError, match="device must be one of cpu, cuda, auto, got 'gpu'"):
        accel.resolve_device("gpu")


@pytest.mark.parametrize("has_bf16, pref, expected", [
    (True, "auto", "bf16"), (False, "auto", "fp32"), (True, "bf16", "bf16"),
    (True, "fp32", "fp32"), (False, "fp32", "fp32"),
])
def test_resolve_precision_on_the_cpu(monkeypatch, has_bf16, pref, expected):
    monkeypatch.setattr(accel, "cpu_has_bf16", lambda: has_bf16)
    assert accel.resolve_precision(pref, torch.device("cpu")) == expected


def test_bf16_on_a_cpu_without_it_is_refused(monkeypatch):
    monkeypatch.setattr(accel, "cpu_has_bf16", lambda: False)
    with pytest.raises(ValueError, match="'bf16' needs native bf16 support, which this CPU"):
        accel.resolve_precision("bf16", "cpu")
    with pytest.raises(ValueError, match="precision must be one of fp32, bf16, auto, got 'fp16'"):
        accel.resolve_precision("fp16", "cpu")


@pytest.mark.parametrize("gpu_bf16, pref, expected", [
    (True, "auto", "fp32"),  # the lab's small models do not gain from bf16 on a GPU
    (False, "auto", "fp32"), (True, "bf16", "bf16"), (True, "fp32", "fp32"),
])
def test_resolve_precision_on_cuda(monkeypatch, gpu_bf16, pref, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: gpu_bf16)
    monkeypatch.setattr(accel, "cpu_has_bf16", lambda: not gpu_bf16)  # must not be consulted
    assert accel.resolve_precision(pref, torch.device("cuda")) == expected


def test_bf16_on_a_gpu_without_it_is_refused(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    with pytest.raises(ValueError, match="which this GPU lacks"):
        accel.resolve_precision("bf16", "cuda")


def test_channels_last_rule():
    assert accel.channels_last("cpu", "fp32") and accel.channels_last("cpu", "bf16")
    assert accel.channels_last("cuda", "bf16") and accel.channels_last("cuda", "fp32")


def test_autocast_is_a_no_op_for_fp32_and_bf16_otherwise():
    a, b = torch.randn(4, 4), torch.randn(4, 4)
    with accel.autocast("cpu", "fp32"):
        assert not torch.is_autocast_enabled("cpu")
        assert (a @ b).dtype == torch.float32
        assert torch.equal(a @ b, torch.mm(a, b))
    with accel.autocast(torch.device("cpu"), "bf16"):
        assert torch.is_autocast_enabled("cpu")
        assert (a @ b).dtype == torch.bfloat16
    assert not torch.is_autocast_enabled("cpu")
    with pytest.raises(ValueError, match="resolve 'auto' first"):
        accel.autocast("cpu", "auto")
