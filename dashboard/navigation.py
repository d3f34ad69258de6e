"""The page registry: one place that lists the pages, their sections, icons and blurbs.

The entry point builds ``st.navigation`` from it and the home page links to each page, so a
new page is added here once. Only pages that exist are registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import texts

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
PAGE_KEY = "current_page"  # the session state key of the page this run draws (its PageInfo key)


@dataclass(frozen=True)
class PageInfo:
    """A page: its file's name, its section and icon; its title, section name and blurb come
    from ``dashboard/texts/navigation.py`` in the session's language."""

    key: str
    section_key: str
    icon: str

    @property
    def title(self) -> str:
        return texts.get("navigation")[f"{self.key}_title"]

    @property
    def section(self) -> str:
        return texts.get("navigation")[f"section_{self.section_key}"]

    @property
    def blurb(self) -> str:
        return texts.get("navigation")[f"{self.key}_blurb"]


PAGES: tuple[PageInfo, ...] = (
    PageInfo("home", "lab", ":material/home:"),
    PageInfo("layers", "learn", ":material/layers:"),
    PageInfo("pooling", "learn", ":material/grid_view:"),
    PageInfo("train", "train", ":material/model_training:"),
    PageInfo("embeddings", "interpret", ":material/scatter_plot:"),
    PageInfo("occlusion", "interpret", ":material/select:"),
    PageInfo("saliency", "interpret", ":material/gradient:"),
    PageInfo("trust", "interpret", ":material/verified:"),
    PageInfo("style_transfer", "create", ":material/palette:"),
)


def page(key: str) -> st.Page:
    """The ``st.Page`` for a registered page key."""
    info = next(p for p in PAGES if p.key == key)
    return st.Page(
        str(PAGES_DIR / f"{info.key}.py"),
        title=info.title,
        icon=info.icon,
        url_path=info.key if info.key != "home" else None,
        default=info.key == "home",
    )


def sections() -> dict[str, list[st.Page]]:
    """Pages grouped by section, in registry order, for ``st.navigation``."""
    grouped: dict[str, list[st.Page]] = {}
    for info in PAGES:
        grouped.setdefault(info.section, []).append(page(info.key))
    return grouped
