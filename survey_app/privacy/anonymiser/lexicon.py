"""The words the anonymiser knows: names, places, English words, and the words around them.

The long lists are files in data/ (see data/README.md for where each comes from and its
licence); the short lists of cue words are here, where a reviewer can read them.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


def fold(word: str) -> str:
    """Lower case, NFC, typographic apostrophes made plain: the key every list is looked up by."""
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFC", word).replace("’", "'").replace("‘", "'").lower()


def plain(key: str) -> str:
    """A folded word without its accents: "siôn" -> "sion", "mairéad" -> "mairead"."""
    if key.isascii():
        return key
    decomposed = unicodedata.normalize("NFD", key)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _read(file_name: str) -> frozenset[str]:
    lines = (DATA / file_name).read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and line[0] != "#")


def word_set(text: str) -> frozenset[str]:
    """The folded words of a space-separated list."""
    return frozenset(fold(word) for word in text.split())


@dataclass(frozen=True)
class Lexicon:
    """Every list, folded, loaded once per process."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    # Words a dictionary lists in lower case: ordinary words, not names ("jade", "holly").
    dictionary: frozenset[str]
    # Dictionary words frequent enough that a name spelt the same ("hope", "will", "grace")
    # needs more than its spelling to count as a name.
    common_words: frozenset[str]
    # Any word frequent in English, names included: a word here is no unknown proper noun.
    vocabulary: frozenset[str]
    # The commonest words of the other languages children write in ("nie", "ela", "mea"): in
    # lower case they are words, whatever name list holds them.
    foreign_words: frozenset[str]
    places: frozenset[str]
    # Multi-word places by their first word, longest first: "great" -> ("great yarmouth", ...).
    places_by_first_word: dict[str, tuple[tuple[str, ...], ...]]


@functools.cache
def load() -> Lexicon:
    """Load the lists (about a tenth of a second, once)."""
    places = _read("places_gb.txt") | _read("places_extra.txt")
    places -= NOT_PLACES
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for place in places:
        words = tuple(place.split())
        if len(words) > 1:
            by_first.setdefault(words[0], []).append(words)
    return Lexicon(
        first_names=_with_plain(
            _read("first_names.txt") | _read("names_extra.txt") | _read("names_celtic.txt")
        )
        - NEVER_NAMES,
        surnames=_with_plain(
            _read("surnames.txt") | _read("surnames_extra.txt") | _read("surnames_celtic.txt")
        )
        - NEVER_NAMES,
        dictionary=_read("english_dictionary.txt"),
        common_words=_read("english_common.txt"),
        foreign_words=_read("foreign_common.txt") | FOREIGN_FUNCTION_WORDS,
        vocabulary=_read("english_vocabulary.txt"),
        places=frozenset(place for place in places if " " not in place),
        places_by_first_word={
            first: tuple(sorted(found, key=len, reverse=True)) for first, found in by_first.items()
        },
    )


def _with_plain(names: frozenset[str]) -> frozenset[str]:
    """Names with their accented letters also written plain: a list that holds "Siobhán"
    finds "siobhan" (words are looked up by plain() as well, for "Siôn" when "sion" is listed)."""
    return names | frozenset(plain(name) for name in names if not name.isascii())


# --- Words that are never a name on their own ---------------------------------------------

MONTHS = word_set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
DAYS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun mondays tuesdays wednesdays thursdays fridays saturdays sundays weekend"
)
HOLIDAYS = word_set(
    "christmas xmas easter eid diwali ramadan hanukkah halloween bonfire new year birthday "
    "valentine valentines whitsun whitsuntide whitsunday"
)
# Family, care and friendship words: "auntie shaz", "my nan Bridget", "Nanny Pat".
RELATIONS = word_set(
    "mum mam mom mummy mommy mother mama mamma mami ma mumma dad daddy father papa pa tata "
    "baba abba ammi ammu amma abbu nan nana nanna nanny nan's gran granny grandma grandmother "
    "grandad granddad grandpa grandfather grandparent grandparents gramps grandson "
    "granddaughter grandchild auntie aunty aunt auntys aunties uncle uncles cousin cousins "
    "brother brothers bro sister sisters sis sibling siblings son sons daughter daughters "
    "niece nephew stepdad step-dad stepmum step-mum stepmom stepbrother step-brother "
    "stepsister step-sister stepfather stepmother husband wife partner ex boyfriend girlfriend "
    "bf gf fiance fiancee friend friends mate mates bestie bff bezzie neighbour neighbours "
    "carer carers twin twins baby godmother godfather godparent family "
    # hyphenated steps and halves ("her step-father", "my half-sister")
    "step-father step-mother step-son step-daughter stepson stepdaughter step-parent "
    "step-parents stepparent stepparents half-brother half-sister step-sibling step-siblings"
)
# Jobs and roles: "my sw jade", "our student Joy", "Kevin (TM in Haverhill)".
ROLES = word_set(
    "sw sws social worker workers iro iros chair chairs chairperson chairwoman chairman "
    "advocate advocates tm manager managers teacher teachers head headteacher headmaster "
    "headmistress deputy senco tutor tutors keyworker nurse nurses doctor doctors gp "
    "health visitor visitors midwife therapist counsellor counsellors psychologist officer "
    "officers police policeman policewoman pc detective inspector sergeant judge solicitor "
    "lawyer barrister guardian interpreter interpreters translator student students "
    "trainee apprentice volunteer volunteers mentor mentors coach coaches practitioner "
    "practitioners facilitator facilitators co-facilitator cofacilitator ambassador "
    "ambassadors coordinator administrator admin receptionist secretary pa "
    "dsl fsw fsws ysw asye nqsw supervisor assistant ta minute-taker minutetaker "
    "note-taker notetaker colleague colleagues boss youth leader "
    "leaders caseworker clerk councillor mp chaplain vicar imam priest pastor rabbi "
    # the parties to a complaint, in a council's log ("Complainant (mother) says")
    "complainant complainants claimant applicant appellant referrer "
    # who is trained or led, and senior posts ("my ASYE mentee", "our Assistant Director")
    "mentee mentees supervisee supervisees director directors"
)
TITLES = word_set("mr mrs miss ms mx dr mister missus prof sir cllr sgt insp")
# Organisations, services and products named in answers; none is personal data.
ORGANISATIONS = word_set(
    "council councils nhs nspcc camhs childline nyas barnardo barnardo's barnardos barnados "
    "cafcass ofsted dfe hmrc police cps court courts school schools college university uni academy "
    "hospital hospitals clinic gp surgery hub hubs family-hub mash edt dwp jobcentre "
    "samaritans shelter mind action women's refuge refuges nsa coram kooth papyrus "
    "youthline childrens children's services social care safeguarding partnership "
    "government home office parliament ambulance hospice fire brigade"
)
PRODUCTS = word_set(
    "xbox playstation ps4 ps5 switch nintendo fortnite minecraft roblox teams zoom skype "
    "whatsapp snapchat snap insta instagram tiktok facebook fb twitter youtube discord "
    "mentimeter padlet mosaic liquidlogic eclipse google android iphone ipad samsung netflix "
    "spotify uber mcdonald mcdonalds maccies kfc greggs tesco asda lidl aldi sainsburys primark "
    "morrisons costa starbucks subway sainsbury boots"
)
# Languages, nationalities and faiths are never names ("She is Romanian"); this list only needs
# the ones a name list might also hold.
PEOPLES = word_set(
    "english british polish lithuanian latvian romanian portuguese brazilian spanish italian "
    "french german dutch russian ukrainian bulgarian albanian kurdish kurd sorani kurmanji "
    "arabic arab somali eritrean tigrinya amharic ethiopian sudanese syrian iraqi iranian "
    "afghan pashto dari farsi persian turkish urdu punjabi bengali bangladeshi pakistani "
    "indian hindi gujarati tamil chinese cantonese mandarin vietnamese nigerian ghanaian "
    "yoruba igbo twi jamaican irish scottish welsh traveller travellers gypsy gypsies roma "
    "romany muslim christian catholic sikh hindu jewish buddhist black white asian "
    # languages spoken in UK families that name lists may hold or that are in no list
    "sylheti mirpuri pahari potwari pothwari hindko nepali sinhala sinhalese malayalam telugu "
    "kannada marathi konkani hausa swahili oromo lingala tagalog kinyarwanda "
    "krio patois creole balochi uyghur"
)
# Abbreviations practitioners use for people and services, never initials of a person.
ACRONYMS = word_set(
    "yp yps cyp cp cin lac cla cic ehcp pep lado eha sen send senco ucas gcse gcses sats ks1 "
    "ks2 ks3 ks4 pshe re pe it dt ict ot slt salt hv pcso dc ds mp cpd asap fyi nb ps etc tac "
    "tac core cpc rcpc icpc icpcs rcpcs ipo epo co fgc mhst ehcps adhd asd ocd ptsd aka ie eg "
    "uk usa eu tv pm am nino upn yr yrs"
)
# Counties, regions and countries are not labelled (the dev set's convention).
NOT_PLACES = word_set(
    "suffolk norfolk essex cambridgeshire hertfordshire bedfordshire lincolnshire kent "
    "yorkshire lancashire devon cornwall dorset somerset wiltshire gloucestershire oxfordshire "
    "berkshire buckinghamshire northamptonshire leicestershire nottinghamshire derbyshire "
    "staffordshire shropshire warwickshire worcestershire herefordshire cheshire cumbria "
    "northumberland durham merseyside surrey sussex hampshire rutland midlands "
    "england britain uk wales scotland ireland anglia fens broads europe"
) | frozenset(
    {
        "east anglia", "east sussex", "west sussex", "great britain", "northern ireland",
        "united kingdom", "west midlands", "east midlands", "greater london",
        "greater manchester", "north yorkshire", "south yorkshire", "west yorkshire",
        "east riding",
    }
)  # fmt: skip
# The commonest words of Romanian and Lithuanian (wordfreq has neither): "mama mea" is "my mum".
FOREIGN_FUNCTION_WORDS = word_set(
    "mea meu mei mele tata mama și si nu da este sunt foarte ce cu la pe în din de ai am el ea "
    "ei noi voi lor care mai dar sau când unde cum bine rău mulțumesc multumesc "
    "mano tavo jo jos ir ne taip labai ačiū aciu aš as tu mes jūs jus kas kur kaip bet "
    "mamytė tėtis tetis senelė senelis"
)
# Nouns for a person are not names: "the police lady", "the chair man".
PERSON_NOUNS = word_set(
    "lady ladies man men woman women guy guys girl girls boy boys bloke kid kids person "
    "people gentleman gent fella lad lads lass child children baby babies adult adults"
)
# Frequent English words that some name list holds as a name ("Can", "Said", "Council").
FUNCTION_WORDS = word_set(
    "a an the and or but if so as at by for from in into of off on onto out over to up with "
    "without about above after before behind below between through under until upon "
    "i me my mine myself we us our ours you your yours he him his she her hers it its they "
    "them their theirs this that these those who whom whose which what when where why how "
    "is am are was were be been being have has had do does did done can could would "
    "shall should may might must ought not no nor yes yeah yep nope ok okay all any both each "
    "every few more most other some such only own same than too very just also even still "
    "then there here now again once ever never always often sometimes said says say told "
    "tell asked ask made make got get go went gone come came like love lol omg idk tbh ngl "
    "pls plz thanks thank hi hello bye dear regards cheers sorry please well good bad sad "
    "mad nice kind one two three four five six seven eight nine ten first last next "
    "didnt dont cant wont isnt wasnt doesnt havent hasnt couldnt wouldnt shouldnt arent "
    "werent aint ive id youre theyre thats whats theres lets gonna wanna gotta innit else "
    "someone everyone anyone nobody everybody somebody anybody noone no-one"
)
NEVER_NAMES = (
    FUNCTION_WORDS
    | MONTHS
    | DAYS
    | HOLIDAYS
    | RELATIONS
    | ROLES
    | TITLES
    | ORGANISATIONS
    | PRODUCTS
    | PEOPLES
    | NOT_PLACES
    | ACRONYMS
    | PERSON_NOUNS
)

# Short forms that are ordinary words in answers though a name list holds them ("max 5").
ABBREVIATIONS = word_set(
    "max min approx info admin ref pic pics vid vids mins hrs "
    # clipped words children write ("summer hols", "my bday")
    "hols hol bday bdays brekkie sesh choc choccy convo fave defo deffo probs telly"
)
# Popular names in England that a dictionary also lists ("harry" the verb, "lucy", "kyle",
# "mason", "jade"): people write them as names far more often than as words, so they count as
# names even in lower case. The names that are words first (hope, will, grace, summer, mark,
# rose, joy, bob) are not here: they need more evidence.
NAMES_FIRST = word_set(
    "lucy harry henry benjamin mason jake luke lewis tommy blake bobby kyle sam ben dan tom "
    "amy emma jane anna laura mary ruth kelly terry tony billy jimmy joe mike pete ted josh "
    "jay kim ken carl colin alan barry amelia lily ava ruby poppy sophia daisy holly phoebe "
    "sienna florence molly abigail jasmine willow riley toby dexter kai rory seth sonny joey "
    "jade amber gemma kerry jack jordan dean lee maria marc vincent walter victor carol martin "
    "peter caroline nancy nelson larry roger eric steven rick perry brad ralph spencer cole "
    "jerry clark murphy ann jeff travis warren bailey graham jo mia ella"
)

# --- Words around a name ------------------------------------------------------------------

# Determiners and quantities: "the grace to say sorry", "an angel", "more patience".
DETERMINERS = word_set(
    "the a an my your his her our their its this that these those every each some any no "
    "more less much such what which whose another other"
)
# Subject pronouns and modals put a verb next, so "i hope", "they will", "we mark".
SUBJECTS = word_set(
    "i i'm im you we they he she it who that which there would could should will can "
    "may might must shall don't dont didn't didnt not never also just really"
)
# After a name: "X said", "X explained stuff", "X came with me".
PERSON_VERBS = word_set(
    "said says say told tells asked asks explained explains wanted wants wants thinks thought "
    "kept keeps came comes helped helps rang rings phoned phones texted texts messaged "
    "shouted cried laughed smiled listened listens knows knew gave gives got gets took takes "
    "didnt didn't doesnt doesn't wont won't cant can't isnt isn't wasnt wasn't never always "
    "stayed stays sat sits ran chose translated shadowed supervised brought brings drove "
    "drives looks looked lives lived moved stopped started works worked wrote writes made "
    "makes let lets turned joined left leaves sent sends spoke speaks talked talks visited "
    "visits hugged held holds sorted promised promises reckons agreed disagreed remembered "
    "forgot decided asks admitted deserves needs needed goes went tried tries came "
    "smiled shouts swore hates hated loves loved likes liked misses missed understood "
    "understands dominated did does has had is was"
)
# "X was nice", "X is sound": only for words the dictionary does not know.
PERSON_QUALITIES = word_set(
    "nice kind lovely good great sound ok okay alright fine rude horrible mean nasty amazing "
    "brilliant helpful fab class safe funny sweet patient honest fair unfair friendly caring "
    "annoying boring"
)
# Speech and thanks before a name: "called X", "thanks to X", "Debrief with X".
BEFORE_NAME = word_set(
    "called named thanks thank thankyou praise compliment complement ask tell with "
    "love debrief quote cc signed from"
)
# "Name: X", "Facilitators: X and Y"
FIELD_LABELS = word_set(
    "name names facilitator facilitators co-facilitator co-facilitators contact from signed "
    "author by cc to attendees present chair chaired iro sw worker advocate"
)
PLATFORMS = word_set(
    "snap snapchat sc insta instagram ig tiktok tt twitter x fb facebook discord xbox psn "
    "gamertag tag username usernames user handle handles account acc"
) | frozenset({"add me", "dm", "follow me", "gaming tag"})
