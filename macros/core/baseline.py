"""The baseline: the rules for everyone of `_org.yaml` (`baseline:`), as read-only data.

Every field is optional; an organisation without a baseline has an empty one. Its texts are
shown as written. The one comparison made with them is `same_item`: a plan's allowed data that
repeats a never-enter item word for word (case and spacing aside), never a judgement of meaning.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(x for x in value if isinstance(x, str)) if isinstance(value, list) else ()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Baseline:
    never_enter: tuple[str, ...] = ()
    review_before_sending: str = ""
    report_channel: str = ""
    report_contact: str | None = None  # a person id
    ask_channels: tuple[str, ...] = ()
    ask_contacts: tuple[str, ...] = ()  # person ids

    @property
    def asks(self) -> bool:
        return bool(self.ask_channels or self.ask_contacts)

    @property
    def reports(self) -> bool:
        return bool(self.report_channel or self.report_contact)


def build_baseline(org: dict) -> Baseline:
    """From a checked `_org.yaml` mapping (tolerant of a missing or partial `baseline`)."""
    raw = org.get("baseline") if isinstance(org, dict) else None
    raw = raw if isinstance(raw, dict) else {}
    report = raw.get("report") if isinstance(raw.get("report"), dict) else {}
    ask = raw.get("ask") if isinstance(raw.get("ask"), dict) else {}
    return Baseline(
        never_enter=_texts(raw.get("never_enter")),
        review_before_sending=_text(raw.get("review_before_sending")),
        report_channel=_text(report.get("channel")),
        report_contact=report.get("contact") if isinstance(report.get("contact"), str) else None,
        ask_channels=_texts(ask.get("channels")),
        ask_contacts=_texts(ask.get("contacts")),
    )


def normalised(text: str) -> str:
    """An item as compared: case and runs of white space do not make a different item."""
    return " ".join(text.split()).casefold()


def same_item(text: str, never_enter: tuple[str, ...]) -> str | None:
    """The never-enter item `text` repeats exactly (after `normalised`), if any."""
    wanted = normalised(text)
    return next((item for item in never_enter if normalised(item) == wanted), None)
