"""Names people see and compare: usernames, tags and emails, normalised so that look-alikes are
one name or refused.

- Text is NFKC-normalised: full-width ``ａｌｉｃｅ`` is ``alice``, a ligature is its letters.
- Zero-width and other invisible format characters (Unicode category Cf) are refused.
- Mixed scripts posing as another name (``pythоn`` with a Cyrillic о) are refused, using
  Unicode's confusables data (the ``confusable-homoglyphs`` package).
- Usernames compare by a key with case and separators folded away, so ``Alice``, ``alice`` and
  ``alice.`` cannot belong to three people.
- Email domains are IDNA-normalised (``bücher.example`` is ``xn--bcher-kva.example``).
"""

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

USERNAME_SEPARATORS = re.compile(r"[._-]")


def normalize_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def invisible_characters(text: str) -> bool:
    """True when ``text`` holds zero-width or other format characters."""
    return any(unicodedata.category(char) == "Cf" for char in text)


def looks_like_another_script(text: str) -> bool:
    """True for mixed scripts with characters that pose as another script's (``pythоn``)."""
    # Imported on first use: its data costs every web worker about 6 MB it rarely needs.
    from confusable_homoglyphs import confusables

    return bool(confusables.is_dangerous(text))


def username_key(username: str) -> str:
    """What makes two usernames the same name: NFKC, case-folded, without ``.``, ``_``, ``-``."""
    return USERNAME_SEPARATORS.sub("", normalize_text(username).casefold())


def normalize_email(email: str) -> str:
    """The form an email is stored and looked up in: lower-cased, with an IDNA (ASCII) domain.

    Raises ``ValueError`` with a readable message when it is not an email address.
    """
    try:
        address = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    return f"{address.local_part}@{address.ascii_domain}".lower()


def email_lookup_key(email: str) -> str:
    """``normalize_email`` for look-ups, where anything that is not an address matches nobody."""
    try:
        return normalize_email(email)
    except ValueError:
        return email.strip().lower()
