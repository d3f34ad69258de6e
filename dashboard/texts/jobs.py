"""The "server busy" message of the cap on heavy jobs (dashboard/jobs.py), on every page that
starts one."""

EN: dict[str, str] = {
    "busy": "The server is busy: {running} of {limit} heavy jobs (style transfer, training, "
    "large occlusion maps) are running on it. Try again in a moment — your settings are kept.",
}

ES: dict[str, str] = {
    "busy": "El servidor está ocupado: hay {running} de {limit} trabajos pesados (transferencia "
    "de estilo, entrenamiento, mapas de oclusión grandes) en marcha. Vuelve a intentarlo en un "
    "momento: tus ajustes se conservan.",
}
