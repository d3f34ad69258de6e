"""Home page text, English and Spanish."""

EN = {
    "title": "CNN Lab",
    "tagline": "See inside convolutional networks: what each layer computes, how a network "
    "learns, and what a trained network has learned.",
    "intro": """
CNN Lab is a workbench for students, teachers and practitioners. Every page is interactive
and runs on a laptop CPU, offline. The sidebar chooses the **active dataset and model** once
and every page follows it; on a fresh machine the default is a small CNN trained on
scikit-learn's bundled handwritten digits, trained on first use in a few seconds and kept on
disk.
""",
    "pages_header": "Pages",
    "start_header": "Where to start",
    "start": """
1. **Layers** — convolve an image by hand, then look inside the default network.
2. **Pooling Calculator** — edit a matrix, pool it, and step through every window.
3. **Train** — train your own CNN; it becomes the active model for every page.
""",
    "model_header": "Active model",
    "model_none": "No model is trained on {dataset} yet: the Train page will make one. "
    "The digits dataset has a ready default.",
    "model_pending": "The default model (a small CNN on digits) is trained the first time a "
    "page needs it — about five seconds on a laptop. You can also train it now.",
    "model_train": "Train the default model now",
    "model_ready": "**{name}** — `{arch}`, input {shape}, {classes} classes{accuracy}. "
    "Stored in `{path}`.",
    "model_accuracy": ", test accuracy {accuracy}",
    "model_imagenet": "**{name}** — `{arch}`, input 3×{side}×{side}, 1,000 ImageNet classes, "
    "{weights}. Its weights come from torchvision the first time a page needs them, into the "
    "torch hub cache; offline, a page names the file and the folder to put it in.",
    "weights_imagenet": "pretrained on ImageNet",
    "weights_random": "**random weights** (the structure only)",
    "default_name": "Small CNN on digits (default)",
    "model_error": "The default model could not be trained: {error}",
    "offline_header": "Offline and online",
    "offline": """
Without a network everything works on the digits dataset and on models you train. With a
network, MNIST, Fashion-MNIST and CIFAR-10 are downloaded through torchvision on first use
into `~/.cache/cnn-lab/data` (or `$CNNLAB_HOME/data`); when a download fails, the page says
which files to place where.
""",
}

ES = {
    "title": "CNN Lab",
    "tagline": "Mira dentro de las redes convolucionales: qué calcula cada capa, cómo aprende "
    "una red y qué ha aprendido una red ya entrenada.",
    "intro": """
CNN Lab es un banco de trabajo para estudiantes, docentes y profesionales. Todas las páginas
son interactivas y funcionan en la CPU de un portátil, sin conexión. En la barra lateral eliges
una sola vez el **conjunto de datos y el modelo activos**, y todas las páginas los usan; en un
equipo recién instalado, el modelo predeterminado es una CNN pequeña entrenada con los dígitos
manuscritos que trae scikit-learn: se entrena en unos segundos la primera vez que se usa y se
guarda en el disco.
""",
    "pages_header": "Páginas",
    "start_header": "Por dónde empezar",
    "start": """
1. **Capas**: aplica una convolución a mano y luego mira por dentro la red predeterminada.
2. **Calculadora de agrupación**: edita una matriz, aplícale una agrupación (pooling) y
   recorre sus ventanas una a una.
3. **Entrenar**: entrena tu propia CNN; pasa a ser el modelo activo de todas las páginas.
""",
    "model_header": "Modelo activo",
    "model_none": "Todavía no hay ningún modelo entrenado con {dataset}: la página Entrenar "
    "creará uno. El conjunto de dígitos ya trae uno predeterminado.",
    "model_pending": "El modelo predeterminado (una CNN pequeña con los dígitos) se entrena la "
    "primera vez que una página lo necesita: unos cinco segundos en un portátil. También puedes "
    "entrenarlo ahora.",
    "model_train": "Entrenar ahora el modelo predeterminado",
    "model_ready": "**{name}**: `{arch}`, entrada {shape}, {classes} clases{accuracy}. "
    "Guardado en `{path}`.",
    "model_accuracy": ", exactitud en test {accuracy}",
    "model_imagenet": "**{name}**: `{arch}`, entrada 3×{side}×{side}, 1000 clases de ImageNet, "
    "{weights}. Sus pesos llegan de torchvision la primera vez que una página los necesita, a la "
    "caché de torch hub; sin conexión, la página indica el archivo y la carpeta donde ponerlo.",
    "weights_imagenet": "preentrenado en ImageNet",
    "weights_random": "**pesos aleatorios** (solo la estructura)",
    "default_name": "CNN pequeña con dígitos (predeterminado)",
    "model_error": "No se pudo entrenar el modelo predeterminado: {error}",
    "offline_header": "Sin conexión y con conexión",
    "offline": """
Sin red, todo funciona con el conjunto de dígitos y con los modelos que entrenes. Con red,
MNIST, Fashion-MNIST y CIFAR-10 se descargan con torchvision la primera vez que se usan, en
`~/.cache/cnn-lab/data` (o en `$CNNLAB_HOME/data`); si una descarga falla, la página te dice
qué archivos tienes que poner y dónde.
""",
}

SAME_IN_ES = frozenset({"title"})
