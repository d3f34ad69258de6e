"""The datasets' names and descriptions, and their class names, as the pages show them.

``CLASSES_EN`` / ``CLASSES_ES`` are keyed by the class name the dataset itself uses (torchvision's
English names); a class missing here (the digits "0".."9", an uploaded folder's sub-folder
names) is shown as it is. Read through ``texts.class_names``.
"""

EN = {
    "digits_title": "Digits (scikit-learn)",
    "digits_description": "1,797 handwritten digits, 8x8 pixels, bundled with scikit-learn and "
                          "upscaled to 28x28 like MNIST. Works offline; trains in seconds.",
    "mnist_title": "MNIST",
    "mnist_description": "70,000 handwritten digits, 28x28 grayscale (60,000 train / 10,000 "
                         "test).",
    "fashion_mnist_title": "Fashion-MNIST",
    "fashion_mnist_description": "70,000 Zalando clothing images in 10 classes, 28x28 "
                                 "grayscale; a harder drop-in for MNIST.",
    "cifar10_title": "CIFAR-10",
    "cifar10_description": "60,000 small colour photos in 10 classes (plane, car, bird, ...), "
                           "32x32 RGB.",
}

ES = {
    "digits_title": "Dígitos (scikit-learn)",
    "digits_description": "1.797 dígitos manuscritos de 8×8 píxeles que vienen con "
                          "scikit-learn, ampliados a 28×28 como MNIST. Funciona sin conexión; "
                          "se entrena en segundos.",
    "mnist_title": "MNIST",
    "mnist_description": "70.000 dígitos manuscritos en escala de grises de 28×28 (60.000 de "
                         "entrenamiento y 10.000 de test).",
    "fashion_mnist_title": "Fashion-MNIST",
    "fashion_mnist_description": "70.000 imágenes de ropa de Zalando en 10 clases, en escala "
                                 "de grises de 28×28; un sustituto de MNIST más difícil.",
    "cifar10_title": "CIFAR-10",
    "cifar10_description": "60.000 fotos pequeñas en color de 10 clases (avión, coche, "
                           "pájaro...), de 32×32 en RGB.",
}

CLASSES_EN = {
    # Fashion-MNIST
    "T-shirt/top": "T-shirt/top",
    "Trouser": "Trouser",
    "Pullover": "Pullover",
    "Dress": "Dress",
    "Coat": "Coat",
    "Sandal": "Sandal",
    "Shirt": "Shirt",
    "Sneaker": "Sneaker",
    "Bag": "Bag",
    "Ankle boot": "Ankle boot",
    # CIFAR-10
    "airplane": "airplane",
    "automobile": "automobile",
    "bird": "bird",
    "cat": "cat",
    "deer": "deer",
    "dog": "dog",
    "frog": "frog",
    "horse": "horse",
    "ship": "ship",
    "truck": "truck",
}

CLASSES_ES = {
    "T-shirt/top": "Camiseta/top",
    "Trouser": "Pantalón",
    "Pullover": "Jersey",
    "Dress": "Vestido",
    "Coat": "Abrigo",
    "Sandal": "Sandalia",
    "Shirt": "Camisa",
    "Sneaker": "Zapatilla",
    "Bag": "Bolso",
    "Ankle boot": "Botín",
    "airplane": "avión",
    "automobile": "automóvil",
    "bird": "pájaro",
    "cat": "gato",
    "deer": "ciervo",
    "dog": "perro",
    "frog": "rana",
    "horse": "caballo",
    "ship": "barco",
    "truck": "camión",
}

SAME_IN_ES = frozenset({"mnist_title", "fashion_mnist_title", "cifar10_title"})
