"""A progress bar on a terminal, silence when piped (DESIGN.md §6)."""

import sys

from tqdm import tqdm


def progress_bar(**kwargs) -> tqdm:
    return tqdm(disable=not sys.stderr.isatty(), file=sys.stderr, **kwargs)
