"""Reusable inputs. Each returns plain values; keys are prefixed by the caller's page key."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st


def pair_input(
    label: str,
    key: str,
    *,
    default: int,
    min_value: int,
    max_value: int,
    square: bool,
    help: str | None = None,
) -> tuple[int, int]:
    """An integer (height, width) pair: one input when ``square``, else two side by side."""
    if square:
        value = st.number_input(
            label, min_value=min_value, max_value=max_value, value=default, step=1, key=key,
            help=help,
        )
        return int(value), int(value)
    start = int(st.session_state.get(key, default))
    left, right = st.columns(2)
    h = left.number_input(f"{label} (height)", min_value=min_value, max_value=max_value,
                          value=start, step=1, key=f"{key}_h", help=help)
    w = right.number_input(f"{label} (width)", min_value=min_value, max_value=max_value,
                           value=start, step=1, key=f"{key}_w", help=help)
    return int(h), int(w)


def set_matrix(key: str, matrix: np.ndarray, formatter: Callable[[np.ndarray], str]) -> None:
    """Replace the matrix shown by :func:`matrix_input` (call from a callback or before it)."""
    st.session_state[f"{key}_base"] = matrix
    st.session_state[f"{key}_version"] = st.session_state.get(f"{key}_version", 0) + 1
    st.session_state[f"{key}_text"] = formatter(matrix)


def matrix_input(
    key: str,
    *,
    initial: np.ndarray,
    formatter: Callable[[np.ndarray], str],
    parse_text: Callable[[str], np.ndarray],
    check_grid: Callable[[np.ndarray], np.ndarray],
    labels: dict[str, str],
) -> np.ndarray:
    """A matrix edited as a grid or as text; both views stay in step.

    Raises:
        ValueError: the edited matrix is not usable (the parser's message names the cell).
    """
    if f"{key}_base" not in st.session_state:
        set_matrix(key, initial, formatter)

    def _switch_mode() -> None:
        # Carry the last good matrix over to the other editor.
        last = st.session_state.get(f"{key}_last", st.session_state[f"{key}_base"])
        set_matrix(key, last, formatter)

    mode = st.radio(
        labels["input_mode"],
        ["grid", "text"],
        format_func=lambda m: labels[f"mode_{m}"],
        horizontal=True,
        key=f"{key}_mode",
        on_change=_switch_mode,
    )
    base = st.session_state[f"{key}_base"]
    if mode == "text":
        text = st.text_area(labels["input_mode"], key=f"{key}_text", help=labels["text_help"],
                            height=160, label_visibility="collapsed")
        matrix = parse_text(text)
    else:
        st.caption(labels["grid_help"])
        frame = pd.DataFrame(base, columns=[str(j) for j in range(base.shape[1])])
        version = st.session_state[f"{key}_version"]
        edited = st.data_editor(frame, key=f"{key}_grid_{version}", num_rows="fixed")
        matrix = check_grid(edited.to_numpy(dtype=object))
    st.session_state[f"{key}_last"] = matrix
    return matrix
