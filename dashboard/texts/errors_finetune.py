"""Error messages of core.train.finetune (fine-tuning an
ImageNet model), by key; merged into
``dashboard/texts/errors.py`` (see there)."""

EN: dict[str, str] = {
    "finetune_augment_head": "Augmentation needs “train all layers”: when only the last layer "
    "is trained, every image's features are computed once, so random crops and flips cannot "
    "change them.",
    "finetune_config_type": "The fine-tuning settings must be a FinetuneConfig (got {value}).",
    "finetune_classes": "Fine-tuning needs at least 2 classes (got {count}).",
    "finetune_features_too_large": "The features of {images} images at {size} px would take "
    "{megabytes} MB, more than the {limit} MB allowed: choose a smaller image size or use "
    "fewer images.",
    "finetune_images_too_large": "{images} training images at {size} px would take "
    "{megabytes} MB, more than the {limit} MB allowed: choose a smaller image size, use fewer "
    "images, or train only the last layer.",
}

ES: dict[str, str] = {
    "finetune_augment_head": "El aumento de datos necesita «entrenar todas las capas»: si solo "
    "se entrena la última capa, las características de cada imagen se calculan una sola vez, "
    "así que los recortes y volteos aleatorios no pueden cambiarlas.",
    "finetune_config_type": "La configuración del ajuste fino debe ser un FinetuneConfig (se "
    "recibió {value}).",
    "finetune_classes": "El ajuste fino necesita al menos 2 clases (se recibió {count}).",
    "finetune_features_too_large": "Las características de {images} imágenes a {size} px "
    "ocuparían {megabytes} MB, más de los {limit} MB permitidos: elige un tamaño de imagen "
    "menor o usa menos imágenes.",
    "finetune_images_too_large": "{images} imágenes de entrenamiento a {size} px ocuparían "
    "{megabytes} MB, más de los {limit} MB permitidos: elige un tamaño de imagen menor, usa "
    "menos imágenes o entrena solo la última capa.",
}

NAMES_EN: dict[str, str] = {
    "pretrained": "The pretrained-weights switch",
    "n_train": "The number of training images",
    "n_test": "The number of test images",
    "n_val": "The number of validation images",
    "epoch": "The epoch",
}
NAMES_ES: dict[str, str] = {
    "pretrained": "La opción de pesos preentrenados",
    "n_train": "El número de imágenes de entrenamiento",
    "n_test": "El número de imágenes de test",
    "n_val": "El número de imágenes de validación",
    "epoch": "La época",
}
SAME_IN_ES: frozenset[str] = frozenset()
