"""The garbage collector, kept off the key presses of a program that runs all day.

Python's full collections walk every object alive. In mes-tui they came every few screens and
took 30 to 100 ms, which is most of the slow screen changes measured (see BENCHMARKS.md): the
objects they walked were nearly all modules, classes and styles loaded at start, which live as
long as the program. ``settle_after_start`` collects once, while the person reads the welcome
screen, and then moves what is alive out of the collector's sight (``gc.freeze``): later
collections walk only what came after.

``collect_when_idle`` then runs the remaining collections between two screens, while the person
reads, rather than during the next screen change.

Textual also keeps, in a cache of 1,024 entries keyed by the widget's style cache, the rendered
lines of widgets long gone; ``forget_render_caches`` empties it between two people.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

_modules_when_frozen = 0

MODULES_GROWTH = 50
"""Modules loaded since the last freeze that make freezing again worth it: fpdf2 and fontTools,
loaded by the first receipt, are about 150, and their objects would otherwise be walked by
every full collection from then on (30-40 ms each, measured)."""


def settle_after_start() -> None:
    """Collect now, then exempt every object alive from later collections.

    Only for objects that live as long as the program: call it when no screen but the first
    is alive (a screen frozen here and dropped later would never be collected)."""
    gc.collect()
    _freeze()


def _freeze() -> None:
    global _modules_when_frozen
    gc.freeze()
    _modules_when_frozen = len(sys.modules)


def settle_again_if_grown(still_alive: Callable[[], bool]) -> bool:
    """``settle_after_start`` again if many modules were loaded since the last time (the
    receipt's, say). Same condition: nothing of anybody alive but the first screen; after the
    collection, ``still_alive()`` tells whether something of the last person's is still held
    (a screen Textual has not finished removing): then not now, as it would never be freed."""
    if len(sys.modules) - _modules_when_frozen < MODULES_GROWTH:
        return False
    forget_render_caches()
    gc.collect()
    if still_alive():
        return False
    _freeze()
    return True


IDLE_DELAY = 0.25
"""Seconds after a screen change, without a key, before collecting what the last screen left."""


def collect_when_idle() -> None:
    """A full collection: the screens just left are garbage with cycles in them (a widget and
    its parent refer to each other); collected now, the next screen change does not pay."""
    gc.collect()


def forget_render_caches() -> None:
    """Let go of the lines Textual keeps rendered for widgets that no longer exist.

    The cache is Textual's own (``StylesCache.get_inner_outer``, Textual 8.2): if a later
    version has it no more, there is nothing to let go of."""
    try:
        from textual._styles_cache import StylesCache

        StylesCache.get_inner_outer.cache_clear()
    except (ImportError, AttributeError):
        return
