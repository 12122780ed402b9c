"""Small helpers for the wording of messages."""

from __future__ import annotations


def with_article(noun: str) -> str:
    """``noun`` with its indefinite article: ``"an image"``, ``"a folder"``, ``"an overhead_press"``.

    Messages name things that are only known at run time (a file's kind, an
    exercise), so a fixed "a" reads wrong half the time. The rule is the
    written one (a vowel letter takes "an"), which is right for every word
    formlab puts here; words like "hour" or "user", whose sound differs from
    their spelling, would need a list and do not occur.
    """
    article = "an" if noun[:1].lower() in ("a", "e", "i", "o", "u") else "a"
    return f"{article} {noun}"
