"""Error messages of core.interpret.featvis (feature visualisation: parameterisations,
robustness, objectives, the layer grid), by key; merged into ``dashboard/texts/errors.py``
(see there)."""

EN: dict[str, str] = {
    "featvis_colour_images": "The colours must come from 8-bit RGB images (N, 3, H, W) (got "
    "{value}).",
    "featvis_colour_matrix": "A colour matrix must be a finite, non-zero 3 × 3 matrix (got shape "
    "{value}).",
    "featvis_colour_grey": "Colours can be decorrelated for RGB models only; this one takes "
    "{channels} channel(s).",
    "featvis_robustness": "The transformations must be a Robustness (got {value}).",
    "featvis_scale": "The zoom must go from a low to a high factor (got {value}).",
    "featvis_objective": "The objective must be an Objective (got {value}).",
    "featvis_units": "Give 1 to {limit} units, one per image (got {value}).",
    "featvis_diversity_batch": "The diversity term compares images with each other: use 2 or "
    "more images, or a diversity weight of 0.",
    "featvis_diversity_maps": "The diversity term needs a layer of maps (C, H, W); {layer} "
    "gives single units.",
}

ES: dict[str, str] = {
    "featvis_colour_images": "Los colores deben salir de imágenes RGB de 8 bits (N, 3, H, W) "
    "(se recibió {value}).",
    "featvis_colour_matrix": "Una matriz de color debe ser una matriz 3 × 3 finita y no nula "
    "(se recibió la forma {value}).",
    "featvis_colour_grey": "Los colores solo se pueden decorrelar en modelos RGB; este recibe "
    "{channels} canal(es).",
    "featvis_robustness": "Las transformaciones deben ser un Robustness (se recibió {value}).",
    "featvis_scale": "El zoom debe ir de un factor menor a uno mayor (se recibió {value}).",
    "featvis_objective": "El objetivo debe ser un Objective (se recibió {value}).",
    "featvis_units": "Indica de 1 a {limit} unidades, una por imagen (se recibió {value}).",
    "featvis_diversity_batch": "El término de diversidad compara las imágenes entre sí: usa 2 o "
    "más imágenes, o un peso de diversidad 0.",
    "featvis_diversity_maps": "El término de diversidad necesita una capa de mapas (C, H, W); "
    "{layer} da unidades sueltas.",
}

NAMES_EN: dict[str, str] = {
    "pad": "The pad",
    "jitter2": "The second jitter",
    "rotate": "The rotation",
    "scale": "The zoom",
    "diversity": "The diversity weight",
    "param": "The image parameterisation",
    "objective": "The objective",
    "chunk": "The number of images at once",
}
NAMES_ES: dict[str, str] = {
    "pad": "El relleno",
    "jitter2": "El segundo desplazamiento",
    "rotate": "El giro",
    "scale": "El zoom",
    "diversity": "El peso de la diversidad",
    "param": "La parametrización de la imagen",
    "objective": "El objetivo",
    "chunk": "El número de imágenes a la vez",
}
SAME_IN_ES: frozenset[str] = frozenset()
