"""Layers page text, English and Spanish."""

EN = {
    "title": "Layers",
    "intro": "What each layer of a CNN computes: convolution by hand, the feature maps inside "
    "a trained network, what a filter responds to, and the small layers around them.",
    "tab_conv": "Convolution by hand",
    "tab_network": "Inside the network",
    "tab_filter": "What a filter looks for",
    "tab_explainers": "Softmax · dropout · fully-connected",
    # -- 1. convolution by hand
    "conv_theory_title": "Theory: convolution, ReLU and pooling",
    "conv_theory": """
A **convolution layer** looks at small patches of the image rather than at single pixels. Its
tool is the **kernel** (or **filter**): a small matrix of weights, 3×3 or 5×5 for example.

**How it is computed.** The kernel slides over the image. At each position it multiplies every
weight by the pixel under it and adds the products up (a dot product between the kernel and
that patch): one number of the output. Over all positions this gives a new image, the
**feature map** (or activation map), one per kernel. The map is large where the image looks
like the kernel's pattern: a kernel shaped like a vertical edge answers strongly on vertical
edges. On a colour image a CNN's kernel spans the three channels (R, G, B) and sums over all of
them; the *per channel* mode here shows them one by one.

**Stride and padding.** The **stride** *s* is how many pixels the kernel moves between two
positions: stride 2 roughly halves the height and width. **Padding** *p* adds *p* rows and
columns of zeros around the image so the kernel can also be centred on the border pixels. For
an input side *n* and a kernel side *k*, the output side is

n_out = ⌊(n + 2p − k) / s⌋ + 1

(⌊ ⌋ rounds down). For example n = 28, k = 5, p = 0, s = 1 gives 24 × 24; padding
(k − 1) / 2 at stride 1 keeps the size unchanged.

**Weight sharing.** The same kernel, with the same weights, is used at every position. A
detector learnt in one part of the image therefore works everywhere else, and the layer needs
very few parameters: 32 kernels of 5×5 on a grayscale image are 32 × 25 weights + 32 biases =
832 parameters, whatever the size of the image.

**Learning.** In a CNN nobody designs the kernels: their weights start at random and are
adjusted during training by back-propagation and gradient descent. Here you pick classic
hand-made ones (Sobel for edges, the Laplacian as a high-pass filter, blurs) to see what each
does. And because feature maps are images too, another convolution layer can look for patterns
in them: patterns of patterns. Strictly, CNN layers compute a *cross-correlation* (the kernel is
not flipped), as `torch.nn.Conv2d` does; deep-learning texts call it convolution anyway.

**ReLU** follows: ReLU(x) = max(0, x). It keeps positive values *as they are* (for x > 0 it
returns x itself, not 1) and sets negative ones to 0. Without such a non-linearity, stacked
layers would collapse into a single linear map.

**Max pooling** (2×2, stride 2) then keeps the strongest response of each 2×2 block, halving
each side; see the Pooling Calculator page for every detail.

Reading: Dumoulin & Visin (2016), [A guide to convolution arithmetic for deep
learning](https://arxiv.org/abs/1603.07285); Nair & Hinton (2010),
[Rectified Linear Units Improve Restricted Boltzmann
Machines](https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf).
""",
    "work_size": "Work at most this many pixels per side",
    "mode": "Colour channels",
    "mode_gray": "Grayscale (one map per kernel)",
    "mode_per_channel": "Per channel (one map per kernel and R, G, B)",
    "kernels": "Kernels (up to 8)",
    "custom": "Add my own kernel",
    "custom_size": "Custom kernel size",
    "custom_name": "My kernel",
    "input_mode": "Edit the kernel as",
    "text_help": "One row per line, numbers separated by spaces or commas; 3×3 or 5×5.",
    "grid_help": "Click a cell to edit it. All kernels must have the same size.",
    "stride": "Stride",
    "padding": "Padding",
    "kernel_values": "Kernel values",
    "shapes": "Shapes",
    "formula": "Output-size formula",
    "stage_conv": "After convolution",
    "stage_relu": "After ReLU",
    "stage_pool": "After 2×2 max pool",
    "relu_title": "ReLU(x) = max(0, x)",
    "bad_conv": "This convolution cannot be computed: {error}",
    "need_kernel": "Choose at least one kernel.",
    # the kernel presets of core/teach/kernels.py, by key ("kernel_<key>")
    "kernel_identity": "Identity",
    "kernel_sobel_x": "Sobel x",
    "kernel_sobel_y": "Sobel y",
    "kernel_laplacian": "Laplacian (4-neighbour)",
    "kernel_outline": "Outline (8-neighbour Laplacian)",
    "kernel_sharpen": "Sharpen",
    "kernel_box_blur": "Box blur 3×3",
    "kernel_gaussian_blur": "Gaussian blur 3×3",
    "kernel_gaussian_blur_5": "Gaussian blur 5×5",
    "kernel_emboss": "Emboss",
    "kernel_prewitt_x": "Prewitt x",
    "kernel_prewitt_y": "Prewitt y",
    # the stages of core.teach.filters' walk-through ("shape_<stage>", spaces as _)
    "input_name": "input",
    "shape_conv": "conv",
    "shape_relu": "relu",
    "shape_max_pool_2x2": "max pool 2x2",
    # -- 2. inside the network
    "net_theory_title": "Theory: feature maps inside a trained network",
    "net_theory": """
A trained CNN is a stack of the same pieces: convolution, (batch norm), ReLU, pooling, and
at the end fully-connected layers that turn the last feature maps into one score per class;
**softmax** turns the scores into probabilities. The **receptive field** of a unit is the
patch of the input it can see: it grows with every convolution and pooling layer, which is
how deeper layers respond to larger patterns. In the layer table, *jump* is the distance in
input pixels between two neighbouring units of a layer. Pick a layer to see its feature maps
for your image.
""",
    "data_error": "The dataset is not available: {error}",
    "layer_table": "Layer table",
    "col_layer": "layer",
    "col_type": "type",
    "col_shape": "output shape",
    "col_params": "parameters",
    "col_rf": "receptive field",
    "col_jump": "jump",
    "col_details": "details",
    # the layer table's details (core.interpret.layers), rebuilt in the language
    "layer": "Layer",
    "sort": "Order feature maps by",
    "sort_mean": "mean activation",
    "sort_max": "max activation",
    "sort_index": "channel number",
    "max_maps": "Show at most",
    "probabilities": "Class probabilities",
    "predicted": "Predicted **{cls}** with probability {p}.",
    "true_class": "True class: **{cls}**.",
    "model_input": "What the model sees ({shape})",
    "weights": "Filter weights",
    "weights_layer": "Convolution layer",
    "weights_out": "Output filter (its weights on each input channel)",
    "maps_of": "{n} of {total} feature maps of {layer}, shape {shape}",
    "vector_of": "{k} of the {n} values of {layer}, in the chosen order",
    "channel_name": "ch {c}",
    "filter_name": "filter {i}",
    "in_channel_name": "in {i}",
    "filters_colour": "{n} of the {total} filters of {layer} ({k} on R, G, B), each drawn as a "
    "colour picture: its weights scaled on their own from the smallest (black) to the largest "
    "(full colour). What the filter answers most strongly to looks like it.",
    "filter_hover": "filter %{customdata[0]}",
    "fit_dataset_images": "The {dataset} images",
    "fit_image": "The image is {source}; {model} takes {target}: it is {steps}.",
    "dataset_label": "Label in the dataset: **{cls}**, which is not one of this model's classes.",
    "top_probabilities": "The {k} most probable of {n} classes",
    # -- 3. what a filter looks for
    "filter_theory_title": "Theory: feature visualisation and dataset examples",
    "filter_theory": """
Two ways to ask what a channel responds to. **Dataset examples**: run the whole test split
and keep the images (and the patch inside the channel's receptive field) that excite it most
(Yosinski et al., 2015, [Deep Visualization Toolbox](https://arxiv.org/abs/1506.06579)).
**Feature visualisation**: start from noise and change the *input* by gradient ascent until
the channel fires as hard as it can (Erhan, Bengio, Courville & Vincent, 2009). Done on the
pixels themselves, this mostly finds high-frequency noise that the network happens to answer.
Olah, Mordvintsev & Schubert (2017, [Feature
Visualization](https://distill.pub/2017/feature-visualization/)) made it show real features
with two changes, both here:
* **A decorrelated image.** The optimiser moves the image's *Fourier coefficients*, each scaled
  by 1 / frequency, so that a step changes coarse structure as easily as fine detail; and the
  colour channels are mixed from decorrelated components (the square root of the colour
  covariance of the training images), so that a step changes brightness and colour in the
  proportions real photos have.
* **Transformation robustness.** Every step the image is padded, shifted, zoomed, rotated and
  shifted again at random; only patterns that keep exciting the channel through all of that
  survive.

The **diversity** term optimises several images of one channel at once and penalises how alike
their layer's Gram matrices (the style of their activations) are, so a unit that responds to
several things shows several of them.
""",
    "channel": "Channel",
    "top_k": "Top images",
    "examples_caption": "The {k} test images whose channel {c} of {layer} fires hardest; the red "
    "box is the receptive field of the strongest unit.",
    "steps": "Steps",
    "lr": "Learning rate",
    "seed": "Seed",
    "fv_param": "Image",
    "fv_param_fourier": "Fourier coefficients (1 / frequency)",
    "fv_param_pixel": "Pixels",
    "fv_decorrelate": "Decorrelate colours",
    "fv_colour_grey": "A grey model: there are no colours to decorrelate.",
    "fv_colour_dataset": "Colours are decorrelated by the colour covariance of the {dataset} "
    "training images.",
    "fv_colour_imagenet": "Colours are decorrelated by ImageNet's colour covariance (Lucid's "
    "matrix).",
    "fv_objective": "Objective",
    "fv_obj_channel": "Channel (mean of its map)",
    "fv_obj_neuron": "Neuron (the map's centre)",
    "fv_obj_logit": "Class logit",
    "fv_class": "Class (for a class logit)",
    "fv_images": "Images",
    "fv_diversity": "Diversity weight",
    "fv_diversity_help": "With 2 or more images: how much their activations' Gram matrices are "
    "pushed apart (Lucid's diversity term), so the images show different things the unit "
    "responds to.",
    "fv_robust": "Transformation robustness (random, every step)",
    "fv_robust_caption": "The defaults are Lucent's for 224 px (pad 12, jitter 8, zoom "
    "0.9–1.1, rotation ±10°, jitter 4) with the shifts scaled to this {side} px input. All at "
    "0 and zoom 1–1: no transformations.",
    "fv_pad": "Pad (px)",
    "jitter": "Jitter (px)",
    "fv_jitter2": "Second jitter (px)",
    "fv_scale_low": "Zoom from",
    "fv_scale_high": "Zoom to",
    "fv_rotate": "Rotation (± degrees)",
    "run_actmax": "Run feature visualisation",
    "actmax_progress": "Step {step}/{steps} · activation {value}",
    "fv_tile": "image {i} · {value}",
    "fv_result": "Optimised images, each with its unit's activation",
    "actmax_curve": "Mean activation per step (under the random transformations)",
    "actmax_cost": "Cost: {steps} steps × {images}, each a forward pass up to {layer} ({macs} "
    "multiply-adds) and its backward pass, on a {shape} input.",
    "fv_one_image": "1 image",
    "fv_n_images": "{n} images",
    "fv_grid_title": "Layer grid",
    "fv_grid_text": "Feature visualisations of the first channels of {layer}, beside the test "
    "image that excites each most: the synthetic and the real example side by side. Uses the "
    "image and robustness settings above.",
    "fv_grid_n": "Channels",
    "fv_grid_run": "Visualise the grid",
    "fv_grid_cost": "Cost: {steps} steps × {n} channels ({chunk} at a time), each a forward "
    "and backward pass up to {layer} ({macs} multiply-adds), plus one pass of the {images} "
    "test images.",
    "fv_grid_synthetic": "Feature visualisation · the channel's mean on it",
    "fv_grid_real": "Top test image · the channel's strongest unit on it (its receptive field "
    "boxed)",
    "fv_grid_tile": "ch {c} · {value}",
    "examples_cost": "Cost: {n} images × 1 forward pass up to {layer} ({macs} multiply-adds "
    "each). That takes a while here: press the button to run it.",
    "run_examples": "Find the top images",
    # -- 4. explainers
    "softmax_header": "Softmax",
    "softmax_text": """
softmax(z)ᵢ = exp(zᵢ / T) / Σⱼ exp(zⱼ / T). Every exponential is positive, and each is divided
by their sum, so the outputs lie between 0 and 1 and **add up to exactly 1**: a probability
distribution over the classes. The largest score gets the largest probability. The
temperature T sharpens (T < 1) or flattens (T > 1) the distribution without changing the order.
""",
    "logits": "Scores (logits), separated by commas",
    "temperature": "Temperature T",
    "softmax_sum": "Sum of the probabilities: **{total}**",
    "bad_logits": "The scores cannot be used: {error}",
    "dropout_header": "Dropout",
    "dropout_text": """
During **training**, dropout sets each activation to 0 with probability *p* and multiplies the
survivors by 1 / (1 − p), so the expected value stays the same; the network cannot rely on any
single unit, which reduces overfitting (Srivastava et al., 2014,
[Dropout](https://jmlr.org/papers/v15/srivastava14a.html)). During **evaluation**
(`model.eval()`) it does nothing. Batch normalisation is the other common regulariser in the
lab's models (Ioffe & Szegedy, 2015).
""",
    "dropout_p": "Dropout probability p",
    "dropout_seed": "Mask seed",
    "dropout_in": "Activations in",
    "dropout_train": "Training: mask × 1/(1 − p)",
    "dropout_eval": "Evaluation: unchanged",
    "dropout_kept": "{kept} of {total} kept; mean in {mean_in}, mean out in training "
    "{mean_train}.",
    "fc_header": "Fully-connected: where the flatten size comes from",
    "fc_text": """
A fully-connected layer needs the length of the flattened feature maps, C × H × W after the
last pooling layer — it follows from the shapes, it is not a free choice. The course notes'
network (1 → 32 channels, 5×5 kernel, 2×2 max pool, on 28×28 images) wrote `32*4`; the shapes
below give 32 × 12 × 12 = **{flat}**, and PyTorch refuses the notes' layer with the error shown.
The notes' last line, `F.relu(self.fcl(x))`, is wrong too: the class scores (logits) go to
softmax or `nn.CrossEntropyLoss` as they are, and a ReLU there would set every negative score
to 0 and stop its gradient. (Their other slips: `torch.nn.fuctional` for
`torch.nn.functional`, `self.conv1 == nn.Conv2d(...)` where `=` is meant, and `self.convl`
called for a layer defined as `self.conv1`.)
""",
    "fc_error": "PyTorch, with the notes' nn.Linear(32*4, 10):",
}

ES = {
    "title": "Capas",
    "intro": "Qué calcula cada capa de una CNN: la convolución a mano, los mapas de "
    "características dentro de una red entrenada, a qué responde un filtro y las capas "
    "pequeñas que los rodean.",
    "tab_conv": "Convolución a mano",
    "tab_network": "Dentro de la red",
    "tab_filter": "Qué busca un filtro",
    "tab_explainers": "Softmax · dropout · capa totalmente conectada",
    # -- 1. convolución a mano
    "conv_theory_title": "Teoría: convolución, ReLU y agrupación",
    "conv_theory": """
Una **capa convolucional** (*convolutional layer*) no mira los píxeles uno a uno, sino pequeñas
zonas de la imagen. Su herramienta es el **núcleo** o **filtro** (*kernel*): una matriz pequeña
de pesos, por ejemplo de 3×3 o de 5×5.

**Cómo se calcula.** El núcleo se desliza sobre la imagen. En cada posición, cada peso se
multiplica por el píxel que tiene debajo y se suman todos los productos (es el producto escalar
entre el núcleo y ese trozo de imagen): así se obtiene un número de la salida. Al recorrer
todas las posiciones resulta una imagen nueva, el **mapa de características** (*feature map* o
*activation map*), uno por cada núcleo. El mapa toma valores altos allí donde la imagen se
parece al patrón del núcleo: un núcleo con forma de borde vertical responde con fuerza sobre
los bordes verticales. En una imagen en color, el núcleo de una CNN abarca los tres canales
(R, G, B) y suma sobre todos ellos; aquí, el modo *por canal* te los muestra por separado.

**Paso y relleno.** El **paso** (*stride*) *s* es el número de píxeles que avanza el núcleo de
una posición a la siguiente: con paso 2, el alto y el ancho de la salida se reducen más o menos
a la mitad. El **relleno** (*padding*) *p* añade *p* filas y columnas de ceros alrededor de la
imagen, para que el núcleo también pueda centrarse en los píxeles del borde. Para una entrada
de lado *n* y un núcleo de lado *k*, el lado de la salida es

n_salida = ⌊(n + 2p − k) / s⌋ + 1

(⌊ ⌋ redondea hacia abajo). Por ejemplo, con n = 28, k = 5, p = 0 y s = 1 salen 24 × 24
píxeles; con un relleno de (k − 1) / 2 y paso 1, la salida mide lo mismo que la entrada.

**Pesos compartidos.** El mismo núcleo, con los mismos pesos, se aplica en todas las posiciones
(*weight sharing*). Por eso un detector aprendido en una zona de la imagen sirve en cualquier
otra, y la capa necesita muy pocos parámetros: 32 núcleos de 5×5 sobre una imagen en escala de
grises suman 32 × 25 pesos + 32 sesgos (*bias*) = 832 parámetros, sea cual sea el tamaño de
la imagen.

**Aprendizaje.** En una CNN nadie diseña los núcleos: sus pesos empiezan siendo aleatorios y
se ajustan durante el entrenamiento mediante retropropagación (*backpropagation*) y descenso
de gradiente. Aquí eliges núcleos clásicos hechos a mano (Sobel para los bordes, el laplaciano
como filtro paso alto, varios desenfoques) para ver qué hace cada uno. Y como los mapas de
características también son imágenes, otra capa convolucional puede buscar patrones en ellos:
patrones de patrones. En rigor, estas capas (y `torch.nn.Conv2d`) calculan una *correlación
cruzada* (*cross-correlation*): el núcleo se aplica tal cual, sin invertirlo. Aun así, en
aprendizaje profundo se le llama convolución.

Después viene la función de activación **ReLU**: ReLU(x) = max(0, x). Deja los valores
positivos *tal como están* (para x > 0 devuelve el propio x, no 1) y convierte los negativos
en 0. Sin una no linealidad así, varias capas apiladas equivaldrían a una sola transformación
lineal.

Por último, la **agrupación máxima** (*max pooling*) de 2×2 con paso 2 se queda con la
respuesta más fuerte de cada bloque de 2×2 y reduce cada lado a la mitad; la página
Calculadora de agrupación la explica con todo detalle.

Lecturas: Dumoulin y Visin (2016), [A guide to convolution arithmetic for deep
learning](https://arxiv.org/abs/1603.07285); Nair y Hinton (2010),
[Rectified Linear Units Improve Restricted Boltzmann
Machines](https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf).
""",
    "work_size": "Tamaño de trabajo (píxeles por lado, como máximo)",
    "mode": "Canales de color",
    "mode_gray": "Escala de grises (un mapa por núcleo)",
    "mode_per_channel": "Por canal (un mapa por núcleo y por canal R, G, B)",
    "kernels": "Núcleos (hasta 8)",
    "custom": "Añadir mi propio núcleo",
    "custom_size": "Tamaño de tu núcleo",
    "custom_name": "Mi núcleo",
    "input_mode": "Editar el núcleo como",
    "text_help": "Una fila por línea, con los números separados por espacios o comas y los "
    "decimales con punto (0.5); de 3×3 o de 5×5.",
    "grid_help": "Haz clic en una celda para editarla. Todos los núcleos deben tener el mismo "
    "tamaño.",
    "stride": "Paso (stride)",
    "padding": "Relleno (padding)",
    "kernel_values": "Valores de los núcleos",
    "shapes": "Dimensiones",
    "formula": "Fórmula del tamaño de salida",
    "stage_conv": "Tras la convolución",
    "stage_relu": "Tras ReLU",
    "stage_pool": "Tras la agrupación máxima 2×2",
    "relu_title": "ReLU(x) = max(0, x)",
    "bad_conv": "Esta convolución no se puede calcular: {error}",
    "need_kernel": "Elige al menos un núcleo.",
    "kernel_identity": "Identidad",
    "kernel_sobel_x": "Sobel x",
    "kernel_sobel_y": "Sobel y",
    "kernel_laplacian": "Laplaciano (4 vecinos)",
    "kernel_outline": "Contorno (laplaciano de 8 vecinos)",
    "kernel_sharpen": "Enfoque (más nitidez)",
    "kernel_box_blur": "Desenfoque de caja 3×3",
    "kernel_gaussian_blur": "Desenfoque gaussiano 3×3",
    "kernel_gaussian_blur_5": "Desenfoque gaussiano 5×5",
    "kernel_emboss": "Relieve",
    "kernel_prewitt_x": "Prewitt x",
    "kernel_prewitt_y": "Prewitt y",
    "input_name": "entrada",
    "shape_conv": "convolución",
    "shape_relu": "ReLU",
    "shape_max_pool_2x2": "agrupación máxima 2×2",
    # -- 2. dentro de la red
    "net_theory_title": "Teoría: los mapas de características dentro de una red entrenada",
    "net_theory": """
Una CNN entrenada es una pila de las mismas piezas: convolución, (normalización por lotes,
*batch norm*), ReLU y agrupación, y al final capas totalmente conectadas que convierten los
últimos mapas de características en una puntuación por clase; **softmax** convierte esas
puntuaciones en probabilidades. El **campo receptivo** (*receptive field*) de una unidad es la
zona de la entrada que esa unidad «ve»: crece con cada capa de convolución y de agrupación, y
por eso las capas más profundas responden a patrones más grandes. En la tabla de capas, el
*salto* (*jump*) es la distancia, en píxeles de la entrada, entre dos unidades vecinas de una
capa. Elige una capa para ver sus mapas de características con tu imagen.
""",
    "data_error": "El conjunto de datos no está disponible: {error}",
    "layer_table": "Tabla de capas",
    "col_layer": "capa",
    "col_type": "tipo",
    "col_shape": "dimensiones de salida",
    "col_params": "parámetros",
    "col_rf": "campo receptivo",
    "col_jump": "salto",
    "col_details": "detalles",
    "layer": "Capa",
    "sort": "Ordenar los mapas de características por",
    "sort_mean": "activación media",
    "sort_max": "activación máxima",
    "sort_index": "número de canal",
    "max_maps": "Mostrar como máximo",
    "probabilities": "Probabilidad de cada clase",
    "predicted": "Clase predicha: **{cls}**, con una probabilidad del {p}.",
    "true_class": "Clase real: **{cls}**.",
    "model_input": "Lo que ve el modelo ({shape})",
    "weights": "Pesos de los filtros",
    "weights_layer": "Capa convolucional",
    "weights_out": "Filtro de salida (sus pesos sobre cada canal de entrada)",
    "maps_of": "{n} de {total} mapas de características de {layer}, dimensiones {shape}",
    "vector_of": "{k} de los {n} valores de {layer}, en el orden elegido",
    "channel_name": "canal {c}",
    "filter_name": "filtro {i}",
    "in_channel_name": "entrada {i}",
    "filters_colour": "{n} de los {total} filtros de {layer} ({k} sobre R, G, B), cada uno "
    "dibujado como una imagen en color: sus pesos, escalados por separado, van del más pequeño "
    "(negro) al más grande (color pleno). Aquello a lo que el filtro responde con más fuerza "
    "se parece a esa imagen.",
    "filter_hover": "filtro %{customdata[0]}",
    "fit_dataset_images": "Las imágenes de {dataset}",
    "fit_image": "La imagen es de {source}; {model} recibe {target}: la imagen {steps}.",
    "dataset_label": "Etiqueta en el conjunto de datos: **{cls}**, que no es ninguna de las "
    "clases de este modelo.",
    "top_probabilities": "Las {k} clases más probables de {n}",
    # -- 3. qué busca un filtro
    "filter_theory_title": "Teoría: visualización de características y ejemplos del conjunto "
    "de datos",
    "filter_theory": """
Hay dos maneras de preguntar a qué responde un canal. **Ejemplos del conjunto de datos**: se
pasa todo el conjunto de test por la red y se guardan las imágenes que más lo activan, junto con
la zona de cada una que cae dentro del campo receptivo del canal (Yosinski et al., 2015, [Deep
Visualization Toolbox](https://arxiv.org/abs/1506.06579)). **Visualización de
características**: se parte de ruido y se modifica la *entrada* por ascenso de gradiente hasta
que el canal se activa todo lo posible (Erhan, Bengio, Courville y Vincent, 2009). Hecho sobre
los píxeles, casi siempre encuentra ruido de alta frecuencia al que la red responde por
casualidad. Olah, Mordvintsev y Schubert (2017, [Feature
Visualization](https://distill.pub/2017/feature-visualization/)) consiguieron que muestre
características reales con dos cambios, los dos presentes aquí:
* **Una imagen decorrelada.** El optimizador mueve los *coeficientes de Fourier* de la imagen,
  cada uno escalado por 1 / frecuencia, de modo que un paso cambia la estructura gruesa con la
  misma facilidad que el detalle fino; y los canales de color se mezclan a partir de
  componentes decorrelados (la raíz cuadrada de la covarianza de color de las imágenes de
  entrenamiento), de modo que un paso cambia brillo y color en las proporciones de las fotos
  reales.
* **Robustez a transformaciones.** En cada paso la imagen se rellena, se desplaza, se amplía,
  se gira y se vuelve a desplazar al azar; solo sobreviven los patrones que siguen activando el
  canal a pesar de todo ello.

El término de **diversidad** optimiza a la vez varias imágenes de un mismo canal y penaliza lo
parecidas que son las matrices de Gram de su capa (el estilo de sus activaciones), de modo que
una unidad que responde a varias cosas muestra varias de ellas.
""",
    "channel": "Canal",
    "top_k": "Número de imágenes",
    "examples_caption": "Las {k} imágenes de test que más activan el canal {c} de {layer}; el "
    "recuadro rojo es el campo receptivo de la unidad más activa.",
    "steps": "Iteraciones",
    "lr": "Tasa de aprendizaje",
    "seed": "Semilla",
    "fv_param": "Imagen",
    "fv_param_fourier": "Coeficientes de Fourier (1 / frecuencia)",
    "fv_param_pixel": "Píxeles",
    "fv_decorrelate": "Decorrelar los colores",
    "fv_colour_grey": "Un modelo en grises: no hay colores que decorrelar.",
    "fv_colour_dataset": "Los colores se decorrelan con la covarianza de color de las imágenes "
    "de entrenamiento de {dataset}.",
    "fv_colour_imagenet": "Los colores se decorrelan con la covarianza de color de ImageNet (la "
    "matriz de Lucid).",
    "fv_objective": "Objetivo",
    "fv_obj_channel": "Canal (media de su mapa)",
    "fv_obj_neuron": "Neurona (el centro del mapa)",
    "fv_obj_logit": "Logit de una clase",
    "fv_class": "Clase (para el logit de una clase)",
    "fv_images": "Imágenes",
    "fv_diversity": "Peso de la diversidad",
    "fv_diversity_help": "Con 2 o más imágenes: cuánto se separan las matrices de Gram de sus "
    "activaciones (el término de diversidad de Lucid), para que las imágenes muestren cosas "
    "distintas a las que responde la unidad.",
    "fv_robust": "Robustez a transformaciones (aleatorias, en cada paso)",
    "fv_robust_caption": "Los valores por defecto son los de Lucent para 224 px (relleno 12, "
    "jitter 8, zoom 0,9–1,1, giro ±10°, jitter 4) con los desplazamientos escalados a esta "
    "entrada de {side} px. Todo a 0 y zoom 1–1: sin transformaciones.",
    "fv_pad": "Relleno (px)",
    "jitter": "Desplazamiento aleatorio (jitter, px)",
    "fv_jitter2": "Segundo desplazamiento (px)",
    "fv_scale_low": "Zoom desde",
    "fv_scale_high": "Zoom hasta",
    "fv_rotate": "Giro (± grados)",
    "run_actmax": "Visualizar la característica",
    "actmax_progress": "Iteración {step}/{steps} · activación {value}",
    "fv_tile": "imagen {i} · {value}",
    "fv_result": "Imágenes optimizadas, cada una con la activación de su unidad",
    "actmax_curve": "Activación media en cada iteración (con las transformaciones aleatorias)",
    "actmax_cost": "Coste: {steps} iteraciones × {images}, cada una con una pasada hacia "
    "delante hasta {layer} ({macs} multiplicaciones y sumas) y su pasada hacia atrás, con una "
    "entrada de {shape}.",
    "fv_one_image": "1 imagen",
    "fv_n_images": "{n} imágenes",
    "fv_grid_title": "Rejilla de la capa",
    "fv_grid_text": "Visualizaciones de los primeros canales de {layer}, junto a la imagen de "
    "test que más activa cada uno: el ejemplo sintético y el real, lado a lado. Usa los ajustes "
    "de imagen y de robustez de arriba.",
    "fv_grid_n": "Canales",
    "fv_grid_run": "Visualizar la rejilla",
    "fv_grid_cost": "Coste: {steps} iteraciones × {n} canales ({chunk} a la vez), cada una con "
    "una pasada hacia delante y otra hacia atrás hasta {layer} ({macs} multiplicaciones y "
    "sumas), más una pasada de las {images} imágenes de test.",
    "fv_grid_synthetic": "Visualización · la media del canal sobre ella",
    "fv_grid_real": "Imagen de test que más lo activa · la unidad más activa del canal (su "
    "campo receptivo, enmarcado)",
    "fv_grid_tile": "c {c} · {value}",
    "examples_cost": "Coste: {n} imágenes × 1 pasada hacia delante hasta {layer} ({macs} "
    "multiplicaciones y sumas por imagen). Aquí tarda un rato: pulsa el botón para lanzarlo.",
    "run_examples": "Buscar las imágenes que más lo activan",
    # -- 4. explicaciones
    "softmax_header": "Softmax",
    "softmax_text": """
softmax(z)ᵢ = exp(zᵢ / T) / Σⱼ exp(zⱼ / T). Todas las exponenciales son positivas y cada una se
divide entre la suma de todas, así que las salidas quedan entre 0 y 1 y **suman exactamente
1**: forman una distribución de probabilidad sobre las clases. La puntuación más alta recibe la
probabilidad más alta. La temperatura T hace la distribución más aguda (T < 1) o más plana
(T > 1) sin cambiar el orden de las clases.
""",
    "logits": "Puntuaciones (logits) separadas por comas, con punto decimal (0.5)",
    "temperature": "Temperatura T",
    "softmax_sum": "Suma de las probabilidades: **{total}**",
    "bad_logits": "Estas puntuaciones no se pueden usar: {error}",
    "dropout_header": "Dropout",
    "dropout_text": """
Durante el **entrenamiento**, dropout pone a 0 cada activación con probabilidad *p* y
multiplica las que sobreviven por 1 / (1 − p), de modo que el valor esperado no cambia; así la
red no puede depender de ninguna unidad concreta, lo que reduce el sobreajuste (Srivastava et
al., 2014, [Dropout](https://jmlr.org/papers/v15/srivastava14a.html)). Durante la
**evaluación** (`model.eval()`) no hace nada. La normalización por lotes (*batch
normalization*; Ioffe y Szegedy, 2015) es el otro regularizador habitual en los modelos del
laboratorio.
""",
    "dropout_p": "Probabilidad de dropout p",
    "dropout_seed": "Semilla de la máscara",
    "dropout_in": "Activaciones de entrada",
    "dropout_train": "Entrenamiento: máscara × 1/(1 − p)",
    "dropout_eval": "Evaluación: sin cambios",
    "dropout_kept": "Se conservan {kept} de {total}; media de entrada {mean_in}, media de "
    "salida en entrenamiento {mean_train}.",
    "fc_header": "Capa totalmente conectada: de dónde sale el tamaño del aplanado",
    "fc_text": """
Una capa totalmente conectada necesita la longitud de los mapas de características aplanados
(*flatten*), C × H × W tras la última capa de agrupación: se deduce de las dimensiones, no se
elige libremente. La red de los apuntes del curso (de 1 a 32 canales, núcleo de 5×5,
agrupación máxima de 2×2, con imágenes de 28×28) escribía `32*4`; las dimensiones de abajo dan
32 × 12 × 12 = **{flat}**, y PyTorch rechaza la capa de los apuntes con el error que ves. La
última línea de los apuntes, `F.relu(self.fcl(x))`, también es incorrecta: las puntuaciones de
las clases (logits) deben llegar tal cual a softmax o a `nn.CrossEntropyLoss`, y una ReLU ahí
pondría a 0 todas las puntuaciones negativas y cortaría su gradiente. (Otras erratas de ese
código: `torch.nn.fuctional` en lugar de `torch.nn.functional`, `self.conv1 == nn.Conv2d(...)`
donde debía ir `=`, y una llamada a `self.convl` para una capa definida como `self.conv1`.)
""",
    "fc_error": "PyTorch, con el nn.Linear(32*4, 10) de los apuntes:",
}

# the same in Spanish: names and formulas
SAME_IN_ES = frozenset({
    "relu_title", "softmax_header", "dropout_header", "kernel_sobel_x", "kernel_sobel_y",
    "kernel_prewitt_x", "kernel_prewitt_y",
})
