"""Broad cues built from word lists: any harm verb aimed at a person, fear where the child lives,
a basic need going without, a threat with its trigger, a plan to leave with its timing.

The phrase cues in `cues.py` know the set phrases; these know the vocabulary, so a disclosure
worded in a way nobody listed ("twisted my arm behind my back", "my back is all purple") is
still seen. They pass through the same modifiers (jokes, past, play, training talk).

Over 400 lines on purpose: it is mostly word lists, kept beside the few patterns built from
them.
"""

from __future__ import annotations

from .cues import ALERT, REVIEW, Cue

_IRREGULAR = {
    "throw": ["throw", "throws", "threw", "thrown", "throwing"],
    "beat": ["beat", "beats", "beaten", "beating"],
    "bite": ["bite", "bites", "bitten", "biting"],
    "hit": ["hit", "hits", "hitting"],
    "cut": ["cut", "cuts", "cutting"],
    "shake": ["shake", "shakes", "shook", "shaking"],
    "hold": ["hold", "holds", "held", "holding"],
    "stab": ["stab", "stabs", "stabbed", "stabbing"],
    "sit": ["sit", "sits", "sat", "sitting"],
    "tie": ["tie", "ties", "tied", "tying"],
    "hurt": ["hurt", "hurts", "hurting"],
    "burn": ["burn", "burns", "burned", "burnt", "burning"],
    "put": ["put", "puts", "putting"],
    "make": ["make", "makes", "made", "making"],
    "take": ["take", "takes", "took", "taken", "taking"],
    "strike": ["strike", "strikes", "struck", "striking"],
    "feel": ["feel", "feels", "felt", "feeling"],
    "lock": ["lock", "locks", "locked", "locking"],
}
_DOUBLED = {
    "slam",
    "drag",
    "stab",
    "grab",
    "slap",
    "whip",
    "trip",
    "pin",
    "nip",
    "chuck",
    "rub",
    "strip",
    "stamp",
}


def forms(*lemmas: str) -> str:
    """A regex alternation of the usual forms of each verb (hit, hits, hitting...)."""
    words: list[str] = []
    for lemma in lemmas:
        if " " in lemma:
            words.append(lemma)
            continue
        if lemma in _IRREGULAR:
            words += _IRREGULAR[lemma]
            continue
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        double = (
            lemma + lemma[-1] if lemma in _DOUBLED and not lemma.endswith(("ck", "mp")) else stem
        )
        third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
        past = lemma + "d" if lemma.endswith("e") else double + "ed"
        words += [lemma, third, past, double + "ing" if lemma in _DOUBLED else stem + "ing"]
    return "(?:" + "|".join(sorted(set(words), key=len, reverse=True)) + ")"


_PHYSICAL_VERBS = forms(
    "hit",
    "punch",
    "kick",
    "slap",
    "smack",
    "beat",
    "batter",
    "thump",
    "whack",
    "wallop",
    "belt",
    "cane",
    "strike",
    "attack",
    "twist",
    "squeeze",
    "drag",
    "throw",
    "slam",
    "bang",
    "shove",
    "push",
    "choke",
    "strangle",
    "suffocate",
    "bite",
    "scratch",
    "burn",
    "scald",
    "whip",
    "lash",
    "stamp",
    "trip",
    "spit",
    "pin",
    "grab",
    "pull",
    "yank",
    "shake",
    "headbutt",
    "elbow",
    "pinch",
    "stab",
    "smash",
    "bash",
    "chuck",
    "hurl",
    "throttle",
    "crush",
    "boot",
    "knock",
    "clout",
    "hold down",
    "sit on",
    "tie",
    "hurt",
    "injure",
    "torture",
    "starve",
    "nip",
    "leather",
)
_BODY = (
    r"(?:arm|arms|back|face|head|neck|throat|hair|legs?|leg|stomach|tummy|belly|chest|ribs|"
    r"wrists?|hands?|fingers?|ears?|eyes?|nose|mouth|lip|lips|jaw|shoulders?|bum|bottom|"
    r"thighs?|knees?|feet|foot|ankles?|skin|body|side|cheek|cheeks)"
)
_PERSON_OBJECT = (
    r"(?:me|us|him|her|them|mum|mummy|(?:my|his|her|our|the|their) (?:\w+ )?(?:brother|brothers|"
    r"sister|sisters|sibling|siblings|mum|baby|cousin|nan|kids|children|little ones|son|daughter|"
    r"twin|dog|cat|puppy|" + _BODY[3:-1] + r"))"
)
_AGENT = (
    r"\b(?:he|she|they|hes|shes|hell|shell|theyll|dad|mum|stepdad|stepmum|father|mother|uncle|aunt|auntie|"
    r"grandad|nan|gran|brother|sister|stepbrother|cousin|boyfriend|girlfriend|partner|fella|"
    r"man|men|someone|somebody|staff|carer|foster|teacher|lads|boys|gang|ex|friend|mate|"
    r"people|resident)\b"
)
_ACCIDENT = (
    r"\b(?:accident|accidentally|by mistake|fell|fall|tripped|slipped|cooking|a&e|teddy|toy|"
    r"pillow|nerf|playing)\b|\b(?:at|in|during|playing|on|with (?:a|the|his|her|my)|by (?:a|the)|"
    r"off (?:a|the|my)) (?:football|footie|pe|dodgeball|rugby|netball|hockey|cricket|trampoline|"
    r"bike|skateboard|scooter|match|training|sport|game|games)\b|\b(?:dog|cat|puppy|horse|"
    r"hamster) (?:bit|bites|scratched|scratches|jumped|jumps|knocked|kicked)\b"
)
_INJURY = (
    r"(?:bruise\w*|purple|black and blue|swollen|bleeding|bled|blood|bloody|broken|fractured|"
    r"handprints?|hand prints?|fingerprints?|finger marks|scratches|welts?|lumps?|red raw|"
    r"black eye|split lip|nosebleed|nose bleed|concussion|cigarette burns?|burn marks?|"
    r"marks?|scars?|cuts?)"
)
_FEAR = (
    r"\b(?:scared|frightened|terrified|afraid|scary|scares|frighten\w*|petrified|unsafe|panic\w*|"
    r"hide|hid|hiding|under the bed|in the wardrobe|in the cupboard|fear)\b"
)
_HOME = (
    r"\b(?:home|house|at night|in the night|dads|mums|flat|my room|bedroom|contact|placement|"
    r"foster|the home|staff|men|the man|step\w*|boyfriend|partner|there|door|upstairs|"
    r"downstairs|come round|comes round|stays over|weekends?)\b"
)
# Being at, going into or facing people at the meeting, said without naming the meeting (but
# not when the sentence puts them at home or tonight).
_AT_THE_MEETING = (
    r"^(?!.*\b(?:tonight|when i get (?:home|back)|at home|at night|every (?:night|day|time)|"
    r"weekends?)\b).*?\b(?:(?:going to|gonna|would|will|was going to|were going to|were both "
    r"going to|were all going to) be there|be there too|(?:see|seeing|face|facing) (?:him|her|them|my \w+) there|"
    r"so many people|all (?:the|those) people|people i (?:didnt|dont) know|strangers)\b"
)
_PROCESS = (
    r"\b(?:meeting|meetings|conference|survey|questions|the chair|iro|social worker|"
    r"advocate|interpreter|report|going in|walking in|in there|the room|that room|"
    r"everyone was|everyone there|at first|panel|review|the plan|teacher|school)\b"
)
_DEPRIVED = (
    r"\b(?:no|not|never|havent|hasnt|hadnt|without|nothing|empty|rotten|mould|mouldy|damp|"
    r"filthy|dirty|smell\w*|lice|nits|cold|freezing|only|one|share|sharing|hungry|starving)\b"
)
_NEEDS = (
    r"\b(?:a proper meal|meals?|food|eat|eaten|eating|tea|dinner|breakfast|hot water|heating|"
    r"electric\w*|gas|mattress|bed|beds|clean clothes|clothes|shoes|coat|dentist|doctor|"
    r"doctors|teeth|tooth|nappy|nappies|washed|bath|shower|fridge|cupboards?|kitchen|formula|"
    r"milk|bottles|washing powder|soap|toothbrush)\b"
)
_PERSONAL = (
    r"\b(?:i|im|ive|me|my|we|were|us|our|ours|mine|he|she|his|her|they|them|the kids|the "
    r"children|siblings|brothers|sisters|baby|\d+ year old)\b"
)
_THREAT_TRIGGER = (
    r"\b(?:said|says|say|saying|told|tells|messag\w*|text\w*|threat\w*|warned|warning|"
    r"keeps? (?:saying|telling|messaging|sending)|or else|if (?:i|she|he|we|you|they) (?:tell|"
    r"tells|told|go|goes|talk|talks|speak|speaks|say|says|grass|snitch|report))\b"
)
_THREAT_HARM = (
    r"\b(?:kill|stab|shank|hurt|beat|batter|jump|cut|burn|smash|shoot|slash|murder|deck|"
    r"break (?:my|your|his|her|ur) (?:legs?|arms?|face|neck|jaw|fingers)|finish (?:me|her|him|"
    r"you|us)|end (?:me|her|him|you|us)|make sure (?:i|you|she|he) never|never see|come for|"
    r"coming for|torch|bomb|get (?:me|you|her|him|us) (?:back|sorted|done)|do (?:me|you|her|him) "
    r"in|put (?:me|you|her|him) in hospital|take (?:me|her|him) away|hurt the dog|after school)\b"
)
# Vague fear with nothing said about why: a feeling, dread, nerves around someone.
_VAGUE_FEAR = (
    r"\b(?:(?:funny|bad|weird|sick|horrible|strange|icky) feeling|(?:belly|tummy|stomach) "
    r"(?:goes|feels|gets|went|hurts|churns) (?:\w+ )?(?:funny|weird|sick|tight|bad)|dread\w*|"
    r"on edge|jumpy|(?:nervous|anxious|uneasy|uncomfortable|edgy|jumpy|wary) (?:\w+ )?(?:round|"
    r"around|near|with|when|whenever|of|about going)|(?:jump|jumps|flinch\w*) (?:when|whenever|"
    r"if)|flinch\w*|stay in my room (?:so|till|until|all)|keep out of (?:his|her|their) way|"
    r"weird with me|funny with me|creepy|creeps me out|gives me the creeps)\b"
)
# Where vague fear matters: the people and places a child lives with.
_WHO_AT_HOME = (
    r"\b(?:home|house|dads|mums|nans|at ours|at mine|contact|weekends?|sunday|friday|night|"
    r"bedtime|door|car pulls|step\w*|boyfriend|partner|uncle|him|her|them|he|she|man|dad|"
    r"mum|mums \w+|dads \w+|foster|placement|carer)\b"
)
# A hint with nothing specific: there is something, but it is not said.
_UNSAID = (
    r"\b(?:(?:something|stuff|things|a thing|summat) (?:\w+ ){0,3}?(?:i|that i|i really) "
    r"(?:cant|cannot|dont want to|wont|shouldnt|am not allowed to|aint allowed to|wanna|want to|"
    r"need to) (?:say|tell|explain|talk about|mention)|(?:wanted|want|wanna|tried) to (?:say|tell) "
    r"(?:something|someone|u|you)|theres more to it|would say more|if i told (?:you|u|anyone)|"
    r"(?:cant|cannot|dont want to) (?:really )?(?:explain|say|talk about it) (?:on|in) (?:here|this|"
    r"a phone)|not (?:on|in) (?:here|this|a survey|front of)|dont ask|isnt like other|not like "
    r"other (?:peoples|kids|families)|changed the subject|(?:wouldnt|wont|couldnt|didnt|would not|"
    r"will not|could not) (?:say|explain|tell (?:me|us)) (?:why|what|more)|wouldnt explain|"
    r"(?:then|but then) (?:said|decided) (?:\w+ ){0,3}?(?:never mind|nothing|not to)|"
    r"(?:actually|oh) never mind|stays? private|going back to my (?:family|mum|dad)|"
    r"(?:mum|dad|he|she|they) said not to (?:mention|say|tell)|(?:im|i am) keeping (?:something|"
    r"stuff|things|it) in|know (?:stuff|things) i shouldnt)\b"
)
# A wish not to be here that could be about the meeting or about being alive.
_NOT_HERE = (
    r"\b(?:(?:want|wanna|wish i could|wish i can|just want to|i could just|like to) (?:\w+ )?"
    r"(?:fade away|not exist|stop existing|not wake up|never wake up|be gone|go away forever|"
    r"disappear|vanish|not be here|not be around)|(?:dont|do not|dont really) (?:want|wanna) to be "
    r"(?:here|around|alive)|better off without me|(?:im|i am|feel like) (?:a|such a) (?:burden|"
    r"waste of space)|wish (?:i|id) (?:was|were|had) never (?:been )?born|tired of (?:being alive|"
    r"living|life|everything)|(?:whats|what is) the point (?:of|in) (?:anything|it all|life|"
    r"living|me|trying|going on)|(?:no|dont see the|dont see any) point (?:anymore|any more|in "
    r"anything|in living)|so done with (?:everything|life|it all)|not existing|no future)\b"
)
# Eating problems, written with nothing specific.
_EATING = (
    r"\b(?:(?:hide|hides|hid|hiding) (?:my |her |his )?food|(?:feel|feels|felt) (?:\w+ )?"
    r"(?:fat|disgusting|gross|guilty) (?:after|when) (?:i |she |he )?(?:eat|ate)|only (?:eat|eats|"
    r"ate) (?:one|1|a bit)|(?:dont|doesnt|wont|didnt) eat (?:at|my|her|his|lunch|tea|dinner|"
    r"breakfast)|stopped eating|(?:already|says? (?:she|he) has) eaten|stay thin|be skinny|"
    r"(?:make|makes|made|making) (?:my|her|him)self skip|diets? all the time|look ill|too thin|"
    r"throw(?:s|ing)? up after)\b"
)
_SELF_AGENT = r"\b(?:i|ill|id|im|i will|i would|i could|i said|i told|i threatened)\b"


def broad_cues() -> list[Cue]:
    """Cues built from the word lists above."""
    physical = "physical harm to a child"
    return [
        # Someone does a harm verb to a person or a body part.
        Cue(
            "physical",
            ALERT,
            physical,
            _AGENT + r" (?:(?!never |not |doesnt |dont |didnt |wont |wouldnt |cant |isnt |wasnt |"
            r"nobody |no one |noone )\w+ ){0,3}?"
            + _PHYSICAL_VERBS
            + r" (?:\w+ )?"
            + _PERSON_OBJECT
            + r"\b",
            unless=_ACCIDENT
            + r"|\b(?:i|ill|id|im going to) "
            + _PHYSICAL_VERBS
            + r"\b|\b(?:feelings|my head in|does my head|it (?:\w+ )?hurts?|hurts? (?:me|us) when "
            r"(?:they|people|you|she|he|i))\b"
            # Where someone sat in a meeting is not someone being sat on.
            r"|\b(?:sit|sits|sat|sitting) on (?:the|a) (?:other|same|far|opposite|left|right|"
            r"front|back) (?:side|end|row)\b",
            playful=True,
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:(?:my|his|her|their) (?:\w+ )?"
            + _BODY
            + r" (?:\w+ ){0,3}?"
            + _INJURY
            + r"|"
            + _INJURY
            + r" (?:\w+ ){0,3}?(?:on|all over|round|around) (?:my|his|her|their) "
            r"(?:\w+ )?" + _BODY + r")\b",
            unless=_ACCIDENT + r"|\b(?:self|myself|herself|himself|harm)\b",
            playful=True,
        ),
        # Fear where the child lives.
        Cue(
            "unsafe_home",
            ALERT,
            "frightened where they live",
            _FEAR,
            needs=_HOME,
            unless=_PROCESS + r"|\b(?:not scared|not afraid|no longer|anymore|any more|"
            r"film|movie|horror|spiders?|dark(?! and)|dogs?|heights|needles|exams?|exciting|"
            r"excited|rides?|rollercoaster)\b",
            # Someone who was "going to be there" is someone coming to the meeting: fear of
            # seeing them there is worth a person's reading, not an alert.
            softened_by=_AT_THE_MEETING,
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "frightened where they live",
            r"\b(?:men|people|strangers|man) (?:coming|come|comes) (?:in and out|round|over|to "
            r"(?:see|the house))|(?:tried|tries|trying) (?:my|the) (?:bedroom )?door\b|\bscreams? "
            r"at (?:me|us)\b|\blocks? the (?:fridge|food|cupboards?)\b|\bcant be (?:there|at "
            r"home|at (?:dads|mums))\b|\bdont make me go\b",
        ),
        # A basic need going without.
        Cue(
            "neglect",
            ALERT,
            "neglect",
            _DEPRIVED + r" (?:\w+ ){0,3}?" + _NEEDS,
            unless=_PROCESS + r"|\b(?:by the end|at the end|by the time it (?:ended|finished)|"
            r"snacks|biscuits|takeaway|so we got|so mum got|got chips|its fine|were "
            r"fine|all fine|always have|not hungry|hungry after|starving after|on a diet|fasting|"
            r"ramadan|no (?:gas|food) (?:at|in) the (?:venue|meeting|room)|picky|fussy|fixed|"
            r"sorted|repaired|power cut|for a day|for an hour|boiler broke|sweets|crisps|snacks|"
            r"chocolate|treats|fizzy|(?:dinner|lunch|tea) ?time|after (?:training|swimming|"
            r"football|pe|school|club)|going shopping|went swimming)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            "neglect",
            _NEEDS + r" (?:\w+ ){0,3}?" + _DEPRIVED,
            unless=_PROCESS + r"|\b(?:by the end|at the end|takeaway|so we got|so mum got|"
            r"got chips|its fine|were "
            r"fine|all fine|always have|not hungry|hungry after|starving after|on a diet|fasting|"
            r"ramadan|no (?:gas|food) (?:at|in) the (?:venue|meeting|room)|picky|fussy|fixed|"
            r"sorted|repaired|power cut|for a day|for an hour|boiler broke|sweets|crisps|snacks|"
            r"chocolate|treats|fizzy|(?:dinner|lunch|tea) ?time|after (?:training|swimming|"
            r"football|pe|school|club)|going shopping|went swimming)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            "a child left to care for others or alone",
            r"\b(?:look after|looking after|looks after|mind|minding|babysit\w*|in charge of|"
            r"left alone|left on (?:my|her|his|their) own|alone in the (?:flat|house)|on (?:my|our) "
            r"own (?:all|every|at night|overnight))\b",
            needs=r"\b(?:all weekend|all night|every night|nights|goes away|goes out|while (?:mum|"
            r"dad)|overnight|till|\d+ ?(?:am|pm)|year old|baby|little|hour|hours|days)\b",
        ),
        # A threat with what sets it off.
        Cue(
            "threat",
            ALERT,
            "a threat to hurt a child or their family",
            _THREAT_HARM,
            needs=_THREAT_TRIGGER,
            unless=r"\b(?:i said|i told|i threatened|lol|joke|joking)\b|"
            + _SELF_AGENT
            + r" (?:\w+ )?(?:kill|stab|hurt|murder|smash|batter|end)\b",
            figurative=True,
            playful=True,
        ),
        Cue(
            "threat",
            ALERT,
            "a threat to hurt a child or their family",
            r"\b(?:gang|knives|knife|blade|weapon|gun|machete)\b",
            needs=r"\b(?:jump|after school|coming for|got|carry|carries|brought|bring|threat\w*|"
            r"said|saying|keeps)\b",
            unless=r"\b(?:training|session|knife crime awareness)\b",
        ),
        # Leaving, with a time or a plan.
        Cue(
            "running_away",
            ALERT,
            "running away or missing",
            r"\b(?:leaving|leave|run|running|go|going|disappear|get away|take off|sleep "
            r"(?:out|rough|anywhere)|stay wherever|staying wherever)\b",
            needs=r"\b(?:tonight|when everyones asleep|when (?:they|everyone|mum|dad) (?:is|are) "
            r"asleep|bag|packed|money saved|saved up|ticket|wont find me|nobody will find|dont "
            r"look for me|for good|never coming back|wherever i can|away from (?:here|home|them))\b",
            unless=_PROCESS + r"|\b(?:holiday|trip|party|sleepover|for the summer)\b",
            figurative=True,
        ),
        Cue(
            "running_away",
            ALERT,
            "running away or missing",
            r"\b(?:havent|hasnt|not) been (?:home|back)\b|\b(?:keeps|keep|kept) (?:leaving|walking "
            r"out of|running from) (?:the|her|his|my) (?:home|childrens home|placement|house|flat|"
            r"unit)\b|\b(?:he|she|i) (?:keeps|keep) (?:disappearing|going off)\b|\bfound in "
            r"(?:another|a different|the) (?:town|city)\b",
            unless=r"\b(?:holiday|hospital|with (?:my|her|his) (?:nan|dad|mum|auntie|grandparents))\b",
        ),
        Cue(
            "running_away",
            REVIEW,
            "may not go home",
            r"\b(?:might|may|going to|gonna|wont) not (?:come|go|be) (?:home|back)\b|\bmight not "
            r"(?:come|go) home\b",
        ),
        # Self-harm and suicide vocabulary with a wish, a plan or a habit.
        Cue(
            "self_harm",
            ALERT,
            "self-harm or suicidal thoughts",
            r"\b(?:die|dying|dead|death|suicide|end it|end it all|hang (?:my|him|her)self|in front "
            r"of a (?:train|car|bus|lorry)|overdose|pills|tablets|blade|razor|noose|slit|be alive|"
            r"sleep forever|not wake up)\b",
            needs=r"\b(?:want|wanna|wish|going to|plan|planning|thought about how|think about|"
            r"thinking about|thought about|tried|try|saving|ready|every night|all the time|cant do "
            r"this|easier|better off|how many|how much|found out how)\b",
            unless=_PROCESS + r"|\b(?:of (?:boredom|embarrassment|laughing|cringe)|dog|cat|hamster|"
            r"nan died|grandad died|died last|funeral|tablets? (?:for|at) (?:school|my)|"
            r"vitamins|game|films?|zombies?)\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            "self-harm or suicidal thoughts",
            r"\b(?:carve|carves|carved|carving|cut|cuts|cutting|scratch|scratching|burn|burning|"
            r"stab|stabbing|pick|picking) (?:\w+ ){0,2}?(?:in|into|on) (?:my|her|his) (?:arms?|"
            r"legs?|wrists?|thighs?|skin|stomach|hands?)\b|\bso (?:i|she|he) can feel something\b|"
            r"\bfeel something\b",
            unless=r"\b(?:cooking|accident|paper|tattoo)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "low mood that could be a wish to die",
            r"\b(?:depressed|depression|hopeless|worthless|numb|empty inside|no one cares|nobody "
            r"cares|cant cope|give up|giving up|sleep forever|want to sleep forever|not eat much|"
            r"dont eat much|dont eat anymore|long sleeves|alone all the time|hate myself|so "
            r"alone|lonely|tired of everything|cant go on)\b",
            unless=_PROCESS + r"|\b(?:used to|not anymore|better now)\b",
            figurative=True,
        ),
        # Hints that should be read by a person.
        Cue(
            "unsafe_home",
            REVIEW,
            "a worry a person should read",
            r"\b(?:worry|worried|worries|worrying|tense|sad face|wouldnt talk|wont talk|doesnt want "
            r"to talk|didnt want to talk|wouldnt say|wont say|doesnt say|nightmares|bed wetting|"
            r"keep (?:our|it|this|the) (?:\w+ )?(?:private|secret)|keep (?:our|the) chats|private "
            r"chats?|met on (?:a|an) (?:game|app)|met online|older than me|hes older|shes older|"
            r"much older|didnt come home|not come home)\b",
            unless=_PROCESS + r"|\b(?:exams?|gcses?|homework|test|not worried|no worries|"
            r"dont worry|nothing to worry)\b",
        ),
        # The kinds of uncertain text a person should read: vague fear where the child lives, a
        # hint with nothing said, a wish not to be here, eating problems, a secret online friend.
        Cue(
            "unsafe_home",
            REVIEW,
            "vague fear about home or someone there",
            _VAGUE_FEAR,
            needs=_WHO_AT_HOME,
            unless=_PROCESS + r"|\b(?:exams?|tests?|dentist|doctors|injections?|film|movie|"
            r"spiders?|dogs?|heights|first day|audition|match|race|performance)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "a hint of something, nothing specific",
            _UNSAID,
            unless=r"\b(?:surprise|present|birthday|christmas|crush|spoilers?|recipe|password|"
            r"secret santa|what i got)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "could be a wish to die",
            _NOT_HERE,
            figurative=True,
            unless=r"\b(?:under (?:my|the) duvet|on holiday|for the weekend|for a week|when "
            r"(?:everyone|they|people|my mum|mum|dad|my dad|the teacher|teachers|miss|sir) "
            r"(?:\w+ ){0,3}?(?:look|looks|looked|sing|sings|sang|read|reads|dance|dances|said)|to "
            r"(?:disneyland|the beach|another country|australia|spain)|point (?:of|in) (?:this|these|the "
            r"meeting|meetings|surveys?|asking|coming))\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "eating problems",
            _EATING,
            unless=r"\b(?:vegetarian|vegan|meat|fasting|ramadan|picky|fussy|allerg\w*|"
            r"used to|not anymore|eats well|camhs helped)\b",
        ),
        Cue(
            "sexual",
            REVIEW,
            "a secret or older friend online",
            r"\b(?:secret|private) (?:friend|boyfriend|girlfriend|account|chats?|phone|snap|insta)\b|"
            r"\b(?:online|internet) (?:friend|mate|boyfriend|girlfriend)\b|\b(?:friend|boyfriend|"
            r"guy|man|lad|someone|person|girl) (?:\w+ ){0,2}?(?:online|on (?:discord|snap|snapchat|"
            r"insta|instagram|tiktok|roblox|whatsapp|xbox|fortnite))\b",
            needs=r"\b(?:secret|private|doesnt know|dont know|no one knows|nobody knows|wont name|"
            r"wont say|older|grown|man|never met|every night|at night|asleep|bf|boyfriend|"
            r"girlfriend|mature|hearts?|pics?|photos?|video call|nobodys business)\b",
            unless=r"\b(?:cousin|my mates from school|mates from school|friends from school|"
            r"with mum|mum knows|parents know|australia)\b",
        ),
        Cue(
            "sexual",
            ALERT,
            "sexual harm",
            r"\b(?:hand (?:up|down|inside|in) (?:my|her|his) (?:top|skirt|dress|shorts|pants|"
            r"trousers|knickers|pyjamas|shirt)|(?:take|takes|took|taking|get|got) (?:\w+ )?"
            r"clothes off|in (?:my|her|his) (?:underwear|pants|knickers|bra)|private parts|"
            r"privates|willy|penis|dick|vagina|touch (?:him|his|it)|behind the (?:toilets|bins|"
            r"shed|garages)|go (?:somewhere|off) with him)\b",
            unless=r"\b(?:training|session|lesson|sex ed|pshe|doctor|nurse)\b",
        ),
    ]
