"""Trust page, part 2: the shortcut lab (a planted cue, two models, which maps see it), English
and Spanish side by side.

``cue_<kind>`` names the cues of ``core.data.cues.CUES``; ``corner_<key>`` and ``colour_<key>``
its corners and colours; ``which_<key>`` the cued test images of ``cues.WHICH``;
``explain_<key>`` the class explained (``core.interpret.shortcut.EXPLAIN``); ``model_<key>``
and ``row_<key>`` the two models of ``core.train.shortcut.MODELS``. Numbers arrive already
formatted by ``dashboard.i18n``.
"""

EN = {
    "header": "The shortcut lab: a dog in the snow",
    "intro": "Plant a cue on one class's training images, train one model with it and one "
    "without, and see whether the first learned the cue instead of the object — and which "
    "explanations would have told you.",
    "theory_title": "Theory: shortcuts, and how explanations can catch them",
    "theory": """
**The story.** Ribeiro, Singh & Guestrin (2016, ["Why should I trust
you?"](https://arxiv.org/abs/1602.04938)) trained a classifier to tell huskies from wolves on
photos where the wolves, and only they, stood in snow. It looked accurate — and it called a
husky in the snow a wolf: it had learned *snow*, not *wolf*. Their explanations showed the
evidence lying on the background, not on the animal.

**What a shortcut is.** Geirhos et al. (2020, ["Shortcut learning in deep neural
networks"](https://arxiv.org/abs/2004.07780)): a decision rule that works on the training
distribution (and on test data drawn the same way) but not on the one we care about. A
network takes the easiest feature that separates the training labels; when a cue —
a watermark, a background, a hospital's scanner tag — goes with a class, the cue is often the
easiest.

**The experiment here.** A cue (a bright square in a corner, a coloured frame, or "snow":
seeded speckles on the background) is stamped on a share of the target class's training
images (the wolves) and, if you like, on a share of the others. Two models with the same
architecture, seed and settings train, one on the cued data, one on the clean data; the cue
is the only difference. Then:

* **Catch it** — the clean test accuracy of both; a **cue-swapped** test set (the cue added to
  test images of the other classes: the dogs in the snow) and the share of it each model calls
  the target class; and the reverse, the target class *without* its cue (the wolves on grass).
* **Which explanations see it** — on cued test images, every attribution map of both models,
  scored against the cue's known mask: the **relevance mass** (Arras, Osman & Samek 2022,
  [CLEVR-XAI](https://doi.org/10.1016/j.inffus.2021.11.008)), the share of the map's positive
  attribution inside the mask, and the **pointing game** (Zhang et al. 2018, [Top-down neural
  attention by excitation backprop](https://arxiv.org/abs/1608.00507)): is the map's maximum
  inside the mask? A method that sees the shortcut gives the cued model clearly more mass on the
  cue than the clean one; the random map gets the mask's share of the image, whatever the model.

A cue that covers the whole background, like snow, may survive a local test: occlusion removes
one window at a time, and the rest of the snow may still be enough for the answer, so its map
can stay flat on the cue although the model relies on it.

**How to guard against shortcuts.** Test on held-out data collected *without* the cue (or
with it on every class), not only on a split of the same collection; run swap tests like the
one here (put the suspected cue on other classes and count the flips, remove it from the
class and count the misses); and look at attribution maps of many images, with a measure
like relevance mass when you know where the cue would be — a map on the background, a
border or a corner is a warning. Explanations are a check, not a proof: some methods miss a
cue the model uses.
""",
    "error": "This cannot be run: {error}",
    "data_error": "The active dataset cannot be used: {error}",
    "training_on": "Training on {title}: {n_train} train / {n_test} test images ({shape}).",
    "no_test_images": "The test split has no images of {target}, or only those: catching a "
    "shortcut needs test images of the target class and of the others.",
    "plant_header": "1. Plant a shortcut",
    "target": "Target class (the “wolf”)",
    "target_help": "The class whose training images get the cue.",
    "cue": "Cue",
    "cue_snow": "Snow (speckles on the background)",
    "cue_square": "Bright square in a corner",
    "cue_frame": "Coloured frame",
    "cue_short_snow": "snow",
    "cue_short_square": "square",
    "cue_short_frame": "frame",
    "corner": "Corner",
    "corner_top_left": "Top left",
    "corner_top_right": "Top right",
    "corner_bottom_left": "Bottom left",
    "corner_bottom_right": "Bottom right",
    "size": "Square side (px)",
    "width": "Frame width (px)",
    "size_help": "At most half the image side ({side} px images).",
    "colour": "Colour",
    "colour_white": "White",
    "colour_yellow": "Yellow",
    "colour_red": "Red",
    "colour_green": "Green",
    "colour_blue": "Blue",
    "density": "Snow density",
    "density_help": "The share of the background pixels that become snowflakes.",
    "share_target": "Target-class training images with the cue (%)",
    "share_other": "Other classes' training images with the cue (%)",
    "training": "Training",
    "arch": "Architecture",
    "epochs": "Epochs",
    "lr": "Learning rate (Adam)",
    "batch_size": "Batch size",
    "seed": "Seed",
    "seed_help": "One seed for everything: the initial weights (the same for both models), the "
    "shuffling, which images get the cue and the snow's speckles.",
    "explanations": "Explanations",
    "images": "Cued test images to explain",
    "images_help": "At most {total}: the test images of this kind.",
    "which": "Which images",
    "which_swapped": "Other classes with the cue (the dogs in the snow)",
    "which_target": "The target class with the cue (the wolves in the snow)",
    "explain": "Explain",
    "explain_prediction": "Each model's prediction",
    "explain_target": "The target class",
    "methods": "Methods",
    "no_methods": "Choose at least one method to explain the models with.",
    "examples_clean": "{target}: clean",
    "examples_cued": "{target}: with the cue",
    "examples_others": "Other classes, clean",
    "examples_others_cued": "Other classes, with the cue",
    "examples_caption": "In training, {cued_target} of {n_target} images of {target} carry "
    "the cue, and {cued_other} of {n_other} images of the other classes.",
    "cost": "**Cost:** {steps} training steps ({epochs} epochs × {per_epoch} steps, for each "
    "of the two models), then {passes} passes for the maps of {images} images (both models: "
    "{detail}).",
    "run": "Run the experiment",
    "run_note": "Both models are saved to the model library when training ends (or is "
    "stopped).",
    "progress_start": "Starting…",
    "progress_train": "Training both models: epoch {epoch}/{epochs}",
    "progress_maps": "Explaining: {done} of {total} images, both models",
    "diverged": "The run stopped: {message}",
    "name": "Shortcut ({cue} on {target}): {model}",
    "model_cued": "cued",
    "model_clean": "clean",
    "row_cued": "Cued model (trained with the cue)",
    "row_clean": "Clean model (trained without it)",
    "result_of": "Last run: {cue} on {target} ({share_target} of its training images, "
    "{share_other} of the others'), {dataset}, {arch}, {epochs} epochs, seed {seed}, in "
    "{seconds} s.",
    "stopped_training": "Stopped during training after {done} of {total} steps: both models "
    "are saved as they were (their cards say so), and no maps were computed.",
    "stopped_maps": "Stopped while explaining: the scores below are over the {done} of "
    "{total} images finished.",
    "saved": "Both models are in the model library (Train page) as “{cued}” and “{clean}”: "
    "open either here or in the sidebar, on every page.",
    "open_cued": "Open the cued model",
    "open_clean": "Open the clean model",
    "catch_header": "2. Catch the shortcut",
    "col_model": "Model",
    "col_accuracy": "Clean test accuracy",
    "col_swapped": "Others + cue → target",
    "col_reverse": "Target − cue → target",
    "col_cued": "Target + cue → target",
    "catch_caption": "**Others + cue → target**: of the other classes' test images with the cue "
    "added, the share the model calls {target} (the dogs in the snow called wolves). **Target − "
    "cue → target**: of the {target} test images as they are, the share it still calls {target} "
    "(the wolves without snow: its recall). **Target + cue → target**: the same with the cue.",
    "short_cued": "Cued model",
    "short_clean": "Clean model",
    "catch_reads": "The cued model calls {cued} of the other classes' test images with the cue "
    "“{target}”; the clean model {clean}. Without the cue, the cued model still recognises "
    "{reverse_cued} of the {target} test images; the clean model {reverse_clean}.",
    "confusion_caption": "The cue-swapped test set (every test image of the other classes, with "
    "the cue): rows are the true class, columns the prediction; a column filling up at "
    "{target} is the shortcut at work.",
    "scores_header": "3. Which explanations see it",
    "col_method": "Method",
    "col_mass_cued": "Mass, cued",
    "col_mass_cued_ci": "± 95 %, cued",
    "col_mass_clean": "Mass, clean",
    "col_mass_clean_ci": "± 95 %, clean",
    "col_point_cued": "Pointing, cued",
    "col_point_clean": "Pointing, clean",
    "col_sees": "Verdict",
    "sees": "sees the shortcut",
    "scores_caption": "Relevance mass: the share of a map's positive attribution inside the "
    "cue's mask, mean over {count} cued test images with its 95 % interval. Pointing game: the "
    "share of images whose map's maximum lies in the mask. The mask covers {share} of the image "
    "on average — what the random map gets. A method “sees the shortcut” when the cued model's "
    "interval lies above the clean model's.",
    "scores_reads": "Methods that see the shortcut here: {methods}.",
    "scores_reads_none": "No method tells the two models apart on these images.",
    "no_maps": "No map was computed: the run was stopped before.",
    "image_header": "One image, every map",
    "image_pick": "Image",
    "image_option": "#{index} · {true} (cued model: {cued}, clean model: {clean})",
    "image_title": "Image",
    "mask_title": "Cue mask",
    "image_caption": "Each map scaled from its minimum (dark) to its maximum (bright); the "
    "mask is what relevance mass and the pointing game count as the cue.",
}

ES = {
    "header": "El laboratorio de atajos: un perro en la nieve",
    "intro": "Pon una señal en las imágenes de entrenamiento de una clase, entrena un modelo "
    "con ella y otro sin ella, y mira si el primero aprendió la señal en lugar del objeto — y "
    "qué explicaciones te lo habrían dicho.",
    "theory_title": "Teoría: los atajos y cómo pueden descubrirlos las explicaciones",
    "theory": """
**La historia.** Ribeiro, Singh y Guestrin (2016, [«Why should I trust
you?»](https://arxiv.org/abs/1602.04938)) entrenaron un clasificador para distinguir huskies de
lobos con fotos en las que los lobos, y solo ellos, estaban sobre la nieve. Parecía preciso — y
llamaba lobo a un husky en la nieve: había aprendido *nieve*, no *lobo*. Sus explicaciones
mostraban la evidencia en el fondo, no en el animal.

**Qué es un atajo.** Geirhos et al. (2020, [«Shortcut learning in deep neural
networks»](https://arxiv.org/abs/2004.07780)): una regla de decisión que funciona en la
distribución de entrenamiento (y en datos de prueba tomados del mismo modo) pero no en la que
nos importa. Una red toma el rasgo más fácil que separa las etiquetas de entrenamiento; cuando
una señal — una marca de agua, un fondo, la etiqueta del escáner de un hospital — acompaña a
una clase, la señal suele ser lo más fácil.

**El experimento.** Una señal (un cuadrado brillante en una esquina, un marco de color o
«nieve»: motas con semilla sobre el fondo) se estampa en una parte de las imágenes de
entrenamiento de la clase objetivo (los lobos) y, si quieres, en una parte de las demás. Dos
modelos con la misma arquitectura, semilla y ajustes se entrenan, uno con los datos con señal y
otro con los limpios; la señal es la única diferencia. Después:

* **Descubrirlo** — la exactitud de ambos en la prueba limpia; un conjunto de prueba **con la
  señal cambiada** (la señal añadida a imágenes de prueba de las otras clases: los perros en la
  nieve) y la parte que cada modelo llama clase objetivo; y al revés, la clase objetivo *sin* su
  señal (los lobos sobre la hierba).
* **Qué explicaciones lo ven** — en imágenes de prueba con la señal, cada mapa de atribución de
  ambos modelos, puntuado frente a la máscara conocida de la señal: la **masa de relevancia**
  (Arras, Osman y Samek 2022, [CLEVR-XAI](https://doi.org/10.1016/j.inffus.2021.11.008)), la
  parte de la atribución positiva del mapa que cae dentro de la máscara, y el **juego de
  señalar** (Zhang et al. 2018, [Top-down neural attention by excitation
  backprop](https://arxiv.org/abs/1608.00507)): ¿cae el máximo del mapa dentro de la máscara? Un
  método que ve el atajo da al modelo con señal claramente más masa sobre la señal que al
  limpio; el mapa aleatorio obtiene la fracción de la imagen que cubre la máscara, sea cual sea
  el modelo.

Una señal que cubre todo el fondo, como la nieve, puede sobrevivir a una prueba local: la
oclusión quita una ventana cada vez, y el resto de la nieve puede bastar para la respuesta, así
que su mapa puede quedar plano sobre la señal aunque el modelo dependa de ella.

**Cómo protegerse de los atajos.** Evalúa con datos reservados recogidos *sin* la señal (o con
ella en todas las clases), no solo con una partición de la misma colección; haz pruebas de
intercambio como esta (pon la señal sospechosa en otras clases y cuenta los cambios, quítasela
a la clase y cuenta los fallos); y mira mapas de atribución de muchas imágenes, con una medida
como la masa de relevancia cuando sabes dónde estaría la señal — un mapa sobre el fondo, un
borde o una esquina es un aviso. Las explicaciones son una comprobación, no una prueba: algunos
métodos no ven una señal que el modelo sí usa.
""",
    "error": "No se puede ejecutar: {error}",
    "data_error": "No se puede usar el conjunto de datos activo: {error}",
    "training_on": "Entrenamiento con {title}: {n_train} imágenes de entrenamiento / {n_test} "
    "de prueba ({shape}).",
    "no_test_images": "La partición de prueba no tiene imágenes de {target}, o solo tiene esas: "
    "descubrir un atajo necesita imágenes de prueba de la clase objetivo y de las demás.",
    "plant_header": "1. Plantar un atajo",
    "target": "Clase objetivo (el «lobo»)",
    "target_help": "La clase cuyas imágenes de entrenamiento reciben la señal.",
    "cue": "Señal",
    "cue_snow": "Nieve (motas sobre el fondo)",
    "cue_square": "Cuadrado brillante en una esquina",
    "cue_frame": "Marco de color",
    "cue_short_snow": "nieve",
    "cue_short_square": "cuadrado",
    "cue_short_frame": "marco",
    "corner": "Esquina",
    "corner_top_left": "Arriba a la izquierda",
    "corner_top_right": "Arriba a la derecha",
    "corner_bottom_left": "Abajo a la izquierda",
    "corner_bottom_right": "Abajo a la derecha",
    "size": "Lado del cuadrado (px)",
    "width": "Grosor del marco (px)",
    "size_help": "Como mucho la mitad del lado de la imagen (imágenes de {side} px).",
    "colour": "Color",
    "colour_white": "Blanco",
    "colour_yellow": "Amarillo",
    "colour_red": "Rojo",
    "colour_green": "Verde",
    "colour_blue": "Azul",
    "density": "Densidad de la nieve",
    "density_help": "La fracción de los píxeles del fondo que se convierten en copos.",
    "share_target": "Imágenes de entrenamiento de la clase objetivo con la señal (%)",
    "share_other": "Imágenes de entrenamiento de las otras clases con la señal (%)",
    "training": "Entrenamiento",
    "arch": "Arquitectura",
    "epochs": "Épocas",
    "lr": "Tasa de aprendizaje (Adam)",
    "batch_size": "Tamaño del lote",
    "seed": "Semilla",
    "seed_help": "Una semilla para todo: los pesos iniciales (los mismos para ambos modelos), "
    "el barajado, qué imágenes reciben la señal y las motas de la nieve.",
    "explanations": "Explicaciones",
    "images": "Imágenes de prueba con señal que explicar",
    "images_help": "Como mucho {total}: las imágenes de prueba de este tipo.",
    "which": "Qué imágenes",
    "which_swapped": "Otras clases con la señal (los perros en la nieve)",
    "which_target": "La clase objetivo con la señal (los lobos en la nieve)",
    "explain": "Explicar",
    "explain_prediction": "La predicción de cada modelo",
    "explain_target": "La clase objetivo",
    "methods": "Métodos",
    "no_methods": "Elige al menos un método con el que explicar los modelos.",
    "examples_clean": "{target}: limpias",
    "examples_cued": "{target}: con la señal",
    "examples_others": "Otras clases, limpias",
    "examples_others_cued": "Otras clases, con la señal",
    "examples_caption": "En el entrenamiento, {cued_target} de {n_target} imágenes de {target} "
    "llevan la señal, y {cued_other} de {n_other} imágenes de las otras clases.",
    "cost": "**Coste:** {steps} pasos de entrenamiento ({epochs} épocas × {per_epoch} pasos, "
    "para cada uno de los dos modelos), y después {passes} pasadas para los mapas de {images} "
    "imágenes (ambos modelos: {detail}).",
    "run": "Ejecutar el experimento",
    "run_note": "Ambos modelos se guardan en la biblioteca de modelos cuando termina el "
    "entrenamiento (o al detenerlo).",
    "progress_start": "Empezando…",
    "progress_train": "Entrenando ambos modelos: época {epoch}/{epochs}",
    "progress_maps": "Explicando: {done} de {total} imágenes, ambos modelos",
    "diverged": "La ejecución se detuvo: {message}",
    "name": "Atajo ({cue} en {target}): {model}",
    "model_cued": "con señal",
    "model_clean": "limpio",
    "row_cued": "Modelo con señal (entrenado con ella)",
    "row_clean": "Modelo limpio (entrenado sin ella)",
    "result_of": "Última ejecución: {cue} en {target} ({share_target} de sus imágenes de "
    "entrenamiento, {share_other} de las de las demás), {dataset}, {arch}, {epochs} épocas, "
    "semilla {seed}, en {seconds} s.",
    "stopped_training": "Detenido durante el entrenamiento tras {done} de {total} pasos: ambos "
    "modelos se guardan tal como estaban (sus fichas lo indican) y no se calculó ningún mapa.",
    "stopped_maps": "Detenido mientras explicaba: las puntuaciones de abajo son de las {done} de "
    "{total} imágenes terminadas.",
    "saved": "Ambos modelos están en la biblioteca de modelos (página Entrenar) como «{cued}» y "
    "«{clean}»: ábrelos aquí o en la barra lateral, en todas las páginas.",
    "open_cued": "Abrir el modelo con señal",
    "open_clean": "Abrir el modelo limpio",
    "catch_header": "2. Descubrir el atajo",
    "col_model": "Modelo",
    "col_accuracy": "Exactitud en la prueba limpia",
    "col_swapped": "Otras + señal → objetivo",
    "col_reverse": "Objetivo − señal → objetivo",
    "col_cued": "Objetivo + señal → objetivo",
    "catch_caption": "**Otras + señal → objetivo**: de las imágenes de prueba de las otras clases "
    "con la señal añadida, la fracción que el modelo llama {target} (los perros en la nieve "
    "llamados lobos). **Objetivo − señal → objetivo**: de las imágenes de prueba de {target} tal "
    "como son, la fracción que aún llama {target} (los lobos sin nieve: su exhaustividad). "
    "**Objetivo + señal → objetivo**: lo mismo con la señal.",
    "short_cued": "Modelo con señal",
    "short_clean": "Modelo limpio",
    "catch_reads": "El modelo con señal llama «{target}» al {cued} de las imágenes de prueba de "
    "las otras clases con la señal; el modelo limpio, al {clean}. Sin la señal, el modelo con "
    "señal aún reconoce el {reverse_cued} de las imágenes de prueba de {target}; el limpio, el "
    "{reverse_clean}.",
    "confusion_caption": "El conjunto de prueba con la señal cambiada (todas las imágenes de "
    "prueba de las otras clases, con la señal): las filas son la clase verdadera, las columnas "
    "la predicción; una columna que se llena en {target} es el atajo en acción.",
    "scores_header": "3. Qué explicaciones lo ven",
    "col_method": "Método",
    "col_mass_cued": "Masa, con señal",
    "col_mass_cued_ci": "± 95 %, con señal",
    "col_mass_clean": "Masa, limpio",
    "col_mass_clean_ci": "± 95 %, limpio",
    "col_point_cued": "Señalar, con señal",
    "col_point_clean": "Señalar, limpio",
    "col_sees": "Veredicto",
    "sees": "ve el atajo",
    "scores_caption": "Masa de relevancia: la parte de la atribución positiva de un mapa dentro "
    "de la máscara de la señal, media sobre {count} imágenes de prueba con señal y su intervalo "
    "del 95 %. Juego de señalar: la fracción de imágenes cuyo máximo del mapa cae en la máscara. "
    "La máscara cubre de media el {share} de la imagen — lo que obtiene el mapa aleatorio. Un "
    "método «ve el atajo» cuando el intervalo del modelo con señal queda por encima del del "
    "limpio.",
    "scores_reads": "Métodos que ven el atajo aquí: {methods}.",
    "scores_reads_none": "Ningún método distingue los dos modelos en estas imágenes.",
    "no_maps": "No se calculó ningún mapa: la ejecución se detuvo antes.",
    "image_header": "Una imagen, todos los mapas",
    "image_pick": "Imagen",
    "image_option": "#{index} · {true} (modelo con señal: {cued}, modelo limpio: {clean})",
    "image_title": "Imagen",
    "mask_title": "Máscara de la señal",
    "image_caption": "Cada mapa escalado de su mínimo (oscuro) a su máximo (claro); la máscara es "
    "lo que la masa de relevancia y el juego de señalar cuentan como la señal.",
}
