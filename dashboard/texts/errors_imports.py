"""Error messages of core.models.imports and core.models.onnx_graph
(uploaded .pth and ONNX files), by key; merged into
``dashboard/texts/errors.py`` (see there)."""

EN: dict[str, str] = {
}

ES: dict[str, str] = {
}

NAMES_EN: dict[str, str] = {}
NAMES_ES: dict[str, str] = {}
SAME_IN_ES: frozenset[str] = frozenset()
