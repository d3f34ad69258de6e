"""Error messages of core.train.finetune (fine-tuning an
ImageNet model), by key; merged into
``dashboard/texts/errors.py`` (see there)."""

EN: dict[str, str] = {
}

ES: dict[str, str] = {
}

NAMES_EN: dict[str, str] = {}
NAMES_ES: dict[str, str] = {}
SAME_IN_ES: frozenset[str] = frozenset()
