"""The words around "you said, we did" on a child's pages: the survey's own (under `interface`),
else built in for the languages below, else none, so a page does without the pieces rather
than show English inside another language."""

from __future__ import annotations

from .model import SurveyDefinition
from .words import YOU_SAID

# Written for a reading age of about 9, addressing children as a group ("you told us"), as the
# English does. Only languages whose wording could be written with confidence are here; a survey
# offering another writes its own (the loader warns until it does).
BUILT_IN: dict[str, dict[str, str]] = {
    "pl": {
        "you_said_title": "Powiedzieliście, zrobiliśmy",
        "you_told_us": "Powiedzieliście nam:",
        "so_we": "Dlatego:",
        "you_said_see_all": "Zobacz wszystko, co zmieniliśmy",
        "you_said_intro": "Dzieci powiedziały nam, jak było. Oto, co zmieniliśmy.",
        "you_said_none_yet": "Na razie nic tu nie ma. Pokażemy tu, co zmienimy.",
        "you_said_back": "Wróć na początek",
    },
    "ar": {
        "you_said_title": "قلتم، ففعلنا",
        "you_told_us": "أخبرتمونا:",
        "so_we": "لذلك:",
        "you_said_see_all": "شاهد كل ما غيّرناه",
        "you_said_intro": "أخبرنا الأطفال كيف كان الأمر. هذا ما غيّرناه.",
        "you_said_none_yet": "لا يوجد شيء هنا بعد. سنعرض هنا ما نغيّره.",
        "you_said_back": "العودة إلى البداية",
    },
    "cy": {
        "you_said_title": "Dywedoch chi, gwnaethon ni",
        "you_told_us": "Dywedoch chi wrthon ni:",
        "so_we": "Felly, fe wnaethon ni hyn:",
        "you_said_see_all": "Gweld popeth rydyn ni wedi'i newid",
        "you_said_intro": (
            "Dywedodd plant wrthon ni sut roedd pethau. Dyma beth rydyn ni wedi'i newid."
        ),
        "you_said_none_yet": (
            "Does dim byd yma eto. Byddwn ni'n dangos yma beth rydyn ni'n ei newid."
        ),
        "you_said_back": "Yn ôl i'r dechrau",
    },
    # Words that read the same in Portugal and Brazil (no pronoun placement that differs).
    "pt": {
        "you_said_title": "Vocês disseram, nós fizemos",
        "you_told_us": "O que nos disseram:",
        "so_we": "Por isso, nós:",
        "you_said_see_all": "Ver todas as mudanças",
        "you_said_intro": (
            "As crianças disseram como foi para elas. Aqui estão as mudanças que fizemos."
        ),
        "you_said_none_yet": (
            "Ainda não há nada aqui. Quando mudarmos alguma coisa, vamos mostrar aqui."
        ),
        "you_said_back": "Voltar ao início",
    },
    "ro": {
        "you_said_title": "Ați spus, am făcut",
        "you_told_us": "Ne-ați spus:",
        "so_we": "Așa că noi:",
        "you_said_see_all": "Vezi tot ce am schimbat",
        "you_said_intro": "Copiii ne-au spus cum a fost. Iată ce am schimbat.",
        "you_said_none_yet": "Încă nu este nimic aici. Aici vom arăta ce schimbăm.",
        "you_said_back": "Înapoi la început",
    },
    "lt": {
        "you_said_title": "Jūs sakėte, mes padarėme",
        "you_told_us": "Jūs mums sakėte:",
        "so_we": "Todėl mes:",
        "you_said_see_all": "Žiūrėti viską, ką pakeitėme",
        "you_said_intro": "Vaikai mums papasakojo, kaip jiems buvo. Štai ką pakeitėme.",
        "you_said_none_yet": "Čia dar nieko nėra. Čia parodysime, ką pakeisime.",
        "you_said_back": "Grįžti į pradžią",
    },
    "uk": {
        "you_said_title": "Ви сказали, ми зробили",
        "you_told_us": "Ви сказали нам:",
        "so_we": "Тому ми:",
        "you_said_see_all": "Подивитися все, що ми змінили",
        "you_said_intro": "Діти розповіли нам, як це було. Ось що ми змінили.",
        "you_said_none_yet": "Тут поки нічого немає. Тут ми покажемо, що змінимо.",
        "you_said_back": "Назад на початок",
    },
    "ur": {
        "you_said_title": "آپ نے کہا، ہم نے کیا",
        "you_told_us": "آپ نے ہمیں بتایا:",
        "so_we": "تو ہم نے یہ کیا:",
        "you_said_see_all": "ہم نے جو کچھ بدلا، وہ سب دیکھیں",
        "you_said_intro": "بچوں نے ہمیں بتایا کہ یہ کیسا تھا۔ ہم نے یہ بدلا ہے۔",
        "you_said_none_yet": "یہاں ابھی کچھ نہیں ہے۔ ہم جو بدلیں گے، وہ یہاں دکھائیں گے۔",
        "you_said_back": "شروع میں واپس جائیں",
    },
}


def you_said_word(definition: SurveyDefinition, key: str, language: str) -> str | None:
    """One of the words in language: the survey's, else built in, else None."""
    given = definition.interface.get(key)
    if given is not None and language in given.translations:
        return given.translations[language]
    if language == "en":
        return YOU_SAID[key]
    return BUILT_IN.get(language, {}).get(key)


def missing_you_said_words(definition: SurveyDefinition, language: str) -> list[str]:
    """The keys of the words the survey's pages have neither from the survey nor built in."""
    return [key for key in YOU_SAID if you_said_word(definition, key, language) is None]
