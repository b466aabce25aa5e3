"""Questions asked one at a time: free text, numbered choices, yes or no.

Every question prints its label, then its hint on a line of its own, then a prompt. Two answers
are commands everywhere: ``?`` prints the question's help, ``<`` goes back (``GoBack``). A wrong
answer prints "Erreur : …" and the question is asked again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.plain.console import Console
from mes_tui.texts import plain as t
from mes_tui.texts import ui

T = TypeVar("T")

HELP = "?"
BACK = "<"


class GoBack(Exception):
    """The person typed ``<``: back to the previous question, or the previous step."""


class Invalid(Exception):
    """An answer refused by a check of the front end; ``message`` says what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Option:
    """One numbered choice; ``detail`` is read on the line under it."""

    label: str
    detail: str | None = None


def error_message(error: Exception) -> str | None:
    """The French message of a refused answer, or None if ``error`` is not a refusal."""
    if isinstance(error, PydanticCustomError):
        return error.message()
    if isinstance(error, ValidationError):
        from mes_tui.models import first_message

        return first_message(error)
    if isinstance(error, Invalid):
        return error.message
    return None


class Prompter:
    """Asks questions on a ``Console``."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def say(self, text: str = "") -> None:
        self.console.say(text)

    def error(self, message: str) -> None:
        self.console.say(ui.ERROR_PREFIX + message)

    # -- the prompt line --------------------------------------------------------------------
    @staticmethod
    def _prompt(word: str, *notes: str | None) -> str:
        shown = [note for note in notes if note]
        return f"{word} ({', '.join(shown)}) : " if shown else f"{word} : "

    def _command(self, raw: str, help_text: Callable[[], None]) -> bool:
        """Handle ``?`` and ``<``; True if ``raw`` was ``?`` (ask again)."""
        answer = raw.strip()
        if answer == HELP:
            help_text()
            return True
        if answer == BACK:
            raise GoBack
        return False

    # -- free text --------------------------------------------------------------------------
    def text(
        self,
        label: str,
        check: Callable[[str], T],
        *,
        hint: str | None = None,
        help_text: str | None = None,
        secret: bool = False,
        default: str | None = None,
        default_shown: str | None = None,
    ) -> T:
        """Ask for a line of text until ``check`` accepts it; return what ``check`` returns.

        ``check`` raises ``PydanticCustomError`` (the domain validators), ``ValidationError`` or
        ``Invalid`` to refuse. An empty answer takes ``default`` when there is one, announced as
        "(défaut : ``default_shown``)"; secrets never have one.
        """
        self.say()
        self.say(label)
        if hint:
            self.say(hint)
        notes = [
            t.SECRET_NOTE if secret else None,
            t.DEFAULT.format(value=default_shown or default) if default else None,
            t.HELP_NOTE if help_text else None,
        ]
        prompt = self._prompt(t.PROMPT, *notes)

        def show_help() -> None:
            self.say(help_text or "\n".join(p for p in (label, hint, t.GENERAL_HELP) if p))

        while True:
            raw = self.console.ask(prompt, secret=secret)
            if self._command(raw, show_help):
                continue
            if not raw.strip() and default:
                raw = default
            try:
                return check(raw)
            except (PydanticCustomError, ValidationError, Invalid) as error:
                self.error(error_message(error) or "")

    # -- numbered choices -------------------------------------------------------------------
    def choice(
        self,
        label: str,
        options: Sequence[Option | str],
        *,
        default: int | None = None,
        hint: str | None = None,
        help_text: str | None = None,
    ) -> int:
        """Ask to choose one of ``options`` by its number; return its index (from 0).

        ``default`` (an index) is what Enter alone chooses.
        """
        items = [o if isinstance(o, Option) else Option(o) for o in options]
        self.say()
        self.say(label)
        if hint:
            self.say(hint)
        self._list(items)
        count = len(items)
        notes = [
            t.DEFAULT.format(value=default + 1) if default is not None else None,
            t.HELP_NOTE if help_text else None,
        ]
        prompt = self._prompt(t.PROMPT_CHOICE, *notes)

        def show_help() -> None:
            if help_text:
                self.say(help_text)
            self.say(label)
            self._list(items)

        while True:
            raw = self.console.ask(prompt)
            if self._command(raw, show_help):
                continue
            answer = raw.strip()
            if not answer and default is not None:
                return default
            if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= count:
                return int(answer) - 1
            self.error(t.CHOICE_INVALID.format(count=count))

    def _list(self, items: Sequence[Option]) -> None:
        for number, item in enumerate(items, start=1):
            self.say(t.OPTION.format(number=number, label=item.label))
            if item.detail:
                self.say(t.OPTION_DETAIL.format(detail=item.detail))

    # -- yes or no --------------------------------------------------------------------------
    def yes_no(
        self,
        question: str,
        *,
        default: bool | None = None,
        hint: str | None = None,
        help_text: str | None = None,
        extras: Mapping[str, Callable[[], None]] | None = None,
    ) -> bool:
        """Ask ``question``, answered ``o`` (oui) or ``n`` (non).

        ``extras`` maps other letters to actions (print a text, say) after which the question is
        asked again; ``hint`` should name them.
        """
        self.say()
        self.say(question)
        if hint:
            self.say(hint)
        default_word = None if default is None else (t.YES_WORD if default else t.NO_WORD)
        prompt = self._prompt(
            t.PROMPT,
            t.YES_NO_NOTE,
            t.DEFAULT.format(value=default_word) if default_word else None,
            t.HELP_NOTE if help_text else None,
        )

        def show_help() -> None:
            self.say(help_text or "\n".join(p for p in (question, hint, t.YES_NO_HELP) if p))

        while True:
            raw = self.console.ask(prompt)
            if self._command(raw, show_help):
                continue
            answer = raw.strip().lower()
            if not answer and default is not None:
                return default
            if answer in t.YES_ANSWERS:
                return True
            if answer in t.NO_ANSWERS:
                return False
            action = (extras or {}).get(answer)
            if action is not None:
                action()
                continue
            self.error(t.YES_NO_INVALID)
