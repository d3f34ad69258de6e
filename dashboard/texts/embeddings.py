"""Embeddings page text (English and Spanish).

Numbers arrive already formatted in the language (``dashboard.i18n``): the placeholders here
take strings, not format specs.
"""

EN = {
    "title": "Embeddings",
    "intro": "How the active model organises the data: the feature vectors of a dataset split, "
    "reduced to 2-D or 3-D, next to the same map of the raw pixels.",
    "theory_title": "Theory: feature vectors, PCA and t-SNE",
    "theory": """
Before its last layer, a CNN turns every image into a **feature vector** (here 128 numbers for
the small CNN). Training arranges these vectors so that one linear layer can separate the
classes. To *see* that arrangement we project the vectors to 2 or 3 dimensions:

* **PCA** (principal component analysis) keeps the directions of largest variance: a linear
  projection; the explained variance says how much of the spread the picture keeps.
* **t-SNE** (van der Maaten & Hinton, 2008, [JMLR](https://jmlr.org/papers/v9/vandermaaten08a.html))
  places points so that neighbours stay neighbours. It is non-linear: cluster sizes and the
  distances *between* clusters mean little, and the *perplexity* (roughly, how many neighbours
  each point cares about) changes the picture — see Wattenberg, Viégas & Johnson (2016),
  [How to Use t-SNE Effectively](https://distill.pub/2016/misread-tsne/). We use openTSNE
  (Poličar, Stražar & Zupan, 2024): the vectors are first reduced to 50 dimensions with PCA,
  then the map is optimised with FFT-accelerated interpolation for large 2-D maps and with
  Barnes-Hut otherwise.

Two numbers tell how faithful a map is: **trustworthiness** (k = 10; 1.0 means the map's
nearest neighbours are also neighbours in the original space) and the **k-NN accuracy**
(k = 5) of classifying each point by its neighbours *in the map*. Compare learned features
with raw pixels to see what training changed.
""",
    "error": "This cannot be computed: {error}",
    "fit_images": "The {dataset} {split} images",
    "cost": "Features of {n} images through {model}: about {seconds} s ({ms} ms per image, "
    "measured here). Press Compute to start; it can be stopped.",
    "features_progress": "Features",
    "stopped": "Stopped: the images done so far are kept; press Compute to go on from there.",
    "other_classes": "Colours: the dataset's classes. {model} has its own {classes} classes, "
    "not the dataset's, so its predictions are not shown.",
    "point_label": "#{index} · {label}",
    "layer": "Layer",
    "mode": "Conv layer vectors",
    "mode_gap": "global average pool (C values)",
    "mode_flatten": "flatten (C × H × W values)",
    "split": "Split",
    "split_test": "test",
    "split_train": "train",
    "count": "Images",
    "method": "Method",
    "method_pca": "PCA",
    "method_tsne": "t-SNE",
    "dims": "Dimensions",
    "perplexity": "Perplexity",
    "iterations": "Iterations",
    "seed": "Seed",
    "raw": "Also map the raw pixels",
    "compute": "Compute",
    "count_note": "Using the first {n} of the {total} {split} images (all of them when the "
    "slider is at its maximum).",
    "slow_3d": "3-D t-SNE uses the slower Barnes-Hut method: with this many images it can take "
    "a minute or more. 2-D is several times faster.",
    "cap_note": "t-SNE is capped at {cap} images here to stay interactive.",
    "progress": "{what}: {done}/{total}",
    "tsne_of_features": "t-SNE of the features",
    "tsne_of_pixels": "t-SNE of the pixels",
    "features_of": "Features: {layer} ({d} values per image)",
    "pixels": "Raw pixels ({d} values per image)",
    "quality": "trustworthiness {trust} · k-NN accuracy in the map {knn} · {seconds} s",
    "variance": "explained variance {parts} (total {total})",
    "parts_sep": ", ",
    "colour": "Colour by",
    "colour_label": "true class",
    "colour_pred": "predicted class",
    "colour_correct": "correct / incorrect",
    "group_correct": "correct",
    "group_incorrect": "incorrect",
    "hover": "#{index} · true {label} · predicted {pred}",
    "point": "Selected image (click a point, or type its index)",
    "row": "Index of the selected point",
    "point_caption": "#{index} · true {label} · predicted {pred} ({p})",
    "neighbours": "Its {k} nearest neighbours in feature space",
    "neighbour_caption": "#{index} · {label} · d={d}",
    "open_occlusion": "Open this image on the Occlusion page",
    "open_saliency": "Open this image on the Saliency page",
    "download": "Download the coordinates (CSV)",
    "press_compute": "Choose the settings and press Compute.",
}

ES = {
    "title": "Representaciones (embeddings)",
    "intro": "Cómo organiza los datos el modelo activo: los vectores de características de las "
    "imágenes de test o de entrenamiento, reducidos a 2-D o 3-D, junto al mismo mapa hecho con "
    "los píxeles en bruto.",
    "theory_title": "Teoría: vectores de características, PCA y t-SNE",
    "theory": """
Antes de su última capa, una CNN convierte cada imagen en un **vector de características**
(feature vector): aquí, 128 números en la CNN pequeña. El entrenamiento coloca estos vectores
de forma que una sola capa lineal pueda separar las clases. Para *ver* esa disposición hay que
reducir su dimensionalidad y proyectarlos en 2 o 3 dimensiones:

* **PCA** (análisis de componentes principales) conserva las direcciones de mayor varianza.
  Es una proyección lineal, y la varianza explicada indica qué parte de la dispersión de los
  datos conserva el dibujo.
* **t-SNE** (van der Maaten y Hinton, 2008, [JMLR](https://jmlr.org/papers/v9/vandermaaten08a.html))
  coloca los puntos de modo que los vecinos sigan siendo vecinos, y así aparecen grupos
  (clusters) de imágenes parecidas. No es lineal: el tamaño de los grupos y las distancias
  *entre* grupos significan poco, y la *perplejidad* (perplexity; a grandes rasgos, cuántos
  vecinos tiene en cuenta cada punto) cambia el dibujo. Lo explican Wattenberg, Viégas y
  Johnson (2016) en [How to Use t-SNE Effectively](https://distill.pub/2016/misread-tsne/).
  Usamos openTSNE (Poličar, Stražar y Zupan, 2024): primero se reducen los vectores a 50
  dimensiones con PCA y después se optimiza el mapa con interpolación acelerada por FFT en los
  mapas 2-D grandes y con Barnes-Hut en los demás.

Dos números dicen lo fiel que es un mapa: la **fiabilidad** (trustworthiness, con k = 10; 1,0
significa que los vecinos más cercanos de cada punto en el mapa también lo son en el espacio
original) y la **exactitud k-NN** (k = 5), que clasifica cada punto por la clase de sus
vecinos *en el mapa*. Compara las características aprendidas con los píxeles en bruto para ver
qué ha cambiado el entrenamiento.
""",
    "error": "No se puede calcular: {error}",
    "fit_images": "Las imágenes de {split} de {dataset}",
    "cost": "Características de {n} imágenes con {model}: unos {seconds} s ({ms} ms por "
    "imagen, medido aquí). Pulsa Calcular para empezar; se puede detener.",
    "features_progress": "Características",
    "stopped": "Detenido: las imágenes ya hechas se conservan; pulsa Calcular para seguir desde "
    "ahí.",
    "other_classes": "Colores: las clases del conjunto de datos. {model} tiene sus propias "
    "{classes} clases, no las del conjunto de datos, así que no se muestran sus predicciones.",
    "point_label": "#{index} · {label}",
    "layer": "Capa",
    "mode": "Vectores de una capa convolucional",
    "mode_gap": "agrupación promedio global (C valores)",
    "mode_flatten": "aplanado (flatten, C × H × W valores)",
    "split": "Conjunto",
    "split_test": "test",
    "split_train": "entrenamiento",
    "count": "Imágenes",
    "method": "Método",
    "method_pca": "PCA",
    "method_tsne": "t-SNE",
    "dims": "Dimensiones",
    "perplexity": "Perplejidad",
    "iterations": "Iteraciones",
    "seed": "Semilla",
    "raw": "Proyectar también los píxeles en bruto",
    "compute": "Calcular",
    "count_note": "Se usan las primeras {n} de las {total} imágenes de {split} (todas, si el "
    "control deslizante está al máximo).",
    "slow_3d": "El t-SNE en 3-D usa el método Barnes-Hut, más lento: con tantas imágenes puede "
    "tardar un minuto o más. En 2-D es varias veces más rápido.",
    "cap_note": "Aquí t-SNE se limita a {cap} imágenes para que la página siga respondiendo "
    "con agilidad.",
    "progress": "{what}: {done} de {total}",
    "tsne_of_features": "t-SNE de las características",
    "tsne_of_pixels": "t-SNE de los píxeles",
    "features_of": "Características: {layer} ({d} valores por imagen)",
    "pixels": "Píxeles en bruto ({d} valores por imagen)",
    "quality": "fiabilidad {trust} · exactitud k-NN en el mapa {knn} · {seconds} s",
    "variance": "varianza explicada {parts} (total {total})",
    "parts_sep": "; ",
    "colour": "Colorear por",
    "colour_label": "clase verdadera",
    "colour_pred": "clase predicha",
    "colour_correct": "acierto / error",
    "group_correct": "acierto",
    "group_incorrect": "error",
    "hover": "#{index} · verdadera: {label} · predicha: {pred}",
    "point": "Imagen seleccionada (haz clic en un punto o escribe su índice)",
    "row": "Índice del punto seleccionado",
    "point_caption": "#{index} · verdadera: {label} · predicha: {pred} ({p})",
    "neighbours": "Sus {k} vecinos más cercanos en el espacio de características",
    "neighbour_caption": "#{index} · {label} · d = {d}",
    "open_occlusion": "Abrir esta imagen en la página Oclusión",
    "open_saliency": "Abrir esta imagen en la página Saliencia",
    "download": "Descargar las coordenadas (CSV)",
    "press_compute": "Elige los ajustes y pulsa Calcular.",
}

SAME_IN_ES = frozenset({"method_pca", "method_tsne", "split_test", "point_label"})
