"""Text shared by several pages: the image picker, the matrix editor, Stop, the messages of the
cached work (``dashboard/cache.py``), the internal-error message. A page's own strings win."""

EN = {
    # image picker (dashboard.widgets.image_picker)
    "source": "Image",
    "src_dataset": "Dataset test image",
    "src_sample": "Sample image",
    "src_upload": "Upload",
    "src_draw": "Draw",
    "src_camera": "Camera",
    "camera": "Take a photo",
    "camera_caption": "Camera photo",
    "brush": "Brush size (px)",
    "draw_help": "Draw with the mouse, a finger or a pen. The toolbar under the canvas undoes, "
                 "redoes and clears.",
    "draw_empty": "Draw something on the canvas: the prediction follows each stroke.",
    "drawn_caption": "Your drawing",
    "drawn_mnist": "What the model sees: the ink's box scaled to {box} px, centred by mass in "
                   "{size} × {size} (how MNIST was made)",
    "drawn_raw": "What the model sees: the drawing, resized to its input",
    "top3": "Top 3",
    "drawing_on": "Open this drawing on",
    "from_page": "Image from {page}: pick another one above to change it.",
    # links (dashboard.links)
    "copy_link": "Copy link to this view",
    "link_copied": "Link copied",
    "copy": "Copy",
    "copied": "Copied",
    "copy_select": "Selected: press Ctrl+C (⌘C on a Mac) to copy it",
    "link_unused": "This link's {names} could not be used here and were left out.",
    "sample": "Sample",
    "sample_shapes": "Shapes (generated)",
    "sample_china": "Temple in China (photo)",
    "sample_flower": "Flower (photo)",
    "sample_checkerboard": "Checkerboard (generated)",
    "sample_gradient": "Gradient and stripes (generated)",
    "index": "Test image index",
    "picked_caption": "{dataset} test #{index} · {label}",
    "folder_dataset": "Image folder",
    "upload_image": "PNG, JPEG, WebP, BMP or GIF (first frame)",
    "bad_image": "This image cannot be used: {error}",
    "no_image": "Pick a dataset or sample image, draw one, take a photo or upload one.",
    # matrix editor (dashboard.widgets.matrix_input) and (height, width) inputs
    "input_mode": "Edit as",
    "mode_grid": "Grid",
    "mode_text": "Text",
    "pair_height": "{label} (height)",
    "pair_width": "{label} (width)",
    # long work
    "stop": "Stop",
    "stopped": "Stopped before the end; nothing was kept. Press the button to run it again.",
    # dashboard.cache: shown while cached work runs for the first time
    "cache_dataset": "Loading the dataset…",
    "cache_top_activating": "Scanning the test split…",
    "cache_evaluation": "Evaluating on the test split…",
    "cache_features": "Extracting feature vectors…",
    "cache_imagenet": "Loading the ImageNet weights…",
    "cache_vgg19": "Loading VGG19…",
    "cache_gram": "Computing Gram matrices…",
    "default_training": "Training the default model (small CNN on digits)…",
    "default_progress": "epoch {epoch}/{epochs}, loss {loss}",
    "default_ready": "Default model ready",
    "default_waiting": "Another server process is training the default model; waiting for it…",
    "default_busy": "Another server process has been training the default model for over ten "
                    "minutes. Reload the page in a moment; if it keeps happening, the server's "
                    "log says why.",
    "internal_error": "Internal error ({kind}): this is a bug in CNN Lab, not a problem with your "
                      "input. The details are in the server log.",
    # a layer table's details (dashboard.widgets.layer_detail)
    "layer_conv": "{n} filters {k}, stride {s}, pad {p}",
    "layer_dilation": "dilation {value}",
    "layer_groups": "groups {value}",
    "layer_pad": "pad {value}",
    "layer_pool_max": "{k} max, stride {s}",
    "layer_pool_avg": "{k} avg, stride {s}",
    "layer_adaptive_max": "adaptive max → {size}",
    "layer_adaptive_avg": "adaptive avg → {size}",
    "layer_batchnorm": "normalises {n} channels",
    "layer_dropout": "p = {p} (off in eval)",
    "layer_input": "{shape} image",
    "model_weights_missing": "The ImageNet weights of this model are not on this machine, "
                             "and it cannot download them: {error} Or explore the network "
                             "with random weights (its structure is real, its answers are "
                             "not).",
    "model_use_random": "Use random weights",
    "model_random_banner": "{model} has **random weights**: every layer and shape is real, but "
                           "what it computes means nothing. Turn off \"Random weights\" in the "
                           "sidebar once the ImageNet weights are in place.",
    "model_load_error": "The active model cannot be loaded: {error}",
    "model_none": "No model is available for this dataset yet: train one on the Train page, "
                  "pick the digits dataset for the ready default, or choose an ImageNet model "
                  "in the sidebar.",
    "fit_note": "{images} are {source}; {model} takes {target}: each image is {steps}.",
    "fit_grey_to_rgb": "copied from grey to 3 colour channels",
    "fit_rgb_to_grey": "turned from colour to grey",
    "fit_resize": "resized from {h}×{w} to {th}×{tw} px",
}

ES = {
    "source": "Imagen",
    "src_dataset": "Imagen de test del conjunto de datos",
    "src_sample": "Imagen de ejemplo",
    "src_upload": "Subir una imagen",
    "src_draw": "Dibujar",
    "src_camera": "Cámara",
    "camera": "Haz una foto",
    "camera_caption": "Foto de la cámara",
    "brush": "Grosor del pincel (px)",
    "draw_help": "Dibuja con el ratón, el dedo o un lápiz. La barra bajo el lienzo deshace, "
                 "rehace y borra.",
    "draw_empty": "Dibuja algo en el lienzo: la predicción sigue cada trazo.",
    "drawn_caption": "Tu dibujo",
    "drawn_mnist": "Lo que ve el modelo: la caja de la tinta escalada a {box} px, centrada por su "
                   "centro de masas en {size} × {size} (como se hizo MNIST)",
    "drawn_raw": "Lo que ve el modelo: el dibujo, redimensionado a su entrada",
    "top3": "Las 3 primeras",
    "drawing_on": "Abrir este dibujo en",
    "from_page": "Imagen de {page}: elige otra arriba para cambiarla.",
    "copy_link": "Copiar el enlace a esta vista",
    "link_copied": "Enlace copiado",
    "copy": "Copiar",
    "copied": "Copiado",
    "copy_select": "Seleccionado: pulsa Ctrl+C (⌘C en un Mac) para copiarlo",
    "link_unused": "No se pudo usar aquí {names} de este enlace y se dejó fuera.",
    "sample": "Ejemplo",
    "sample_shapes": "Formas (imagen generada)",
    "sample_china": "Templo en China (foto)",
    "sample_flower": "Flor (foto)",
    "sample_checkerboard": "Tablero de ajedrez (imagen generada)",
    "sample_gradient": "Degradado y rayas (imagen generada)",
    "index": "Índice de la imagen de test",
    "picked_caption": "{dataset}, test n.º {index} · {label}",
    "folder_dataset": "Carpeta de imágenes",
    "upload_image": "PNG, JPEG, WebP, BMP o GIF (primer fotograma)",
    "bad_image": "No se puede usar esta imagen: {error}",
    "no_image": "Elige una imagen del conjunto de datos o de ejemplo, dibuja una, haz una foto "
                "o sube una.",
    "input_mode": "Editar como",
    "mode_grid": "Cuadrícula",
    "mode_text": "Texto",
    "pair_height": "{label}: alto",
    "pair_width": "{label}: ancho",
    "stop": "Detener",
    "stopped": "Se detuvo antes de terminar y no se guardó nada. Pulsa el botón para volver a "
               "ejecutarlo.",
    "cache_dataset": "Cargando el conjunto de datos…",
    "cache_top_activating": "Recorriendo el conjunto de test…",
    "cache_evaluation": "Evaluando con el conjunto de test…",
    "cache_features": "Extrayendo los vectores de características…",
    "cache_imagenet": "Cargando los pesos de ImageNet…",
    "cache_vgg19": "Cargando VGG19…",
    "cache_gram": "Calculando las matrices de Gram…",
    "default_training": "Entrenando el modelo predeterminado (una CNN pequeña con los "
                        "dígitos)…",
    "default_progress": "época {epoch}/{epochs}, pérdida {loss}",
    "default_ready": "El modelo predeterminado está listo",
    "default_waiting": "Otro proceso del servidor está entrenando el modelo predeterminado; "
                       "esperando a que termine…",
    "default_busy": "Otro proceso del servidor lleva más de diez minutos entrenando el modelo "
                    "predeterminado. Recarga la página dentro de un momento; si vuelve a pasar, "
                    "el registro del servidor dice por qué.",
    "internal_error": "Error interno ({kind}): es un fallo de CNN Lab, no un problema de lo que "
                      "has introducido. Los detalles están en el registro del servidor.",
    "layer_conv": "{n} filtros de {k}, paso {s}, relleno {p}",
    "layer_dilation": "dilatación {value}",
    "layer_groups": "grupos {value}",
    "layer_pad": "relleno {value}",
    "layer_pool_max": "agrupación máxima {k}, paso {s}",
    "layer_pool_avg": "agrupación media {k}, paso {s}",
    "layer_adaptive_max": "agrupación máxima adaptativa → {size}",
    "layer_adaptive_avg": "agrupación media adaptativa → {size}",
    "layer_batchnorm": "normaliza {n} canales",
    "layer_dropout": "p = {p} (inactivo en evaluación)",
    "layer_input": "imagen de {shape}",
    "model_weights_missing": "Los pesos de ImageNet de este modelo no están en esta máquina "
                             "y no se pueden descargar: {error} También puedes explorar la red "
                             "con pesos aleatorios (su estructura es real; sus respuestas, no).",
    "model_use_random": "Usar pesos aleatorios",
    "model_random_banner": "{model} tiene **pesos aleatorios**: cada capa y cada forma son "
                           "reales, pero lo que calcula no significa nada. Desactiva «Pesos "
                           "aleatorios» en la barra lateral cuando los pesos de ImageNet estén "
                           "en su sitio.",
    "model_load_error": "No se puede cargar el modelo activo: {error}",
    "model_none": "Todavía no hay ningún modelo para este conjunto de datos: entrena uno en la "
                  "página Entrenar, elige el conjunto de dígitos, que trae uno listo, o escoge "
                  "un modelo de ImageNet en la barra lateral.",
    "fit_note": "{images} son de {source}; {model} recibe {target}: cada imagen {steps}.",
    "fit_grey_to_rgb": "se copia del gris a 3 canales de color",
    "fit_rgb_to_grey": "se pasa de color a gris",
    "fit_resize": "se redimensiona de {h}×{w} a {th}×{tw} px",
}
