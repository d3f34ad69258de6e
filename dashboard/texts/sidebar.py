"""The sidebar: the language switch and the active dataset and model."""

EN = {
    "language": "Language · Idioma",
    "active": "Active dataset and model",
    "dataset": "Dataset",
    "dataset_help": "Every page that needs data or a model uses this choice.",
    "model": "Model",
    "no_model": "No model trained on {dataset} yet — train one on the Train page, or pick the "
                "digits dataset for the ready default.",
    "untrained": "Trained on first use (about 5 seconds), then kept on disk.",
    "summary_input": "input {shape}",
    "summary_classes": "{n} classes",
    "summary_accuracy": "test accuracy {accuracy}",
    "default_model": "Small CNN · digits (default)",
    "folder": "Folder: {name}",
}

ES = {
    "language": "Language · Idioma",
    "active": "Conjunto de datos y modelo activos",
    "dataset": "Conjunto de datos",
    "dataset_help": "Todas las páginas que necesitan datos o un modelo usan esta elección.",
    "model": "Modelo",
    "no_model": "Aún no hay ningún modelo entrenado con {dataset}: entrena uno en la página "
                "Entrenar o elige el conjunto de dígitos, que trae uno listo.",
    "untrained": "Se entrena la primera vez que se usa (unos 5 segundos) y luego se guarda en "
                 "el disco.",
    "summary_input": "entrada {shape}",
    "summary_classes": "{n} clases",
    "summary_accuracy": "exactitud en test {accuracy}",
    "default_model": "CNN pequeña · dígitos (predeterminado)",
    "folder": "Carpeta: {name}",
}

SAME_IN_ES = frozenset({"language"})
