"""Error messages of core.data.drawing (a drawn digit made MNIST-style) and of a click on the
occlusion walk-through (core.interpret.occlusion.position_at), by key; merged into
``dashboard/texts/errors.py`` (see there)."""

EN: dict[str, str] = {
    "drawing_shape": "A drawing must be an 8-bit image with 3 or 4 channels (got shape {shape}, "
    "type {dtype}).",
    "drawing_ink": "The ink of a drawing must be a finite two-dimensional array (got shape "
    "{shape}).",
    "drawing_no_ink": "The dataset's images have no ink to measure a digit's size from.",
    "occlusion_point": "A point on the image must be two finite numbers (got {y}, {x}).",
}

ES: dict[str, str] = {
    "drawing_shape": "Un dibujo debe ser una imagen de 8 bits con 3 o 4 canales (se recibió la "
    "forma {shape}, de tipo {dtype}).",
    "drawing_ink": "La tinta de un dibujo debe ser una matriz bidimensional finita (se recibió "
    "la forma {shape}).",
    "drawing_no_ink": "Las imágenes del conjunto de datos no tienen tinta con la que medir el "
    "tamaño de un dígito.",
    "occlusion_point": "Un punto de la imagen deben ser dos números finitos (se recibió {y}, "
    "{x}).",
}

NAMES_EN: dict[str, str] = {
    "box": "The digit's box",
}
NAMES_ES: dict[str, str] = {
    "box": "La caja del dígito",
}
SAME_IN_ES: frozenset[str] = frozenset()
