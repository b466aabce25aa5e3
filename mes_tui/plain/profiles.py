"""The attached profiles (Je gère le profil de …) and the opposition receipt, which both the
end of the opposition and a profile's opposition offer."""

from __future__ import annotations

from pathlib import Path

from mes_tui import presenters
from mes_tui.engine import Refused
from mes_tui.models import ProfileView, Status
from mes_tui.plain import formats
from mes_tui.plain.prompts import GoBack, Invalid, Option
from mes_tui.plain.steps import Steps
from mes_tui.texts import home as thome
from mes_tui.texts import opposition as toppose
from mes_tui.texts import plain as t
from mes_tui.texts import profile as tprofile
from mes_tui.texts import safe
from mes_tui.texts import service as tservice


class ProfileSteps(Steps):
    """The list of attached profiles, a decision for one of them, and saving a receipt."""

    # -- the receipt ------------------------------------------------------------------------
    def save_receipt(self, nir: str) -> Path | None:
        """Ask where to save the receipt of ``nir``'s opposition (Enter keeps
        ``DATA_DIR/justificatifs``) and save it; its path, or None if the person went on
        without it (``<``, or after a refusal, confirmed)."""
        default = str(self.engine.default_receipts_dir())
        outer = self.pending
        # Set back on every way out but an exception: the end of the input must report it.
        self.pending = t.PENDING_RECEIPT

        def folder(raw: str) -> Path:
            if not raw.strip():
                raise Invalid(toppose.FOLDER_EMPTY)
            return Path(raw.strip()).expanduser().absolute()

        while True:
            try:
                chosen = self.ask.text(
                    toppose.FOLDER_LABEL,
                    folder,
                    hint=toppose.FOLDER_HINT,
                    default=default,
                    default_shown=safe.printable(default),
                )
            except GoBack:
                if self._leave_without_receipt():
                    self.pending = outer
                    return None
                continue
            saved = self.call(self.engine.save_receipt, nir, chosen)
            if isinstance(saved, Refused):
                self.refused(saved)
                # A folder refused: another one. Else (saved already, busy): stay, or leave.
                if saved.field is None and self._leave_without_receipt():
                    self.pending = outer
                    return None
                continue
            self.say(toppose.SAVED.format(path=safe.printable(str(saved.value))))
            self.say(toppose.SAVED_DETAIL)
            self.pending = outer
            return saved.value

    def _leave_without_receipt(self) -> bool:
        try:
            chosen = self.ask.choice(
                toppose.LEAVE_TITLE,
                [toppose.LEAVE_NO, toppose.LEAVE_YES],
                default=0,
                hint=toppose.LEAVE_BODY,
            )
        except GoBack:
            return False
        return chosen == 1

    # -- attached profiles ------------------------------------------------------------------
    def manage_profiles(self, finish: str, intro: str | None = None) -> None:
        """The attached profiles, statuses in words; choosing one manages it, the last entry
        (``finish``) ends."""
        while True:
            profiles = self.person.profiles
            heading = [intro] if intro else []
            heading.append(thome.PROFILES_TITLE.format(count=len(profiles)))
            heading.append(t.PROFILES_QUESTION if profiles else thome.NO_PROFILES)
            chosen = self.choose_or_explain(
                "\n".join(heading),
                [*(formats.profile_line(p) for p in profiles), finish],
                default=len(profiles),
            )
            if chosen == len(profiles):
                return
            self.manage_profile(profiles[chosen])

    def manage_profile(self, profile: ProfileView) -> None:
        """Je gère le profil de …: activate it or oppose its creation (a minor's profile after
        certifying being the legal representative; an opposition after confirming it), then,
        after an opposition, that profile's receipt."""
        name = safe.printable(profile.display_name)
        self.say()
        self.say(tprofile.TITLE.format(name=name))
        self.say(
            tprofile.STATUS.format(
                status=presenters.status_text(profile.status, profile.decided_on)
            )
        )
        if profile.is_minor:
            self.say(tprofile.MINOR_NOTE)
        actions = presenters.profile_actions(profile.status)
        try:
            chosen = self.ask.choice(
                tprofile.CHOICE_LABEL,
                [Option(a.label, a.detail) for a in actions] + [Option(tprofile.BACK_TO_LIST)],
                default=len(actions),
            )
            if chosen == len(actions):
                return
            target = actions[chosen].status
            certified = False
            if profile.is_minor:
                certified = self.ask.yes_no(
                    tprofile.CERTIFY.format(name=presenters.certified_name(profile))
                )
                if not certified:
                    self.say(tservice.CERTIFICATION_REQUIRED)
                    self.say(t.NOTHING_RECORDED)
                    return
            if target is Status.OPPOSEE:
                closing = profile.status is Status.ACTIVE
                title = tprofile.CONFIRM_CLOSE_TITLE if closing else tprofile.CONFIRM_TITLE
                confirmed = self.ask.yes_no(
                    title.format(name=name),
                    hint=tprofile.CONFIRM_CLOSE_BODY if closing else tprofile.CONFIRM_BODY,
                )
                if not confirmed:
                    self.say(t.NOTHING_RECORDED)
                    return
        except GoBack:
            return
        # The engine reads the holder again in every case: the list shows what is recorded.
        decided = self.call(
            self.engine.decide_profile, profile.nir, target, profile.status, certified=certified
        )
        if isinstance(decided, Refused):
            self.refused(decided)
            return
        decision = decided.value
        if decision.status is Status.ACTIVE:
            self.say(tprofile.ACTIVATED.format(name=name))
            return
        status = presenters.status_text(decision.status, decision.decided_on)
        self.say(tprofile.OPPOSED.format(name=name, status=status))
        self.say(tprofile.RECEIPT_INTRO)
        self.save_receipt(profile.nir)
