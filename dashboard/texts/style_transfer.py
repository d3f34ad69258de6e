"""Style Transfer page text, English and Spanish side by side.

Layer names (``conv4_2``) are VGG19's identifiers and stay as they are; numbers arrive already
formatted by ``dashboard.i18n``.
"""

EN = {
    "title": "Style Transfer",
    "intro": "Paint one photo in the style of another: keep the arrangement of the content "
    "image, take the textures and colours of the style image, by gradient descent on the "
    "pixels through a VGG19 network.",
    "theory_title": "Theory: content, style and Gram matrices",
    "theory": """
Gatys, Ecker & Bethge (2016, [Image Style Transfer Using Convolutional Neural
Networks](https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html);
[arXiv version](https://arxiv.org/abs/1508.06576)) noticed that a network trained to recognise
objects (VGG19, [Simonyan & Zisserman 2015](https://arxiv.org/abs/1409.1556)) separates two
things an image has:

* **Content** — *what is where*. The feature maps of a deep layer (here `conv4_2`, after its
  ReLU) keep the objects and their arrangement but forget the exact pixels. The content loss is
  the mean squared difference between the feature maps of the generated image and those of the
  content photo.
* **Style** — *which textures occur, wherever they are*. For a layer with C channels, the
  **Gram matrix** G = F Fᵀ / (C·H·W) multiplies every pair of channels position by position and
  sums over all positions: entry (i, j) is large when channels i and j fire *together*. Summing
  over positions throws the layout away and keeps the statistics. The style loss compares the
  Gram matrices of several layers (`conv1_1` … `conv5_1`): low layers capture colours and fine
  grain, high layers larger brush strokes and motifs.

The generated image starts from the content photo (or noise) and is changed pixel by pixel to
lower **content weight × content loss + style weight × style loss (+ TV weight × total
variation)**, the network's weights staying fixed. No network is trained here: the *image* is
the thing being optimised. L-BFGS (the paper's choice) converges in a few hundred evaluations;
Adam is simpler and steadier but slower. The **ratio** of style to content weight decides the
balance; the paper's figures use content/style ratios of 10⁻³ to 10⁻⁴ with its own scaling
(this lab's losses are means, as in the PyTorch tutorial, so the useful style weights are
around 10⁶).

**Colour preservation** (Gatys et al. 2017, [Controlling Perceptual Factors in Neural Style
Transfer](https://arxiv.org/abs/1611.07865)): transfer only the luminance. Both images are
converted to YIQ; the style's luminance is shifted and scaled to the content's mean and spread;
the transfer runs on luminance alone; the result's luminance is combined with the content's
colour channels (I, Q). The style's brush strokes arrive, its palette does not. The paper's
second way, **colour histogram matching**, changes the style image instead: every pixel's RGB
is mapped linearly so that the style's mean colour and colour covariance become the content's,
and the transfer then runs on all three channels.

**Coarse to fine** (the same paper): a large output is stylised first at a small size, the
result upsampled and refined at twice the size, and so on up to the output. Half the side is a
quarter of the cost, and the large structures settled at the small stages need not be found
again at full size, so far fewer full-size steps reach the same loss. It also cures a problem
of large outputs: at full size the network's layers see only small neighbourhoods, and the
style's textures come out too fine.

**Random features**: without the ImageNet weights, a VGG19 with random (He-initialised)
weights still transfers some texture — [He, Wang & Hopcroft
(2016)](https://arxiv.org/abs/1606.04801) showed how far random filters go — but the result
looks far less like a painting: what the trained filters learned matters.
""",
    "model_header": "Network",
    "weights": "VGG19 weights",
    "weights_imagenet": "ImageNet (trained)",
    "weights_random": "random features (no download)",
    "pooling": "Pooling",
    "pool_max": "max (the network's own)",
    "pool_avg": "average (the paper's suggestion)",
    "weights_missing": "The VGG19 ImageNet weights are not on this machine, so the page uses "
    "random features. To get the real ones, download **{url}** and place the file "
    "**{file}** in **{directory}** (torchvision fetches it there itself when the machine is "
    "online: pick *ImageNet* above).",
    "weights_failed": "The VGG19 ImageNet weights cannot be loaded. Download **{url}** and place "
    "the file **{file}** in **{directory}** (the torch hub cache; set `TORCH_HOME` to move it), "
    "or use random features.",
    "weights_detail": "Details: {error}",
    "use_random": "Use random features instead",
    "content_header": "Content image",
    "style_header": "Style image",
    "style2_header": "Second style image",
    "blend_on": "Blend a second style image",
    "blend": "Weight of the second style",
    "settings_header": "Settings",
    "size": "Output size (longer side, px)",
    "size_help": "The content's aspect ratio is kept. Time and memory grow with the square of "
    "the size; up to {largest} px on this device (1024 on a CPU, 2048 on a GPU).",
    "stages": "Coarse-to-fine stages",
    "stages_help": "Gatys et al. (2017): stylise a small version first, upsample it and refine "
    "it at twice the size, up to the output size. The small stages are cheap (half the side, a "
    "quarter of the cost) and settle the large structures, so far fewer full-size steps reach "
    "the same loss, and large outputs keep the style's textures at their scale.",
    "stages_one": "1 (the output size only)",
    "steps_final": "Steps at {side} px (the output)",
    "steps_stage": "Steps of stage {k} ({side} px)",
    "device": "Device",
    "device_auto": "auto",
    "device_cpu": "CPU",
    "device_cuda": "CUDA GPU",
    "device_help": "auto: the GPU when there is one.",
    "device_none": "No CUDA GPU on this machine: the run uses the CPU.",
    "ratio": "Style weight (content weight 1)",
    "ratio_help": "How strongly the style counts against the content: 10^k.",
    "content_layer": "Content layer",
    "layer_weights": "Style layer weights",
    "tv": "Total-variation weight",
    "tv_help": "Penalises differences between neighbouring pixels: smooths noise, blurs detail.",
    "optimizer": "Optimiser",
    "opt_lbfgs": "L-BFGS (the paper's)",
    "opt_adam": "Adam",
    "steps": "Steps (one forward + backward pass each)",
    "lr": "Adam learning rate",
    "init": "Start from",
    "init_content": "content image",
    "init_style": "style image",
    "init_noise": "white noise",
    "colour": "Colours",
    "colour_style": "the style's",
    "colour_luminance": "the content's: luminance-only transfer",
    "colour_histogram": "the content's: the style's colours matched first",
    "colour_help": "Gatys et al. (2017) give two ways to keep the content's colours. "
    "Luminance-only: transfer only the brightness and put the content's colour channels back. "
    "Colour histogram matching: first move the style image's colours onto the content's "
    "(the same mean colour and colour covariance), then transfer as usual.",
    "seed": "Seed (noise start)",
    "precision": "Precision",
    "prec_auto": "auto",
    "prec_fp32": "fp32",
    "prec_bf16": "bf16",
    "cost": "{steps} steps at {h}×{w} px: {steps} forward + backward passes through VGG19 up "
    "to {last}.",
    "cost_stage": "{steps} steps at {h}×{w} px",
    "cost_stages": "{stages}: {total} forward + backward passes through VGG19 up to {last}, "
    "each stage a quarter of the cost of the next.",
    "memory": "Peak memory of the largest stage: about {need} GB (budget {budget} GB; the "
    "environment variable {variable} changes it).",
    "run_header": "Run",
    "start": "Start style transfer",
    "stop": "Stop",
    "resume": "Resume",
    "discard": "New run",
    "running_note": "Settings are fixed while a run exists; *New run* unlocks them.",
    "progress": "Step {done}/{total} · {per} s per step · about {eta} s left",
    "progress_stages": "Stage {stage} of {stages} ({h}×{w} px) · step {stage_done}/"
    "{stage_steps} · {done}/{total} in all · {per} s per step · about {eta} s left",
    "stages_header": "Each stage's result, started from the one before, upsampled",
    "stage_caption": "Stage {stage} · {h}×{w} px · {steps} steps · loss {loss}",
    "stage_running": "Stage {stage} ({h}×{w} px) running…",
    "stage_line": "{side} px",
    "result": "Result after {step} steps",
    "start_caption": "Start: step 0",
    "snapshots": "Every few steps",
    "snapshot": "step {step}",
    "loss_chart": "Losses (weighted, log scale)",
    "finished": "Finished: {steps} steps in {seconds} s ({precision}, {device}).",
    "stopped": "Stopped after {done} of {total} steps. Resume, or download the image as it is.",
    "diverged": "The optimisation stopped: the loss became NaN or infinite at step {step}; the "
    "image from step {kept} is kept (try a smaller learning rate or weights).",
    "diverged_stage": "The optimisation stopped: the loss became NaN or infinite at step "
    "{step} of stage {stage}; the image from step {kept} of that stage is kept (try a smaller "
    "learning rate or weights).",
    "download": "Download the image (PNG)",
    "error": "This cannot be run: {error}",
    "no_images": "Pick or upload a content and a style image.",
    "explain_header": "Look inside",
    "gram_tab": "Gram matrices",
    "recon_tab": "Reconstructions (the paper's Figure 1)",
    "gram_layer": "Layer",
    "gram_channels": "Channels shown",
    "gram_note": "Each Gram matrix is computed at {size} px with the network in fp32. Bright "
    "cells: channel pairs that fire together. Two images with similar textures have similar "
    "Gram matrices even when nothing is in the same place.",
    "gram_content": "Content · {layer} · first {n} of {c} channels",
    "gram_style": "Style · {layer} · first {n} of {c} channels",
    "gram_diff": "Mean squared difference of the full {c}×{c} matrices (the style loss of "
    "this layer at the start): {mse}",
    "recon_intro": "Start from noise and match only one thing: the content image's feature maps "
    "at one layer (top row), or the style image's Gram matrices over a growing set of layers "
    "(bottom row). Low layers give the pixels back; high layers keep the arrangement "
    "(content) or larger-scale textures (style).",
    "recon_size": "Size (px)",
    "recon_steps": "L-BFGS steps each",
    "recon_run": "Compute the reconstructions",
    "recon_cost": "{n} small optimisations of {steps} steps each at {size} px.",
    "recon_progress": "Reconstruction {done}/{total}",
    "recon_content_row": "Content reconstructions from one layer",
    "recon_style_row": "Style reconstructions from growing layer sets",
    "recon_caption": "{layers} · loss {loss}",
}

ES = {
    "title": "Transferencia de estilo",
    "intro": "Pinta una foto con el estilo de otra: conserva la disposición de la imagen de "
    "contenido y toma las texturas y los colores de la imagen de estilo, mediante descenso de "
    "gradiente sobre los píxeles a través de una red VGG19.",
    "theory_title": "Teoría: contenido, estilo y matrices de Gram",
    "theory": """
La **transferencia de estilo** separa el contenido de una imagen de su estilo y los combina de
nuevo. Gatys, Ecker y Bethge (2016, [Image Style Transfer Using Convolutional Neural
Networks](https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html);
[versión de arXiv](https://arxiv.org/abs/1508.06576)) se dieron cuenta de que una red entrenada
para reconocer objetos (VGG19, [Simonyan y Zisserman, 2015](https://arxiv.org/abs/1409.1556))
separa dos cosas que tiene una imagen:

* **Contenido**: *qué hay y dónde*. A medida que la red se hace más profunda, sus mapas de
  características dan más importancia al contenido que a los detalles de textura o color. Los
  mapas de una capa profunda (aquí `conv4_2`, después de su ReLU) conservan los objetos y su
  disposición, pero olvidan los píxeles exactos. La **pérdida de contenido** es el error
  cuadrático medio entre los mapas de características de la imagen generada y los de la foto
  de contenido.
* **Estilo**: *qué texturas aparecen, estén donde estén*. Para una capa con C canales, la
  **matriz de Gram** G = F Fᵀ / (C·H·W) multiplica cada par de canales posición a posición y
  suma sobre todas las posiciones: el elemento (i, j) es grande cuando los canales i y j se
  activan *a la vez*. Esas correlaciones entre mapas de características describen texturas y
  colores: al sumar sobre las posiciones se pierde la disposición y quedan las estadísticas.
  La **pérdida de estilo** compara las matrices de Gram de varias capas (`conv1_1` …
  `conv5_1`): las capas bajas recogen los colores y el grano fino; las altas, pinceladas y
  motivos más grandes.

La imagen generada parte de la foto de contenido (o de ruido) y se modifica píxel a píxel para
reducir **peso de contenido × pérdida de contenido + peso de estilo × pérdida de estilo
(+ peso TV × variación total)**, con los pesos de la red fijos. Aquí no se entrena ninguna red:
lo que se optimiza es la *imagen*. L-BFGS (lo que usa el artículo) converge en unos cientos de
evaluaciones; Adam es más sencillo y estable, pero más lento. La **proporción** entre el peso
de estilo y el de contenido decide el equilibrio; las figuras del artículo usan proporciones
contenido/estilo de 10⁻³ a 10⁻⁴ con su propia escala (en este laboratorio las pérdidas son
medias, como en el tutorial de PyTorch, así que los pesos de estilo útiles rondan 10⁶).

**Conservar los colores** (Gatys et al., 2017, [Controlling Perceptual Factors in Neural Style
Transfer](https://arxiv.org/abs/1611.07865)): se transfiere solo la luminancia. Las dos
imágenes se pasan a YIQ; la luminancia del estilo se desplaza y escala para que tenga la media
y la dispersión de la del contenido; la transferencia se hace solo sobre la luminancia, y la
luminancia del resultado se combina con los canales de color (I, Q) del contenido. Llegan las
pinceladas del estilo, pero no su paleta. La segunda forma del artículo, el **ajuste del
histograma de color**, cambia en cambio la imagen de estilo: el RGB de cada píxel se
transforma linealmente para que el color medio y la covarianza de color del estilo pasen a ser
los del contenido, y la transferencia se hace después sobre los tres canales.

**De lo grueso a lo fino** (el mismo artículo): una salida grande se estiliza primero a un
tamaño pequeño; el resultado se amplía y se refina al doble de tamaño, y así hasta la salida.
La mitad de lado cuesta la cuarta parte, y las estructuras grandes que fijan las etapas
pequeñas no hay que volver a encontrarlas a tamaño completo, así que hacen falta muchos menos
pasos a tamaño completo para llegar a la misma pérdida. También corrige un problema de las
salidas grandes: a tamaño completo las capas de la red solo ven vecindarios pequeños y las
texturas del estilo salen demasiado finas.

**Características aleatorias**: sin los pesos de ImageNet, una VGG19 con pesos aleatorios
(inicialización de He) todavía transfiere algo de textura ([He, Wang y Hopcroft
(2016)](https://arxiv.org/abs/1606.04801) mostraron hasta dónde llegan los filtros aleatorios),
pero el resultado se parece mucho menos a un cuadro: lo que aprendieron los filtros entrenados
importa.
""",
    "model_header": "Red",
    "weights": "Pesos de VGG19",
    "weights_imagenet": "ImageNet (entrenados)",
    "weights_random": "características aleatorias (sin descarga)",
    "pooling": "Agrupación (pooling)",
    "pool_max": "máxima (la de la propia red)",
    "pool_avg": "media (la que sugiere el artículo)",
    "weights_missing": "Los pesos de VGG19 entrenados en ImageNet no están en esta máquina, así "
    "que la página usa características aleatorias. Para tener los de verdad, descarga **{url}** "
    "y coloca el archivo **{file}** en **{directory}** (torchvision lo descarga ahí por sí "
    "mismo cuando la máquina tiene conexión: elige *ImageNet* arriba).",
    "weights_failed": "No se pueden cargar los pesos de VGG19 entrenados en ImageNet. Descarga "
    "**{url}** y coloca el archivo **{file}** en **{directory}** (la caché de torch hub; "
    "`TORCH_HOME` la cambia de sitio), o usa características aleatorias.",
    "weights_detail": "Detalle (en inglés): {error}",
    "use_random": "Usar características aleatorias",
    "content_header": "Imagen de contenido",
    "style_header": "Imagen de estilo",
    "style2_header": "Segunda imagen de estilo",
    "blend_on": "Mezclar una segunda imagen de estilo",
    "blend": "Peso del segundo estilo",
    "settings_header": "Ajustes",
    "size": "Tamaño de salida (lado mayor, px)",
    "size_help": "Se conserva la relación de aspecto del contenido. El tiempo y la memoria "
    "crecen con el cuadrado del tamaño; hasta {largest} px en este dispositivo (1024 en una "
    "CPU, 2048 en una GPU).",
    "stages": "Etapas de lo grueso a lo fino",
    "stages_help": "Gatys et al. (2017): estiliza primero una versión pequeña, amplíala y "
    "refínala al doble de tamaño, hasta el tamaño de salida. Las etapas pequeñas son baratas "
    "(la mitad de lado, la cuarta parte del coste) y fijan las estructuras grandes, así que "
    "hacen falta muchos menos pasos a tamaño completo para llegar a la misma pérdida, y las "
    "salidas grandes conservan las texturas del estilo a su escala.",
    "stages_one": "1 (solo el tamaño de salida)",
    "steps_final": "Pasos a {side} px (la salida)",
    "steps_stage": "Pasos de la etapa {k} ({side} px)",
    "device": "Dispositivo",
    "device_auto": "automático",
    "device_cpu": "CPU",
    "device_cuda": "GPU CUDA",
    "device_help": "automático: la GPU cuando la hay.",
    "device_none": "No hay GPU CUDA en esta máquina: se usa la CPU.",
    "ratio": "Peso del estilo (peso del contenido 1)",
    "ratio_help": "Cuánto cuenta el estilo frente al contenido: 10^k.",
    "content_layer": "Capa de contenido",
    "layer_weights": "Pesos de las capas de estilo",
    "tv": "Peso de la variación total",
    "tv_help": "Penaliza las diferencias entre píxeles vecinos: suaviza el ruido y difumina "
    "los detalles.",
    "optimizer": "Optimizador",
    "opt_lbfgs": "L-BFGS (el del artículo)",
    "opt_adam": "Adam",
    "steps": "Pasos (cada uno, una pasada hacia delante y otra hacia atrás)",
    "lr": "Tasa de aprendizaje de Adam",
    "init": "Empezar desde",
    "init_content": "la imagen de contenido",
    "init_style": "la imagen de estilo",
    "init_noise": "ruido blanco",
    "colour": "Colores",
    "colour_style": "los del estilo",
    "colour_luminance": "los del contenido: transferir solo la luminancia",
    "colour_histogram": "los del contenido: ajustar antes los colores del estilo",
    "colour_help": "Gatys et al. (2017) proponen dos formas de conservar los colores del "
    "contenido. Solo luminancia: transferir solo el brillo y devolver los canales de color del "
    "contenido. Ajuste del histograma de color: llevar primero los colores de la imagen de "
    "estilo a los del contenido (el mismo color medio y la misma covarianza de color) y después "
    "transferir como siempre.",
    "seed": "Semilla (inicio con ruido)",
    "precision": "Precisión",
    "prec_auto": "automática",
    "prec_fp32": "fp32",
    "prec_bf16": "bf16",
    "cost": "{steps} pasos a {h}×{w} px: {steps} pasadas hacia delante y hacia atrás por VGG19 "
    "hasta {last}.",
    "cost_stage": "{steps} pasos a {h}×{w} px",
    "cost_stages": "{stages}: {total} pasadas hacia delante y hacia atrás por VGG19 hasta "
    "{last}; cada etapa cuesta la cuarta parte que la siguiente.",
    "memory": "Pico de memoria de la etapa más grande: unos {need} GB (presupuesto {budget} GB; "
    "la variable de entorno {variable} lo cambia).",
    "run_header": "Ejecución",
    "start": "Iniciar la transferencia de estilo",
    "stop": "Detener",
    "resume": "Reanudar",
    "discard": "Nueva ejecución",
    "running_note": "Los ajustes quedan fijos mientras exista una ejecución; *Nueva ejecución* "
    "los desbloquea.",
    "progress": "Paso {done}/{total} · {per} s por paso · quedan unos {eta} s",
    "progress_stages": "Etapa {stage} de {stages} ({h}×{w} px) · paso {stage_done}/"
    "{stage_steps} · {done}/{total} en total · {per} s por paso · quedan unos {eta} s",
    "stages_header": "El resultado de cada etapa, que parte de la anterior ampliada",
    "stage_caption": "Etapa {stage} · {h}×{w} px · {steps} pasos · pérdida {loss}",
    "stage_running": "Etapa {stage} ({h}×{w} px) en marcha…",
    "stage_line": "{side} px",
    "result": "Resultado tras {step} pasos",
    "start_caption": "Inicio: paso 0",
    "snapshots": "Cada pocos pasos",
    "snapshot": "paso {step}",
    "loss_chart": "Pérdidas (ponderadas, escala logarítmica)",
    "finished": "Terminado: {steps} pasos en {seconds} s ({precision}, {device}).",
    "stopped": "Detenido tras {done} de {total} pasos. Reanuda o descarga la imagen tal como "
    "está.",
    "diverged": "La optimización se ha detenido: la pérdida se ha vuelto NaN o infinita en el "
    "paso {step}; se conserva la imagen del paso {kept} (prueba con una tasa de aprendizaje o "
    "unos pesos más pequeños).",
    "diverged_stage": "La optimización se ha detenido: la pérdida se ha vuelto NaN o infinita "
    "en el paso {step} de la etapa {stage}; se conserva la imagen del paso {kept} de esa etapa "
    "(prueba con una tasa de aprendizaje o unos pesos más pequeños).",
    "download": "Descargar la imagen (PNG)",
    "error": "No se puede ejecutar: {error}",
    "no_images": "Elige o sube una imagen de contenido y una de estilo.",
    "explain_header": "Mira por dentro",
    "gram_tab": "Matrices de Gram",
    "recon_tab": "Reconstrucciones (la figura 1 del artículo)",
    "gram_layer": "Capa",
    "gram_channels": "Canales mostrados",
    "gram_note": "Cada matriz de Gram se calcula a {size} px con la red en fp32. Celdas "
    "brillantes: pares de canales que se activan a la vez. Dos imágenes con texturas parecidas "
    "tienen matrices de Gram parecidas aunque nada esté en el mismo sitio.",
    "gram_content": "Contenido · {layer} · primeros {n} de {c} canales",
    "gram_style": "Estilo · {layer} · primeros {n} de {c} canales",
    "gram_diff": "Diferencia cuadrática media de las matrices completas de {c}×{c} (la pérdida "
    "de estilo de esta capa al principio): {mse}",
    "recon_intro": "Parte de ruido y ajusta una sola cosa: los mapas de características de la "
    "imagen de contenido en una capa (fila de arriba) o las matrices de Gram de la imagen de "
    "estilo en un conjunto creciente de capas (fila de abajo). Las capas bajas devuelven los "
    "píxeles; las altas conservan la disposición (contenido) o texturas a mayor escala (estilo).",
    "recon_size": "Tamaño (px)",
    "recon_steps": "Pasos de L-BFGS de cada una",
    "recon_run": "Calcular las reconstrucciones",
    "recon_cost": "{n} pequeñas optimizaciones de {steps} pasos cada una a {size} px.",
    "recon_progress": "Reconstrucción {done}/{total}",
    "recon_content_row": "Reconstrucciones del contenido desde una capa",
    "recon_style_row": "Reconstrucciones del estilo desde conjuntos crecientes de capas",
    "recon_caption": "{layers} · pérdida {loss}",
}

# the same in Spanish: an optimiser's name, number formats
SAME_IN_ES = frozenset({"opt_adam", "prec_fp32", "prec_bf16", "stage_line",
                        "device_cpu"})
