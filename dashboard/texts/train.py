"""Train page text (English)."""

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
Training repeats four steps on small **batches** of images: a forward pass gives class
scores, the **cross-entropy loss** measures how wrong they are, **back-propagation** computes
the gradient of the loss with respect to every weight, and the **optimiser** moves each weight
a little against its gradient. One pass over the training set is an **epoch**.

* **SGD** moves by −lr × gradient. **Momentum** keeps a running velocity, so steps that agree
  add up and the optimiser can roll through small bumps and past shallow *local minima*
  towards lower ones (the course notes say "global maximum": it is a minimum we want).
  **Nesterov** momentum looks one step ahead before correcting.
* **Adam** (Kingma & Ba, 2015, [arXiv:1412.6980](https://arxiv.org/abs/1412.6980)) scales each
  weight's step by running estimates of its gradient's mean and variance; it usually works with
  little tuning (lr ≈ 1e-3).
* **Weight decay** pulls weights towards 0; **dropout** and **batch norm**
  ([Ioffe & Szegedy, 2015](https://arxiv.org/abs/1502.03167)) also fight overfitting, as does
  **augmentation** (random crops and flips of colour images).
* A **validation split** held out from the training set shows overfitting: training accuracy
  keeps rising while validation accuracy stalls. The **test split** is only used at the end.
""",
    # data
    "data_header": "1. Data",
    "training_on": "Training on **{title}** ({n_train} training and {n_test} test images, "
    "{shape}). Change the dataset in the sidebar.",
    "data_error": "The dataset is not available: {error}",
    "folder_expander": "Use my own images (a zip of one folder per class)",
    "folder_help": "Zip a folder that holds one sub-folder per class (e.g. cats/, dogs/). "
    "PNG, JPEG, WebP, BMP or GIF; at most 200 MB and 20,000 images.",
    "folder_upload": "Zipped image folder",
    "folder_size": "Resize images to (px)",
    "folder_load": "Load the images",
    "folder_loaded": "Loaded {name}: {classes} classes, {n_train} training and {n_test} test "
    "images; {skipped} files skipped.",
    "folder_error": "This zip cannot be used: {error}",
    # model
    "model_header": "2. Architecture",
    "arch": "Architecture",
    "channels": "Channels per block (comma-separated)",
    "kernel_size": "Kernel size",
    "batch_norm": "Batch normalisation",
    "dropout": "Dropout p",
    "hidden": "Hidden units",
    "params": "**{n:,}** trainable parameters",
    "bad_arch": "This architecture cannot be built: {error}",
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
    "precision_help": "auto: bfloat16 with channels-last memory where this CPU supports it "
    "(about 2× faster here, accuracy within a few tenths of a percent), else float32.",
    "name": "Model name",
    "bad_config": "These settings cannot be used: {error}",
    # run
    "run_header": "4. Run",
    "start": "Start training",
    "stop": "Stop",
    "resume": "Resume",
    "discard": "New run",
    "running_note": "Settings above are locked while this run exists; press *New run* to "
                    "change them.",
    "progress": "Epoch {epoch}/{epochs} · step {step}/{steps_per_epoch} · "
    "{samples_per_s:,.0f} samples/s · ETA {eta}",
    "finished": "Finished: test accuracy **{acc:.1%}** after {epochs} epochs in {seconds:.1f} s. "
    "The model is now active in the sidebar as **{name}**.",
    "stopped": "Stopped after {done} of {total} steps. The model so far is saved and active as "
    "**{name}**; press Resume to continue.",
    "diverged": "Training diverged: {message}. The weights from before that step are kept and "
    "saved; try a smaller learning rate.",
    "loss_chart": "Loss",
    "acc_chart": "Accuracy",
    "download": "Download the model (.zip: safetensors + card)",
    # evaluation
    "eval_none": "No model to evaluate: train one, or pick a model in the sidebar.",
    "eval_header": "Evaluation of **{name}** on the {split} test split",
    "test_accuracy": "Test accuracy",
    "per_class": "Accuracy per class",
    "confusion": "Confusion matrix (rows: true class, columns: predicted) — click a cell",
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
    "use_model": "Make active",
    "delete_model": "Delete",
    "upload_header": "Upload a model",
    "upload": "A model .zip downloaded from CNN Lab (or a .safetensors with its card inside)",
    "upload_ok": "Uploaded **{name}** ({arch} on {dataset}); it is now the active model.",
    "upload_error": "This file cannot be loaded: {error}",
    # playground
    "pg_text": """
The course notes' momentum figure, live. The surface has a shallow **local** minimum near the
start and a deeper **global** minimum further on. Plain SGD settles in the nearest dip;
momentum carries its velocity through the dip and over the bump; Adam adapts its step per
coordinate. All three use the real `torch.optim` optimisers of the Train tab.
""",
    "pg_surface": "Surface",
    "pg_lr": "Learning rate",
    "pg_momentum": "Momentum",
    "pg_steps": "Steps",
    "pg_result": "{label}: ends at ({x:.2f}, {y:.2f}), loss {loss:.3f} — {where}.",
    "pg_global": "the global minimum",
    "pg_local": "a local minimum",
    "pg_nowhere": "not at a minimum",
    "pg_diverged": "diverged",
}
