"""The words around "you said, we did" on a child's pages, in the languages the child surveys
offer: written for a reading age of about 9, like every word a child sees."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChildWords:
    """The headings and links of the "you said, we did" pieces in one language."""

    title: str
    you_told_us: str
    so_we: str
    see_all: str
    intro: str
    none_yet: str
    back: str


_WORDS = {
    "en": ChildWords(
        title="You said, we did",
        you_told_us="You told us:",
        so_we="So we:",
        see_all="See everything we changed",
        intro="Children told us what it was like. This is what we changed.",
        none_yet="Nothing here yet. We will show what we change here.",
        back="Back to the start",
    ),
    "pl": ChildWords(
        title="Powiedzieliście, zrobiliśmy",
        you_told_us="Powiedzieliście nam:",
        so_we="Dlatego:",
        see_all="Zobacz wszystko, co zmieniliśmy",
        intro="Dzieci powiedziały nam, jak było. Oto, co zmieniliśmy.",
        none_yet="Na razie nic tu nie ma. Pokażemy tu, co zmienimy.",
        back="Wróć na początek",
    ),
    "ar": ChildWords(
        title="قلتم، ففعلنا",
        you_told_us="أخبرتمونا:",
        so_we="لذلك:",
        see_all="شاهد كل ما غيّرناه",
        intro="أخبرنا الأطفال كيف كان الأمر. هذا ما غيّرناه.",
        none_yet="لا يوجد شيء هنا بعد. سنعرض هنا ما نغيّره.",
        back="العودة إلى البداية",
    ),
}


def child_words(language: str) -> ChildWords | None:
    """The words in language, or None where they are not written yet (the page then does
    without the pieces rather than show English inside another language)."""
    return _WORDS.get(language)
