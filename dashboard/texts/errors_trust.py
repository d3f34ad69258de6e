"""Error messages of core.interpret.faithfulness and core.interpret.trust (the Trust page's
deletion and insertion scores), by key; merged into ``dashboard/texts/errors.py`` (see there)."""

EN: dict[str, str] = {
    "faithfulness_steps": "A step of {step} of the pixels makes {steps} steps, more than the "
    "{limit} allowed: use a larger step.",
    "faithfulness_map_shape": "A map must have one value per pixel of the images (got shape "
    "{shape}).",
    "faithfulness_known_shape": "The mask of kept pixels must be a true/false array of shape "
    "{shape}.",
    "faithfulness_maps": "The maps must be given as method names with one map per image (got "
    "{value}).",
    "faithfulness_targets": "The targets must give one class per image ({images} images, got "
    "{value}).",
    "trust_methods": "Choose one or more different methods among {choices} (got {value}).",
    "trust_baselines": "Choose one or more baselines among {choices} (got {value}).",
}

ES: dict[str, str] = {
    "faithfulness_steps": "Un paso de {step} de los píxeles da {steps} pasos, más de los "
    "{limit} permitidos: usa un paso mayor.",
    "faithfulness_map_shape": "Un mapa debe tener un valor por píxel de las imágenes (se "
    "recibió la forma {shape}).",
    "faithfulness_known_shape": "La máscara de píxeles conservados debe ser una matriz de "
    "verdadero/falso de forma {shape}.",
    "faithfulness_maps": "Los mapas deben darse como nombres de método con un mapa por imagen "
    "(se recibió {value}).",
    "faithfulness_targets": "Los objetivos deben dar una clase por imagen ({images} imágenes, "
    "se recibieron {value}).",
    "trust_methods": "Elige uno o más métodos distintos entre {choices} (se recibió {value}).",
    "trust_baselines": "Elige una o más referencias entre {choices} (se recibió {value}).",
}

NAMES_EN: dict[str, str] = {
    "step": "The step size (fraction of the pixels)",
    "images": "The number of images",
    "fraction": "The fraction of the pixels",
    "n_pixels": "The number of pixels",
    "kind": "The kind of curve",
}
NAMES_ES: dict[str, str] = {
    "step": "El tamaño del paso (fracción de los píxeles)",
    "images": "El número de imágenes",
    "fraction": "La fracción de los píxeles",
    "n_pixels": "El número de píxeles",
    "kind": "El tipo de curva",
}
SAME_IN_ES: frozenset[str] = frozenset()
