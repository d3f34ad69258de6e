"""Train page, steps 1-3: data (incl. a zipped image folder), architecture, optimiser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from core.checks import InputError
from core.models import archs
from dashboard import cache, errors, i18n, state, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset
    from core.train.training import TrainConfig

KEY = "train"
LR_CHOICES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3)


@dataclass(frozen=True)
class Architecture:
    """The architecture chosen in step 2, with the options it is built with."""

    arch: str  # a key of core.models.archs.ARCHS
    options: dict[str, Any]  # keyword options of core.models.builder.build_model


@dataclass(frozen=True)
class Setup:
    train: Dataset
    test: Dataset
    dataset: str  # the sidebar's dataset key
    arch: str
    options: dict[str, Any]
    config: TrainConfig
    name: str


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
    chosen = _architecture(T, locked, train)
    if chosen is None:
        return None
    st.subheader(T["opt_header"])
    config = _optimiser(T, locked, colour=c == 3)
    if config is None:
        return None
    default = T["default_name"].format(arch=arch_title(T, chosen.arch),
                                       dataset=state.dataset_title(key))
    name = st.text_input(T["name"], default, key=f"{KEY}_name", disabled=locked, max_chars=80)
    return Setup(train, test, key, chosen.arch, chosen.options, config,
                 name.strip() or chosen.arch)


def count(n: int) -> str:
    """A count in prose: grouped from 10,000 on ("60,000" / "60.000"), as Spanish writes
    four-digit numbers without a separator ("1437")."""
    return i18n.integer(n) if abs(n) >= 10_000 else str(int(n))


def arch_title(T: dict, arch: str) -> str:
    """An architecture's name in the page's language (core's English title if not listed)."""
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
    with st.expander(T["folder_expander"]):
        st.caption(T["folder_help"])
        upload = st.file_uploader(T["folder_upload"], type=["zip"], key=f"{KEY}_folder_zip",
                                  disabled=locked)
        size = st.select_slider(T["folder_size"], [16, 24, 28, 32, 48, 64, 96, 128], 32,
                                key=f"{KEY}_folder_size", disabled=locked)
        if upload is None or not st.button(T["folder_load"], key=f"{KEY}_folder_load",
                                           disabled=locked):
            return
        from core.data import archives

        try:
            with st.spinner(T["folder_loading"]):
                train, test = archives.load_image_zip(upload.getvalue(), image_size=size)
        except InputError as err:  # ArchiveError and the folder checks are InputErrors
            st.error(T["folder_error"].format(error=errors.message(err)))
            return
        name = upload.name.removesuffix(".zip")
        state.add_folder_dataset(name, train, test)
        st.success(T["folder_loaded"].format(name=name, classes=len(train.classes),
                                             n_train=count(len(train)), n_test=count(len(test)),
                                             skipped=count(len(train.skipped))))
        if train.skipped:
            st.dataframe({T["col_file"]: [f for f, _ in train.skipped],
                          T["col_reason"]: [r for _, r in train.skipped]}, key=f"{KEY}_skipped")
        st.rerun()  # the sidebar lists the new dataset


def _architecture(T: dict, locked: bool, train: Dataset) -> Architecture | None:
    from core.interpret import layers
    from core.models import builder

    names = list(archs.ARCHS)
    arch = st.selectbox(T["arch"], names, index=names.index("small_cnn"), key=f"{KEY}_arch",
                        format_func=lambda a: arch_title(T, a), disabled=locked)
    spec = archs.ARCHS[arch]
    st.caption(T.get(f"arch_{arch}_description", spec.description))
    d = spec.defaults
    cols = st.columns(4)
    channels = cols[0].text_input(T["channels"], ", ".join(map(str, d["channels"])),
                                  key=f"{KEY}_channels_{arch}", disabled=locked)
    options = {
        "kernel_size": cols[1].selectbox(T["kernel_size"], [3, 5, 7],
                                         index=[3, 5, 7].index(d["kernel_size"]),
                                         key=f"{KEY}_kernel_{arch}", disabled=locked),
        "batch_norm": cols[2].toggle(T["batch_norm"], d["batch_norm"], key=f"{KEY}_bn_{arch}",
                                     disabled=locked),
    }
    if "dropout" in d:
        options["dropout"] = cols[3].slider(T["dropout"], 0.0, 0.8, float(d["dropout"]), 0.05,
                                            key=f"{KEY}_dropout", disabled=locked)
        options["hidden"] = int(cols[3].number_input(T["hidden"], 8, 1024, int(d["hidden"]),
                                                     key=f"{KEY}_hidden", disabled=locked))
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


def _optimiser(T: dict, locked: bool, *, colour: bool) -> TrainConfig | None:
    from core.train import training

    c1, c2, c3, c4 = st.columns(4)
    optimizer = c1.radio(T["optimizer"], ["adam", "sgd"], horizontal=True, key=f"{KEY}_optimizer",
                         format_func=lambda o: T[f"opt_{o}"], disabled=locked)
    lang = i18n.current()  # for the format_funcs, which AppTest also calls outside the run

    def number(v: float) -> str:
        return i18n.general(v, lang, "g")

    lr = c2.select_slider(T["lr"], LR_CHOICES, 1e-3 if optimizer == "adam" else 3e-2,
                          key=f"{KEY}_lr_{optimizer}", disabled=locked, format_func=number)
    momentum = c3.slider(T["momentum"], 0.0, 0.99, 0.9, 0.01, key=f"{KEY}_momentum",
                         disabled=locked or optimizer != "sgd")
    nesterov = c4.toggle(T["nesterov"], False, key=f"{KEY}_nesterov",
                         disabled=locked or optimizer != "sgd")
    c1, c2, c3, c4, c5 = st.columns(5)
    weight_decay = c1.select_slider(T["weight_decay"], [0.0, 1e-5, 1e-4, 5e-4, 1e-3, 1e-2], 1e-4,
                                    key=f"{KEY}_wd", disabled=locked, format_func=number)
    batch_size = c2.select_slider(T["batch_size"], [8, 16, 32, 64, 128, 256, 512], 32,
                                  key=f"{KEY}_batch", disabled=locked)
    # defaults: >= 97% test accuracy on digits for every seed we tried (0-3), a few seconds
    epochs = int(c3.number_input(T["epochs"], 1, 100, 12, key=f"{KEY}_epochs", disabled=locked))
    val_fraction = c4.slider(T["val_fraction"], 0.0, 0.5, 0.1, 0.05, key=f"{KEY}_val",
                             disabled=locked)
    seed = int(c5.number_input(T["seed"], 0, 2**31 - 1, 0, key=f"{KEY}_seed", disabled=locked))
    precision = st.radio(T["precision"], ["auto", "fp32", "bf16"], horizontal=True,
                         key=f"{KEY}_precision", disabled=locked, help=T["precision_help"],
                         format_func=lambda p: T["precision_auto"] if p == "auto" else p)
    augment = False
    if colour:
        augment = st.toggle(T["augment"], False, key=f"{KEY}_augment", disabled=locked)
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
