"""Warnings for silent loss in words (see ``allocator.cautions``)."""

from ..cautions import warning_text

__all__ = ["warning_text"]
