"""The sidebar: the language switch and the active dataset and model."""

EN = {
    "language": "Language · Idioma",
    "active": "Active dataset and model",
    "dataset": "Dataset",
    "dataset_help": "Every page that needs data or a model uses this choice.",
    "model": "Model",
    "no_model": "No model trained on {dataset} yet — train one on the Train page, pick the "
                "digits dataset for the ready default, or use an ImageNet model.",
    "untrained": "Trained on first use (about 5 seconds), then kept on disk.",
    "replica": "Served by replica {replica} (process {pid}).",
    "summary_input": "input {shape}",
    "summary_classes": "{n} classes",
    "summary_accuracy": "test accuracy {accuracy}",
    "default_model": "Small CNN · digits (default)",
    "folder": "Folder: {name}",
    "imagenet_model": "{arch} · ImageNet",
    "random_weights": "Random weights (explore the structure)",
    "random_weights_help": "Build the architecture with random weights instead of its ImageNet "
                           "ones: every layer and shape is real, but what it computes means "
                           "nothing. For exploring offline, when the weights file is missing.",
    "summary_imagenet": "pretrained on ImageNet",
    "summary_random": "**random weights**",
    "summary_onnx": "imported from ONNX",
}

ES = {
    "language": "Language · Idioma",
    "active": "Conjunto de datos y modelo activos",
    "dataset": "Conjunto de datos",
    "dataset_help": "Todas las páginas que necesitan datos o un modelo usan esta elección.",
    "model": "Modelo",
    "no_model": "Aún no hay ningún modelo entrenado con {dataset}: entrena uno en la página "
                "Entrenar, elige el conjunto de dígitos, que trae uno listo, o usa un modelo de "
                "ImageNet.",
    "replica": "Te atiende la réplica {replica} (proceso {pid}).",
    "untrained": "Se entrena la primera vez que se usa (unos 5 segundos) y luego se guarda en "
                 "el disco.",
    "summary_input": "entrada {shape}",
    "summary_classes": "{n} clases",
    "summary_accuracy": "exactitud en test {accuracy}",
    "default_model": "CNN pequeña · dígitos (predeterminado)",
    "folder": "Carpeta: {name}",
    "imagenet_model": "{arch} · ImageNet",
    "random_weights": "Pesos aleatorios (explorar la estructura)",
    "random_weights_help": "Construye la arquitectura con pesos aleatorios en lugar de los de "
                           "ImageNet: cada capa y cada forma son reales, pero lo que calcula no "
                           "significa nada. Para explorar sin conexión, cuando falta el archivo "
                           "de pesos.",
    "summary_imagenet": "preentrenado en ImageNet",
    "summary_random": "**pesos aleatorios**",
    "summary_onnx": "importado de ONNX",
}

SAME_IN_ES = frozenset({"language", "imagenet_model"})
