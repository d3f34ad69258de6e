"""Train page text, English and Spanish: setup, live run, evaluation, model library and the
optimiser playground; also the names core gives the architectures and loss surfaces, by key."""

EN = {
    "title": "Train",
    "intro": "Train a CNN here, watch it learn, evaluate it, and hand it to every other page: "
    "a finished model becomes the active model in the sidebar.",
    "tab_train": "Train",
    "tab_eval": "Evaluate",
    "tab_library": "Model library",
    "tab_playground": "Optimiser playground",
    "theory_title": "Theory: how a CNN is trained",
    "theory": """
Training repeats four steps on small **batches** of images:

1. a **forward pass** gives every image a score per class (the *logits*);
2. the **cross-entropy loss** turns the scores into probabilities (softmax) and measures how far
   the probability of the right class is from 1: small when the network is right and sure,
   large when it is wrong;
3. **back-propagation** computes the gradient of the loss with respect to every weight: which
   way, and how steeply, the loss grows;
4. the **optimiser** moves each weight a little against its gradient.

One pass over the training set is an **epoch**.

**SGD** (stochastic gradient descent) steps by w ← w − η·g, where g is the batch's gradient and
η the **learning rate**: too large and the loss oscillates or diverges, too small and training
crawls.

**Momentum** (Polyak, 1964) keeps a **velocity** v, an exponentially weighted sum of the past
gradients, and steps along it. In PyTorch's form (`torch.optim.SGD` with `momentum=μ`):

  v ← μ·v + g,  w ← w − η·v

with μ between 0 and 1 (0.9 is usual): the gradient from k steps ago enters v multiplied by μᵏ.
Gradients that keep pointing the same way add up (a constant gradient ends up giving steps
1/(1 − μ) times larger, 10× for μ = 0.9), while gradients that flip sign from step to step
cancel out. So momentum damps the zigzag across narrow valleys, speeds the descent along them,
and its inertia carries the weights through nearly flat regions and over small bumps and shallow
local minima, which can help reach a lower minimum of the loss. (The course notes say momentum
helps find "a global maximum": training always looks for a minimum, and momentum does not
guarantee the global one.) **Nesterov** momentum corrects the step with the gradient where the
velocity is about to take the weights; PyTorch computes it as w ← w − η·(g + μ·v), with v
already updated.

**Adam** (Kingma & Ba, 2015, [arXiv:1412.6980](https://arxiv.org/abs/1412.6980)) scales each
weight's step by running averages of its gradient and of the gradient's square; it usually works
with little tuning (η ≈ 0.001).

**Overfitting** is learning the training images by heart instead of patterns that generalise.
A **validation set** held out from the training set shows it: training accuracy keeps rising
while validation accuracy stalls or falls. The **test set** is only used at the end, to measure
the finished model. What fights overfitting here:

* **weight decay** pulls the weights towards 0 (an L2 penalty added to the gradient,
  g ← g + λ·w);
* **dropout** switches off a random fraction p of the units at every training step (and scales
  the others by 1/(1 − p)); none are switched off when evaluating, so no unit can rely on one
  particular other;
* **augmentation** shows random crops and horizontal flips of colour images at every epoch;
* **batch normalisation** ([Ioffe & Szegedy, 2015](https://arxiv.org/abs/1502.03167))
  normalises each channel with the batch's mean and variance, then rescales it with two learned
  parameters; it steadies and speeds up training, allows larger learning rates and regularises a
  little. When evaluating it uses the running mean and variance gathered during training.
""",
    # data
    "data_header": "1. Data",
    "training_on": "Training on **{title}** ({n_train} training and {n_test} test images, "
    "{shape}). Change the dataset in the sidebar.",
    "data_error": "The dataset is not available: {error}",
    "data_missing": "the files {files} are missing from `{directory}`. Without a network, "
    "download them from {url} and put them there.",
    "folder_expander": "Use my own images (a zip of one folder per class)",
    "folder_help": "Zip a folder that holds one sub-folder per class (e.g. cats/, dogs/). "
    "PNG, JPEG, WebP, BMP or GIF; at most 200 MB and 20,000 images.",
    "folder_upload": "Zipped image folder",
    "folder_size": "Resize images to (px)",
    "folder_load": "Load the images",
    "folder_loading": "Reading the images…",
    "folder_loaded": "Loaded {name}: {classes} classes, {n_train} training and {n_test} test "
    "images; {skipped} files skipped.",
    "folder_error": "This zip cannot be used: {error}",
    "col_file": "file",
    "col_reason": "reason",
    # model
    "model_header": "2. Architecture",
    "arch": "Architecture",
    "arch_seed_net_title": "Seed net (course notes)",
    "arch_seed_net_description": "The course notes' network, corrected: one 5x5 convolution "
    "with ReLU and max-pooling, then a single linear layer straight to the class scores.",
    "arch_small_cnn_title": "Small CNN",
    "arch_small_cnn_description": "Two convolution blocks that keep the size and halve it by "
    "pooling, then a 128-unit hidden layer whose activations serve as the image's embedding.",
    "arch_tiny_vgg_title": "Tiny VGG (CNN Explainer)",
    "arch_tiny_vgg_description": "The small VGG-style network of CNN Explainer (Wang et al., "
    "2020): two blocks of two unpadded 3x3 convolutions and a max-pool, then one linear layer.",
    "channels": "Channels per block (comma-separated)",
    "bad_channels": "The channels per block must be whole numbers separated by commas, such as "
    "32, 64 (got `{text}`).",
    "kernel_size": "Kernel size",
    "batch_norm": "Batch normalisation",
    "dropout": "Dropout p",
    "hidden": "Hidden units",
    "params": "**{n}** trainable parameters",
    "bad_arch": "This architecture cannot be built: {error}",
    "col_layer": "layer",
    "col_type": "type",
    "col_output": "output",
    "col_params": "parameters",
    "col_details": "details",
    # optimiser
    "opt_header": "3. Optimiser and schedule",
    "optimizer": "Optimiser",
    "opt_sgd": "SGD",
    "opt_adam": "Adam",
    "lr": "Learning rate",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "weight_decay": "Weight decay",
    "batch_size": "Batch size",
    "epochs": "Epochs",
    "val_fraction": "Validation fraction",
    "seed": "Seed",
    "augment": "Augmentation (random crop and flip)",
    "augment_gray": "Augmentation is offered for colour datasets (flipping digits changes them).",
    "precision": "Precision",
    "precision_auto": "auto",
    "precision_help": "auto: bfloat16 where this CPU computes it natively and a few timed "
    "steps show it faster (accuracy within a few tenths of a percent), else float32.",
    "how_run": "Steps run on the {device} in {precision}, memory layout {layout}: the fastest "
    "of {tried}, timed on this machine for this architecture.",
    "how_setup": "{layout} · {precision} ({ms} ms per image)",
    "name": "Model name",
    "default_name": "{arch} on {dataset}",
    "bad_config": "These settings cannot be used: {error}",
    # fine-tuning an ImageNet model
    "start_from": "Start from",
    "start_lab": "a lab architecture (trained from scratch)",
    "start_imagenet": "an ImageNet model (fine-tune)",
    "ft_theory_title": "What fine-tuning does",
    "ft_theory": """
**Fine-tuning** (transfer learning) is the most common way CNNs are used. A network trained on
the 1.2 million photos of ImageNet already turns an image into useful features (edges, textures,
parts of objects); it gets a **new last layer** with one output per class of your dataset, and
training adapts it to your images.

* **Train only the new last layer**: the rest of the network (the *backbone*) stays frozen, so
  its output for an image never changes. Every image goes through it **once**, its features are
  kept, and the new layer is trained on them: each epoch then takes milliseconds, even on a CPU
  ([Razavian et al., 2014](https://arxiv.org/abs/1403.6382)).
* **Train all layers**: every weight moves, starting from the ImageNet ones. Better with many
  images, but each epoch is a forward and a backward pass of the whole network for every image
  ([Yosinski et al., 2014](https://arxiv.org/abs/1411.1792)).
""",
    "ft_arch": "ImageNet model",
    "ft_arch_option": "{title} ({params} M parameters, {mb} MB)",
    "ft_paper": "Paper: {paper}",
    "ft_mode": "What to train",
    "ft_mode_head": "Train only the new last layer",
    "ft_mode_all": "Train all layers",
    "ft_size": "Input size (px)",
    "ft_images": "The images of {dataset}",
    "ft_normalise": "They are normalised with ImageNet's mean and standard deviation.",
    "ft_weights_found": "ImageNet weights found (`{file}`): fine-tuning starts from them.",
    "ft_weights_missing": "The ImageNet weights of {model} are not on this machine. Put the file "
    "`{file}` (from {url}) in the folder `{directory}`, or download it here.",
    "ft_download": "Download the weights ({mb} MB)",
    "ft_download_failed": "The download failed: {error}",
    "ft_random": "Start from random weights instead (not pretrained)",
    "ft_random_note": "Random weights: the network has learned nothing yet, so its features are "
    "random too. Expect a much lower accuracy than with the ImageNet weights.",
    "ft_choose_weights": "Add the weights file, or choose random weights, to start.",
    "ft_augment_head": "Augmentation is for *Train all layers*: with only the last layer "
    "trained, each image's features are computed once.",
    "ft_cost_head": "**Cost:** {images} images × 1 forward pass of {model} = {passes} forward "
    "passes (about {flops}), once; then {epochs} of the new last layer alone, milliseconds "
    "each.",
    "ft_cost_all": "**Cost:** {epochs} over {images} images: {forward} forward and {backward} "
    "backward passes of {model} (about {flops}).",
    "ft_cpu_warning": "Training all layers on a CPU is slow: every epoch costs about three times "
    "the whole feature extraction of *Train only the new last layer* (a forward and a backward "
    "pass of every image). Try that first.",
    "ft_gflop": "{n} GFLOP",
    "ft_tflop": "{n} TFLOP",
    "ft_default_name": "{arch} fine-tuned on {dataset}",
    "ft_weights_error": "The weights cannot be loaded: {error}",
    # run
    "run_header": "4. Run",
    "start": "Start training",
    "stop": "Stop",
    "resume": "Resume",
    "discard": "New run",
    "running_note": "Settings above are locked while this run exists; press *New run* to "
                    "change them.",
    "progress": "Epoch {epoch}/{epochs} · step {step}/{steps_per_epoch} · {rate} samples/s · "
    "ETA {eta}",
    "one_epoch": "1 epoch",
    "n_epochs": "{n} epochs",
    "finished": "Finished: test accuracy **{acc}** after {epochs} in {seconds} s. The model is "
    "now active in the sidebar as **{name}**.",
    "stopped": "Stopped after {done} of {total} steps. The model so far is saved and active as "
    "**{name}**; press Resume to continue.",
    "diverged": "{message} It has been saved with those weights.",
    "ft_progress_features": "Features: {done}/{total} images · {rate} images/s · ETA {eta}",
    "ft_progress_resize": "Resizing: {done}/{total} images",
    "ft_features_reused": "Features reused from an earlier run on these images: the epochs "
    "start at once.",
    "ft_stopped_features": "Stopped while preparing the images ({done} of {total} done): there "
    "is no model yet. Press *Resume* to continue.",
    "loss_chart": "Loss",
    "acc_chart": "Accuracy",
    "download": "Download the model (.zip: safetensors + card)",
    # evaluation
    "eval_other_classes": "{name} answers with its own {classes} classes, not the classes of "
                          "{dataset}, so it cannot be scored on it. Evaluate a model trained "
                          "(or fine-tuned) on this dataset.",
    "eval_images": "The {dataset} test images",
    "eval_error": "The model or its test set cannot be loaded: {error}",
    "eval_header": "Evaluation of **{name}** on the {split} test split",
    "test_accuracy": "Test accuracy",
    "per_class": "Accuracy per class",
    "confusion": "Confusion matrix (rows: true class, columns: predicted) — click a cell",
    "cm_hover": "true {true} → predicted {pred}: {n}",
    "cell_true": "True class",
    "cell_pred": "Predicted as",
    "cell_examples": "{n} test images of class {true} predicted as {pred}",
    "cell_empty": "No test image of class {true} was predicted as {pred}.",
    "mistakes": "Most confident mistakes",
    "evolution": "How the first-layer filters evolved",
    "evolution_epoch": "Epoch",
    "evolution_none": "Filter snapshots are kept for models trained on this page.",
    # library
    "library_header": "Models on this machine",
    "library_private": "This app keeps each session's models private (CNNLAB_PRIVATE_MODELS=1): "
    "they are gone when the session ends, so download the ones you want to keep.",
    "library_empty": "No saved models yet.",
    "library_shortcut": "Made in the shortcut lab (Trust page): {cue} on class {target}, on "
    "{share_target} of its training images and {share_other} of the other classes'. This is "
    "the **{which}** model of the pair.",
    "library_model": "Model",
    "col_name": "name",
    "col_arch": "architecture",
    "col_dataset": "dataset",
    "col_accuracy": "test accuracy",
    "col_created": "created",
    "col_folder": "folder",
    "use_model": "Make active",
    "delete_model": "Delete",
    "upload_header": "Upload a model",
    "upload": "A model .zip downloaded from CNN Lab (or a .safetensors with its card inside)",
    "upload_ok": "Uploaded **{name}** ({arch} on {dataset}); it is now the active model.",
    "upload_error": "This file cannot be loaded: {error}",
    # playground
    "pg_text": """
The course notes' momentum figure, live: plain SGD, SGD with momentum and Adam start from the
same point with the same learning rate and number of steps. All three are the real `torch.optim`
optimisers of the Train tab. Press ▶ to watch them move.
""",
    "pg_surface": "Surface",
    "surface_two_valleys": "Two valleys: a shallow local minimum before a deeper global one",
    "surface_two_valleys_text": "A shallow **local** minimum lies near the start and a deeper "
    "**global** one further on. Plain SGD settles in the nearest dip; momentum carries its "
    "velocity through the dip and over the bump; Adam adapts its step per coordinate.",
    "surface_rosenbrock": "Rosenbrock: a long, curved, nearly flat valley",
    "surface_rosenbrock_text": "One minimum, at (1, 1), at the end of a narrow curved valley "
    "with a nearly flat floor: plain SGD crawls along it, momentum builds up speed where the "
    "gradients agree.",
    "pg_lr": "Learning rate",
    "pg_momentum": "Momentum",
    "pg_steps": "Steps",
    "pg_label_sgd": "SGD",
    "pg_label_momentum": "SGD + momentum {momentum}",
    "pg_label_nesterov": "SGD + Nesterov momentum {momentum}",
    "pg_label_adam": "Adam",
    "pg_result": "{label}: ends at {point}, loss {loss} — {where}.",
    "pg_point": "({x}, {y})",
    "pg_global": "the global minimum",
    "pg_local": "a local minimum",
    "pg_nowhere": "not at a minimum",
    "pg_diverged": "diverged",
}

ES = {
    "title": "Entrenar",
    "intro": "Entrena aquí una CNN, mira cómo aprende, evalúala y pásala a las demás páginas: "
    "un modelo terminado pasa a ser el modelo activo de la barra lateral.",
    "tab_train": "Entrenar",
    "tab_eval": "Evaluar",
    "tab_library": "Biblioteca de modelos",
    "tab_playground": "Laboratorio de optimizadores",
    "theory_title": "Teoría: cómo se entrena una CNN",
    "theory": """
Entrenar una red es repetir cuatro pasos sobre pequeños **lotes** (batches) de imágenes:

1. la **propagación hacia delante** (forward pass) da a cada imagen una puntuación por clase
   (los *logits*);
2. la **función de pérdida**, aquí la **entropía cruzada** (cross-entropy), convierte esas
   puntuaciones en probabilidades (softmax) y mide cuánto le falta a la probabilidad de la clase
   correcta para llegar a 1: es pequeña cuando la red acierta con seguridad y grande cuando se
   equivoca;
3. la **retropropagación** (backpropagation) calcula el gradiente de la pérdida respecto a cada
   peso: en qué dirección crece la pérdida y con qué pendiente;
4. el **optimizador** mueve cada peso un poco en sentido contrario a su gradiente.

Una pasada completa por el conjunto de entrenamiento es una **época**.

El **descenso de gradiente estocástico** (SGD) da pasos w ← w − η·g, donde g es el gradiente
del lote y η la **tasa de aprendizaje** (learning rate): si es demasiado grande, la pérdida oscila
o diverge; si es demasiado pequeña, el entrenamiento apenas avanza.

El **momento** (momentum; Polyak, 1964) hace que el optimizador acumule una **velocidad** v, una
suma de los gradientes anteriores en la que los más antiguos cuentan cada vez menos (una
ponderación exponencial), y avance según esa velocidad en lugar de según el gradiente del lote
actual. En la forma que usa PyTorch (`torch.optim.SGD` con
`momentum=μ`):

  v ← μ·v + g,  w ← w − η·v

con μ entre 0 y 1 (lo habitual es 0,9): el gradiente de hace k pasos entra en v multiplicado por
μᵏ. Los gradientes que apuntan una y otra vez en la misma dirección se suman (un gradiente
constante acaba dando pasos 1/(1 − μ) veces mayores, 10 veces con μ = 0,9), mientras que los que
cambian de signo de un paso a otro se anulan entre sí. Por eso el momento amortigua el zigzag de
una pared a otra en los valles estrechos, acelera el avance a lo largo del valle y, por inercia,
lleva el descenso a través de las zonas casi planas y por encima de pequeños baches y mínimos
locales poco profundos, lo que puede ayudar a llegar a un mínimo más bajo de la función de
pérdida. (Los apuntes dicen que el momento ayuda a encontrar «un máximo global»: al entrenar
siempre buscamos un mínimo, y el momento tampoco garantiza que sea el global). El **momento de
Nesterov** corrige el paso con el gradiente en el punto al que la velocidad está a punto de
llevar los pesos; PyTorch lo calcula como w ← w − η·(g + μ·v), con v ya actualizada.

**Adam** (Kingma y Ba, 2015, [arXiv:1412.6980](https://arxiv.org/abs/1412.6980)) ajusta el paso
de cada peso con medias móviles de su gradiente y del cuadrado del gradiente; suele funcionar
bien sin apenas ajustes (η ≈ 0,001).

El **sobreajuste** (overfitting) consiste en aprenderse de memoria las imágenes de entrenamiento
en lugar de patrones que sirvan para imágenes nuevas. Lo revela un **conjunto de validación**
apartado del de entrenamiento: la exactitud en entrenamiento sigue subiendo mientras la de
validación se estanca o baja. El **conjunto de test** solo se usa al final, para medir el modelo
terminado. Lo que aquí combate el sobreajuste:

* el **decaimiento de pesos** (weight decay) empuja los pesos hacia 0 (una penalización L2 que
  se suma al gradiente, g ← g + λ·w);
* el **dropout** apaga al azar una fracción p de las neuronas en cada paso de entrenamiento (y
  multiplica las demás por 1/(1 − p)); al evaluar no apaga ninguna. Así ninguna neurona puede
  depender de otra en concreto;
* el **aumento de datos** (data augmentation) muestra en cada época recortes y volteos
  horizontales aleatorios de las imágenes en color;
* la **normalización por lotes** (batch normalization,
  [Ioffe y Szegedy, 2015](https://arxiv.org/abs/1502.03167)) normaliza cada canal con la media
  y la varianza del lote y después lo reescala con dos parámetros aprendidos; estabiliza y
  acelera el entrenamiento, admite tasas de aprendizaje más altas y regulariza un poco. Al
  evaluar usa la media y la varianza acumuladas durante el entrenamiento.
""",
    # data
    "data_header": "1. Datos",
    "training_on": "Entrenamiento con **{title}** ({n_train} imágenes de entrenamiento y "
    "{n_test} de test, {shape}). Cambia el conjunto de datos en la barra lateral.",
    "data_error": "El conjunto de datos no está disponible: {error}",
    "data_missing": "faltan los archivos {files} en `{directory}`. Si no tienes conexión, "
    "descárgalos de {url} y ponlos ahí.",
    "folder_expander": "Usar mis propias imágenes (un zip con una carpeta por clase)",
    "folder_help": "Comprime en zip una carpeta que tenga una subcarpeta por clase (por ejemplo, "
    "gatos/, perros/). PNG, JPEG, WebP, BMP o GIF; como máximo 200 MB y 20.000 imágenes.",
    "folder_upload": "Carpeta de imágenes en zip",
    "folder_size": "Redimensionar las imágenes a (px)",
    "folder_load": "Cargar las imágenes",
    "folder_loading": "Leyendo las imágenes…",
    "folder_loaded": "{name} cargado: {classes} clases, {n_train} imágenes de entrenamiento y "
    "{n_test} de test; {skipped} archivos omitidos.",
    "folder_error": "Este zip no se puede usar: {error}",
    "col_file": "archivo",
    "col_reason": "motivo",
    # model
    "model_header": "2. Arquitectura",
    "arch": "Arquitectura",
    "arch_seed_net_title": "Red semilla (apuntes del curso)",
    "arch_seed_net_description": "La red de los apuntes del curso, corregida: una convolución "
    "de 5×5 con ReLU y agrupación máxima (max pooling), y después una sola capa lineal que da "
    "directamente las puntuaciones de las clases.",
    "arch_small_cnn_title": "CNN pequeña",
    "arch_small_cnn_description": "Dos bloques convolucionales que conservan el tamaño y lo "
    "reducen a la mitad con la agrupación, y después una capa oculta de 128 neuronas cuyas "
    "activaciones sirven como representación (embedding) de la imagen.",
    "arch_tiny_vgg_title": "Tiny VGG (CNN Explainer)",
    "arch_tiny_vgg_description": "La pequeña red al estilo VGG de CNN Explainer (Wang et al., "
    "2020): dos bloques de dos convoluciones de 3×3 sin relleno y una agrupación máxima, y "
    "después una capa lineal.",
    "channels": "Canales por bloque (separados por comas)",
    "bad_channels": "Los canales por bloque deben ser números enteros separados por comas, "
    "como 32, 64 (se recibió `{text}`).",
    "kernel_size": "Tamaño del núcleo (kernel)",
    "batch_norm": "Normalización por lotes",
    "dropout": "Probabilidad de dropout (p)",
    "hidden": "Neuronas ocultas",
    "params": "**{n}** parámetros entrenables",
    "bad_arch": "No se puede construir esta arquitectura: {error}",
    "col_layer": "capa",
    "col_type": "tipo",
    "col_output": "salida",
    "col_params": "parámetros",
    "col_details": "detalles",
    # optimiser
    "opt_header": "3. Optimizador y plan de entrenamiento",
    "optimizer": "Optimizador",
    "opt_sgd": "SGD",
    "opt_adam": "Adam",
    "lr": "Tasa de aprendizaje",
    "momentum": "Momento (momentum)",
    "nesterov": "Nesterov",
    "weight_decay": "Decaimiento de pesos (weight decay)",
    "batch_size": "Tamaño del lote",
    "epochs": "Épocas",
    "val_fraction": "Fracción de validación",
    "seed": "Semilla",
    "augment": "Aumento de datos (recorte y volteo aleatorios)",
    "augment_gray": "El aumento de datos se ofrece para conjuntos en color (voltear un dígito lo "
    "cambia).",
    "precision": "Precisión",
    "precision_auto": "automática",
    "precision_help": "automática: bfloat16 donde esta CPU lo calcula de forma nativa y unos "
    "pasos cronometrados muestran que es más rápido (la exactitud apenas cambia unas décimas "
    "porcentuales); si no, float32.",
    "how_run": "Los pasos se ejecutan en la {device} con {precision}, disposición de memoria "
    "{layout}: la más rápida de {tried}, cronometrada en esta máquina para esta arquitectura.",
    "how_setup": "{layout} · {precision} ({ms} ms por imagen)",
    "name": "Nombre del modelo",
    "default_name": "{arch} con {dataset}",
    "bad_config": "Esta configuración no se puede usar: {error}",
    # fine-tuning an ImageNet model
    "start_from": "Partir de",
    "start_lab": "una arquitectura del laboratorio (entrenada desde cero)",
    "start_imagenet": "un modelo de ImageNet (ajuste fino)",
    "ft_theory_title": "Qué hace el ajuste fino",
    "ft_theory": """
El **ajuste fino** (fine-tuning, aprendizaje por transferencia) es la forma más habitual de usar
las CNN. Una red entrenada con los 1,2 millones de fotos de ImageNet ya convierte una imagen en
características útiles (bordes, texturas, partes de objetos); recibe una **nueva última capa**
con una salida por cada clase de tu conjunto de datos, y el entrenamiento la adapta a tus
imágenes.

* **Entrenar solo la nueva última capa**: el resto de la red (la *red base*, o backbone) queda
  congelado, así que su salida para una imagen no cambia nunca. Cada imagen la atraviesa **una
  sola vez**, sus características se guardan y la nueva capa se entrena con ellas: cada época
  tarda entonces milisegundos, incluso en una CPU
  ([Razavian et al., 2014](https://arxiv.org/abs/1403.6382)).
* **Entrenar todas las capas**: se mueven todos los pesos, a partir de los de ImageNet. Funciona
  mejor con muchas imágenes, pero cada época es una pasada hacia delante y otra hacia atrás de
  toda la red por cada imagen ([Yosinski et al., 2014](https://arxiv.org/abs/1411.1792)).
""",
    "ft_arch": "Modelo de ImageNet",
    "ft_arch_option": "{title} ({params} M de parámetros, {mb} MB)",
    "ft_paper": "Artículo: {paper}",
    "ft_mode": "Qué entrenar",
    "ft_mode_head": "Entrenar solo la nueva última capa",
    "ft_mode_all": "Entrenar todas las capas",
    "ft_size": "Tamaño de entrada (px)",
    "ft_images": "Las imágenes de {dataset}",
    "ft_normalise": "Se normalizan con la media y la desviación típica de ImageNet.",
    "ft_weights_found": "Se han encontrado los pesos de ImageNet (`{file}`): el ajuste fino "
    "parte de ellos.",
    "ft_weights_missing": "Los pesos de ImageNet de {model} no están en este equipo. Pon el "
    "archivo `{file}` (de {url}) en la carpeta `{directory}`, o descárgalo aquí.",
    "ft_download": "Descargar los pesos ({mb} MB)",
    "ft_download_failed": "La descarga falló: {error}",
    "ft_random": "Partir de pesos aleatorios (sin preentrenar)",
    "ft_random_note": "Pesos aleatorios: la red aún no ha aprendido nada, así que sus "
    "características también son aleatorias. La exactitud será mucho menor que con los pesos "
    "de ImageNet.",
    "ft_choose_weights": "Añade el archivo de pesos, o elige pesos aleatorios, para empezar.",
    "ft_augment_head": "El aumento de datos es para *Entrenar todas las capas*: si solo se "
    "entrena la última capa, las características de cada imagen se calculan una sola vez.",
    "ft_cost_head": "**Coste:** {images} imágenes × 1 pasada hacia delante de {model} = {passes} "
    "pasadas (unos {flops}), una sola vez; después, {epochs} solo de la nueva última capa, de "
    "milisegundos cada una.",
    "ft_cost_all": "**Coste:** {epochs} sobre {images} imágenes: {forward} pasadas hacia delante "
    "y {backward} hacia atrás de {model} (unos {flops}).",
    "ft_cpu_warning": "Entrenar todas las capas en una CPU es lento: cada época cuesta unas tres "
    "veces toda la extracción de características de *Entrenar solo la nueva última capa* (una "
    "pasada hacia delante y otra hacia atrás por cada imagen). Prueba eso primero.",
    "ft_gflop": "{n} GFLOP",
    "ft_tflop": "{n} TFLOP",
    "ft_default_name": "{arch} ajustado con {dataset}",
    "ft_weights_error": "No se pueden cargar los pesos: {error}",
    # run
    "run_header": "4. Ejecución",
    "start": "Empezar a entrenar",
    "stop": "Detener",
    "resume": "Reanudar",
    "discard": "Nuevo entrenamiento",
    "running_note": "La configuración de arriba queda bloqueada mientras exista este "
                    "entrenamiento; pulsa *Nuevo entrenamiento* para cambiarla.",
    "progress": "Época {epoch}/{epochs} · paso {step}/{steps_per_epoch} · {rate} imágenes/s · "
    "quedan {eta}",
    "one_epoch": "1 época",
    "n_epochs": "{n} épocas",
    "finished": "Terminado: exactitud en test de **{acc}** tras {epochs} en {seconds} s. El "
    "modelo ya es el activo en la barra lateral, con el nombre **{name}**.",
    "stopped": "Detenido tras {done} de {total} pasos. El modelo entrenado hasta ahora está "
    "guardado y activo como **{name}**; pulsa *Reanudar* para continuar.",
    "diverged": "{message} Se ha guardado con esos pesos.",
    "ft_progress_features": "Características: {done}/{total} imágenes · {rate} imágenes/s · "
    "quedan {eta}",
    "ft_progress_resize": "Redimensionado: {done}/{total} imágenes",
    "ft_features_reused": "Se reutilizan las características de un entrenamiento anterior con "
    "estas imágenes: las épocas empiezan enseguida.",
    "ft_stopped_features": "Detenido mientras se preparaban las imágenes ({done} de {total} "
    "hechas): todavía no hay modelo. Pulsa *Reanudar* para continuar.",
    "loss_chart": "Pérdida",
    "acc_chart": "Exactitud",
    "download": "Descargar el modelo (.zip: safetensors + ficha)",
    # evaluation
    "eval_other_classes": "{name} responde con sus propias {classes} clases, no con las de "
                          "{dataset}, así que no se puede puntuar con ellas. Evalúa un modelo "
                          "entrenado (o ajustado) con este conjunto de datos.",
    "eval_images": "Las imágenes de test de {dataset}",
    "eval_error": "No se puede cargar el modelo o su conjunto de test: {error}",
    "eval_header": "Evaluación de **{name}** en el conjunto de test de {split}",
    "test_accuracy": "Exactitud en test",
    "per_class": "Exactitud por clase",
    "confusion": "Matriz de confusión (filas: clase real; columnas: clase predicha). Haz clic "
    "en una celda",
    "cm_hover": "real {true} → predicha {pred}: {n}",
    "cell_true": "Clase real",
    "cell_pred": "Predicha como",
    "cell_examples": "{n} imágenes de test de la clase {true} predichas como {pred}",
    "cell_empty": "Ninguna imagen de test de la clase {true} se predijo como {pred}.",
    "mistakes": "Errores cometidos con más seguridad",
    "evolution": "Cómo evolucionaron los filtros de la primera capa",
    "evolution_epoch": "Época",
    "evolution_none": "Las instantáneas de los filtros se guardan para los modelos entrenados "
    "en esta página.",
    # library
    "library_header": "Modelos en este equipo",
    "library_private": "Esta aplicación guarda en privado los modelos de cada sesión "
    "(CNNLAB_PRIVATE_MODELS=1): desaparecen al terminar la sesión, así que descarga los que "
    "quieras conservar.",
    "library_empty": "Todavía no hay modelos guardados.",
    "library_shortcut": "Hecho en el laboratorio de atajos (página Confianza): {cue} en la "
    "clase {target}, en el {share_target} de sus imágenes de entrenamiento y el {share_other} "
    "de las de las demás clases. Es el modelo **{which}** del par.",
    "library_model": "Modelo",
    "col_name": "nombre",
    "col_arch": "arquitectura",
    "col_dataset": "conjunto de datos",
    "col_accuracy": "exactitud en test",
    "col_created": "creado",
    "col_folder": "carpeta",
    "use_model": "Activar",
    "delete_model": "Eliminar",
    "upload_header": "Subir un modelo",
    "upload": "Un .zip de modelo descargado de CNN Lab (o un .safetensors que lleve dentro su "
    "ficha)",
    "upload_ok": "Se ha subido **{name}** ({arch} con {dataset}); ahora es el modelo activo.",
    "upload_error": "Este archivo no se puede cargar: {error}",
    # playground
    "pg_text": """
La figura del momento de los apuntes, en vivo: SGD sin más, SGD con momento y Adam salen del
mismo punto, con la misma tasa de aprendizaje y el mismo número de pasos. Los tres son los
optimizadores reales de `torch.optim` que usa la pestaña Entrenar. Pulsa ▶ para verlos moverse.
""",
    "pg_surface": "Superficie",
    "surface_two_valleys": "Dos valles: un mínimo local poco profundo antes de otro global más "
    "hondo",
    "surface_two_valleys_text": "Cerca del punto de partida hay un mínimo **local** poco "
    "profundo y, más allá, uno **global** más hondo. SGD sin más se queda en el hoyo más "
    "cercano; con momento, la velocidad acumulada lo lleva a través del hoyo y por encima de la "
    "loma; Adam adapta su paso en cada coordenada.",
    "surface_rosenbrock": "Rosenbrock: un valle largo, curvo y casi plano",
    "surface_rosenbrock_text": "Un único mínimo, en (1, 1), al final de un valle estrecho y "
    "curvo de fondo casi plano: SGD sin más avanza por él muy despacio; el momento gana "
    "velocidad allí donde los gradientes coinciden.",
    "pg_lr": "Tasa de aprendizaje",
    "pg_momentum": "Momento (momentum)",
    "pg_steps": "Pasos",
    "pg_label_sgd": "SGD",
    "pg_label_momentum": "SGD + momento {momentum}",
    "pg_label_nesterov": "SGD + momento de Nesterov {momentum}",
    "pg_label_adam": "Adam",
    "pg_result": "{label} termina en {point}, con pérdida {loss}: {where}.",
    "pg_point": "({x}; {y})",
    "pg_global": "el mínimo global",
    "pg_local": "un mínimo local",
    "pg_nowhere": "lejos de los mínimos",
    "pg_diverged": "ha divergido",
}

# Names and formulas that Spanish writes as English does.
SAME_IN_ES = frozenset({"opt_sgd", "opt_adam", "nesterov", "arch_tiny_vgg_title", "pg_label_sgd",
                        "pg_label_adam", "ft_gflop", "ft_tflop"})
