"""Offer letters (built in a later step)."""


def write_letters(*args, **kwargs):  # pragma: no cover - placeholder
    raise NotImplementedError
