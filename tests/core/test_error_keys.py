"""Every error core raises on a user's input has a key, values and a template in both languages.

``core.checks.Keyed`` gives an error a ``key`` and ``values`` beside its English message; the
dashboard looks the key up in ``dashboard/texts/errors.py`` and fills the template with the
values. An AST scan of ``core/`` finds every construction of a Keyed class and checks that it
passes a key (a string literal, or a conditional expression of literals), that the key has an
English and a Spanish template, and that each ``{placeholder}`` of those templates is among the
keyword values that very site passes. Then a few real core calls are rendered in Spanish.
"""

from __future__ import annotations

import ast
import itertools
import pickle
import string
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import torch

from core import checks
from core.checks import InputError, Keyed
from dashboard.errors import message
from dashboard.texts import errors as catalogue

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"

# Constructions left without a key, by (file, enclosing function): the dashboard shows them in
# a Spanish frame with the English detail. Each needs its reason.
UNKEYED = {
    ("core/train/__main__.py", "_load_data"):
        "command-line arguments (--folder, --image-size): the CLI speaks English only",
}
# Constructions that pass on the key and values of the error they wrap (so the user reads the
# wrapped rule in their language), by (file, enclosing function).
RELAYS = {
    ("core/teach/filters.py", "_check_kernels"):
        "a kernel's own check (check_kernel / check_matrix), with the kernel's label added",
    ("core/models/checkpoints.py", "load_checkpoint_bytes"):
        "the model card's own check (cards, archs); 'checkpoint_bad_card' for any other",
}


# --------------------------------------------------------------------------- the scan
def _keyed_classes(trees: dict[str, ast.Module]) -> set[str]:
    """The names of Keyed and of every class in core that derives from it (by name)."""
    bases = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                                    for b in node.bases}
    keyed, grown = {"Keyed"}, True
    while grown:
        new = {name for name, b in bases.items() if b & keyed} - keyed
        keyed |= new
        grown = bool(new)
    return keyed - {"Keyed"}


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _literals(expr: ast.expr) -> set[str] | None:
    """The keys a literal or a conditional expression of literals can give, else None."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        a, b = _literals(expr.body), _literals(expr.orelse)
        return None if a is None or b is None else a | b
    return None


def _value_names(call: ast.Call) -> set[str]:
    """The keyword values a call passes: ``name=`` keywords, and the keys of dict literals
    spread with ``**``."""
    names = {kw.arg for kw in call.keywords if kw.arg is not None}
    for kw in call.keywords:
        if kw.arg is None:
            names |= {k.value for node in ast.walk(kw.value) if isinstance(node, ast.Dict)
                      for k in node.keys if isinstance(k, ast.Constant)}
    return names


def _bounds_keys(call: ast.Call) -> set[str]:
    """The keys ``core.checks._bounds_key(kind, low, high[, open_low])`` can return."""
    kind = call.args[0].value
    opens = (False, True) if len(call.args) > 3 else (False,)
    return {checks._bounds_key(kind, low, high, o)
            for low, high, o in itertools.product((None, 0), (None, 1), opens)}


@dataclass
class Site:
    """One construction of a Keyed error: where, which keys it can carry, with which values."""

    file: str
    line: int
    function: str
    keys: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    kind: str = "keyed"  # "keyed", "relay" or "unkeyed"

    def __str__(self) -> str:
        return f"{self.file}:{self.line} ({self.function})"


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _function(node: ast.AST, parents: dict) -> ast.FunctionDef | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


def _bound(call: ast.Call, fn: ast.FunctionDef, param: str) -> ast.expr | None:
    """The argument a call of ``fn`` binds to ``param``."""
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    for kw in call.keywords:
        if kw.arg == param:
            return kw.value
    if param in params and params.index(param) < len(call.args):
        return call.args[params.index(param)]
    return None


def _site(file: str, tree: ast.Module, parents: dict, call: ast.Call) -> list[Site]:
    fn = _function(call, parents)
    where = Site(file, call.lineno, fn.name if fn else "<module>", values=_value_names(call))
    key = call.args[1] if len(call.args) > 1 else next(
        (kw.value for kw in call.keywords if kw.arg == "key"), None)
    if key is None or (isinstance(key, ast.Constant) and key.value is None):
        where.kind = "unkeyed"
        return [where]
    if (keys := _literals(key)) is not None:
        where.keys = keys
        return [where]
    if isinstance(key, ast.Call) and _callee(key) == "_bounds_key":
        where.keys = _bounds_keys(key)
        return [where]
    if any(isinstance(n, ast.Call) and _callee(n) == "getattr" and len(n.args) > 1
           and isinstance(n.args[1], ast.Constant) and n.args[1].value == "key"
           for n in ast.walk(key)):
        where.kind = "relay"  # its own literal fallbacks still need templates
        where.keys = {n.value for n in ast.walk(key)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value
                      != "key"}
        return [where]
    params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)} \
        if fn else set()
    if isinstance(key, ast.Name) and key.id in params:
        # a factory: every call of the enclosing function in this module gives the key
        sites, spread = [], any(kw.arg is None for kw in call.keywords)
        named = params | ({fn.args.vararg.arg} if fn.args.vararg else set())
        for other in ast.walk(tree):
            if isinstance(other, ast.Call) and _callee(other) == fn.name:
                outer = _function(other, parents)
                arg = _bound(other, fn, key.id)
                extra = (_value_names(other) - named) if spread else set()
                sites.append(Site(file, other.lineno, outer.name if outer else "<module>",
                                  _literals(arg) if arg is not None and _literals(arg) else set(),
                                  where.values | extra,
                                  "keyed" if arg is not None and _literals(arg) else "unkeyed"))
        assert sites, f"{where}: the key comes from {fn.name}'s {key.id!r}, never called"
        return sites
    raise AssertionError(f"{where}: the key must be a literal or a conditional expression of "
                         f"literals, got {ast.unparse(key)}")


def _scan() -> list[Site]:
    trees = {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
             for p in sorted(CORE.rglob("*.py"))}
    keyed = _keyed_classes(trees)
    sites = []
    for file, tree in trees.items():
        parents = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in keyed:
                sites += _site(file, tree, parents, node)
    return sites


SITES = _scan()


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


# --------------------------------------------------------------------------- (a) every site
def test_the_scan_finds_the_keyed_classes_and_their_sites():
    trees = {p.name: ast.parse(p.read_text()) for p in CORE.rglob("*.py")}
    assert {"InputError", "CheckpointError", "ImageError", "ArchiveError", "DivergedError",
            "DatasetUnavailableError", "WeightsUnavailableError"} <= _keyed_classes(trees)
    assert len(SITES) > 250
    assert {s.file for s in SITES} >= {"core/teach/pooling.py", "core/data/images.py",
                                       "core/train/training.py", "core/models/checkpoints.py"}


def test_every_keyed_error_core_raises_passes_a_key():
    missing = [str(s) for s in SITES
               if s.kind == "unkeyed" and (s.file, s.function) not in UNKEYED]
    assert not missing, f"errors without a key (add one, or list them in UNKEYED): {missing}"
    relays = [str(s) for s in SITES if s.kind == "relay" and (s.file, s.function) not in RELAYS]
    assert not relays, f"errors passing on another error's key, not listed in RELAYS: {relays}"


def test_the_allow_lists_are_not_stale():
    found = {(s.file, s.function) for s in SITES}
    assert set(UNKEYED) <= {(s.file, s.function) for s in SITES if s.kind == "unkeyed"}
    assert set(RELAYS) <= {(s.file, s.function) for s in SITES if s.kind == "relay"}
    assert set(UNKEYED) | set(RELAYS) <= found


def test_keys_are_snake_case():
    bad = sorted({k for s in SITES for k in s.keys if not k.replace("_", "").isalnum()
                  or k != k.lower() or k.startswith("_")})
    assert not bad


# --------------------------------------------------------------------------- (b) templates
def test_every_key_has_an_english_and_a_spanish_template():
    keys = {k for s in SITES for k in s.keys}
    assert not sorted(keys - set(catalogue.EN)), "keys without an English template"
    assert not sorted(keys - set(catalogue.ES)), "keys without a Spanish template"


def test_every_template_is_used_by_some_site():
    keys = {k for s in SITES for k in s.keys}
    dead = sorted(set(catalogue.EN) - keys - {"unkeyed"})
    assert not dead, f"templates no core error uses: {dead}"


# --------------------------------------------------------------------------- (c) placeholders
def test_every_placeholder_is_a_value_the_site_passes():
    wrong = []
    for site in SITES:
        for key in site.keys:
            for lang, table in (("EN", catalogue.EN), ("ES", catalogue.ES)):
                extra = _fields(table.get(key, "")) - site.values
                if extra:
                    wrong.append(f"{site}: {lang}[{key!r}] needs {sorted(extra)}, the site "
                                 f"passes {sorted(site.values)}")
    assert not wrong, "\n".join(wrong)


def test_the_check_helpers_pass_what_their_templates_need():
    sites = [s for s in SITES if s.file == "core/checks.py"]
    keys = {k for s in sites for k in s.keys}
    assert {"int_between", "int_min", "number_above", "number_between_open", "choice",
            "pair_min"} <= keys
    assert "int_above" not in keys  # check_int has no open bound


# --------------------------------------------------------------------------- (d) end to end
def _raised(fn, *args, **kwargs) -> Exception:
    with pytest.raises(Exception) as info:
        fn(*args, **kwargs)
    return info.value


def test_a_pooling_kernel_larger_than_the_padded_input_in_spanish():
    from core.teach import pooling

    err = _raised(pooling.validate, (4, 6), pooling.PoolParams(op="max", kernel=(5, 2)))
    assert isinstance(err, InputError) and err.key == "pool_no_window_height"
    assert str(err) == ("output size < 1: in height the kernel (effective size 5) is larger "
                        "than the padded input (4 + 2·0 = 4), so no window fits")
    assert message(err, "es") == (
        "No cabe ninguna ventana, así que la salida quedaría vacía: en altura el núcleo "
        "(tamaño efectivo 5) es mayor que la entrada con relleno (4 + 2·0 = 4).")
    assert message(err, "en").startswith("No window fits")


def test_pooling_padding_with_dilation_and_ceil_mode_have_their_own_sentences():
    from core.teach import pooling

    err = _raised(pooling.validate, (8, 8),
                  pooling.PoolParams(op="max", kernel=(3, 3), padding=(0, 2), dilation=(2, 2)))
    assert err.key == "pool_padding_over_half_dilated_width"
    assert "en anchura el relleno es 2, mayor que ⌊3/2⌋ = 1. Una dilatación de 2" in \
        message(err, "es")
    err = _raised(pooling.validate, (2, 8),
                  pooling.PoolParams(op="max", kernel=(2, 2), stride=(2, 2), ceil_mode=True,
                                     dilation=(3, 1)))
    assert err.key == "pool_no_window_ceil_height" and "ni siquiera con ceil_mode" in \
        message(err, "es")


def test_a_generic_check_names_the_parameter_in_spanish():
    from core.teach import pooling

    err = _raised(pooling.validate, (4, 4), pooling.PoolParams(op="avg", kernel=(0, 2)))
    assert (err.key, err.values["name"]) == ("pair_min", "kernel")
    assert message(err, "es") == ("El tamaño del núcleo (kernel) debe ser al menos 1 en las dos "
                                  "direcciones (se recibió 0×2).")


def test_a_corrupt_image_in_spanish():
    from PIL import Image

    from core.data import images

    err = _raised(images.decode_image, b"this is not an image")
    assert isinstance(err, images.ImageError) and err.key == "image_not_recognised"
    assert message(err, "es") == ("Este archivo no es una imagen reconocida. Formatos admitidos: "
                                  "PNG, JPEG, WebP, BMP o GIF.")
    import io

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(buf, format="PNG")
    truncated = buf.getvalue()[:-40]
    err = _raised(images.decode_image, truncated)
    assert err.key == "image_truncated_format" and err.values["format"] == "PNG"
    assert message(err, "es").startswith("El archivo `PNG` está truncado o dañado (")
    empty = _raised(images.decode_image, b"")
    assert message(empty, "es") == ("El archivo está vacío. Sube una imagen PNG, JPEG, WebP, "
                                    "BMP o GIF.")


def test_the_image_templates_name_every_accepted_format():
    from core.data.images import ACCEPTED_FORMATS

    for key in ("image_file_empty", "image_not_recognised", "image_truncated"):
        for table in (catalogue.EN, catalogue.ES):
            assert all(f.upper() in table[key].upper() for f in ACCEPTED_FORMATS), key


def test_a_bad_training_lr_and_momentum_in_spanish():
    from core.train.training import TrainConfig

    err = _raised(TrainConfig, lr=-0.5)
    assert str(err) == "lr must be a finite number > 0, got -0.5"
    assert message(err, "es") == ("La tasa de aprendizaje debe ser un número mayor que 0 "
                                  "(se recibió -0,5).")
    assert message(err, "en") == "The learning rate must be a number above 0 (got -0.5)."
    err = _raised(TrainConfig, optimizer="sgd", momentum=1.5)
    assert message(err, "es") == ("El momento (momentum) debe ser un número mayor o igual que 0 "
                                  "y menor que 1 (se recibió 1,5).")
    err = _raised(TrainConfig, epochs=0)
    assert str(err) == "epochs must be an integer >= 1, got 0"
    assert message(err, "es") == ("El número de épocas debe ser un número entero mayor o igual "
                                  "que 1 (se recibió 0).")


def test_the_playground_lr_in_spanish():
    from core.train import playground

    err = _raised(playground.run_optimizer, "two_valleys", "sgd", lr=12.5)
    assert message(err, "es") == ("La tasa de aprendizaje debe ser un número mayor que 0 y menor "
                                  "o igual que 10 (se recibió 12,5).")


def test_a_bad_kernel_passes_its_own_rule_on_in_spanish():
    from core.teach import filters

    image = np.zeros((8, 8))
    err = _raised(filters.conv_relu_pool, image, [[[1, 0, 1], [0, None, 0], [1, 0, 1]]],
                  ["Mine"])
    assert str(err) == "Mine: row 2, column 2 is empty"
    assert err.key == "matrix_cell_empty" and err.values["label"] == "Mine"
    assert message(err, "es") == "La celda de la fila 2, columna 2, está vacía."
    err = _raised(filters.conv_relu_pool, np.zeros((3, 3)), [np.ones((3, 3))], padding=0)
    assert err.key == "conv_map_too_small_for_pool"
    assert "mide 1×1, demasiado pequeño" in message(err, "es")


def test_matrix_values_are_plain_python_numbers():
    from core.teach.matrices import check_matrix

    err = _raised(check_matrix, np.array([[1.0, 2.0], [3.0, np.nan]]))
    assert err.values["row"] == 2 and type(err.values["row"]) is int
    assert message(err, "es").startswith("La celda de la fila 2, columna 2, vale `nan`")
    err = _raised(checks.check_int, "k", np.int64(0), 1)
    assert type(err.values["value"]) is int and "(se recibió 0)" in message(err, "es")


def test_a_bad_model_card_in_an_upload_says_the_card_rule_in_spanish():
    import json

    from core.models import archs, cards, checkpoints

    card = cards.ModelCard(arch="seed_net", options=archs.resolve_options("seed_net"),
                           dataset="digits", classes=["a", "b", "c"], input_shape=[1, 28, 28],
                           mean=[0.1], std=[0.3], metrics={}, created=cards.utc_now(), name="m")
    broken = json.loads(card.to_json())
    broken["input_shape"] = [1, 28, 20]
    err = _raised(checkpoints.load_checkpoint_bytes, _safetensors(), json.dumps(broken))
    assert isinstance(err, checkpoints.CheckpointError)
    assert str(err).startswith("bad model card: card field 'input_shape' must be a square")
    assert err.key == "card_input_shape"
    assert message(err, "es") == ("La forma de entrada de la ficha del modelo debe ser cuadrada, "
                                  "[C, H, H] (se recibió `[1, 28, 20]`).")
    del broken["name"]
    err = _raised(checkpoints.load_checkpoint_bytes, _safetensors(), json.dumps(broken))
    assert err.key == "card_fields_missing"
    assert message(err, "es") == "A la ficha del modelo le faltan los campos `name`."


def _safetensors() -> bytes:
    import safetensors.torch

    return safetensors.torch.save({"w": torch.zeros(1)})


def test_a_missing_dataset_says_which_files_go_where_in_spanish(monkeypatch, tmp_path):
    from urllib.error import URLError

    import torchvision.datasets as tvd

    from core.data.datasets import DatasetUnavailableError, load_dataset

    def offline(*args, **kwargs):
        raise URLError("no network (test)")

    monkeypatch.setattr(tvd.mnist, "download_and_extract_archive", offline)
    err = _raised(load_dataset, "mnist", data_dir=tmp_path, download=True)
    assert isinstance(err, DatasetUnavailableError) and isinstance(err, RuntimeError)
    raw = tmp_path / "MNIST" / "raw"
    assert err.key == "dataset_download_failed_files"
    assert err.directory == raw and err.values["directory"] == str(raw)
    es = message(err, "es")
    assert es.startswith("No se pudo descargar `MNIST` (¿no hay conexión?).")
    assert f"`{raw}`" in es and "`train-images-idx3-ubyte.gz`" in es
    assert "could not be downloaded" in str(err)  # the English message is unchanged
    err = _raised(load_dataset, "cifar10", data_dir=tmp_path, download=False)
    assert err.key == "dataset_not_on_disk_archive"
    assert "`cifar-10-batches-py`" in message(err, "es")


def test_missing_weights_say_which_file_goes_where_in_spanish(hub_dir, no_network):
    from core.models import imagenet

    err = _raised(imagenet.load_imagenet, "resnet18", download=False)
    assert isinstance(err, imagenet.WeightsUnavailableError)
    assert err.key == "weights_not_cached"
    assert err.file_name == "resnet18-f37072fd.pth" and err.directory == hub_dir / "checkpoints"
    es = message(err, "es")
    assert "`resnet18-f37072fd.pth`" in es and f"`{hub_dir / 'checkpoints'}`" in es
    assert es.startswith("Los pesos de `ResNet-18 (ImageNet)`") or "no están disponibles" in es
    err = _raised(imagenet.load_imagenet, "resnet18")
    assert err.key == "weights_download_failed" and "la descarga falló" in message(err, "es")


def test_missing_vgg19_weights_in_spanish(hub_dir, no_network):
    from core.style import vgg

    err = _raised(vgg.load_vgg19, download=False)
    assert err.key == "vgg19_weights_not_cached"
    assert "Las características aleatorias funcionan sin él." in message(err, "es")


def test_a_diverged_run_is_keyed():
    from core.data import datasets
    from core.train import training

    train, _ = datasets.load_digits()
    subset = datasets.Dataset("digits", "train", train.images[:64], train.labels[:64],
                              train.classes, train.mean, train.std)
    config = training.TrainConfig(epochs=2, batch_size=16, optimizer="sgd", lr=1e39,
                                  momentum=0.0)
    trainer = training.Trainer(training.build_for("seed_net", subset, config), subset, config)
    trainer.run()
    err = trainer.divergence
    assert isinstance(err, training.DivergedError) and str(err) == trainer.diverged
    assert err.key == "training_diverged_weights"
    assert message(err, "es") == (
        "El entrenamiento divergió en la época 1, paso 1: su actualización dejó los pesos con "
        "valores no finitos (tasa de aprendizaje 1e+39). El modelo conserva los pesos de antes "
        "de ese paso; baja la tasa de aprendizaje.")


# --------------------------------------------------------------------------- pickling, English
@pytest.mark.parametrize("make", [
    lambda: InputError("x must be > 0, got -1", "number_above", name="x", value=-1, low=0),
    lambda: __import__("core.data.images", fromlist=["ImageError"]).ImageError(
        "The file is empty.", "image_file_empty"),
    lambda: __import__("core.train.training", fromlist=["DivergedError"]).DivergedError(
        "diverged", "training_diverged_loss", epoch=1, step=2, loss="nan", lr=0.5),
    lambda: __import__("core.data.datasets", fromlist=["D"]).DatasetUnavailableError(
        "MNIST is missing", "dataset_not_on_disk_files", directory=Path("/data/MNIST/raw"),
        files=("a.gz", "b.gz"), source_url="http://u", dataset="MNIST", reason="r", folder="",
        members=()),
    lambda: __import__("core.models.imagenet", fromlist=["W"]).WeightsUnavailableError(
        "weights missing", "weights_not_cached", file_name="f.pth", directory=Path("/hub"),
        url="http://u", model="M"),
])
def test_pickling_keeps_the_class_message_key_and_values(make):
    err = make()
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == str(err)
    assert back.key == err.key and back.values == err.values
    for attr in ("directory", "files", "source_url", "file_name", "url"):
        assert getattr(back, attr, None) == getattr(err, attr, None)
    assert message(back, "es") == message(err, "es") != message(err, "en")


def test_the_unavailable_errors_still_take_their_old_arguments(tmp_path):
    from core.data.datasets import DatasetUnavailableError
    from core.models.imagenet import WeightsUnavailableError

    d = DatasetUnavailableError("gone", directory=tmp_path, files=(), source_url="u")
    w = WeightsUnavailableError("gone", file_name="f", directory=tmp_path, url="u")
    assert (d.key, d.directory, str(d)) == (None, tmp_path, "gone")
    assert (w.key, w.directory, w.file_name) == (None, tmp_path, "f")
    assert message(d, "es") == "gone"  # an unkeyed download error is not framed as bad input


def test_an_input_error_keeps_its_english_message():
    err = InputError("window must be <= 28, got 99", "int_max", name="window", value=99,
                     high=28)
    assert str(err) == "window must be <= 28, got 99" and err.args == ("window must be <= 28, "
                                                                        "got 99",)
    assert isinstance(err, ValueError) and isinstance(err, Keyed)
    err = _raised(checks.check_pair, "kernel", (2, 0))
    assert str(err) == "kernel must be >= 1 in both directions, got (2, 0)"
    err = _raised(checks.check_choice, "mode", "x", ("a", "b"))
    assert str(err) == "mode must be one of a, b, got 'x'" and err.values["choices"] == ("a", "b")


def test_an_unkeyed_error_is_framed_in_spanish():
    err = InputError("--dataset folder needs --folder PATH")
    assert err.key is None
    assert message(err, "es") == ("Esta entrada no se puede usar. Detalle (en inglés): "
                                  "--dataset folder needs --folder PATH")


def test_a_zip_bomb_count_in_spanish():
    from core.data import archives

    err = _raised(archives.extract_image_zip, zlib.compress(b"x"), Path("/nonexistent"))
    assert err.key == "zip_dest_not_empty_dir"
    err = archives._too_many("more than 5", 5)
    assert err.key == "zip_too_many_entries_over"
    assert message(err, "es") == ("El zip tiene más de 5 entradas, que es el límite. Sube menos "
                                  "imágenes cada vez.")
