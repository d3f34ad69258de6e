"""Train page, steps 1-3: data (incl. a zipped image folder), architecture (a lab one, or an
ImageNet model to fine-tune), optimiser."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from core.checks import InputError
from core.models import archs
from dashboard import cache, errors, i18n, state, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset
    from core.train.finetune import FinetuneConfig
    from core.train.training import TrainConfig

KEY = "train"
LR_CHOICES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3)
FT_SIZES = (64, 96, 128, 160, 224)  # fine-tuning input sizes (px); 224 is ImageNet's
FOLDER_SIZES = (16, 24, 28, 32, 48, 64, 96, 128, 160, 224)
FOLDER_DONE = f"{KEY}_folder_done"  # (error, loaded message, skipped files) of the last load


@dataclass(frozen=True)
class Architecture:
    """The architecture chosen in step 2, with the options it is built with."""

    arch: str  # a key of core.models.archs.ARCHS
    options: dict[str, Any]  # keyword options of core.models.builder.build_model


@dataclass(frozen=True)
class Finetune:
    """Fine-tuning an ImageNet model instead of training a lab architecture."""

    config: FinetuneConfig
    weights: str  # "imagenet" | "random" (the ImageNet file is missing and the user chose so)


@dataclass(frozen=True)
class Setup:
    train: Dataset
    test: Dataset
    dataset: str  # the sidebar's dataset key
    arch: str  # a lab arch, or with ``finetune`` a torchvision one
    options: dict[str, Any]
    config: TrainConfig
    name: str
    finetune: Finetune | None = None


def render(T: dict, *, locked: bool) -> Setup | None:
    from core.data.datasets import DatasetUnavailableError

    st.subheader(T["data_header"])
    _folder_upload(T, locked)
    key = state.active_dataset()
    try:
        train, test = cache.dataset(key)
    except (DatasetUnavailableError, InputError) as err:
        st.error(T["data_error"].format(error=dataset_error(T, err)))
        return None
    c, h, w = train.image_shape
    st.markdown(T["training_on"].format(title=state.dataset_title(key), n_train=count(len(train)),
                                        n_test=count(len(test)), shape=f"{c}×{h}×{w}"))

    st.subheader(T["model_header"])
    start = st.radio(T["start_from"], ["lab", "imagenet"], horizontal=True, key=f"{KEY}_source",
                     persist_state=widgets.SESSION,
                     format_func=lambda s: T[f"start_{s}"], disabled=locked)
    if start == "imagenet":
        return _finetune_setup(T, locked, key, train, test)
    chosen = _architecture(T, locked, train)
    if chosen is None:
        return None
    st.subheader(T["opt_header"])
    config = _optimiser(T, locked, colour=c == 3)
    if config is None:
        return None
    default = T["default_name"].format(arch=arch_title(T, chosen.arch),
                                       dataset=state.dataset_title(key))
    name = _name(T, default, locked)
    return Setup(train, test, key, chosen.arch, chosen.options, config,
                 name.strip() or chosen.arch)


def _name(T: dict, default: str, locked: bool) -> str:
    """The model's name: it follows the default (architecture, dataset) until the user types
    one of their own."""
    key, last = f"{KEY}_name", f"{KEY}_name_default"
    if not locked and st.session_state.get(key) in (None, st.session_state.get(last)):
        st.session_state[key] = default
    st.session_state[last] = default
    return st.text_input(T["name"], key=key,
                         persist_state=widgets.SESSION, disabled=locked, max_chars=80)


def count(n: int) -> str:
    """A count in prose: grouped from 10,000 on ("60,000" / "60.000"), as Spanish writes
    four-digit numbers without a separator ("1437")."""
    return i18n.integer(n) if abs(n) >= 10_000 else str(int(n))


def arch_title(T: dict, arch: str) -> str:
    """An architecture's name in the page's language (core's English title if not listed): a
    torchvision network's title ("ResNet-18"), "ONNX" for an imported graph."""
    if arch in archs.TORCHVISION_ARCHS:
        return archs.TORCHVISION_ARCHS[arch].title
    if arch == archs.ONNX_ARCH:
        return "ONNX"
    spec = archs.ARCHS.get(arch)
    return T.get(f"arch_{arch}_title", spec.title if spec else arch)


def dataset_error(T: dict, err: BaseException) -> str:
    """Why a dataset cannot be had, in the page's language: the files that are missing and
    where they belong (an offline download), else the error's own message."""
    from core.data.datasets import DatasetUnavailableError

    if isinstance(err, DatasetUnavailableError):
        files = ", ".join(f"`{f}`" for f in err.files)
        return T["data_missing"].format(files=files, directory=err.directory, url=err.source_url)
    return errors.message(err)


def _folder_upload(T: dict, locked: bool) -> None:
    done = st.session_state.pop(FOLDER_DONE, None)  # what the last "Load" did
    with st.expander(T["folder_expander"], expanded=done is not None):
        st.caption(T["folder_help"])
        upload = st.file_uploader(T["folder_upload"], type=["zip"], key=f"{KEY}_folder_zip",
                                  disabled=locked)
        st.select_slider(T["folder_size"], FOLDER_SIZES, 32, key=f"{KEY}_folder_size",
                         persist_state=widgets.SESSION,
                         disabled=locked)
        st.button(T["folder_load"], key=f"{KEY}_folder_load", disabled=locked or upload is None,
                  on_click=_load_folder, args=(T,))
        if done is None:
            return
        error, loaded, skipped = done
        if error:
            st.error(error)
            return
        st.success(loaded)
        if skipped:
            st.dataframe({T["col_file"]: [f for f, _ in skipped],
                          T["col_reason"]: [r for _, r in skipped]}, key=f"{KEY}_skipped")


def _load_folder(T: dict) -> None:
    """Read the uploaded zip and make it the active dataset (on_click: before the sidebar's
    dataset widget is drawn, so it can change); the outcome is shown by the next render."""
    from core.data import archives

    upload = st.session_state.get(f"{KEY}_folder_zip")
    if upload is None:
        return
    size = st.session_state.get(f"{KEY}_folder_size", 32)
    try:
        with st.spinner(T["folder_loading"]):
            train, test = archives.load_image_zip(upload.getvalue(), image_size=size)
    except InputError as err:  # ArchiveError and the folder checks are InputErrors
        st.session_state[FOLDER_DONE] = (T["folder_error"].format(error=errors.message(err)),
                                         None, ())
        return
    name = upload.name.removesuffix(".zip")
    state.add_folder_dataset(name, train, test)
    st.session_state[FOLDER_DONE] = (None, T["folder_loaded"].format(
        name=name, classes=len(train.classes), n_train=count(len(train)),
        n_test=count(len(test)), skipped=count(len(train.skipped))), tuple(train.skipped))


def _architecture(T: dict, locked: bool, train: Dataset) -> Architecture | None:
    from core.interpret import layers
    from core.models import builder

    names = list(archs.ARCHS)
    arch = st.selectbox(T["arch"], names, index=names.index("small_cnn"), key=f"{KEY}_arch",
                        bind="query-params",
                        format_func=lambda a: arch_title(T, a), disabled=locked)
    spec = archs.ARCHS[arch]
    st.caption(T.get(f"arch_{arch}_description", spec.description))
    d = spec.defaults
    cols = st.columns(4)
    channels = cols[0].text_input(T["channels"], ", ".join(map(str, d["channels"])),
                                  key=f"{KEY}_channels_{arch}",
                                  bind="query-params", disabled=locked)
    options = {
        "kernel_size": cols[1].selectbox(T["kernel_size"], [3, 5, 7],
                                         index=[3, 5, 7].index(d["kernel_size"]),
                                         key=f"{KEY}_kernel_{arch}",
                                         bind="query-params", disabled=locked),
        "batch_norm": cols[2].toggle(T["batch_norm"], d["batch_norm"], key=f"{KEY}_bn_{arch}",
                                     bind="query-params",
                                     disabled=locked),
    }
    if "dropout" in d:
        options["dropout"] = cols[3].slider(T["dropout"], 0.0, 0.8, float(d["dropout"]), 0.05,
                                            key=f"{KEY}_dropout",
                                            bind="query-params", disabled=locked)
        options["hidden"] = int(cols[3].number_input(T["hidden"], 8, 1024, int(d["hidden"]),
                                                     key=f"{KEY}_hidden",
                                                     bind="query-params", disabled=locked))
    c, h, _ = train.image_shape
    try:
        options["channels"] = _channels(channels)
    except ValueError:
        st.error(T["bad_arch"].format(error=T["bad_channels"].format(text=channels.strip())))
        return None
    try:
        model = builder.build_model(arch, in_channels=c, num_classes=len(train.classes),
                                    image_size=h, **options)
    except InputError as err:
        st.error(T["bad_arch"].format(error=errors.message(err)))
        return None
    st.markdown(T["params"].format(n=i18n.integer(builder.count_parameters(model))))
    table = layers.layer_table(model.eval(), (c, h, h))
    st.dataframe([{T["col_layer"]: r.name, T["col_type"]: r.type,
                   T["col_output"]: " × ".join(map(str, r.output_shape)),
                   T["col_params"]: r.params, T["col_details"]: widgets.layer_detail(r)}
                  for r in table],
                 hide_index=True, height=220, key=f"{KEY}_arch_table")
    return Architecture(arch, options)


def _channels(text: str) -> tuple[int, ...]:
    """The channel widths typed as "32, 64" (";" also separates). Raises ValueError."""
    return tuple(int(v) for v in text.replace(";", ",").split(",") if v.strip())


def _optimiser(T: dict, locked: bool, *, colour: bool,
               augment_note: str | None = None) -> TrainConfig | None:
    """The optimiser and schedule; ``augment_note`` replaces the augmentation switch."""
    from core.train import training

    c1, c2, c3, c4 = st.columns(4)
    optimizer = c1.radio(T["optimizer"], ["adam", "sgd"], horizontal=True, key=f"{KEY}_optimizer",
                         bind="query-params",
                         format_func=lambda o: T[f"opt_{o}"], disabled=locked)
    lang = i18n.current()  # for the format_funcs, which AppTest also calls outside the run

    def number(v: float) -> str:
        return i18n.general(v, lang, "g")

    lr = c2.select_slider(T["lr"], LR_CHOICES, 1e-3 if optimizer == "adam" else 3e-2,
                          key=f"{KEY}_lr_{optimizer}",
                          bind="query-params", disabled=locked, format_func=number)
    momentum = c3.slider(T["momentum"], 0.0, 0.99, 0.9, 0.01, key=f"{KEY}_momentum",
                         bind="query-params",
                         disabled=locked or optimizer != "sgd")
    nesterov = c4.toggle(T["nesterov"], False, key=f"{KEY}_nesterov", bind="query-params",
                         disabled=locked or optimizer != "sgd")
    c1, c2, c3, c4, c5 = st.columns(5)
    weight_decay = c1.select_slider(T["weight_decay"], [0.0, 1e-5, 1e-4, 5e-4, 1e-3, 1e-2], 1e-4,
                                    key=f"{KEY}_wd",
                                    bind="query-params", disabled=locked, format_func=number)
    batch_size = c2.select_slider(T["batch_size"], [8, 16, 32, 64, 128, 256, 512], 32,
                                  key=f"{KEY}_batch", bind="query-params", disabled=locked)
    # defaults: >= 97% test accuracy on digits for every seed we tried (0-3), a few seconds
    epochs = int(c3.number_input(T["epochs"], 1, 100, 12, key=f"{KEY}_epochs",
                                 bind="query-params", disabled=locked))
    val_fraction = c4.slider(T["val_fraction"], 0.0, 0.5, 0.1, 0.05, key=f"{KEY}_val",
                             bind="query-params",
                             disabled=locked)
    seed = int(c5.number_input(T["seed"], 0, 2**31 - 1, 0, key=f"{KEY}_seed",
                               bind="query-params", disabled=locked))
    precision = st.radio(T["precision"], ["auto", "fp32", "bf16"], horizontal=True,
                         key=f"{KEY}_precision",
                         bind="query-params", disabled=locked, help=T["precision_help"],
                         format_func=lambda p: T["precision_auto"] if p == "auto" else p)
    augment = False
    if augment_note is not None:
        st.caption(augment_note)
    elif colour:
        augment = st.toggle(T["augment"], False, key=f"{KEY}_augment",
                            bind="query-params", disabled=locked)
    else:
        st.caption(T["augment_gray"])
    try:
        return training.TrainConfig(
            epochs=epochs, batch_size=batch_size, optimizer=optimizer, lr=lr,
            momentum=momentum if optimizer == "sgd" else 0.9,
            nesterov=nesterov and optimizer == "sgd", weight_decay=weight_decay,
            val_fraction=val_fraction, seed=seed, augment=augment, precision=precision)
    except InputError as err:
        st.error(T["bad_config"].format(error=errors.message(err)))
        return None


# --------------------------------------------------------------------------- fine-tuning
@dataclass(frozen=True)
class _Choice:
    arch: str  # a key of TORCHVISION_ARCHS
    mode: str  # "head" | "all"
    size: int
    weights: str  # "imagenet" | "random"


def _finetune_setup(T: dict, locked: bool, key: str, train: Dataset,
                    test: Dataset) -> Setup | None:
    """Steps 2-3 for fine-tuning: the network, what to train, its weights, the optimiser and
    the cost, stated before the start."""
    from core.train import finetune

    choice = _finetune_model(T, locked, key, train)
    if choice is None:
        return None
    st.subheader(T["opt_header"])
    head = choice.mode == "head"
    config = _optimiser(T, locked, colour=train.image_shape[0] == 3,
                        augment_note=T["ft_augment_head"] if head else None)
    if config is None:
        return None
    try:
        ft = finetune.FinetuneConfig(arch=choice.arch, mode=choice.mode,
                                     pretrained=choice.weights == "imagenet",
                                     image_size=choice.size, **asdict(config))
    except InputError as err:
        st.error(T["bad_config"].format(error=errors.message(err)))
        return None
    _cost(T, ft, train, len(test))
    title = arch_title(T, choice.arch)
    default = T["ft_default_name"].format(arch=title, dataset=state.dataset_title(key))
    name = _name(T, default, locked)
    return Setup(train, test, key, choice.arch, {}, config, name.strip() or title,
                 Finetune(ft, choice.weights))


def _finetune_model(T: dict, locked: bool, key: str, train: Dataset) -> _Choice | None:
    from core.data.fit import fit_input
    from core.models import imagenet
    from core.train import finetune

    with st.expander(T["ft_theory_title"]):
        st.markdown(T["ft_theory"])
    names = list(archs.TORCHVISION_ARCHS)
    lang = i18n.current()  # for the format_func, which AppTest also calls outside the run

    def option(arch: str) -> str:
        spec = archs.TORCHVISION_ARCHS[arch]
        return T["ft_arch_option"].format(title=spec.title,
                                          params=i18n.general(spec.params_m, lang),
                                          mb=i18n.number(spec.weights_mb, 1, lang))

    arch = st.selectbox(T["ft_arch"], names, index=names.index("resnet18"), key=f"{KEY}_ft_arch",
                        persist_state=widgets.SESSION,
                        format_func=option, disabled=locked)
    spec = archs.TORCHVISION_ARCHS[arch]
    st.caption(T["ft_paper"].format(paper=spec.paper))
    c1, c2 = st.columns(2)
    mode = c1.radio(T["ft_mode"], list(finetune.MODES), key=f"{KEY}_ft_mode",
                    persist_state=widgets.SESSION,
                    format_func=lambda m: T[f"ft_mode_{m}"], disabled=locked)
    sizes = [s for s in FT_SIZES if s >= spec.min_size]
    size = c2.select_slider(T["ft_size"], sizes, sizes[-1], key=f"{KEY}_ft_size",
                            persist_state=widgets.SESSION,
                            disabled=locked)
    fit = fit_input(train.image_shape, (3, size, size), mean=imagenet.IMAGENET_MEAN,
                    std=imagenet.IMAGENET_STD)
    note = widgets.fit_note(fit, images=T["ft_images"].format(dataset=state.dataset_title(key)),
                            model=spec.title)
    st.caption(" ".join(filter(None, [note, T["ft_normalise"]])))
    weights = _weights(T, locked, arch)
    return None if weights is None else _Choice(arch, mode, size, weights)


def _download(arch: str) -> None:
    """Fetch the ImageNet weights with torchvision's own code (on_click)."""
    from core.models import imagenet

    try:
        cache.imagenet_model(arch)
    except imagenet.WeightsUnavailableError as err:
        st.session_state[f"{KEY}_ft_download_error"] = errors.message(err)


def _weights(T: dict, locked: bool, arch: str) -> str | None:
    """ "imagenet" when the weights file is there; else it is named with its folder, and
    "random" once the user has chosen random weights (None until then)."""
    from core.models import imagenet

    path = imagenet.weights_path(arch)
    if path.is_file():
        st.success(T["ft_weights_found"].format(file=path.name))
        return "imagenet"
    spec = archs.TORCHVISION_ARCHS[arch]
    st.warning(T["ft_weights_missing"].format(
        model=spec.title, file=path.name, url=imagenet.IMAGENET_MODELS[arch].weights.url,
        directory=path.parent))
    failed = st.session_state.pop(f"{KEY}_ft_download_error", None)
    if failed:
        st.error(T["ft_download_failed"].format(error=failed))
    st.button(T["ft_download"].format(mb=i18n.number(spec.weights_mb, 1)),
              key=f"{KEY}_ft_download", on_click=_download, args=(arch,), disabled=locked)
    if not st.toggle(T["ft_random"], False, key=f"{KEY}_ft_random",
                     persist_state=widgets.SESSION, disabled=locked):
        st.info(T["ft_choose_weights"])
        return None
    st.warning(T["ft_random_note"])
    return "random"


def _flops(T: dict, gflop: float) -> str:
    if gflop >= 1000:
        return T["ft_tflop"].format(n=i18n.number(gflop / 1000, 1))
    return T["ft_gflop"].format(n=i18n.general(gflop, spec=".3g"))


def _cost(T: dict, ft: FinetuneConfig, train: Dataset, n_test: int) -> None:
    """The work the run will do, in passes and FLOPs; a warning for all layers on a CPU."""
    from core.train import finetune, training

    n_val = len(training.stratified_split(train.labels, ft.val_fraction, ft.seed)[1])
    cost = finetune.estimate_cost(ft, len(train), n_test, n_val=n_val)
    n_train = len(train)
    model = archs.TORCHVISION_ARCHS[ft.arch].title
    epochs = T["one_epoch"] if ft.epochs == 1 else T["n_epochs"].format(n=ft.epochs)
    if cost.epochs_cheap:
        st.info(T["ft_cost_head"].format(images=count(n_train + n_test), model=model,
                                         passes=count(cost.forward), epochs=epochs,
                                         flops=_flops(T, cost.gflop)))
        return
    st.info(T["ft_cost_all"].format(epochs=epochs, images=count(n_train), model=model,
                                    forward=count(cost.forward), backward=count(cost.backward),
                                    flops=_flops(T, cost.gflop)))
    st.warning(T["ft_cpu_warning"])
