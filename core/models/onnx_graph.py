"""An ONNX file as a torch module: checked, then converted to a torch.fx graph by onnx2torch.

The result is an ordinary ``torch.fx.GraphModule`` (float32, CPU, eval mode), so gradients flow
through it (Saliency) and the lab's layer tools see named submodules. The file is untrusted:
it must be a single self-contained file (no external data: a path in the file would make the
parser read other files), pass ``onnx.checker``, and use operators onnx2torch converts; every
failure is a keyed ``CheckpointError`` naming the operator or the rule. The conversion is
deterministic (same bytes, same module names and tensors), so a saved state_dict loads strictly
into a fresh conversion of the stored graph.

onnx2torch: https://github.com/ENOT-AutoDL/onnx2torch (Apache-2.0).
"""

from __future__ import annotations

import re
import traceback

import torch
from torch import nn

from core.models.checkpoints import CheckpointError

__all__ = ["input_dims", "input_shape", "MAX_GRAPH_BYTES", "TARGET_OPSET", "to_module"]


MAX_GRAPH_BYTES = 300 * 1024 * 1024  # also the upload cap (core.models.imports)
TARGET_OPSET = 17  # onnx2torch converts opset <= 17 reliably (e.g. ReduceMean-18 is missing)
_DEFAULT_DOMAINS = ("", "ai.onnx")
_CONVERT_ERRORS = (NotImplementedError, KeyError, ValueError, TypeError, RuntimeError,
                   AttributeError, IndexError, AssertionError)


def _parse(graph: bytes):
    """The ModelProto of an ONNX file's bytes (size-capped; nothing outside it is read)."""
    import onnx
    from google.protobuf.message import DecodeError

    if not isinstance(graph, (bytes, bytearray)) or not graph:
        raise CheckpointError("the ONNX file is empty", "onnx_empty")
    if len(graph) > MAX_GRAPH_BYTES:
        raise CheckpointError(f"the ONNX file is {len(graph) / 2**20:.0f} MB; at most "
                              f"{MAX_GRAPH_BYTES / 2**20:.0f} MB", "onnx_too_large",
                              size_mb=round(len(graph) / 2**20),
                              limit_mb=round(MAX_GRAPH_BYTES / 2**20))
    try:
        model = onnx.load_model_from_string(bytes(graph))
    except (DecodeError, ValueError, RuntimeError, TypeError) as err:
        raise CheckpointError(f"not an ONNX file (it does not parse): {err}",
                              "onnx_unparsable", reason=str(err) or type(err).__name__) from None
    if not model.HasField("graph") or not model.graph.node:
        raise CheckpointError("not an ONNX model: the file holds no graph", "onnx_no_graph")
    return model


def _tensors(graph):
    """Every TensorProto of a GraphProto: initializers, sparse ones, node attributes, and the
    same in every subgraph (If/Loop bodies)."""
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t
            yield from attr.tensors
            if attr.HasField("sparse_tensor"):
                yield attr.sparse_tensor.values
                yield attr.sparse_tensor.indices
            if attr.HasField("g"):
                yield from _tensors(attr.g)
            for sub in attr.graphs:
                yield from _tensors(sub)


def _refuse_external_data(model) -> None:
    import onnx

    for tensor in _tensors(model.graph):
        if tensor.data_location == onnx.TensorProto.EXTERNAL or len(tensor.external_data):
            location = next((e.value for e in tensor.external_data if e.key == "location"), "")
            raise CheckpointError(
                f"the ONNX file keeps tensor {tensor.name!r} in an external file "
                f"({location or 'unnamed'}); only single-file ONNX models are accepted (save it "
                "with onnx.save(model, path, save_as_external_data=False))",
                "onnx_external_data", tensor=tensor.name, location=location or "?")


def _check(model) -> None:
    import onnx

    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError, RuntimeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CheckpointError(f"the ONNX checker refuses this file: {first}",
                              "onnx_invalid", reason=first[:300]) from None


def _inline_identity_initializers(model) -> None:
    """Replace ``Identity(initializer)`` nodes by a copy of the initializer under the node's
    output name.

    torch's legacy exporter deduplicates equal initializers (e.g. zero biases) into Identity
    nodes; onnx2torch's Conv converter then looks the bias up among the initializers and fails
    with a KeyError.
    """
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    outputs = {o.name for o in graph.output}
    keep = []
    for node in graph.node:
        if (node.op_type == "Identity" and node.domain in _DEFAULT_DOMAINS
                and len(node.input) == 1 and node.input[0] in inits
                and len(node.output) == 1 and node.output[0] not in outputs
                and node.output[0] not in inits):
            copy = graph.initializer.add()
            copy.CopyFrom(inits[node.input[0]])
            copy.name = node.output[0]
            inits[copy.name] = copy
        else:
            keep.append(node)
    if len(keep) != len(graph.node):
        del graph.node[:]
        graph.node.extend(keep)


def _opset(model) -> int:
    return max((o.version for o in model.opset_import if o.domain in _DEFAULT_DOMAINS),
               default=0)


def _downgrade(model):
    """The model at ``TARGET_OPSET`` when it is newer and onnx's version converter manages;
    else the model unchanged (onnx2torch then names what it cannot convert)."""
    import onnx
    from onnx import version_converter

    if _opset(model) <= TARGET_OPSET:
        return model
    try:
        lower = version_converter.convert_version(model, TARGET_OPSET)
        _drop_default_noop(lower)
        onnx.checker.check_model(lower)
    except (version_converter.ConvertError, onnx.checker.ValidationError, ValueError,
            RuntimeError, TypeError, IndexError, KeyError):
        return model
    return lower


# Reduce ops that took their axes as an input from opset 18 (ReduceSum already from 13)
_REDUCE_18 = frozenset({"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
                        "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare"})


def _drop_default_noop(model) -> None:
    """Remove ``noop_with_empty_axes=0`` that onnx's 18 -> 17 adapter leaves on the Reduce ops
    it moves back to attribute axes (opset 17 does not know it; 0 is its behaviour anyway)."""
    for node in model.graph.node:
        if node.op_type in _REDUCE_18 and node.domain in _DEFAULT_DOMAINS:
            kept = [a for a in node.attribute if not (a.name == "noop_with_empty_axes"
                                                       and a.i == 0)]
            if len(kept) != len(node.attribute):
                del node.attribute[:]
                node.attribute.extend(kept)


def _relax_allowzero(model) -> None:
    """Set ``allowzero=0`` on Reshape nodes whose target shape is a constant without zeros.

    torch's dynamo exporter writes ``allowzero=1``, which onnx2torch refuses; it only changes
    what a 0 in the shape means, so with no 0 in a constant shape the two are the same op.
    """
    from onnx import numpy_helper

    consts = {t.name: t for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant" and node.domain in _DEFAULT_DOMAINS and node.output:
            value = next((a.t for a in node.attribute if a.name == "value"), None)
            if value is not None:
                consts[node.output[0]] = value
    for node in model.graph.node:
        if node.op_type != "Reshape" or node.domain not in _DEFAULT_DOMAINS \
                or len(node.input) < 2 or node.input[1] not in consts:
            continue
        for attr in node.attribute:
            if attr.name == "allowzero" and attr.i == 1 \
                    and 0 not in numpy_helper.to_array(consts[node.input[1]]).tolist():
                attr.i = 0


def _failed_node(err: BaseException) -> tuple[str, str]:
    """(operator type, node name) of the node onnx2torch was converting when ``err`` was raised,
    read from its ``convert`` frame; ("", "") when the error came from elsewhere."""
    for frame, _ in reversed(list(traceback.walk_tb(err.__traceback__))):
        node = frame.f_locals.get("onnx_node")
        if node is not None and hasattr(node, "operation_type"):
            return str(node.operation_type), str(getattr(node, "name", "") or "")
    return "", ""


_NOT_IMPLEMENTED = re.compile(r"domain='([^']*)', operation_type='([^']*)', version=(\d+)")


def _convert(model) -> nn.Module:
    import onnx2torch

    try:
        module = onnx2torch.convert(model)
    except _CONVERT_ERRORS as err:
        detail = (str(err).strip() or type(err).__name__).splitlines()[0][:300]
        found = _NOT_IMPLEMENTED.search(str(err)) if isinstance(err, NotImplementedError) else None
        if found:
            domain, op, version = found.group(1), found.group(2), int(found.group(3))
            raise CheckpointError(
                f"the ONNX operator {op} (version {version}"
                f"{', domain ' + domain if domain else ''}) cannot be converted to torch",
                "onnx_op_unsupported", op=op, version=version,
                domain=domain or "ai.onnx") from None
        op, node = _failed_node(err)
        if op:
            raise CheckpointError(f"the ONNX operator {op} (node {node!r}) cannot be converted "
                                  f"to torch: {detail}", "onnx_op_not_converted", op=op,
                                  node=node or "?", reason=detail) from None
        raise CheckpointError(f"the ONNX model cannot be converted to torch: {detail}",
                              "onnx_convert_failed", reason=detail) from None
    return module


def to_module(graph: bytes) -> nn.Module:
    """Convert an ONNX file into a torch module.

    Args:
        graph: the bytes of a single-file ONNX model (at most ``MAX_GRAPH_BYTES``).
    Returns:
        A ``torch.fx.GraphModule`` in eval mode with float32 weights on the CPU; the same bytes
        always give the same module names and tensors. Raises CheckpointError (keyed) for a file
        that does not parse, has external data, fails the ONNX checker or uses an operator that
        onnx2torch does not convert (named).
    """
    model = _parse(graph)
    _refuse_external_data(model)
    _check(model)
    _inline_identity_initializers(model)
    model = _downgrade(model)
    _relax_allowzero(model)
    module = _convert(model)
    return module.to(device="cpu", dtype=torch.float32).eval()


def input_dims(graph: bytes) -> tuple[int | None, int | None, int | None]:
    """(C, H, W) of the graph's single image input, each None where the graph leaves it
    dynamic. Raises CheckpointError for several inputs, a non-4D or a non-float input."""
    import onnx

    model = _parse(graph)
    inits = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]  # IR < 4 lists weights too
    if len(inputs) != 1:
        raise CheckpointError(f"the ONNX model must take one input (an image batch), it takes "
                              f"{len(inputs)}", "onnx_input_count", count=len(inputs))
    kind = inputs[0].type.tensor_type
    if not inputs[0].type.HasField("tensor_type") or not kind.HasField("shape") \
            or len(kind.shape.dim) != 4:
        rank = len(kind.shape.dim) if kind.HasField("shape") else 0
        raise CheckpointError(f"the ONNX model's input must be a 4-D image batch (N, C, H, W), "
                              f"it has {rank} dimensions", "onnx_input_not_4d", rank=rank)
    if kind.elem_type != onnx.TensorProto.FLOAT:
        name = onnx.TensorProto.DataType.Name(kind.elem_type) if kind.elem_type else "?"
        raise CheckpointError(f"the ONNX model's input must be float32, it is {name}",
                              "onnx_input_not_float", dtype=name)
    dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None
            for d in kind.shape.dim[1:]]
    return dims[0], dims[1], dims[2]


def input_shape(graph: bytes) -> tuple[int, int, int] | None:
    """(C, H, W) of the graph's single image input, or None when C, H or W is dynamic; see
    ``input_dims``."""
    dims = input_dims(graph)
    return None if None in dims else (dims[0], dims[1], dims[2])
