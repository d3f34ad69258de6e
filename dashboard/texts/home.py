"""Home page text (English)."""

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
    "model_error": "The default model could not be trained: {error}",
    "offline_header": "Offline and online",
    "offline": """
Without a network everything works on the digits dataset and on models you train. With a
network, MNIST, Fashion-MNIST and CIFAR-10 are downloaded through torchvision on first use
into `~/.cache/cnn-lab/data` (or `$CNNLAB_HOME/data`); when a download fails, the page says
which files to place where.
""",
}
