"""Error messages of core.interpret.faithfulness and core.interpret.trust (the Trust page's
deletion and insertion scores) and of the shortcut lab (core.data.cues, core.train.shortcut,
core.interpret.localisation, core.interpret.shortcut), by key; merged into
``dashboard/texts/errors.py`` (see there)."""

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
    "cue_indices": "The cue needs one image index per image ({count} images, got {value}).",
    "cue_channels": "A cue can be stamped on grey or RGB images only (these have {value} "
    "channels).",
    "cue_type": "The cue must be a Cue (got {value}).",
    "shortcut_plan": "The experiment must be a Plan (got {value}).",
    "shortcut_test_classes": "The test split needs images of the target class ({target}) and of "
    "the other classes.",
    "shortcut_models": "Name one or more models to explain.",
    "localisation_shapes": "Each map needs a true/false mask of the same shape (maps {maps}, "
    "masks {masks}).",
    "localisation_nan": "The maps must not contain NaN.",
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
    "cue_indices": "La señal necesita un índice por imagen ({count} imágenes, se recibieron "
    "{value}).",
    "cue_channels": "Una señal solo se puede estampar en imágenes grises o RGB (estas tienen "
    "{value} canales).",
    "cue_type": "La señal debe ser un Cue (se recibió {value}).",
    "shortcut_plan": "El experimento debe ser un Plan (se recibió {value}).",
    "shortcut_test_classes": "El conjunto de prueba necesita imágenes de la clase objetivo "
    "({target}) y de las demás clases.",
    "shortcut_models": "Indica uno o más modelos que explicar.",
    "localisation_shapes": "Cada mapa necesita una máscara de verdadero/falso de la misma forma "
    "(mapas {maps}, máscaras {masks}).",
    "localisation_nan": "Los mapas no deben contener NaN.",
}

NAMES_EN: dict[str, str] = {
    "step": "The step size (fraction of the pixels)",
    "images": "The number of images",
    "fraction": "The fraction of the pixels",
    "n_pixels": "The number of pixels",
    "kind": "The kind of curve",
    "cue": "The cue",
    "cue size": "The cue's size",
    "corner": "The corner",
    "colour": "The colour",
    "density": "The snow's density",
    "stream": "The split",
    "target class": "The target class",
    "share of the target class": "The share of the target class's images with the cue",
    "share of the other classes": "The share of the other classes' images with the cue",
    "which": "Which images",
    "explain": "The class to explain",
    "indices": "The image indices",
}
NAMES_ES: dict[str, str] = {
    "step": "El tamaño del paso (fracción de los píxeles)",
    "images": "El número de imágenes",
    "fraction": "La fracción de los píxeles",
    "n_pixels": "El número de píxeles",
    "kind": "El tipo de curva",
    "cue": "La señal",
    "cue size": "El tamaño de la señal",
    "corner": "La esquina",
    "colour": "El color",
    "density": "La densidad de la nieve",
    "stream": "La partición",
    "target class": "La clase objetivo",
    "share of the target class": "La proporción de imágenes de la clase objetivo con la señal",
    "share of the other classes": "La proporción de imágenes de las demás clases con la señal",
    "which": "Qué imágenes",
    "explain": "La clase que explicar",
    "indices": "Los índices de imagen",
}
SAME_IN_ES: frozenset[str] = frozenset()
