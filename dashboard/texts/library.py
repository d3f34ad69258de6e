"""Train page, Model library tab: importing your own weights (.pt/.pth state_dicts, ONNX),
English and Spanish. The tab's other strings are in train.py."""

EN = {
    "upload_label": "A CNN Lab model (.zip or .safetensors), a PyTorch state_dict (.pt or .pth) "
    "or an ONNX model (.onnx)",
    "upload_help": "A .pth is read with torch.load(weights_only=True): tensors only, no code. "
    "TorchScript archives and pickled whole models are refused, because they are programs. An "
    "ONNX model must be a single file (no external data).",
    "pth_intro": "A state_dict holds only the weights: choose the architecture they belong to. "
    "The number of classes is read from its final layer.",
    "onnx_intro": "The ONNX graph is converted to PyTorch (onnx2torch), so gradients work on "
    "Saliency. The number of classes is read from its output.",
    "arch": "Architecture",
    "classes": "Class names, one per line",
    "classes_help": "Leave empty for ImageNet's 1,000 names (for 1,000 outputs) or "
    "\"class 0\", \"class 1\", …",
    "input_size": "Input size (px)",
    "input_size_help_onnx": "Used only when the ONNX graph leaves its height and width open; a "
    "graph with a fixed size keeps its own.",
    "mean": "Mean per channel",
    "std": "Standard deviation per channel",
    "norm_help": "Numbers in [0, 1] separated by commas, one per channel (RGB: three). Empty: "
    "ImageNet's (0.485, 0.456, 0.406 and 0.229, 0.224, 0.225).",
    "name": "Name",
    "name_help": "Empty: the architecture and the file's name.",
    "import": "Import",
    "numbers_invalid": "{field} must be numbers separated by commas (got “{value}”).",
    "arch_onnx": "ONNX model",
}

ES = {
    "upload_label": "Un modelo de CNN Lab (.zip o .safetensors), un state_dict de PyTorch (.pt o "
    ".pth) o un modelo ONNX (.onnx)",
    "upload_help": "Un .pth se lee con torch.load(weights_only=True): solo tensores, nada de "
    "código. Se rechazan los archivos TorchScript y los modelos enteros serializados con pickle, "
    "porque son programas. Un modelo ONNX debe ser un único archivo (sin datos externos).",
    "pth_intro": "Un state_dict contiene solo los pesos: elige la arquitectura a la que "
    "pertenecen. El número de clases se lee de su última capa.",
    "onnx_intro": "El grafo ONNX se convierte a PyTorch (onnx2torch), así que los gradientes "
    "funcionan en Saliencia. El número de clases se lee de su salida.",
    "arch": "Arquitectura",
    "classes": "Nombres de las clases, uno por línea",
    "classes_help": "Déjalo vacío para usar los 1000 nombres de ImageNet (con 1000 salidas) o "
    "«class 0», «class 1», …",
    "input_size": "Tamaño de entrada (px)",
    "input_size_help_onnx": "Solo se usa cuando el grafo ONNX deja abiertos el alto y el ancho; "
    "un grafo de tamaño fijo conserva el suyo.",
    "mean": "Media por canal",
    "std": "Desviación típica por canal",
    "norm_help": "Números en [0, 1], uno por canal (RGB: tres), separados por comas, o por punto "
    "y coma si usas la coma decimal (0,485; 0,456; 0,406). Vacío: los de ImageNet (0,485; "
    "0,456; 0,406 y 0,229; 0,224; 0,225).",
    "name": "Nombre",
    "name_help": "Vacío: la arquitectura y el nombre del archivo.",
    "import": "Importar",
    "numbers_invalid": "{field}: deben ser números separados por comas o por punto y coma (se "
    "recibió «{value}»).",
    "arch_onnx": "Modelo ONNX",
}
