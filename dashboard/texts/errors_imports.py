"""Error messages of core.models.imports and core.models.onnx_graph
(uploaded .pth and ONNX files), by key; merged into
``dashboard/texts/errors.py`` (see there)."""

EN: dict[str, str] = {
    # core.models.imports: any file
    "import_not_bytes": "The file must be bytes (got {value}).",
    "import_empty": "The file is empty (0 bytes).",
    "import_too_large": "The file is {size_mb} MB; the limit is {limit_mb} MB.",
    "import_zip_damaged": "The file is a damaged zip: {reason}.",
    "import_torchscript": "This is a TorchScript archive (torch.jit.save). It contains code, so "
                          "CNN Lab never loads it: save `model.state_dict()` with torch.save and "
                          "upload that .pth instead.",
    "checkpoint_torchscript": "This is a TorchScript archive (torch.jit.save). It contains code, "
                              "so CNN Lab never loads it: upload a state_dict (.pth) or a CNN "
                              "Lab zip instead.",
    "import_unknown_type": "CNN Lab cannot import a {suffix} file: upload a .zip or "
                           ".safetensors from CNN Lab, a .pt/.pth state_dict or an .onnx model.",
    "import_classes_count": "The model has {count} outputs but {given} class names were given "
                            "(write one per line, or none for the defaults).",
    # .pt / .pth state_dicts
    "import_pth_objects": "This file holds Python objects, not only tensors ({obj}): a pickled "
                          "whole model or other code is never loaded. Save "
                          "`model.state_dict()` with torch.save and upload that instead.",
    "import_pth_unreadable": "This file cannot be read as a PyTorch state_dict (it may be "
                             "truncated or not a torch.save file): {reason}.",
    "import_pth_module": "This file holds a whole model, not a state_dict: save "
                         "`model.state_dict()` instead.",
    "import_pth_not_dict": "This file holds a {kind}, not a state_dict (a dictionary from tensor "
                           "names to tensors).",
    "import_pth_empty_dict": "The state_dict in this file is empty.",
    "import_pth_key_not_str": "The state_dict has a key that is not a text name: {value}.",
    "import_pth_not_tensor": "{tensor} in the state_dict is a {kind}, not a tensor.",
    "import_pth_tensor_kind": "The tensor {tensor} is sparse or quantized; only ordinary dense "
                              "tensors can be imported.",
    "import_pth_needs_arch": "Choose the architecture these weights belong to.",
    "import_pth_no_head": "These weights are not a {arch}: its final layer's weight {tensor} is "
                          "missing. Is the architecture right?",
    "import_pth_one_class": "The final layer {tensor} has {count} output; a classifier needs at "
                            "least 2.",
    "import_pth_missing_tensor": "These weights do not fit {arch}: the tensor {tensor} (shape "
                                 "{shape}) is missing.",
    "import_pth_wrong_shape": "These weights do not fit {arch}: the tensor {tensor} has shape "
                              "{found_shape}, but {arch} needs {shape}.",
    "import_pth_wrong_dtype": "These weights do not fit {arch}: the tensor {tensor} is "
                              "{found_dtype}, but {arch} needs {dtype}.",
    "import_pth_not_finite": "The tensor {tensor} contains NaN or infinite values.",
    "import_pth_unexpected_tensor": "These weights do not fit {arch}: they hold a tensor "
                                    "{arch} does not have, {tensor} ({count} such tensors in "
                                    "all).",
    # ONNX (core.models.onnx_graph and the import)
    "onnx_empty": "The ONNX file is empty.",
    "onnx_too_large": "The ONNX file is {size_mb} MB; the limit is {limit_mb} MB.",
    "onnx_unparsable": "This is not an ONNX file (it does not parse): {reason}.",
    "onnx_no_graph": "This is not an ONNX model: the file holds no graph.",
    "onnx_external_data": "This ONNX file keeps the tensor {tensor} in another file "
                          "({location}). Only single-file ONNX models are accepted: save it "
                          "with `onnx.save(model, path, save_as_external_data=False)`.",
    "onnx_invalid": "The ONNX checker refuses this file: {reason}.",
    "onnx_op_unsupported": "The ONNX operator {op} (version {version}, domain {domain}) cannot "
                           "be converted to PyTorch. Export the model with opset 17 or without "
                           "that operator.",
    "onnx_op_not_converted": "The ONNX operator {op} (node {node}) cannot be converted to "
                             "PyTorch: {reason}.",
    "onnx_convert_failed": "The ONNX model cannot be converted to PyTorch: {reason}.",
    "onnx_input_count": "The ONNX model must take one input (a batch of images); it takes "
                        "{count}.",
    "onnx_input_not_4d": "The ONNX model's input must be a batch of images (N, C, H, W); it has "
                         "{rank} dimensions.",
    "onnx_input_not_float": "The ONNX model's input must be float32; it is {dtype}.",
    "onnx_input_not_square": "The ONNX model takes {height}×{width} images; CNN Lab needs "
                             "square ones.",
    "onnx_probe_failed": "The converted ONNX model fails on a {shape} input: {reason}.",
    "onnx_output_not_logits": "The ONNX model must output one score per class, shape (1, K) "
                              "with K at least 2, for one image; it outputs {found}.",
}

ES: dict[str, str] = {
    "import_not_bytes": "El archivo debe ser bytes (se recibió {value}).",
    "import_empty": "El archivo está vacío (0 bytes).",
    "import_too_large": "El archivo ocupa {size_mb} MB; el límite es {limit_mb} MB.",
    "import_zip_damaged": "El archivo es un zip dañado: {reason}.",
    "import_torchscript": "Es un archivo TorchScript (torch.jit.save). Contiene código, así que "
                          "CNN Lab nunca lo carga: guarda `model.state_dict()` con torch.save y "
                          "sube ese .pth.",
    "checkpoint_torchscript": "Es un archivo TorchScript (torch.jit.save). Contiene código, así "
                              "que CNN Lab nunca lo carga: sube un state_dict (.pth) o un zip de "
                              "CNN Lab.",
    "import_unknown_type": "CNN Lab no puede importar un archivo {suffix}: sube un .zip o un "
                           ".safetensors de CNN Lab, un state_dict .pt/.pth o un modelo .onnx.",
    "import_classes_count": "El modelo tiene {count} salidas, pero se dieron {given} nombres de "
                            "clase (escribe uno por línea, o ninguno para usar los "
                            "predeterminados).",
    "import_pth_objects": "Este archivo contiene objetos de Python, no solo tensores ({obj}): "
                          "un modelo entero serializado con pickle u otro código nunca se carga. "
                          "Guarda `model.state_dict()` con torch.save y sube eso.",
    "import_pth_unreadable": "Este archivo no se puede leer como un state_dict de PyTorch (puede "
                             "estar truncado o no ser un archivo de torch.save): {reason}.",
    "import_pth_module": "Este archivo contiene un modelo entero, no un state_dict: guarda "
                         "`model.state_dict()`.",
    "import_pth_not_dict": "Este archivo contiene un {kind}, no un state_dict (un diccionario de "
                           "nombres de tensor a tensores).",
    "import_pth_empty_dict": "El state_dict de este archivo está vacío.",
    "import_pth_key_not_str": "El state_dict tiene una clave que no es un nombre de texto: "
                              "{value}.",
    "import_pth_not_tensor": "{tensor} en el state_dict es un {kind}, no un tensor.",
    "import_pth_tensor_kind": "El tensor {tensor} es disperso o cuantizado; solo se pueden "
                              "importar tensores densos normales.",
    "import_pth_needs_arch": "Elige la arquitectura a la que pertenecen estos pesos.",
    "import_pth_no_head": "Estos pesos no son de un {arch}: falta el peso {tensor} de su última "
                          "capa. ¿Es la arquitectura correcta?",
    "import_pth_one_class": "La última capa {tensor} tiene {count} salida; un clasificador "
                            "necesita al menos 2.",
    "import_pth_missing_tensor": "Estos pesos no encajan en {arch}: falta el tensor {tensor} "
                                 "(forma {shape}).",
    "import_pth_wrong_shape": "Estos pesos no encajan en {arch}: el tensor {tensor} tiene la "
                              "forma {found_shape}, pero {arch} necesita {shape}.",
    "import_pth_wrong_dtype": "Estos pesos no encajan en {arch}: el tensor {tensor} es "
                              "{found_dtype}, pero {arch} necesita {dtype}.",
    "import_pth_not_finite": "El tensor {tensor} contiene valores NaN o infinitos.",
    "import_pth_unexpected_tensor": "Estos pesos no encajan en {arch}: contienen un tensor que "
                                    "{arch} no tiene, {tensor} ({count} tensores así en total).",
    "onnx_empty": "El archivo ONNX está vacío.",
    "onnx_too_large": "El archivo ONNX ocupa {size_mb} MB; el límite es {limit_mb} MB.",
    "onnx_unparsable": "No es un archivo ONNX (no se puede interpretar): {reason}.",
    "onnx_no_graph": "No es un modelo ONNX: el archivo no contiene ningún grafo.",
    "onnx_external_data": "Este archivo ONNX guarda el tensor {tensor} en otro archivo "
                          "({location}). Solo se admiten modelos ONNX de un único archivo: "
                          "guárdalo con `onnx.save(model, path, save_as_external_data=False)`.",
    "onnx_invalid": "El verificador de ONNX rechaza este archivo: {reason}.",
    "onnx_op_unsupported": "El operador ONNX {op} (versión {version}, dominio {domain}) no se "
                           "puede convertir a PyTorch. Exporta el modelo con opset 17 o sin ese "
                           "operador.",
    "onnx_op_not_converted": "El operador ONNX {op} (nodo {node}) no se puede convertir a "
                             "PyTorch: {reason}.",
    "onnx_convert_failed": "El modelo ONNX no se puede convertir a PyTorch: {reason}.",
    "onnx_input_count": "El modelo ONNX debe recibir una sola entrada (un lote de imágenes); "
                        "recibe {count}.",
    "onnx_input_not_4d": "La entrada del modelo ONNX debe ser un lote de imágenes (N, C, H, W); "
                         "tiene {rank} dimensiones.",
    "onnx_input_not_float": "La entrada del modelo ONNX debe ser float32; es {dtype}.",
    "onnx_input_not_square": "El modelo ONNX recibe imágenes de {height}×{width}; CNN Lab "
                             "necesita imágenes cuadradas.",
    "onnx_probe_failed": "El modelo ONNX convertido falla con una entrada de {shape}: "
                         "{reason}.",
    "onnx_output_not_logits": "El modelo ONNX debe dar una puntuación por clase, con forma "
                              "(1, K) y K al menos 2, para una imagen; da {found}.",
}

NAMES_EN: dict[str, str] = {"input_size": "The input size"}
NAMES_ES: dict[str, str] = {"input_size": "El tamaño de entrada"}
SAME_IN_ES: frozenset[str] = frozenset()
