"""Occlusion page text (English and Spanish).

Numbers arrive already formatted in the language (``dashboard.i18n``): the placeholders here
take strings, not format specs.
"""

EN = {
    "title": "Occlusion",
    "intro": "Cover part of the image, slide the patch across it, and watch the network's "
    "answer change: where does the evidence for its decision lie?",
    "theory_title": "Theory: occlusion experiments",
    "theory": """
Zeiler & Fergus (2014, [Visualizing and Understanding Convolutional
Networks](https://arxiv.org/abs/1311.2901), Fig. 7) asked a simple question: if part of the
image is hidden, does the network still see the object? The procedure:

1. Cover a square of the image (the **occluder**) with a neutral value — black, the dataset's
   mean colour, a blurred copy of the image, or noise.
2. Run the trained network and record its class probabilities.
3. Slide the occluder by the **stride** and repeat, until it has visited the whole image.

The **probability map** shows, for each occluder position, how likely the target class still
is; where it drops, the covered region mattered. The **predicted-class map** shows which class
wins at each position — covering a digit's stroke can turn a 7 into a 1. The cost is one
forward pass per position, so small strides on large images get expensive. The method needs no
gradients and treats the model as a black box; its results depend on the occluder's size and
value. The same map is what Captum calls `Occlusion` attribution (we check ours against it).

It also catches a network that looks at the wrong thing. If most wolves in the training photos
stand in snow, a dog in the snow may be called a wolf; occlusion shows it: covering the snow
changes the answer more than covering the animal.
""",
    "estimate": "Estimated time: about {seconds} s.",
    "overlay_title": "Drop in P({target}) over the image (per pixel, averaged over the windows "
    "covering it — Captum's form)",
    "error": "This cannot be computed: {error}",
    "dataset_unavailable": "Sample images and uploads only: the dataset's test images are not "
    "available. {error}",
    "fit_image": "The image is {source}; {model} takes {target}: it is {steps}.",
    "window": "Occluder size (px)",
    "stride": "Stride (px)",
    "baseline": "Occluder value",
    "base_zero": "black",
    "base_mean": "dataset mean",
    "base_blur": "blurred image",
    "base_noise": "noise",
    "target": "Target class",
    "target_pred": "predicted",
    "target_true": "true",
    "target_chosen": "choose",
    "chosen": "Class",
    "cost": "{rows} × {cols} = {positions} occluder positions: **{passes}** forward passes "
    "(one per position, plus the unoccluded image).",
    "run": "Run the occlusion experiment",
    "auto_note": "Small experiments run as soon as a setting changes; larger ones wait for the "
                 "button.",
    "progress": "{done}/{total} positions",
    "summary": "Unoccluded: **{cls}** with probability {p} (target **{target}**). "
    "{passes} forward passes in {seconds} s.",
    "prob_title": "P({target}) with the occluder at each position",
    "drop_title": "Drop in P({target}) (red: the region mattered)",
    "class_title": "Most probable class with the occluder at each position",
    "walk_header": "Walk through the procedure",
    "position": "Occluder position",
    "walk_image": "Occluded input at position ({r}, {c})",
    "walk_click": "Click the image to put the occluder there, or slide it along.",
    "walk_hover": "put the occluder here",
    "walk_scores": "Class probabilities at this position",
    "precision": "Arithmetic",
    "precision_auto": "fast",
    "precision_fp32": "exact (fp32)",
    "precision_help": "Fast uses bfloat16 where this CPU computes it natively (maps within about "
    "{tolerance} of the exact ones); exact uses 32-bit floats throughout.",
    "how": "Computed in {precision}; {incremental}",
    "how_fp32": "32-bit floats (exact)",
    "how_bf16": "bfloat16 (fast; within about {tolerance} of exact)",
    "how_incremental_True": "each position recomputed only the part of each layer the occluder "
    "changes (the rest is reused from the unoccluded pass).",
    "how_incremental_False": "each position ran through the whole network.",
    "how_batch": "Batches of {batch} positions in {layout}: the fastest of {tried} on this "
    "machine, timed while computing the map's first {measured} positions ({seconds} s).",
    "how_batch_cached": "Batches of {batch} positions in {layout}: the fastest of {tried} on "
    "this machine (measured once, reused).",
    "download_png": "Probability map (PNG)",
    "download_npy": "Probability map (.npy)",
    "download_csv": "Maps (CSV)",
}

ES = {
    "title": "Oclusión",
    "intro": "Tapa una parte de la imagen, desliza el parche por toda ella y observa cómo "
    "cambia la respuesta de la red: ¿dónde están las pruebas en las que basa su decisión?",
    "theory_title": "Teoría: experimentos de oclusión",
    "theory": """
Zeiler y Fergus (2014, [Visualizing and Understanding Convolutional
Networks](https://arxiv.org/abs/1311.2901), fig. 7) se hicieron una pregunta sencilla: si
ocultamos una parte de la imagen, ¿sigue viendo la red el objeto? El procedimiento es este:

1. Tapa un cuadrado de la imagen (el **oclusor**, una máscara) con un valor neutro: negro, el
   color medio del conjunto de datos, una copia borrosa de la imagen o ruido.
2. Pasa la imagen tapada por la red ya entrenada y anota las probabilidades de cada clase
   (las *class scores* tras la softmax).
3. Desplaza el oclusor según el **paso** (stride) y repite hasta recorrer toda la imagen.

El **mapa de probabilidad**, un mapa de calor, muestra para cada posición del oclusor cuánta
probabilidad conserva la clase objetivo: donde cae, la región tapada era importante. El **mapa
de la clase predicha** muestra qué clase gana en cada posición; tapar un trazo de un dígito
puede convertir un 7 en un 1. Cuesta una pasada hacia delante (forward pass) por posición, así
que un paso pequeño sobre una imagen grande sale caro. El método no necesita gradientes y
trata el modelo como una caja negra, pero sus resultados dependen del tamaño y del valor del
oclusor. Es el mismo mapa que Captum llama atribución `Occlusion` (comprobamos que el nuestro
coincide con el suyo).

También sirve para descubrir una red que se fija en lo que no debe. Si en las fotos de
entrenamiento casi todos los lobos aparecen en la nieve, la red puede llamar lobo a un perro
en la nieve; la oclusión lo delata: tapar la nieve cambia la respuesta más que tapar al animal.
""",
    "estimate": "Tiempo estimado: unos {seconds} s.",
    "overlay_title": "Caída de P({target}) sobre la imagen (por píxel, promediada sobre las "
    "ventanas que lo cubren, como la calcula Captum)",
    "error": "No se puede calcular: {error}",
    "dataset_unavailable": "Solo imágenes de ejemplo y subidas: las imágenes de test del "
    "conjunto de datos no están disponibles. {error}",
    "fit_image": "La imagen es de {source}; {model} recibe {target}: la imagen {steps}.",
    "window": "Tamaño del oclusor (px)",
    "stride": "Paso (px)",
    "baseline": "Valor del oclusor",
    "base_zero": "negro",
    "base_mean": "media del conjunto de datos",
    "base_blur": "imagen desenfocada",
    "base_noise": "ruido",
    "target": "Clase objetivo",
    "target_pred": "predicha",
    "target_true": "verdadera",
    "target_chosen": "elegir",
    "chosen": "Clase",
    "cost": "{rows} × {cols} = {positions} posiciones del oclusor: **{passes}** pasadas hacia "
    "delante (una por posición, más la de la imagen sin tapar).",
    "run": "Ejecutar el experimento de oclusión",
    "auto_note": "Los experimentos pequeños se ejecutan en cuanto cambias un ajuste; los "
                 "grandes esperan a que pulses el botón.",
    "progress": "{done} de {total} posiciones",
    "summary": "Sin tapar: **{cls}** con probabilidad {p} (objetivo: **{target}**). "
    "{passes} pasadas hacia delante en {seconds} s.",
    "prob_title": "P({target}) con el oclusor en cada posición",
    "drop_title": "Caída de P({target}) (rojo: la región era importante)",
    "class_title": "Clase más probable con el oclusor en cada posición",
    "walk_header": "El procedimiento paso a paso",
    "position": "Posición del oclusor",
    "walk_image": "Entrada tapada en la posición ({r}, {c})",
    "walk_click": "Haz clic en la imagen para poner ahí el oclusor, o desplázalo con el control.",
    "walk_hover": "poner aquí el oclusor",
    "walk_scores": "Probabilidades de cada clase en esta posición",
    "precision": "Aritmética",
    "precision_auto": "rápida",
    "precision_fp32": "exacta (fp32)",
    "precision_help": "La rápida usa bfloat16 donde esta CPU lo calcula de forma nativa (sus "
    "mapas se apartan de los exactos en torno a {tolerance} como máximo); la exacta usa "
    "números de coma flotante de 32 bits en todo el cálculo.",
    "how": "Calculado con {precision}; {incremental}",
    "how_fp32": "coma flotante de 32 bits (exacto)",
    "how_bf16": "bfloat16 (rápido; se aparta del exacto en torno a {tolerance} como máximo)",
    "how_incremental_True": "en cada posición se recalculó solo la parte de cada capa que "
    "cambia el oclusor (el resto se reutiliza de la pasada sin tapar).",
    "how_incremental_False": "en cada posición la imagen recorrió la red entera.",
    "how_batch": "Lotes de {batch} posiciones en {layout}: lo más rápido de {tried} en esta "
    "máquina, cronometrado al calcular las primeras {measured} posiciones del mapa "
    "({seconds} s).",
    "how_batch_cached": "Lotes de {batch} posiciones en {layout}: lo más rápido de {tried} en "
    "esta máquina (medido una vez y reutilizado).",
    "download_png": "Mapa de probabilidad (PNG)",
    "download_npy": "Mapa de probabilidad (.npy)",
    "download_csv": "Mapas (CSV)",
}
