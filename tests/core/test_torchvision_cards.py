"""Cards and checkpoints of torchvision architectures and ONNX networks; evaluation through an
input conversion."""

from __future__ import annotations

import json

import pytest
import torch
import torchvision

from core.checks import InputError
from core.data import datasets
from core.data.fit import fit_input
from core.models import builder, cards, checkpoints
from core.models.archs import TORCHVISION_ARCHS, arch_kind
from core.train.evaluation import evaluate

MEAN3, STD3 = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def _card(arch: str = "squeezenet1_1", classes=("cat", "dog", "fox"), size: int = 64,
          **changes) -> cards.ModelCard:
    fields = dict(arch=arch, options={}, dataset="imported", classes=list(classes),
                  input_shape=[3, size, size], mean=MEAN3, std=STD3, metrics={},
                  created=cards.utc_now(), name=f"my {arch}")
    fields.update(changes)
    return cards.ModelCard(**fields)


def _net(arch: str = "squeezenet1_1", num_classes: int = 3) -> torch.nn.Module:
    torch.manual_seed(0)
    return torchvision.models.get_model(arch, weights=None, num_classes=num_classes).eval()


def test_every_torchvision_arch_is_a_card_arch_built_by_torchvision():
    for key, spec in TORCHVISION_ARCHS.items():
        assert arch_kind(key) == "torchvision"
        card = _card(key, size=max(64, spec.min_size))
        with torch.device("meta"):
            ours = builder.build_from_card(card)
            theirs = torchvision.models.get_model(key, weights=None, num_classes=3)
        ours_shapes = {k: v.shape for k, v in ours.state_dict().items()}
        assert ours_shapes == {k: v.shape for k, v in theirs.state_dict().items()}
        assert ours.state_dict()[spec.head].shape[0] == 3  # the head names the class count
    assert arch_kind("onnx") == "onnx" and arch_kind("small_cnn") == "lab"


@pytest.mark.parametrize("changes, key", [
    ({"options": {"channels": [8]}}, "card_options_not_empty"),
    ({"input_shape": [1, 64, 64]}, "card_torchvision_input"),
    ({"arch": "alexnet", "input_shape": [3, 32, 32]}, "card_torchvision_input"),
    ({"arch": "resnet50"}, "choice"),
    ({"input_shape": [3, 64, 32]}, "card_input_shape"),
])
def test_bad_torchvision_cards_are_refused_by_key(changes, key):
    with pytest.raises(InputError) as info:
        _card(**changes)
    assert info.value.key == key


def test_a_torchvision_checkpoint_round_trips_exactly(tmp_path):
    model, card = _net(), _card()
    directory = checkpoints.save_to_library(model, card, tmp_path)
    loaded, again = checkpoints.load_checkpoint(directory)
    assert again == card and type(loaded) is type(model)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(loaded(x), model(x))
    assert cards.list_library(tmp_path)[0][1] == card


def test_weights_of_another_class_count_are_named(tmp_path):
    wrong = _net(num_classes=1000)
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.save_checkpoint(wrong, _card(), tmp_path / "x")
    assert info.value.key == "checkpoint_tensor_mismatch"
    assert info.value.values["tensor"] == "classifier.1.weight"


def test_an_onnx_card_needs_its_graph(tmp_path):
    card = _card("onnx", size=16)
    assert card.options == {}
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.save_checkpoint(_net(), card, tmp_path / "x")
    assert info.value.key == "checkpoint_graph_missing"
    # a library entry whose graph file is gone is not listed
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / cards.WEIGHTS_FILE).write_bytes(b"x")
    (directory / cards.CARD_FILE).write_text(card.to_json())
    assert cards.read_card(directory) is None
    assert json.loads(card.to_json())["arch"] == "onnx"


def test_evaluation_through_a_conversion_equals_a_direct_loop():
    gen = torch.Generator().manual_seed(3)
    images = torch.randint(0, 256, (7, 1, 20, 20), generator=gen, dtype=torch.uint8)
    labels = torch.tensor([0, 1, 2, 0, 1, 2, 0])
    split = datasets.Dataset("tiny", "test", images, labels, ("a", "b", "c"), (0.5,), (0.3,))
    model = _net()
    fit = fit_input((1, 20, 20), (3, 64, 64), mean=MEAN3, std=STD3)
    ev = evaluate(model, split, batch_size=3, transform=fit)
    expected = []
    with torch.no_grad():
        for image in images:  # one by one: grey -> RGB, resize, the card's normalisation
            x = image.float().repeat(3, 1, 1).unsqueeze(0)
            x = torch.nn.functional.interpolate(x, size=(64, 64), mode="bilinear",
                                                antialias=True) / 255
            x = (x - torch.tensor(MEAN3).view(1, 3, 1, 1)) / torch.tensor(STD3).view(1, 3, 1, 1)
            expected.append(torch.softmax(model(x), 1)[0])
    torch.testing.assert_close(torch.from_numpy(ev.probs), torch.stack(expected), atol=1e-5,
                               rtol=1e-4)
