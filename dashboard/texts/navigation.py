"""The navigation: section names, page titles and the blurbs the home page shows."""

EN = {
    "section_lab": "CNN Lab",
    "section_learn": "Learn",
    "section_train": "Train",
    "section_interpret": "Interpret",
    "section_create": "Create",
    "home_title": "Home",
    "home_blurb": "What the lab is and where to start.",
    "layers_title": "Layers",
    "layers_blurb": "Convolution by hand (kernels, ReLU, pooling), the feature maps and filters "
                    "of the active model, what a channel responds to, and softmax/dropout/flatten "
                    "explainers.",
    "pooling_title": "Pooling Calculator",
    "pooling_blurb": "Max, average and global pooling on a matrix you edit: output sizes, every "
                     "window, and where max pooling sends the gradient.",
    "train_title": "Train",
    "train_blurb": "Train a CNN live (SGD, momentum or Adam), evaluate it with a clickable "
                   "confusion matrix, keep it in the model library, and watch optimisers race on "
                   "a loss surface.",
    "embeddings_title": "Embeddings",
    "embeddings_blurb": "PCA and t-SNE maps of the active model's feature vectors beside the raw "
                        "pixels, with their quality, each point's image and its nearest "
                        "neighbours.",
    "occlusion_title": "Occlusion",
    "occlusion_blurb": "Slide a patch over the image and map how the active model's answer "
                       "changes: probability, its drop, and the winning class at every occluder "
                       "position.",
    "saliency_title": "Saliency",
    "saliency_blurb": "Gradient maps side by side — vanilla, guided backprop, SmoothGrad, "
                      "Integrated Gradients, Grad-CAM — and a sanity check that randomises the "
                      "model layer by layer.",
    "trust_title": "Trust",
    "trust_blurb": "Which map should you believe? Deletion and insertion scores of every "
                   "saliency and occlusion map on the test images, against a random map and a "
                   "centre prior, under two baselines.",
    "style_transfer_title": "Style Transfer",
    "style_transfer_blurb": "Gatys et al. with VGG19: one photo in the style of another, live, "
                            "with the Gram matrices and the paper's layer-by-layer "
                            "reconstructions that explain it.",
}

ES = {
    "section_lab": "CNN Lab",
    "section_learn": "Aprender",
    "section_train": "Entrenar",
    "section_interpret": "Interpretar",
    "section_create": "Crear",
    "home_title": "Inicio",
    "home_blurb": "Qué es el laboratorio y por dónde empezar.",
    "layers_title": "Capas",
    "layers_blurb": "La convolución a mano (núcleos, ReLU, agrupación), los mapas de "
                    "características y los filtros del modelo activo, a qué responde un canal, y "
                    "explicaciones de softmax, dropout y aplanado (flatten).",
    "pooling_title": "Calculadora de agrupación",
    "pooling_blurb": "Agrupación máxima, media y global (pooling) sobre una matriz que tú editas: "
                     "tamaños de salida, cada ventana y adónde envía el gradiente la agrupación "
                     "máxima.",
    "train_title": "Entrenar",
    "train_blurb": "Entrena una CNN en directo (SGD, momento o Adam), evalúala con una matriz de "
                   "confusión en la que se puede hacer clic, guárdala en la biblioteca de "
                   "modelos y mira competir a los optimizadores sobre una superficie de pérdida.",
    "embeddings_title": "Representaciones",
    "embeddings_blurb": "Mapas PCA y t-SNE de los vectores de características del modelo activo "
                        "junto a los píxeles en bruto, con su calidad, la imagen de cada punto y "
                        "sus vecinos más cercanos.",
    "occlusion_title": "Oclusión",
    "occlusion_blurb": "Desliza un parche sobre la imagen y observa cómo cambia la respuesta del "
                       "modelo activo: la probabilidad, cuánto cae y la clase ganadora en cada "
                       "posición del parche.",
    "saliency_title": "Saliencia",
    "saliency_blurb": "Mapas de gradiente lado a lado —gradiente simple, retropropagación "
                      "guiada, SmoothGrad, gradientes integrados, Grad-CAM— y una prueba de "
                      "cordura que aleatoriza el modelo capa a capa.",
    "trust_title": "Confianza",
    "trust_blurb": "¿De qué mapa fiarse? Puntuaciones de borrado e inserción de cada mapa de "
                   "saliencia y de oclusión sobre las imágenes de test, frente a un mapa "
                   "aleatorio y uno centrado, con dos referencias.",
    "style_transfer_title": "Transferencia de estilo",
    "style_transfer_blurb": "Gatys et al. con VGG19: una foto con el estilo de otra, en directo, "
                            "con las matrices de Gram y las reconstrucciones capa a capa del "
                            "artículo que lo explican.",
}

SAME_IN_ES = frozenset({"section_lab"})
