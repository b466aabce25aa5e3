"""What the terminal sends, on its way to the app (``mes_tui.terminal``): a bracketed paste stays
one paste whatever ESC it holds, and keys reach the event loop by bursts, in order."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual.drivers.linux_driver import LinuxDriver

from mes_tui.app import MesApp
from mes_tui.terminal import (
    PASTE_END,
    PASTE_START,
    MesLinuxDriver,
    PasteGuard,
    PasteSafeParser,
    driver_class,
)

ESC = "\x1b"


def whole(stream: str) -> str:
    """What ``PasteGuard`` makes of ``stream`` read in one go, written plainly."""
    out, pos, in_paste = [], 0, False
    while pos < len(stream):
        marker = PASTE_END if in_paste else PASTE_START
        found = stream.find(marker, pos)
        end = len(stream) if found < 0 else found
        out.append(stream[pos:end].replace(ESC, "") if in_paste else stream[pos:end])
        if found < 0:
            break
        out.append(marker)
        pos, in_paste = found + len(marker), not in_paste
    return "".join(out)


def guarded(chunks: list[str]) -> tuple[str, PasteGuard]:
    guard = PasteGuard()
    return "".join(guard(chunk) for chunk in chunks), guard


def test_esc_inside_a_paste_is_removed_and_nothing_outside() -> None:
    stream = f"a{ESC}[A{PASTE_START}x{ESC}[31my{ESC}{ESC}z{PASTE_END}{ESC}[B{ESC}"
    out, guard = guarded([stream])
    assert out == f"a{ESC}[A{PASTE_START}x[31myz{PASTE_END}{ESC}[B{ESC}"
    assert not guard.in_paste


def test_brackets_split_between_two_reads_are_recognised() -> None:
    stream = f"{PASTE_START}ab{ESC}[1mc{PASTE_END}d"
    for cut in range(len(stream) + 1):
        out, guard = guarded([stream[:cut], stream[cut:]])
        assert out == f"{PASTE_START}ab[1mc{PASTE_END}d", cut
        assert not guard.in_paste


@given(
    st.lists(
        st.sampled_from(["a", ESC, "[", "2", "0", "1", "~", PASTE_START, PASTE_END, "\x1b[31m"]),
        max_size=30,
    ),
    st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=40),
)
def test_any_cut_into_reads_gives_what_one_read_gives(parts: list[str], sizes: list[int]) -> None:
    stream = "".join(parts)
    chunks, pos, index = [], 0, 0
    while pos < len(stream):
        size = sizes[index % len(sizes)]
        chunks.append(stream[pos : pos + size])
        pos, index = pos + size, index + 1
    out, guard = guarded(chunks)
    # Only the beginning of a closing bracket may be kept back, at the very end of a paste.
    assert guard._held == "" or PASTE_END.startswith(guard._held)
    assert out + guard._held.replace(ESC, "") == whole(stream)


def test_an_escape_key_then_bracket_characters_open_no_paste(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ESC at the end of a read, then, after Textual's parser has given it up as the Escape
    key, "[200~" typed: no paste begins, and the ESC of the next arrow key stays."""
    from textual import _parser

    from mes_tui import terminal

    parser = PasteSafeParser()
    read = [*parser.feed("\x1b")]
    later = _parser.get_time() + 10  # well after the escape delay
    monkeypatch.setattr(_parser, "get_time", lambda: later)
    monkeypatch.setattr(terminal, "get_time", lambda: later)
    read += [*parser.tick()]
    read += [*parser.feed("[200~x\x1b[A")]
    keys = [getattr(m, "key", None) for m in read]
    assert keys[0] == "escape"
    assert keys[-1] == "up"
    assert not any(isinstance(m, events.Paste) for m in read)


def parsed(data: str) -> list[object]:
    parser = PasteSafeParser()
    return [*parser.feed(data), *parser.feed("")]


def test_a_paste_with_escape_sequences_is_one_paste_event() -> None:
    # Textual's own parser makes keys of what follows an ESC inside a paste: Enter among
    # them would submit the form, and each key costs as much as typing it.
    body = ("\x1b[31m" + "abcdefghijklmnopqrstuvwxy") * 40 + "\r\n"
    messages = parsed(PASTE_START + body + PASTE_END)
    assert [type(m) for m in messages] == [events.Paste]
    assert messages[0].text == body.replace(ESC, "")  # type: ignore[attr-defined]


def test_keys_outside_a_paste_are_read_as_before() -> None:
    messages = parsed("a\x1b[A")
    assert [getattr(m, "key", None) for m in messages] == ["a", "up"]


def test_textual_input_loop_is_the_one_copied() -> None:
    """``MesLinuxDriver.run_input_thread`` is Textual 8.2.8's with another parser. A Textual
    that changes its own must have ours looked at again (and this hash updated)."""
    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == (
        "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"
    )


def test_the_app_runs_with_this_driver_in_a_terminal(tmp_path: Path) -> None:
    from mes_tui.backoffice import simulated_back_office

    assert driver_class(LinuxDriver) is MesLinuxDriver
    app = MesApp(back_office=simulated_back_office(tmp_path))  # opened on first use: never here
    assert app.driver_class in (MesLinuxDriver, *_other_platforms())


def _other_platforms() -> tuple[type, ...]:
    import sys

    if sys.platform == "win32":
        from textual.drivers.windows_driver import WindowsDriver

        return (WindowsDriver,)
    return ()


class Collecting:
    """Stands for the app: what the driver posts to it, in order."""

    def __init__(self) -> None:
        self.posted: list[object] = []

    def post_message(self, message: object) -> bool:
        self.posted.append(message)
        return True


async def test_keys_reach_the_event_loop_by_bursts_in_order() -> None:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    app = Collecting()
    try:
        driver = MesLinuxDriver(app)  # type: ignore[arg-type]
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    loop = asyncio.get_running_loop()
    wake_ups = 0
    original = loop.call_soon_threadsafe

    def counting(callback: Any, *args: Any) -> Any:
        nonlocal wake_ups
        wake_ups += 1
        return original(callback, *args)

    loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
    keys = [events.Key(ch, ch) for ch in "abcdefghij" * 50]
    try:
        thread = threading.Thread(target=lambda: [driver.send_message(key) for key in keys])
        thread.start()
        thread.join()
        for _ in range(5):
            await asyncio.sleep(0)
    finally:
        loop.call_soon_threadsafe = original  # type: ignore[method-assign]
    assert app.posted == keys
    assert wake_ups < len(keys) / 10
