"""The words the figure builders of ``dashboard/charts.py`` put into a figure themselves: axis
titles, legend names, hover text, the animation's button. Plotly placeholders (``%{x}``,
``%{customdata[0]}``) are Plotly's, not ``str.format``'s, and stay as they are."""

EN = {
    # matrix heatmaps
    "pad": "pad",
    "hover_cell": "row %{y}, col %{x}: %{text}",
    "cell_tip": "row {r}, col {c}: {value}",
    "hover_tile_value": "row %{customdata[0]}, col %{customdata[1]}: %{z:.3f}",
    "hover_class_cell": "row %{y}, col %{x}",
    # images and maps over images
    "hover_xy": "x %{x}, y %{y}",
    # training curves
    "train_per_step": "train (per step)",
    "train": "train",
    "validation": "validation",
    "epoch": "epoch",
    # confusion matrix
    "row_share": "row share",
    "hover_confusion": "true %{customdata[0]} → predicted %{customdata[1]}: %{customdata[2]}",
    "predicted": "predicted",
    "true": "true",
    # optimiser race
    "global_min": "global min",
    "local_min": "local min",
    "minima": "minima",
    "play": "▶ Play",
    # embeddings
    "selected": "selected",
    # style-transfer losses: axis titles and the names of the loss terms
    "loss": "loss",
    "step": "step",
    "series_total": "total",
    "series_content": "content",
    "series_style": "style",
    "series_tv": "tv",
}

ES = {
    "pad": "relleno",
    "hover_cell": "fila %{y}, columna %{x}: %{text}",
    "cell_tip": "fila {r}, columna {c}: {value}",
    "hover_tile_value": "fila %{customdata[0]}, columna %{customdata[1]}: %{z:.3f}",
    "hover_class_cell": "fila %{y}, columna %{x}",
    "hover_xy": "x %{x}; y %{y}",
    "train_per_step": "entrenamiento (por paso)",
    "train": "entrenamiento",
    "validation": "validación",
    "epoch": "época",
    "row_share": "fracción de la fila",
    "hover_confusion": "real %{customdata[0]} → predicha %{customdata[1]}: %{customdata[2]}",
    "predicted": "clase predicha",
    "true": "clase real",
    "global_min": "mínimo global",
    "local_min": "mínimo local",
    "minima": "mínimos",
    "play": "▶ Reproducir",
    "selected": "seleccionado",
    "loss": "pérdida",
    "step": "paso",
    "series_total": "total",
    "series_content": "contenido",
    "series_style": "estilo",
    "series_tv": "variación total (tv)",
}

SAME_IN_ES = frozenset({"series_total"})
