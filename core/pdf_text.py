"""Text for the core PDF fonts (Latin-1): one transliteration for every PDF the product makes
(letters, activities/letters/pdf.py; the what-if board paper, services/whatif_output.py)."""

from __future__ import annotations

import unicodedata

__all__ = ["latin1"]

_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u20ac": "EUR",
        "\u0141": "L",
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u0131": "i",
    }
)


def latin1(text: str) -> str:
    """Make `text` printable in a core PDF font (Latin-1), losing as little as possible."""
    text = text.translate(_PUNCTUATION)
    if all(ord(ch) < 256 for ch in text):
        return text
    return "".join(ch if ord(ch) < 256 else _fold(ch) for ch in text)


def _fold(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and all(ord(c) < 256 for c in base) else "?"
