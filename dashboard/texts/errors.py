"""Messages for bad input, by the key core gives its errors (``core.checks.Keyed``).

A template is filled with the error's values (numbers in the language's way, parameter names
through ``NAMES``). Core's English sentence (``str(err)``) is what the library and the server
log say; these are what the dashboard shows. ``tests/core/test_error_keys.py`` checks that
every key core raises has a template here, and that each template's placeholders are among the
values that site gives.
"""

EN = {
    # core.checks
    "int": "{name} must be a whole number (got {value}).",
    "int_between": "{name} must be a whole number from {low} to {high} (got {value}).",
    "int_min": "{name} must be a whole number of at least {low} (got {value}).",
    "int_max": "{name} must be a whole number of at most {high} (got {value}).",
    "number": "{name} must be a finite number (got {value}).",
    "number_between": "{name} must be a number from {low} to {high} (got {value}).",
    "number_between_open": "{name} must be a number above {low} and at most {high} "
                           "(got {value}).",
    "number_min": "{name} must be a number of at least {low} (got {value}).",
    "number_above": "{name} must be a number above {low} (got {value}).",
    "number_max": "{name} must be a number of at most {high} (got {value}).",
    "bool": "{name} must be on or off (got {value}).",
    "choice": "{name} must be one of {choices} (got {value}).",
    "pair": "{name} must be a whole number or a pair of whole numbers (height, width) "
            "(got {value}).",
    "pair_min": "{name} must be at least {low} in both directions (got {value}).",
    "batch": "The input must be a batch of float images (B, C, H, W) (got {value}).",
    "one_image": "The input must hold exactly one image (1, C, H, W) (got {value}).",
    "input_shape": "The input shape must be (channels, height, width), all positive whole "
                   "numbers (got {value}).",
    # an error core has not keyed: its English sentence as it is
    "unkeyed": "{detail}",
}

ES = {
    "int": "{name} debe ser un número entero (se recibió {value}).",
    "int_between": "{name} debe ser un número entero entre {low} y {high} (se recibió {value}).",
    "int_min": "{name} debe ser un número entero mayor o igual que {low} (se recibió {value}).",
    "int_max": "{name} debe ser un número entero menor o igual que {high} (se recibió {value}).",
    "number": "{name} debe ser un número finito (se recibió {value}).",
    "number_between": "{name} debe ser un número entre {low} y {high} (se recibió {value}).",
    "number_between_open": "{name} debe ser un número mayor que {low} y menor o igual que "
                           "{high} (se recibió {value}).",
    "number_min": "{name} debe ser un número mayor o igual que {low} (se recibió {value}).",
    "number_above": "{name} debe ser un número mayor que {low} (se recibió {value}).",
    "number_max": "{name} debe ser un número menor o igual que {high} (se recibió {value}).",
    "bool": "{name} debe estar activado o desactivado (se recibió {value}).",
    "choice": "{name} debe ser uno de estos valores: {choices} (se recibió {value}).",
    "pair": "{name} debe ser un número entero o un par de enteros (alto, ancho) "
            "(se recibió {value}).",
    "pair_min": "{name} debe ser al menos {low} en las dos direcciones (se recibió {value}).",
    "batch": "La entrada debe ser un lote de imágenes en coma flotante (B, C, H, W) "
             "(se recibió {value}).",
    "one_image": "La entrada debe contener exactamente una imagen (1, C, H, W) "
                 "(se recibió {value}).",
    "input_shape": "La forma de la entrada debe ser (canales, alto, ancho), todos enteros "
                   "positivos (se recibió {value}).",
    "unkeyed": "Esta entrada no se puede usar. Detalle (en inglés): {detail}",
}

# The parameter names core puts in ``name=``, as a sentence says them. A name missing here is
# shown as it is, in code style (it is then the identifier a PyTorch user types).
NAMES_EN = {
    "kernel": "The kernel size",
    "stride": "The stride",
    "padding": "The padding",
    "dilation": "The dilation",
    "output_size": "The output size",
    "ceil_mode": "ceil_mode",
    "count_include_pad": "count_include_pad",
    "shape": "The matrix shape",
}

NAMES_ES = {
    "kernel": "El tamaño del núcleo (kernel)",
    "stride": "El paso (stride)",
    "padding": "El relleno (padding)",
    "dilation": "La dilatación (dilation)",
    "output_size": "El tamaño de salida",
    "ceil_mode": "ceil_mode",
    "count_include_pad": "count_include_pad",
    "shape": "La forma de la matriz",
}

SAME_IN_ES = frozenset({"ceil_mode", "count_include_pad"})
