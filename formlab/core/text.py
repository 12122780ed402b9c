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


def did_you_mean(word: str, choices: list[str]) -> str:
    """``" (did you mean push_up?)"`` for the choice closest to ``word``, or ``""`` if none is close.

    A misspelt name (``pushup``) is easier to fix from the one name meant than
    from a list of twenty; :func:`difflib.get_close_matches` with its default
    cut-off (0.6 similarity) finds it and ignores names that merely share letters.
    """
    import difflib

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]}?)" if close else ""
