"""Saliency page text, English and Spanish side by side.

``method_<key>`` translates the titles of ``core.interpret.saliency.METHODS`` (the English is
core's title); numbers arrive already formatted by ``dashboard.i18n``.
"""

EN = {
    "title": "Saliency",
    "intro": "Which pixels matter for the class score? Gradient maps and their best-known "
    "variants side by side on the same image — and a sanity check of whether each map really "
    "depends on what the network learned.",
    "theory_title": "Theory: gradient saliency maps and their sanity check",
    "theory": """
A CNN's class score S (the **logit**, before softmax) is a function of every input pixel. Its
**gradient** dS/dx says how much S would change if one pixel changed a little: a first-order
answer to "which pixels matter?". All maps here explain the logit of one target class.

* **Vanilla gradient** — Simonyan, Vedaldi & Zisserman (2013,
  [Deep Inside Convolutional Networks](https://arxiv.org/abs/1312.6034)): the absolute
  gradient, with the largest value over the colour channels at each pixel. Cheap (one
  backward pass) but noisy.
* **Guided backpropagation** — Springenberg et al. (2014,
  [Striving for Simplicity](https://arxiv.org/abs/1412.6806)): on the way back, every ReLU
  lets a gradient through only where its forward input was positive *and* the gradient itself
  is positive. The maps look crisp — but see the sanity check below.
* **SmoothGrad** — Smilkov et al. (2017, [SmoothGrad](https://arxiv.org/abs/1706.03825)):
  average the absolute gradient over noisy copies of the image (noise standard deviation =
  noise level × the image's value range; the paper finds 10–20 % works best). Noise in the map
  averages out; the cost is one backward pass per copy.
* **Integrated Gradients** — Sundararajan, Taly & Yan (2017,
  [Axiomatic Attribution for Deep Networks](https://arxiv.org/abs/1703.01365)): average the
  gradient along the straight path from a **baseline** image x′ (black, the dataset mean, a
  blurred copy, noise) to the image, times (x − x′). Its **completeness** axiom says the
  attributions add up to S(x) − S(x′); the page reports how far the finite sum is from it.
  Attributions are signed: red pixels push the score up, blue ones down.
* **Grad-CAM** — Selvaraju et al. (2017, [Grad-CAM](https://arxiv.org/abs/1610.02391)):
  weight each feature map A_k of a conv layer (by default the last one) by its average
  gradient, add them up, keep the positive part and upsample it to the image. Coarse (the
  layer's resolution) but class-specific. **Guided Grad-CAM** multiplies it with guided
  backprop for a sharp, class-specific map.

**Sanity check** — Adebayo et al. (2018, [Sanity Checks for Saliency
Maps](https://arxiv.org/abs/1810.03292)): if a map explains what the model learned, it must
change when the learned weights are destroyed. *Cascading randomisation* re-initialises the
layers from the output down, one at a time, and compares each new map with the original by
the Spearman rank correlation of their absolute values. A method whose maps stay correlated
with random weights — guided backprop, in the paper — mostly shows the image's edges, not the
model's reasoning.

All gradients are taken on a copy of the input; the shared model is never changed (no hooks,
no weight updates), also for torchvision's in-place ReLUs.
""",
    "error": "This cannot be computed: {error}",
    "dataset_unavailable": "Sample images and uploads only: the dataset's test images are not "
    "available. {error}",
    "fit_image": "The image is {source}; {model} takes {target}: it is {steps}.",
    "target": "Target class",
    "target_pred": "predicted",
    "target_true": "true",
    "target_chosen": "choose",
    "chosen": "Class",
    "top5_title": "Top-5 class probabilities",
    "prediction": "Predicted **{cls}** ({p}); the maps explain the logit of **{target}**.",
    "methods": "Methods",
    # the titles of core.interpret.saliency.METHODS
    "method_vanilla": "Vanilla gradient",
    "method_guided": "Guided backprop",
    "method_smoothgrad": "SmoothGrad",
    "method_ig": "Integrated Gradients",
    "method_gradcam": "Grad-CAM",
    "method_guided_gradcam": "Guided Grad-CAM",
    "settings": "Method settings",
    "sg_noise": "SmoothGrad noise level (fraction of the value range)",
    "sg_samples": "SmoothGrad noisy copies",
    "ig_steps": "Integrated Gradients steps",
    "ig_baseline": "Integrated Gradients baseline",
    "base_zero": "black",
    "base_mean": "dataset mean",
    "base_blur": "blurred image",
    "base_noise": "noise",
    "ig_method": "Integration rule",
    "ig_method_help": "How the path integral is approximated (the names are Captum's "
    "`method=` values): Gauss-Legendre, the default, is usually the most accurate for a given "
    "number of steps; the Riemann sums take the left, right or middle point of each step, or "
    "the trapezoid rule.",
    "layer": "Grad-CAM layer",
    "layer_help": "Any layer with feature maps; the default is the last convolution "
    "(Selvaraju et al.'s choice). Earlier layers give finer but less class-specific maps.",
    "precision": "Precision",
    "precision_help": "bf16 runs the noisy copies and path steps about 1.5× faster on this "
    "CPU, with maps that differ slightly from the exact fp32 ones.",
    "cost": "Cost: **{passes}** forward + backward passes in all ({detail}).",
    "estimate": "Estimated time: about {seconds} s.",
    "run": "Compute the maps",
    "run_note": "The maps of a large model (a 224 px ImageNet classifier, a big import) are "
    "computed when you press the button.",
    "progress": "Computing {title}…",
    "opacity": "Overlay opacity",
    "raw_maps": "Each map alone, with its values (hover over a pixel)",
    "method_header": "**{title}** — [{paper}]({url})",
    "seconds": "{seconds} s, {precision}",
    "ig_completeness": "Completeness: sum of attributions {attr_sum} vs S(x) − S(x′) "
    "{score_diff} — gap {delta} ({gap}).",
    "gradcam_layer": "Layer {layer}, maps {shape}.",
    "signed_note": "signed: red raises the score, blue lowers it",
    "unsigned_note": "magnitude only",
    "guided_no_relu": "This model has no ReLU (its activations: {others}), and guided "
    "backpropagation only guides ReLUs: this map is the plain signed gradient.",
    "guided_some": "Guided: the model's {relus} ReLUs; its other activations ({others}) pass "
    "gradients back unchanged.",
    "download_png": "PNG",
    "download_npy": ".npy",
    "download_npy_help": "The full attribution, shape {shape}.",
    "no_methods": "Pick at least one method.",
    "no_conv": "Grad-CAM and Guided Grad-CAM weigh a convolutional layer's feature maps, and "
    "this model has no convolution: they are not offered.",
    "trust_link": "Which of these maps points at what the model really uses? Score them all on "
    "many test images",
    "sanity_header": "Sanity check: randomise the model from the top down",
    "sanity_intro": "Adebayo et al. (2018): re-initialise the layers one group at a time, from "
    "the output down (each step keeps the earlier randomisations), and recompute each map on a "
    "private copy of the model. The number is the Spearman rank correlation of the absolute "
    "map with the original one: near 1 means the map barely changed although the weights did.",
    "sanity_methods": "Methods to check",
    "sanity_steps": "Layer groups to randomise (from the top)",
    "sanity_cost": "{steps} randomisation steps + the original × {methods} methods = **{maps}** "
    "maps, about {passes} forward + backward passes.",
    "sanity_run": "Run the sanity check",
    "sanity_progress": "{done}/{total} maps",
    "sanity_corr_title": "Spearman rank correlation of |map| with the original",
    "sanity_maps_title": "Maps (|map| scaled to its own maximum) as layers are randomised",
    "sanity_summary": "Target **{target}** at every step. Done in {seconds} s.",
    "sanity_table_method": "method",
    "sanity_nan": "A correlation is missing (—) where a map is constant, e.g. an all-zero "
    "Grad-CAM map of a randomised model.",
    "stopped_maps": "Stopped: the maps finished before Stop are kept; press the button to "
    "compute the rest.",
}

ES = {
    "title": "Saliencia",
    "intro": "¿Qué píxeles pesan en la puntuación de una clase? Los mapas de gradiente y sus "
    "variantes más conocidas, uno al lado del otro sobre la misma imagen, y una prueba de "
    "cordura que comprueba si cada mapa depende de verdad de lo que la red ha aprendido.",
    "theory_title": "Teoría: mapas de saliencia por gradiente y su prueba de cordura",
    "theory": """
Un **mapa de saliencia** (saliency map) busca qué píxeles son los más importantes a la hora de
clasificar una imagen. La puntuación de clase S de una CNN (el **logit**, antes del softmax) es
una función de todos los píxeles de la entrada. Su **gradiente** ∂S/∂x dice cuánto cambiaría S
si un píxel cambiara un poco: es una respuesta de primer orden a «¿qué píxeles importan?».
Todos los mapas de esta página explican el logit de una clase objetivo.

* **Gradiente simple** (vanilla gradient) — Simonyan, Vedaldi y Zisserman (2013,
  [Deep Inside Convolutional Networks](https://arxiv.org/abs/1312.6034)): el valor absoluto
  del gradiente, quedándose en cada píxel con el mayor de sus canales de color. Es barato (una
  sola pasada hacia atrás), pero ruidoso.
* **Retropropagación guiada** (guided backpropagation) — Springenberg et al. (2014,
  [Striving for Simplicity](https://arxiv.org/abs/1412.6806)): en el camino de vuelta, cada
  ReLU deja pasar el gradiente solo donde su entrada en la pasada hacia delante era positiva
  *y* el propio gradiente es positivo. Ojo: ver qué le pasa a la salida si cambias un poco cada
  píxel es lo que mide *cualquier* gradiente; lo propio de la retropropagación guiada es esa
  regla en las ReLU. Sus mapas se ven nítidos, pero mira la prueba de cordura de más abajo.
* **SmoothGrad** — Smilkov et al. (2017, [SmoothGrad](https://arxiv.org/abs/1706.03825)):
  promedia el valor absoluto del gradiente sobre copias de la imagen con ruido (desviación
  típica del ruido = nivel de ruido × el rango de valores de la imagen; el artículo ve que un
  10–20 % funciona mejor). El ruido del mapa se compensa al promediar; el precio es una pasada
  hacia atrás por copia.
* **Gradientes integrados** (Integrated Gradients) — Sundararajan, Taly y Yan (2017,
  [Axiomatic Attribution for Deep Networks](https://arxiv.org/abs/1703.01365)): promedia el
  gradiente a lo largo del camino recto que va de una imagen de **referencia** x′ (negra, la
  media del conjunto de datos, una copia desenfocada, ruido) hasta la imagen, y lo multiplica
  por (x − x′). Su axioma de **completitud** dice que las atribuciones suman S(x) − S(x′); la
  página muestra cuánto se aleja de ello la suma finita. Las atribuciones tienen signo: los
  píxeles rojos suben la puntuación y los azules la bajan.
* **Grad-CAM** — Selvaraju et al. (2017, [Grad-CAM](https://arxiv.org/abs/1610.02391)):
  pondera cada mapa de características A_k de una capa convolucional (por defecto, la última)
  por su gradiente medio, los suma, se queda con la parte positiva y la amplía al tamaño de la
  imagen. Es basto (tiene la resolución de la capa), pero específico de la clase. **Grad-CAM
  guiado** lo multiplica por la retropropagación guiada y da un mapa nítido y específico de la
  clase.

**Prueba de cordura** (sanity check) — Adebayo et al. (2018, [Sanity Checks for Saliency
Maps](https://arxiv.org/abs/1810.03292)): si un mapa explica lo que el modelo ha aprendido,
tiene que cambiar cuando se destruyen los pesos aprendidos. La *aleatorización en cascada*
reinicializa las capas de una en una, desde la salida hacia la entrada, y compara cada mapa
nuevo con el original mediante la correlación de rangos de Spearman de sus valores absolutos.
Un método cuyos mapas siguen correlacionados con pesos aleatorios (en el artículo, la
retropropagación guiada) muestra sobre todo los bordes de la imagen, no el razonamiento del
modelo.

Todos los gradientes se calculan sobre una copia de la entrada; el modelo compartido no se
modifica nunca (ni ganchos ni actualizaciones de pesos), tampoco con las ReLU `inplace=True`
de torchvision.
""",
    "error": "No se puede calcular: {error}",
    "dataset_unavailable": "Solo imágenes de ejemplo y subidas: las imágenes de test del "
    "conjunto de datos no están disponibles. {error}",
    "fit_image": "La imagen es de {source}; {model} recibe {target}: la imagen {steps}.",
    "target": "Clase objetivo",
    "target_pred": "predicha",
    "target_true": "real",
    "target_chosen": "elegir",
    "chosen": "Clase",
    "top5_title": "Las 5 clases más probables",
    "prediction": "Clase predicha: **{cls}** ({p}); los mapas explican el logit de "
    "**{target}**.",
    "methods": "Métodos",
    "method_vanilla": "Gradiente simple",
    "method_guided": "Retropropagación guiada",
    "method_smoothgrad": "SmoothGrad",
    "method_ig": "Gradientes integrados",
    "method_gradcam": "Grad-CAM",
    "method_guided_gradcam": "Grad-CAM guiado",
    "settings": "Ajustes de los métodos",
    "sg_noise": "Nivel de ruido de SmoothGrad (fracción del rango de valores)",
    "sg_samples": "Copias con ruido de SmoothGrad",
    "ig_steps": "Pasos de los gradientes integrados",
    "ig_baseline": "Referencia de los gradientes integrados",
    "base_zero": "negro",
    "base_mean": "media del conjunto de datos",
    "base_blur": "imagen desenfocada",
    "base_noise": "ruido",
    "ig_method": "Regla de integración",
    "ig_method_help": "Cómo se aproxima la integral a lo largo del camino (los nombres son los "
    "valores de `method=` de Captum): Gauss-Legendre, la regla por defecto, suele ser la más "
    "precisa con el mismo número de pasos; las sumas de Riemann toman el punto izquierdo, "
    "derecho o central de cada paso, o la regla del trapecio.",
    "layer": "Capa de Grad-CAM",
    "layer_help": "Cualquier capa con mapas de características; por defecto, la última "
    "convolución (la que eligen Selvaraju et al.). Las capas anteriores dan mapas más finos, "
    "pero menos específicos de la clase.",
    "precision": "Precisión",
    "precision_help": "En esta CPU, bf16 calcula las copias con ruido y los pasos del camino "
    "aproximadamente 1,5 veces más rápido, con mapas que difieren un poco de los exactos en fp32.",
    "cost": "Coste: **{passes}** pasadas hacia delante y hacia atrás en total ({detail}).",
    "estimate": "Tiempo estimado: unos {seconds} s.",
    "run": "Calcular los mapas",
    "run_note": "Los mapas de un modelo grande (un clasificador de ImageNet de 224 px, un "
    "modelo importado grande) se calculan cuando pulsas el botón.",
    "progress": "Calculando: {title}…",
    "opacity": "Opacidad de la superposición",
    "raw_maps": "Cada mapa solo, con sus valores (pasa el ratón sobre un píxel)",
    "method_header": "**{title}** — [{paper}]({url})",
    "seconds": "{seconds} s en {precision}",
    "ig_completeness": "Completitud: suma de las atribuciones {attr_sum} frente a "
    "S(x) − S(x′) {score_diff}; diferencia {delta} ({gap}).",
    "gradcam_layer": "Capa {layer}, mapas de {shape}.",
    "signed_note": "con signo: el rojo sube la puntuación y el azul la baja",
    "unsigned_note": "solo magnitud",
    "guided_no_relu": "Este modelo no tiene ninguna ReLU (sus activaciones: {others}), y la "
    "retropropagación guiada solo guía las ReLU: este mapa es el gradiente con signo, sin más.",
    "guided_some": "Guiadas: las {relus} ReLU del modelo; sus otras activaciones ({others}) "
    "devuelven el gradiente sin cambios.",
    "download_png": "PNG",
    "download_npy": ".npy",
    "download_npy_help": "La atribución completa, de forma {shape}.",
    "no_methods": "Elige al menos un método.",
    "no_conv": "Grad-CAM y Grad-CAM guiado ponderan los mapas de características de una capa "
    "convolucional, y este modelo no tiene ninguna convolución: no se ofrecen.",
    "trust_link": "¿Cuál de estos mapas señala lo que el modelo usa de verdad? Puntúalos todos "
    "en muchas imágenes de test",
    "sanity_header": "Prueba de cordura: aleatoriza el modelo de arriba abajo",
    "sanity_intro": "Adebayo et al. (2018): reinicializa las capas por grupos, de uno en uno, "
    "desde la salida hacia la entrada (cada paso conserva las aleatorizaciones anteriores), y "
    "vuelve a calcular cada mapa sobre una copia privada del modelo. El número es la "
    "correlación de rangos de Spearman entre el valor absoluto del mapa y el del original: "
    "cerca de 1 significa que el mapa apenas ha cambiado aunque los pesos sí lo hayan hecho.",
    "sanity_methods": "Métodos que comprobar",
    "sanity_steps": "Grupos de capas que aleatorizar (desde arriba)",
    "sanity_cost": "{steps} pasos de aleatorización + el original × {methods} métodos = "
    "**{maps}** mapas, unas {passes} pasadas hacia delante y hacia atrás.",
    "sanity_run": "Ejecutar la prueba de cordura",
    "sanity_progress": "{done}/{total} mapas",
    "sanity_corr_title": "Correlación de rangos de Spearman de |mapa| con el original",
    "sanity_maps_title": "Mapas (|mapa| escalado a su propio máximo) a medida que se "
    "aleatorizan las capas",
    "sanity_summary": "Clase objetivo **{target}** en todos los pasos. Hecho en {seconds} s.",
    "sanity_table_method": "método",
    "sanity_nan": "Falta una correlación (—) donde un mapa es constante, por ejemplo un mapa de "
    "Grad-CAM todo a cero de un modelo aleatorizado.",
    "stopped_maps": "Cálculo detenido: se conservan los mapas que ya estaban terminados; pulsa "
    "el botón para calcular el resto.",
}

# the same in Spanish: method names, file formats, a link to a paper
SAME_IN_ES = frozenset({"method_smoothgrad", "method_gradcam", "method_header", "download_png",
                        "download_npy"})
