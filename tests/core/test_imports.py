"""Importing your own weights: .pt/.pth state_dicts and ONNX files, checked against the modules
they came from (exactly for .pth), onnxruntime on the same file (atol 1e-4), and every bad file
the issue names refused with a keyed message and no side effect."""

from __future__ import annotations

import io
import warnings
import zipfile

import numpy as np
import pytest
import torch
import torchvision
from torch import fx, nn

from core.models import checkpoints, imports, onnx_graph
from core.models.checkpoints import CheckpointError
from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD, categories
from dashboard.errors import message

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper  # noqa: E402

SIZE = 64  # small inputs keep the torchvision models fast


def _tv(arch: str, num_classes: int = 3, seed: int = 0) -> nn.Module:
    """A torchvision classifier with random weights (seeded), eval mode, BatchNorm statistics
    made non-trivial so that a lost buffer would show in the outputs."""
    torch.manual_seed(seed)
    model = torchvision.models.get_model(arch, weights=None, num_classes=num_classes).eval()
    gen = torch.Generator().manual_seed(seed + 1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(0.1 * torch.randn(m.num_features, generator=gen))
            m.running_var.copy_(0.5 + torch.rand(m.num_features, generator=gen))
    return model


def _saved(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _x(seed: int = 3, batch: int = 2, channels: int = 3, size: int = SIZE) -> torch.Tensor:
    return torch.randn(batch, channels, size, size, generator=torch.Generator().manual_seed(seed))


def _onnx(model: nn.Module, *, size: int = SIZE, dynamic_hw: bool = False, **kwargs) -> bytes:
    """``model`` exported by torch's legacy (TorchScript-based) exporter, opset 17."""
    buf = io.BytesIO()
    axes = {"x": {0: "n", 2: "h", 3: "w"} if dynamic_hw else {0: "n"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(model, (torch.zeros(1, 3, size, size),), buf, dynamo=False,
                          opset_version=17, input_names=["x"], output_names=["y"],
                          dynamic_axes=axes, **kwargs)
    return buf.getvalue()


def _ort(graph: bytes, x: torch.Tensor) -> np.ndarray:
    session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x.numpy()})[0]


def _raised(fn, *args, **kwargs) -> CheckpointError:
    with pytest.raises(ValueError) as info:  # InputError and CheckpointError are ValueErrors
        fn(*args, **kwargs)
    assert getattr(info.value, "key", None), f"unkeyed: {info.value}"
    return info.value


# --------------------------------------------------------------------------- .pth: the paths
@pytest.mark.parametrize("arch", ["squeezenet1_1", "resnet18", "mobilenet_v3_small"])
def test_a_state_dict_gives_exactly_the_original_outputs(arch):
    original = _tv(arch, num_classes=5)
    done = imports.import_pth(_saved(original.state_dict()), arch, filename="mine.pth")
    x = _x()
    with torch.no_grad():
        assert torch.equal(done.model(x), original(x))
    assert not done.model.training and done.graph is None
    assert all(p.device.type == "cpu" for p in done.model.parameters())
    card = done.card
    assert (card.arch, card.options, card.dataset) == (arch, {}, "imported")
    assert card.classes == [f"class {i}" for i in range(5)]
    assert card.input_shape == [3, 224, 224]
    assert (card.mean, card.std) == (list(IMAGENET_MEAN), list(IMAGENET_STD))
    assert card.metrics == {"imported_from": "mine.pth"}
    assert card.name == f"{imports.TORCHVISION_ARCHS[arch].title} (mine)"


def test_training_checkpoints_and_dataparallel_prefixes_are_unwrapped():
    original = _tv("squeezenet1_1")
    state = original.state_dict()
    x = _x()
    with torch.no_grad():
        want = original(x)
    for obj in ({"state_dict": state, "epoch": 7, "lr": 0.1},
                {"model": state, "optimizer": {"step": torch.tensor(3)}},
                {f"module.{k}": v for k, v in state.items()}):
        done = imports.import_pth(_saved(obj), "squeezenet1_1")
        with torch.no_grad():
            assert torch.equal(done.model(x), want)


def test_the_legacy_torch_save_format_and_half_precision_load():
    original = _tv("squeezenet1_1")
    buf = io.BytesIO()
    torch.save(original.state_dict(), buf, _use_new_zipfile_serialization=False)
    done = imports.import_pth(buf.getvalue(), "squeezenet1_1")
    x = _x()
    with torch.no_grad():
        assert torch.equal(done.model(x), original(x))
    half = {k: v.half() if v.is_floating_point() else v for k, v in original.state_dict().items()}
    done = imports.import_pth(_saved(half), "squeezenet1_1")
    assert {p.dtype for p in done.model.parameters()} == {torch.float32}
    expected = {k: v.float() if v.is_floating_point() else v for k, v in half.items()}
    assert all(torch.equal(done.model.state_dict()[k], v) for k, v in expected.items())


def test_a_thousand_outputs_get_imagenet_names_and_the_form_fields_go_on_the_card():
    original = _tv("squeezenet1_1", num_classes=1000)
    data = _saved(original.state_dict())
    done = imports.import_pth(data, "squeezenet1_1")
    assert done.card.classes == categories("squeezenet1_1") and done.card.dataset == "imagenet"
    names = [f"kind {i}" for i in range(3)]
    done = imports.import_pth(_saved(_tv("squeezenet1_1").state_dict()), "squeezenet1_1",
                              classes=["  kind 0", "kind 1", "", "kind 2 "], mean=[0.5, 0.5, 0.5],
                              std=[0.25, 0.25, 0.25], input_size=96, name="Leaves")
    card = done.card
    assert (card.classes, card.mean, card.std) == (names, [0.5] * 3, [0.25] * 3)
    assert (card.input_shape, card.name, card.dataset) == ([3, 96, 96], "Leaves", "imported")


def test_wrong_class_counts_and_fields_are_keyed():
    data = _saved(_tv("squeezenet1_1").state_dict())
    err = _raised(imports.import_pth, data, "squeezenet1_1", classes=["a", "b"])
    assert err.key == "import_classes_count" and err.values == {"count": 3, "given": 2}
    assert "3 salidas" in message(err, "es")
    err = _raised(imports.import_pth, data, "squeezenet1_1", classes=["a", "a", "b"])
    assert err.key == "card_classes"
    err = _raised(imports.import_pth, data, "resnet18")
    assert err.key == "import_pth_no_head" and "fc.weight" in message(err, "en")
    err = _raised(imports.import_pth, data, "squeezenet1_1", input_size=8)
    assert err.key == "card_torchvision_input"
    err = _raised(imports.import_pth, data, "squeezenet1_1", mean=[0.5])
    assert err.key == "card_field_numbers"
    err = _raised(imports.import_pth, data, "lenet")
    assert err.key == "choice" and err.values["choices"] == tuple(imports.TORCHVISION_ARCHS)


def test_a_pth_round_trips_through_the_library(tmp_path):
    original = _tv("resnet18", num_classes=4)
    done = imports.import_pth(_saved(original.state_dict()), "resnet18", input_size=SIZE)
    directory = checkpoints.save_to_library(done.model, done.card, tmp_path, done.graph)
    model, card = checkpoints.load_checkpoint(directory)
    assert card == done.card
    x = _x()
    with torch.no_grad():
        assert torch.equal(model(x), original(x))


def test_torch_load_is_only_called_with_weights_only(monkeypatch):
    calls = []
    real = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    imports.import_pth(_saved(_tv("squeezenet1_1").state_dict()), "squeezenet1_1")
    _raised(imports.import_pth, _saved(_tv("squeezenet1_1")), "squeezenet1_1")
    assert calls and all(c == {"weights_only": True, "map_location": "cpu"} for c in calls)


# --------------------------------------------------------------------------- .pth: bad files
class _CreatesAFile:
    """A pickle whose loading would create a file (``open(path, "w")``) if it were run."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_that_would_run_code_is_refused_and_runs_nothing(tmp_path):
    target = tmp_path / "pwned.txt"
    data = _saved({"weight": torch.zeros(2), "payload": _CreatesAFile(target)})
    assert not target.exists()
    err = _raised(imports.import_pth, data, "squeezenet1_1")
    assert err.key == "import_pth_objects" and "open" in err.values["obj"]
    assert not target.exists()
    err = _raised(imports.import_file, data, "weights.pth", arch="resnet18")
    assert err.key == "import_pth_objects" and not target.exists()
    assert message(err, "es").startswith("Este archivo contiene objetos de Python")


def test_a_pickled_whole_module_is_refused():
    err = _raised(imports.import_pth, _saved(_tv("squeezenet1_1")), "squeezenet1_1")
    assert err.key == "import_pth_objects"
    assert err.values["obj"] == "torchvision.models.squeezenet.SqueezeNet"
    assert "state_dict()" in message(err, "en")


@pytest.mark.parametrize("obj, key", [
    ([torch.zeros(2)], "import_pth_not_dict"),
    (torch.zeros(3), "import_pth_not_dict"),
    ({}, "import_pth_empty_dict"),
    ({"w": torch.zeros(2), "n": 3}, "import_pth_not_tensor"),
    ({1: torch.zeros(2)}, "import_pth_key_not_str"),
    ({"w": torch.zeros(2, 2).to_sparse()}, "import_pth_tensor_kind"),
])
def test_anything_but_a_flat_dict_of_tensors_is_refused(obj, key):
    assert _raised(imports.read_state_dict, _saved(obj)).key == key


def test_wrong_shapes_for_the_chosen_architecture_are_named():
    state = _tv("resnet18").state_dict()
    bad = dict(state, **{"layer1.0.conv1.weight": torch.zeros(64, 64, 5, 5)})
    err = _raised(imports.import_pth, _saved(bad), "resnet18")
    assert err.key == "import_pth_wrong_shape"
    assert err.values == {"arch": "ResNet-18", "tensor": "layer1.0.conv1.weight",
                          "shape": (64, 64, 3, 3), "found_shape": (64, 64, 5, 5)}
    assert message(err, "en") == ("These weights do not fit `ResNet-18`: the tensor "
                                  "`layer1.0.conv1.weight` has shape 64×64×5×5, but "
                                  "`ResNet-18` needs 64×64×3×3.")
    missing = {k: v for k, v in state.items() if k != "layer4.1.bn2.weight"}
    assert _raised(imports.import_pth, _saved(missing), "resnet18").key == \
        "import_pth_missing_tensor"
    extra = dict(state, **{"extra.weight": torch.zeros(1)})
    err = _raised(imports.import_pth, _saved(extra), "resnet18")
    assert (err.key, err.values["tensor"]) == ("import_pth_unexpected_tensor", "extra.weight")
    nan = dict(state, **{"fc.bias": torch.full((3,), float("nan"))})
    assert _raised(imports.import_pth, _saved(nan), "resnet18").key == "import_pth_not_finite"
    # a squeezenet's weights offered as a mobilenet: no such final layer
    err = _raised(imports.import_pth, _saved(_tv("squeezenet1_1").state_dict()),
                  "mobilenet_v3_small")
    assert err.key == "import_pth_no_head"


def test_empty_truncated_and_oversized_files_are_refused(monkeypatch):
    data = _saved(_tv("squeezenet1_1").state_dict())
    assert _raised(imports.import_pth, b"", "squeezenet1_1").key == "import_empty"
    for cut in (data[: len(data) // 2], data[:-50], data[:100], b"not a torch file at all"):
        assert _raised(imports.import_pth, cut, "squeezenet1_1").key == "import_pth_unreadable"
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 1000)
    err = _raised(imports.import_pth, data, "squeezenet1_1")
    assert err.key == "import_too_large" and err.values["limit_mb"] == 0
    err = _raised(imports.import_file, data, "big.onnx")
    assert err.key == "import_too_large"


def test_torchscript_archives_are_refused_before_loading(monkeypatch):
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), buf)
    data = buf.getvalue()
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load was called"))
    for name in ("model.pt", "model.pth", "model.zip", "model.onnx"):
        err = _raised(imports.import_file, data, name, arch="resnet18")
        assert err.key == "import_torchscript", name
    assert _raised(checkpoints.import_upload, data, "model.zip").key == "checkpoint_torchscript"
    assert "TorchScript" in message(err, "es")


# --------------------------------------------------------------------------- ONNX: the paths
@pytest.mark.parametrize("arch", ["squeezenet1_1", "resnet18", "mobilenet_v3_small"])
def test_an_onnx_model_matches_onnxruntime_and_the_module_it_came_from(arch):
    original = _tv(arch, num_classes=4)
    graph = _onnx(original)
    done = imports.import_onnx(graph, filename="net.onnx")
    x = _x()
    assert isinstance(done.model, fx.GraphModule) and not done.model.training
    assert {p.dtype for p in done.model.state_dict().values() if p.is_floating_point()} == \
        {torch.float32}
    with torch.no_grad():
        ours = done.model(x)
        np.testing.assert_allclose(ours.numpy(), _ort(graph, x), atol=1e-4, rtol=0)
        torch.testing.assert_close(ours, original(x), atol=1e-4, rtol=0)
    card = done.card
    assert (card.arch, card.options, card.input_shape) == ("onnx", {}, [3, SIZE, SIZE])
    assert card.classes == [f"class {i}" for i in range(4)] and done.graph == graph
    assert card.metrics == {"imported_from": "net.onnx"} and card.name == "ONNX (net)"


def test_gradients_flow_through_an_onnx_import():
    original = _tv("resnet18", num_classes=4)
    done = imports.import_onnx(_onnx(original))
    x = _x(batch=1).requires_grad_(True)
    (ours,) = torch.autograd.grad(done.model(x)[0, 2], x)
    x2 = x.detach().clone().requires_grad_(True)
    (want,) = torch.autograd.grad(original(x2)[0, 2], x2)
    assert ours.abs().sum() > 0
    torch.testing.assert_close(ours, want, atol=1e-4, rtol=1e-3)


def test_the_conversion_is_deterministic():
    graph = _onnx(_tv("squeezenet1_1"))
    a, b = onnx_graph.to_module(graph), onnx_graph.to_module(graph)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb) and all(torch.equal(sa[k], sb[k]) for k in sa)
    b.load_state_dict(sa, strict=True)


def test_an_onnx_model_round_trips_through_the_library_and_its_zip(tmp_path):
    original = _tv("squeezenet1_1", num_classes=4)
    graph = _onnx(original)
    done = imports.import_onnx(graph, classes=["a", "b", "c", "d"])
    directory = checkpoints.save_to_library(done.model, done.card, tmp_path, done.graph)
    assert (directory / "graph.onnx").read_bytes() == graph
    model, card = checkpoints.load_checkpoint(directory)
    x = _x()
    with torch.no_grad():
        want = done.model(x)
        assert torch.equal(model(x), want)
    assert card == done.card
    again = imports.import_file(checkpoints.export_zip(directory), "mine.zip")
    assert again.graph == graph and again.card == card
    with torch.no_grad():
        assert torch.equal(again.model(x), want)


def test_a_dynamic_size_graph_takes_the_form_size():
    original = _tv("squeezenet1_1")
    graph = _onnx(original, dynamic_hw=True)
    assert onnx_graph.input_shape(graph) is None
    assert onnx_graph.input_dims(graph) == (3, None, None)
    done = imports.import_onnx(graph, input_size=48)
    assert done.card.input_shape == [3, 48, 48]
    x = _x(size=48)
    with torch.no_grad():
        np.testing.assert_allclose(done.model(x).numpy(), _ort(graph, x), atol=1e-4, rtol=0)
    fixed = _onnx(original)
    assert onnx_graph.input_shape(fixed) == (3, SIZE, SIZE)
    assert imports.import_onnx(fixed, input_size=48).card.input_shape == [3, SIZE, SIZE]


def test_a_grey_image_onnx_model_gets_one_channel_defaults():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                        nn.Linear(4, 3)).eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (torch.zeros(1, 1, 28, 28),), buf, dynamo=False, opset_version=17)
    done = imports.import_onnx(buf.getvalue())
    assert (done.card.input_shape, done.card.mean, done.card.std) == ([1, 28, 28], [0.5], [0.5])


def test_a_dynamo_export_at_a_newer_opset_is_brought_down_and_converted():
    """torch's default (dynamo) exporter writes opset 18+ with ReduceMean-18 and Reshape
    allowzero=1, neither of which onnx2torch converts as they are."""
    pytest.importorskip("onnxscript")
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3)).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(net, (torch.zeros(1, 3, 32, 32),), dynamo=True, verbose=False)
    graph = program.model_proto.SerializeToString()
    model = onnx.load_from_string(graph)
    assert onnx_graph._opset(model) > onnx_graph.TARGET_OPSET
    done = imports.import_onnx(graph)
    x = _x(batch=1, size=32)  # the dynamo export fixes the batch size
    with torch.no_grad():
        np.testing.assert_allclose(done.model(x).numpy(), _ort(graph, x), atol=1e-4, rtol=0)
        torch.testing.assert_close(done.model(x), net(x), atol=1e-4, rtol=0)


# --------------------------------------------------------------------------- ONNX: bad files
def _tiny(op: str, opset: int = 17, **attrs) -> bytes:
    """A one-node ONNX model (1, 3) -> (1, 3) using ``op``."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])
    graph = helper.make_graph([helper.make_node(op, ["x"], ["y"], **attrs)], "tiny", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]) \
        .SerializeToString()


def test_an_unsupported_operator_is_named():
    assert len(_tiny("Relu")) > 0 and onnx_graph.to_module(_tiny("Relu")) is not None
    err = _raised(onnx_graph.to_module, _tiny("Hardmax"))  # onnx2torch has no Hardmax
    assert err.key == "onnx_op_unsupported" and err.values["op"] == "Hardmax"
    assert message(err, "en").startswith("The ONNX operator `Hardmax` (version 13, domain "
                                          "`ai.onnx`) cannot be converted")
    assert "`Hardmax`" in message(err, "es")
    err = _raised(imports.import_file, _tiny("Hardmax"), "mine.onnx")
    assert err.key == "onnx_op_unsupported"


def test_an_unconvertible_attribute_names_its_operator():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3])
    shape = helper.make_tensor("s", TensorProto.INT64, [3], [1, 0, 3])
    node = helper.make_node("Reshape", ["x", "s"], ["y"], allowzero=1)
    graph = helper.make_graph([node], "g", [x], [y], initializer=[shape])
    data = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    err = _raised(onnx_graph.to_module, data.SerializeToString())
    assert err.key == "onnx_op_not_converted" and err.values["op"] == "Reshape"
    assert "allowzero" in err.values["reason"]


def test_an_onnx_file_with_external_data_is_refused_without_reading_it(tmp_path):
    model = onnx.load_from_string(_onnx(_tv("squeezenet1_1")))
    path = tmp_path / "split.onnx"
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)
    (tmp_path / "weights.bin").unlink()  # whatever it names is never opened
    err = _raised(imports.import_onnx, path.read_bytes())
    assert err.key == "onnx_external_data" and err.values["location"] == "weights.bin"
    assert "un único archivo" in message(err, "es")


def test_the_onnx_checker_runs_first():
    bad = _tiny("Relu", opset=17)
    model = onnx.load_from_string(bad)
    model.graph.node[0].input[0] = "nowhere"  # an input nothing produces
    err = _raised(onnx_graph.to_module, model.SerializeToString())
    assert err.key == "onnx_invalid"


@pytest.mark.parametrize("data, key", [
    (b"", "onnx_empty"),
    (b"this is not protobuf \xff\xfe", "onnx_unparsable"),
    (b"\x08\x07", "onnx_no_graph"),  # a ModelProto with only ir_version set
])
def test_garbage_is_not_an_onnx_model(data, key):
    assert _raised(onnx_graph.to_module, data).key == key


def test_truncated_and_oversized_onnx_files_are_refused(monkeypatch):
    graph = _onnx(_tv("squeezenet1_1"))
    err = _raised(imports.import_onnx, graph[: len(graph) // 2])
    assert err.key in {"onnx_unparsable", "onnx_invalid", "onnx_no_graph"}
    monkeypatch.setattr(onnx_graph, "MAX_GRAPH_BYTES", 1000)
    assert _raised(onnx_graph.to_module, graph).key == "onnx_too_large"
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 1000)
    assert _raised(imports.import_onnx, graph).key == "import_too_large"


def test_an_onnx_model_that_is_not_an_image_classifier_is_refused():
    err = _raised(imports.import_onnx, _tiny("Relu"))
    assert err.key == "onnx_input_not_4d" and err.values["rank"] == 2
    torch.manual_seed(0)
    conv = nn.Sequential(nn.Conv2d(3, 2, 3)).eval()  # outputs feature maps, not scores
    err = _raised(imports.import_onnx, _onnx(conv, size=16))
    assert err.key == "onnx_output_not_logits" and err.values["found"] == (1, 2, 14, 14)
    wide = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()).eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(wide, (torch.zeros(1, 3, 16, 24),), buf, dynamo=False,
                          opset_version=17)
    assert _raised(imports.import_onnx, buf.getvalue()).key == "onnx_input_not_square"


# --------------------------------------------------------------------------- import_file
def test_import_file_dispatches_by_name_and_content(tmp_path):
    original = _tv("squeezenet1_1")
    state = _saved(original.state_dict())
    assert imports.import_file(state, "w.pth", arch="squeezenet1_1").card.arch == "squeezenet1_1"
    assert imports.import_file(state, "w.PT", arch="squeezenet1_1", classes=None,
                               name=None).card.arch == "squeezenet1_1"
    # a torch.save zip under another name is still read as a state_dict, never unpickled fully
    assert imports.import_file(state, "w.bin", arch="squeezenet1_1").card.arch == \
        "squeezenet1_1"
    assert _raised(imports.import_file, state, "w.pth").key == "import_pth_needs_arch"
    assert imports.import_file(_onnx(original), "m.onnx").card.arch == "onnx"
    done = imports.import_pth(state, "squeezenet1_1")
    directory = checkpoints.save_checkpoint(done.model, done.card, tmp_path / "m")
    zipped = imports.import_file(checkpoints.export_zip(directory), "m.zip")
    bare = imports.import_file((directory / "model.safetensors").read_bytes(), "m.safetensors")
    assert zipped.card == bare.card == done.card and zipped.graph is None
    assert _raised(imports.import_file, b"hello", "notes.txt").key == "import_unknown_type"
    assert _raised(imports.import_file, b"", "m.zip").key == "import_empty"


def test_a_damaged_zip_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("card.json", "{}")
    data = bytearray(buf.getvalue())
    data[30:40] = b"\0" * 10  # the member's header, with the central directory intact
    err = _raised(imports.import_file, bytes(data), "m.zip")
    assert err.key.startswith(("checkpoint_", "import_"))
