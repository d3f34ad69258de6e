"""Trust page text (the faithfulness scoreboard), English and Spanish side by side.

``method_<key>`` names the maps of ``core.interpret.trust.MAP_METHODS``; ``baseline_<key>`` the
deletion/insertion baselines of ``core.interpret.faithfulness.BASELINES``; ``occ_<key>`` the
occluder values of ``core.interpret.occlusion.BASELINES``. Numbers arrive already formatted by
``dashboard.i18n``.
"""

from dashboard.texts import saliency

EN = {
    "title": "Trust",
    "intro": "The saliency and occlusion maps often disagree. Which one shows what the model "
    "really uses? Delete the pixels each map ranks first and watch the prediction: a faithful "
    "map makes it collapse fastest.",
    "theory_title": "Theory: deletion, insertion and what a faithful map is",
    "theory": """
A saliency map claims that some pixels matter more than others for the model's answer.
**Faithfulness** asks whether that claim is true *of this model*: if the pixels a map ranks
first really carry the evidence, changing them must change the answer the most.

* **Deletion** — Petsiuk, Das & Saenko (2018, [RISE](https://arxiv.org/abs/1806.07421),
  section 4.1): order the pixels by the map, highest first, replace them step by step (a
  fraction of the pixels per step) with a **baseline**, and follow the probability of the
  predicted class. A faithful map makes it fall fast: a **low** area under the curve.
* **Insertion** — the reverse: start from the baseline and put the pixels back, the most
  important first. A faithful map makes the probability rise fast: a **high** area.

The **area** (AUC) is the trapezoid rule over the fraction of the pixels changed, from 0 to 1:
the mean probability along the curve. The table gives each method's mean area over the images
with a **95 % confidence interval** (Student's t with n − 1 degrees of freedom over the
per-image areas): two methods whose intervals overlap widely are not told apart by these
images. It is sorted by insertion − deletion, one number that rewards both.

**Baselines.** What "removed" means is a choice: black pixels, the dataset's mean colour, a
blurred copy of the image, or **ROAD**'s noisy linear imputation (Rong et al. 2022, [A
Consistent and Efficient Evaluation Strategy for Attribution
Methods](https://arxiv.org/abs/2202.00449)), which fills every removed pixel from its
neighbours plus a little noise, so that the removed region does not stand out as a shape. A
black or grey patch is something the network never saw in training, and its answer may react
to the patch itself rather than to the evidence lost — so the same maps can rank differently
under two baselines. The page shows both.

**Two references** that any honest method must beat: a **random** map (the pixels in random
order — a method that does not beat it orders pixels no better than chance) and a **centre**
prior (a Gaussian bump in the middle — digits and photos put the object in the centre, so a
method must beat "look at the centre" to show that it reads *this* image).

**What faithful does not mean.** A good score says the map points at what the model uses, not
that the model uses the right thing: a model that learned a shortcut (a watermark, the
background) gets a faithful map of the shortcut. Spotting shortcuts is a different test, and
so is the sanity check on the Saliency page (does the map depend on the learned weights at
all?).
""",
    "section": "Section",
    "section_scores": "Which map to believe",
    "section_shortcut": "Shortcut lab",
    "error": "This cannot be computed: {error}",
    "dataset_unavailable": "The active dataset's test images are not available. {error}",
    "no_test_split": "The scoreboard needs labelled test images: choose a dataset whose test "
    "split is available in the sidebar.",
    "no_methods": "Choose at least one method.",
    "count": "Test images",
    "count_help": "The first images of the test split (1 to {total}). Every map and both "
    "curves are computed for each image.",
    "step": "Step (fraction of the pixels)",
    "step_help": "How many pixels each step of a curve changes, as a fraction of all of them "
    "(greater than 0, at most 1): 0.1 makes curves of 11 points.",
    "baseline": "Baseline (what a removed pixel becomes)",
    "baseline_help": "See the theory panel: the baseline can change the ranking.",
    "baseline_zero": "black",
    "baseline_mean": "dataset mean",
    "baseline_blur": "blur",
    "baseline_road": "ROAD noisy linear imputation",
    "methods": "Methods",
    "no_conv": "This model has no convolution: Grad-CAM and Guided Grad-CAM are not offered.",
    "map_settings": "Map settings",
    "sg_samples": "SmoothGrad: noisy copies",
    "ig_steps": "Integrated Gradients: path steps (baseline black)",
    "occ_window": "Occlusion: window (px)",
    "occ_stride": "Occlusion: stride (px)",
    "occ_baseline": "Occlusion: occluder value",
    "occ_zero": "black",
    "occ_mean": "dataset mean",
    "occ_blur": "blurred image",
    "occ_noise": "noise",
    "map_settings_note": "Grad-CAM uses the last convolution layer; every map explains the "
    "class the model predicts for the unchanged image.",
    "method_occlusion": "Occlusion",
    "method_random": "Random",
    "method_centre": "Centre",
    "reference": "{title} (reference)",
    "cost": "On the first **{count}** of {total} {dataset} test images, target = the "
    "predicted class: **{maps}** passes for the maps ({detail} per image) and **{curves}** "
    "forward passes for the curves ({points} points per curve, 2 curves × {methods} maps per "
    "image; the first and last points are shared), plus {count} to predict the targets.",
    "cost_own": "On your image, target = the predicted class: **{maps}** passes for the maps "
    "({detail}) and **{curves}** forward passes for the curves ({points} points per curve, 2 "
    "curves × {methods} maps; the first and last points are shared), plus {count} to predict "
    "the target.",
    "images_from": "Images",
    "images_test": "The first test images",
    "images_own": "One image of yours",
    "fit_images": "The {dataset} test images",
    "run": "Compute the scoreboard",
    "run_note": "It waits for the button: every method runs on every image.",
    "run_note_large": "A large model: each pass takes tens of milliseconds on a CPU, so start "
    "with a few images.",
    "progress_start": "Starting…",
    "progress_maps": "Maps: {done} of {total}",
    "progress_curves": "Curves ({baseline}): {done} of {total} passes",
    "summary": "**{count}** of {total} test images, target = the predicted class, baseline "
    "**{baseline}**, steps of {step} of the pixels: {seconds} s, {passes} passes.",
    "col_rank": "rank",
    "col_method": "method",
    "col_deletion": "deletion AUC ↓",
    "col_deletion_ci": "deletion ± 95%",
    "col_insertion": "insertion AUC ↑",
    "col_insertion_ci": "insertion ± 95%",
    "col_difference": "insertion − deletion",
    "table_caption": "Lower deletion and higher insertion = more faithful. A method that does "
    "not beat Random and Centre is not showing what the model uses.",
    "curves_deletion": "Deletion (most important pixels removed first)",
    "curves_insertion": "Insertion (most important pixels put back first)",
    "curves_deletion_short": "Deletion",
    "curves_insertion_short": "Insertion",
    "curves_x": "fraction of the pixels changed",
    "curves_y_mean": "mean probability of the target",
    "curves_y": "probability of the target",
    "image_header": "One image",
    "image_pick": "Image",
    "image_option": "#{index} · true {true} · predicted {pred} ({p})",
    "image_option_no_true": "#{index} · predicted {pred} ({p})",
    "image_maps_caption": "Each map scaled from its lowest (black) to its highest value "
    "(white): the brightest pixels are removed first.",
    "image_best": "On this image, {method} does best: deletion {deletion}, insertion "
    "{insertion}.",
    "perturb_method": "Deleted copies by the map of",
    "perturb_original": "unchanged",
    "perturb_caption": "{percent} deleted",
    "perturb_note": "The pixels this map ranks first, replaced by the baseline ({baseline}).",
    "compare_header": "Does the baseline change the ranking?",
    "compare_why": "A black or mean-colour patch is a shape the model never saw in training, so "
    "deletion may measure its reaction to the patch rather than the loss of evidence. Blur "
    "keeps the low frequencies and ROAD imputes from the neighbours, so the same maps can rank "
    "differently.",
    "compare_baseline": "Second baseline",
    "compare_cost": "The same maps, new curves: {passes} forward passes (the curves under "
    "{baseline} took {seconds} s).",
    "compare_road": "ROAD also solves an imputation for every perturbed copy: expect it to take "
    "several times longer.",
    "compare_run": "Compute the curves under {baseline}",
    "compare_table": "**The same maps under {baseline}**",
    "ranks_header": "**The two rankings**",
    "rank_under": "rank under {baseline}",
    "rank_shift": "change",
    "rank_changes": "{moved} of {methods} methods change rank with the baseline (the second "
    "curves took {seconds} s).",
    "rank_same": "The ranking is the same under both baselines (the second curves took "
    "{seconds} s).",
    "csv": "Download the per-image scores (CSV)",
    "csv_help": "{rows} rows: one per image, method and baseline computed. Columns: image "
    "(index in the test split), true_label, predicted, probability, method, baseline, "
    "deletion_auc, insertion_auc.",
    "sanity_link": "Saliency: the sanity check",
    "sanity_note": "The sanity check asks whether a map changes when the model's weights are "
    "randomised (does it depend on what was learned at all?); this page asks whether the "
    "pixels a map ranks first are the ones the model's answer depends on.",
}

ES = {
    "title": "Confianza",
    "intro": "Los mapas de saliencia y de oclusión a menudo no coinciden. ¿Cuál muestra lo que "
    "el modelo usa de verdad? Borra los píxeles que cada mapa pone primero y observa la "
    "predicción: un mapa fiel la hace caer antes que ningún otro.",
    "theory_title": "Teoría: borrado, inserción y qué es un mapa fiel",
    "theory": """
Un mapa de saliencia afirma que unos píxeles importan más que otros para la respuesta del
modelo. La **fidelidad** pregunta si esa afirmación es cierta *para este modelo*: si los
píxeles que un mapa pone primero contienen de verdad la evidencia, cambiarlos debe cambiar la
respuesta más que nada.

* **Borrado** (*deletion*) — Petsiuk, Das y Saenko (2018,
  [RISE](https://arxiv.org/abs/1806.07421), sección 4.1): ordena los píxeles según el mapa, de
  mayor a menor, sustitúyelos paso a paso (una fracción de los píxeles en cada paso) por una
  **referencia** y sigue la probabilidad de la clase predicha. Un mapa fiel la hace caer
  deprisa: un área bajo la curva **baja**.
* **Inserción** (*insertion*) — al revés: parte de la referencia y devuelve los píxeles, los
  más importantes primero. Un mapa fiel hace subir la probabilidad deprisa: un área **alta**.

El **área** (AUC) es la regla del trapecio sobre la fracción de píxeles cambiados, de 0 a 1: la
probabilidad media a lo largo de la curva. La tabla da el área media de cada método sobre las
imágenes con un **intervalo de confianza del 95 %** (t de Student con n − 1 grados de libertad
sobre las áreas de cada imagen): dos métodos cuyos intervalos se solapan mucho no se distinguen
con estas imágenes. Está ordenada por inserción − borrado, un número que premia ambas cosas.

**Referencias.** Qué significa «quitar» un píxel es una elección: píxeles negros, el color
medio del conjunto de datos, una copia desenfocada de la imagen o la imputación lineal con
ruido de **ROAD** (Rong et al. 2022, [A Consistent and Efficient Evaluation Strategy for
Attribution Methods](https://arxiv.org/abs/2202.00449)), que rellena cada píxel quitado a
partir de sus vecinos más un poco de ruido, para que la zona quitada no destaque como una
forma. Un parche negro o gris es algo que la red nunca vio al entrenar, y su respuesta puede
reaccionar al propio parche más que a la evidencia perdida; por eso los mismos mapas pueden
ordenarse de otra manera con dos referencias. La página muestra las dos.

**Dos mapas de control** que todo método honesto debe superar: un mapa **aleatorio** (los
píxeles en orden aleatorio: un método que no lo supera no ordena los píxeles mejor que el azar)
y un **centro** (una campana gaussiana en el medio: los dígitos y las fotos ponen el objeto en
el centro, así que un método debe superar a «mira el centro» para demostrar que lee *esta*
imagen).

**Lo que «fiel» no significa.** Una buena puntuación dice que el mapa señala lo que el modelo
usa, no que el modelo use lo correcto: un modelo que aprendió un atajo (una marca de agua, el
fondo) obtiene un mapa fiel del atajo. Detectar atajos es otra prueba, como lo es la prueba de
cordura de la página de Saliencia (¿depende el mapa de los pesos aprendidos?).
""",
    "section": "Sección",
    "section_scores": "Qué mapa creer",
    "section_shortcut": "Laboratorio de atajos",
    "error": "No se puede calcular: {error}",
    "dataset_unavailable": "Las imágenes de test del conjunto de datos activo no están "
    "disponibles. {error}",
    "no_test_split": "El marcador necesita imágenes de test etiquetadas: elige en la barra "
    "lateral un conjunto de datos cuyo conjunto de test esté disponible.",
    "no_methods": "Elige al menos un método.",
    "count": "Imágenes de test",
    "count_help": "Las primeras imágenes del conjunto de test (de 1 a {total}). Cada mapa y "
    "las dos curvas se calculan para cada imagen.",
    "step": "Paso (fracción de los píxeles)",
    "step_help": "Cuántos píxeles cambia cada paso de una curva, como fracción del total (mayor "
    "que 0 y como mucho 1): 0,1 da curvas de 11 puntos.",
    "baseline": "Referencia (en qué se convierte un píxel quitado)",
    "baseline_help": "Consulta el panel de teoría: la referencia puede cambiar la clasificación.",
    "baseline_zero": "negro",
    "baseline_mean": "media del conjunto de datos",
    "baseline_blur": "desenfoque",
    "baseline_road": "imputación lineal con ruido de ROAD",
    "methods": "Métodos",
    "no_conv": "Este modelo no tiene convoluciones: no se ofrecen Grad-CAM ni Grad-CAM guiado.",
    "map_settings": "Ajustes de los mapas",
    "sg_samples": "SmoothGrad: copias con ruido",
    "ig_steps": "Gradientes integrados: pasos del camino (referencia negra)",
    "occ_window": "Oclusión: ventana (px)",
    "occ_stride": "Oclusión: paso (px)",
    "occ_baseline": "Oclusión: valor del oclusor",
    "occ_zero": "negro",
    "occ_mean": "media del conjunto de datos",
    "occ_blur": "imagen desenfocada",
    "occ_noise": "ruido",
    "map_settings_note": "Grad-CAM usa la última capa convolucional; cada mapa explica la clase "
    "que el modelo predice para la imagen sin cambios.",
    "method_occlusion": "Oclusión",
    "method_random": "Aleatorio",
    "method_centre": "Centro",
    "reference": "{title} (control)",
    "cost": "Con las **{count}** primeras de las {total} imágenes de test de {dataset}, "
    "objetivo = la clase predicha: **{maps}** pasadas para los mapas ({detail} por imagen) y "
    "**{curves}** pasadas hacia delante para las curvas ({points} puntos por curva, 2 curvas × "
    "{methods} mapas por imagen; el primer y el último punto se comparten), más {count} para "
    "predecir los objetivos.",
    "cost_own": "Con tu imagen, objetivo = la clase predicha: **{maps}** pasadas para los mapas "
    "({detail}) y **{curves}** pasadas hacia delante para las curvas ({points} puntos por "
    "curva, 2 curvas × {methods} mapas; el primer y el último punto se comparten), más {count} "
    "para predecir el objetivo.",
    "images_from": "Imágenes",
    "images_test": "Las primeras imágenes de test",
    "images_own": "Una imagen tuya",
    "fit_images": "Las imágenes de test de {dataset}",
    "run": "Calcular el marcador",
    "run_note": "Espera al botón: cada método se ejecuta sobre cada imagen.",
    "run_note_large": "Un modelo grande: cada pasada tarda decenas de milisegundos en una CPU, "
    "así que empieza con pocas imágenes.",
    "progress_start": "Empezando…",
    "progress_maps": "Mapas: {done} de {total}",
    "progress_curves": "Curvas ({baseline}): {done} de {total} pasadas",
    "summary": "**{count}** de {total} imágenes de test, objetivo = la clase predicha, "
    "referencia **{baseline}**, pasos de {step} de los píxeles: {seconds} s, {passes} pasadas.",
    "col_rank": "puesto",
    "col_method": "método",
    "col_deletion": "AUC de borrado ↓",
    "col_deletion_ci": "borrado ± 95 %",
    "col_insertion": "AUC de inserción ↑",
    "col_insertion_ci": "inserción ± 95 %",
    "col_difference": "inserción − borrado",
    "table_caption": "Menos borrado y más inserción = más fiel. Un método que no supera a "
    "Aleatorio y Centro no muestra lo que el modelo usa.",
    "curves_deletion": "Borrado (primero se quitan los píxeles más importantes)",
    "curves_insertion": "Inserción (primero se devuelven los píxeles más importantes)",
    "curves_deletion_short": "Borrado",
    "curves_insertion_short": "Inserción",
    "curves_x": "fracción de píxeles cambiados",
    "curves_y_mean": "probabilidad media del objetivo",
    "curves_y": "probabilidad del objetivo",
    "image_header": "Una imagen",
    "image_pick": "Imagen",
    "image_option": "n.º {index} · real {true} · predicha {pred} ({p})",
    "image_option_no_true": "n.º {index} · predicha {pred} ({p})",
    "image_maps_caption": "Cada mapa escalado de su valor más bajo (negro) al más alto "
    "(blanco): los píxeles más claros se quitan primero.",
    "image_best": "En esta imagen, {method} es el mejor: borrado {deletion}, inserción "
    "{insertion}.",
    "perturb_method": "Copias borradas según el mapa de",
    "perturb_original": "sin cambios",
    "perturb_caption": "{percent} borrado",
    "perturb_note": "Los píxeles que este mapa pone primero, sustituidos por la referencia "
    "({baseline}).",
    "compare_header": "¿Cambia la clasificación con la referencia?",
    "compare_why": "Un parche negro o del color medio es una forma que el modelo nunca vio al "
    "entrenar, así que el borrado puede medir su reacción al parche más que la pérdida de "
    "evidencia. El desenfoque conserva las frecuencias bajas y ROAD imputa a partir de los "
    "vecinos, así que los mismos mapas pueden quedar en otro orden.",
    "compare_baseline": "Segunda referencia",
    "compare_cost": "Los mismos mapas, curvas nuevas: {passes} pasadas hacia delante (las "
    "curvas con {baseline} tardaron {seconds} s).",
    "compare_road": "ROAD además resuelve una imputación para cada copia perturbada: cuenta con "
    "que tarde varias veces más.",
    "compare_run": "Calcular las curvas con {baseline}",
    "compare_table": "**Los mismos mapas con {baseline}**",
    "ranks_header": "**Las dos clasificaciones**",
    "rank_under": "puesto con {baseline}",
    "rank_shift": "cambio",
    "rank_changes": "{moved} de {methods} métodos cambian de puesto con la referencia (las "
    "segundas curvas tardaron {seconds} s).",
    "rank_same": "La clasificación es la misma con las dos referencias (las segundas curvas "
    "tardaron {seconds} s).",
    "csv": "Descargar las puntuaciones por imagen (CSV)",
    "csv_help": "{rows} filas: una por imagen, método y referencia calculados. Columnas "
    "(nombres en inglés, como formato de archivo): image (índice en el conjunto de test), "
    "true_label (clase real), predicted (predicha), probability (su probabilidad), method, "
    "baseline (referencia), deletion_auc, insertion_auc.",
    "sanity_link": "Saliencia: la prueba de cordura",
    "sanity_note": "La prueba de cordura pregunta si un mapa cambia cuando se aleatorizan los "
    "pesos del modelo (¿depende de lo aprendido?); esta página pregunta si los píxeles que un "
    "mapa pone primero son aquellos de los que depende la respuesta del modelo.",
}

# the saliency methods' titles are the Saliency page's (one translation for both pages)
_SALIENCY = ("vanilla", "guided", "smoothgrad", "ig", "gradcam", "guided_gradcam")
EN |= {f"method_{k}": saliency.EN[f"method_{k}"] for k in _SALIENCY}
ES |= {f"method_{k}": saliency.ES[f"method_{k}"] for k in _SALIENCY}

SAME_IN_ES = frozenset({"method_smoothgrad", "method_gradcam"})
