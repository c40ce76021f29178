"""The cue table: phrases (on normalised text) that point to a kind of harm, with how to read them.

Each cue names its category, the level it raises (alert or review), a reason a lead can read, and
what can cancel it: a figure of speech, a negation, harm that is over, a play or sibling context.
Patterns are written against `normalise.normalise` output: lower case, no apostrophes ("dont",
"ill" for I'll, "shell" for she'll), text-speak spelt out ("kms" -> "kill myself").

Over 400 lines on purpose: it is a table (data), one entry per cue, read by `screen.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALERT = "alert"
REVIEW = "review"

# Shared pieces of pattern, spliced in as {NAME}.
MACROS = {
    "KIN": (
        r"(?:dad|mum|stepdad|stepmum|father|mother|uncle|auntie|aunty|aunt|grandad|grandpa|"
        r"grandma|gran|nan|cousin|brother|sister|stepbrother|stepsister|boyfriend|girlfriend|"
        r"partner|fella|carer|foster (?:mum|dad|carer)|ex)"
    ),
    "VICTIM": (
        r"(?:me|us|him|her|them|mum|(?:my|her|his|our|the) (?:\w+ )?(?:brother|brothers|sister|"
        r"sisters|sibling|siblings|mum|baby|babies|cousin|nan|kids|children|little ones|"
        r"little one|younger ones|son|daughter|girl|boy|mate|friend))"
    ),
    "SELF": r"(?:my ?self|meself|herself|himself|themselves|themself|yourself)",
    "BODY": (
        r"(?:arms?|wrists?|legs?|thighs?|stomach|tummy|belly|skin|hips?|chest|neck|back|hands?|"
        r"face|head|ankles?|shoulders?)"
    ),
    # Play, toddlers, siblings' squabbles, and sport or games as where the knock happened ("by a
    # football", "at rugby"; not "when the football goes bad for his team").
    "PLAY": (
        r"(?:plastic|toy|lightsaber|pillow|play fight|play fighting|messing about|messing around|"
        r"under the table|make me laugh|for a laugh|tickl\w*|water fight|snowball|trampoline|"
        r"swing|swings|hes [1-4]\b|shes [1-4]\b|baby (?:brother|sister|cousin)|toddler|remote|"
        r"telly|tv|ipad|tablet|hoodie|bathroom|nerf|teddy|accident|accidentally|by mistake|"
        r"(?:his|her|my) (?:ps4|ps5|xbox|playstation|switch|games?)|"
        r"(?:at|in|during|playing|on|with (?:a|the|his|her|my)|by (?:a|the)) (?:football|footie|"
        r"rugby|ball|dodgeball|netball|hockey|pe|cricket|fifa|fortnite|minecraft|roblox|xbox|"
        r"ps4|ps5|playstation|wii|switch|game|games|gaming|match|training)|"
        r"(?:dog|cat|puppy|horse|hamster) (?:bit|bites|scratched|scratches|jumped|kicked)|"
        r"(?:at|in) (?:cards|chess|draughts|monopoly|uno|scrabble|pool|snooker|darts|board games?|"
        r"a race|racing|tennis|golf|arm wrestling|swimming)|in (?:his|her|my|their) sleep)"
    ),
    "MEETING": (
        r"(?:meeting|meetings|conference|conferences|survey|surveys|the chair|the iro|"
        r"questions|reception|waiting room|the room|that room|in there|the venue|the panel|"
        r"review|the report|social worker|social workers)"
    ),
    "ADULT_OLDER": r"(?:older|grown up|adult|old) (?:boys|lads|men|males|guys|man|guy|bloke|lad|friend|friends|mates|mate|girls|women)",
}


def expand(pattern: str) -> str:
    """The pattern with its {NAME} pieces spliced in."""
    return re.sub(r"\{([A-Z_]+)\}", lambda match: MACROS[match.group(1)], pattern)


@dataclass(frozen=True)
class Cue:
    """One way a kind of harm shows in text, and the contexts that cancel or change it."""

    category: str
    level: str
    reason: str
    pattern: str
    # The same words are often a figure of speech ("kms this survey", "gonna kill my brother").
    figurative: bool = False
    # "nobody hits me", "he doesnt hit me any more": a negation just before cancels it.
    negatable: bool = True
    # Harm that is over (used to, years ago, stopped, in prison) cancels it.
    past: bool = True
    # Context that must also be in the same sentence for the cue to count.
    needs: str | None = None
    # Context in the same sentence that cancels the cue.
    unless: str | None = None
    # Context in the same sentence that lowers alert to review.
    softened_by: str | None = None
    # Context anywhere in the text that raises review to alert.
    raised_by: str | None = None
    # Play, toddlers and siblings squabbling cancel it.
    playful: bool = False
    # Practitioners' training, ratings and caseload talk cancel it.
    professional: bool = True


_KEPT_FOR_FUN = (
    r"\b(?:secret santa|surprise|party|birthday|present|presents|crush|fancy|recipe|christmas|"
    r"gift|diary|password|hiding place|den|club|spoilers?|good one|nice one|game)\b"
)


def phrase_cues() -> list[Cue]:
    """The phrase cues, one per way of saying a harm that the set phrases cover."""
    physical = "physical harm to a child"
    adult_violence = "adult violence at home"
    sexual = "sexual harm"
    exploitation = "criminal or sexual exploitation"
    self_harm = "self-harm or suicidal thoughts"
    unsafe = "does not feel safe where they live"
    neglect = "neglect"
    threat = "a threat to hurt a child or their family"
    missing = "running away or missing"
    hurt_verbs = (
        r"(?:hit|hits|hitting|punch|punches|punched|punching|kick|kicks|kicked|kicking|slap|"
        r"slaps|slapped|slapping|smack|smacks|smacked|smacking|beat|beats|beating|batter|"
        r"batters|battered|battering|whack|whacks|whacked|thump|thumps|thumped|strangle\w*|"
        r"choke|chokes|choked|choking|pinch|pinches|pinched|belt|belts|belted|shove|shoves|"
        r"shoved|push|pushes|pushed|throttle\w*|headbutt\w*|burn|burns|burned|burnt|bash|"
        r"bashes|bashed|scald\w*|bite|bites|bit|stamp\w* on|boot|boots|booted)"
    )
    return [
        # --- physical -------------------------------------------------------------------
        Cue(
            "physical",
            ALERT,
            physical,
            hurt_verbs + r" {VICTIM}\b",
            playful=True,
            unless=r"\b(?:i|ill|im going to|i will|i could|i wanna|i want to) "
            + hurt_verbs
            + r" (?:him|her|them)\b",
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:(?!it |that |this |which |really |words |what |when |everything |never |not |doesnt |dont |didnt |wont |wouldnt |nobody |noone |one )\w+) "
            r"(?:hurts|hurt|hurting) {VICTIM}\b(?! (?:feelings|when they|that))",
            playful=True,
            unless=r"\b(?:my feelings|hurt my feelings|it hurts me)\b",
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:get|gets|got|getting|been|be|is|was|were|gonna get) (?:really |so )?"
            r"(?:hit|smacked|slapped|punched|kicked|beaten|battered|whacked|belted|thrown|"
            r"strangled|choked|burnt|burned|beaten up|leathered|walloped)\b",
            playful=True,
            unless=r"\bby (?:a|the) (?:ball|car|bus|bike|door)\b",
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:ill|i will|im going to|i am going to|going to) get (?:it|battered|a beating|"
            r"a hiding|hit|belted|smacked|leathered|done|the belt|beaten)\b",
            playful=True,
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:the|his|a|her|dads|with|wiv) belt\b(?! (?:buckle on the car))",
            unless=r"\bseat ?belt\b",
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:bruise|bruises|bruised|bruising|black eye|fingertip|finger marks|"
            r"(?:a |red |still a )?marks? on (?:my|his|her|their) {BODY}|welts?|split lip|"
            r"burns? on (?:my|his|her) {BODY}|cut (?:my|his|her) (?:head|lip|face) open)\b",
            playful=True,
            unless=r"\b(?:fell off (?:my|the) \w+ (?:and|at)|football|rugby)\b",
        ),
        Cue(
            "physical",
            ALERT,
            adult_violence,
            r"\b(?:throws|threw|throwing|chucks|chucked|chucking|lobbed|smashes|smashing) "
            r"(?:\w+ ){0,3}?(?:at (?:me|us|her|him|mum|my|the kids)|stuff|things|plates?|"
            r"chairs?|glasses|bottles?)\b",
            playful=True,
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:grabs|grabbed|grabbing|grab|pulls|pulled|pulling|drags|dragged|dragging|"
            r"yanks|yanked|pins|pinned|squeezes|squeezed) (?:me|us|him|her|my|his|her) "
            r"(?:by (?:the|my|his|her) )?(?:neck|throat|hair|arm|arms|wrist|wrists|ear|ears|"
            r"face|collar|head|jaw)\b",
            playful=True,
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:grabs|grabbed|grabbing|pins|pinned) (?:me|him|her|us) (?:when|and|so|against|"
            r"down|up)\b",
            playful=True,
        ),
        Cue(
            "physical",
            ALERT,
            adult_violence,
            r"\b(?:fight|fights|fighting|fought|brawl\w*) (?:\w+ ){0,3}?(?:every (?:night|day|"
            r"weekend)|all the time|again|and (?:he|she) (?:throws|hits|smashes|breaks)|"
            r"in front of us)\b",
            needs=r"\b(?:mum|dad|stepdad|stepmum|boyfriend|girlfriend|partner|he|she|they)\b",
            unless=r"\b(?:brother|sister|cousin|kids|ipad|remote|tv)\b",
        ),
        Cue(
            "physical",
            ALERT,
            adult_violence,
            r"\b(?:hitting|beating|battering|strangling|choking|pushed|shoved|throttled|"
            r"hit|hits|beats|punched|punches|kicked|kicks) (?:my |her |his |our |their )?"
            r"(?:mum|nan|mother|dad|partner)\b",
            playful=True,
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:beat|beats|beating|beaten|battered) (?:\w+ )?up\b",
            playful=True,
            unless=r"\bbeat (?:me|him|her|us) up (?:at|in) \w+",
        ),
        Cue(
            "physical",
            ALERT,
            adult_violence,
            r"\b(?:drink|drinks|drinking|drunk|pissed) (?:\w+ ){0,5}?(?:drives|driving|drove)\b",
        ),
        Cue(
            "physical",
            REVIEW,
            "an adult's anger at home",
            r"\b(?:gets|goes|get|go|went|getting) (?:really |so |well |proper |very )?"
            r"(?:angry|mad|mental|nasty|scary|violent|aggressive)\b",
            figurative=True,
            playful=True,
            raised_by=r"\b(?:violent|scared|frightened|hide)\b",
            needs=r"\b(?:dad|stepdad|he|him|his|boyfriend|partner|uncle|grandad|mum|stepmum|she)\b",
        ),
        # --- sexual ---------------------------------------------------------------------
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:touch|touches|touched|touching|feels up|felt (?:me )?up|grope|groped|groping|"
            r"fondl\w*|rubs|rubbed|strokes|stroked) (?:me|her|him|us|my (?:\w+ )?(?:leg|legs|"
            r"bum|bottom|boobs|chest|breasts?|private\w*|privates|willy|thigh|thighs|body|fanny|"
            r"front|bits|sister|brother)|(?:her|his) (?:bum|leg|legs|chest|private\w*|thigh|"
            r"thighs|bottom|boobs))\b",
            unless=r"\b(?:touched (?:me|us) (?:that|how|when they|so much))\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:makes|made|making|make|forces|forced|force|gets|got) (?:me|her|him|us) "
            r"(?:to )?(?:do|doing) (?:stuff|things|sexual|sex|it|rude)\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:did|does|do|doing|done) (?:stuff|things|sexual things|sex stuff|bad things|"
            r"rude things|sex) (?:to|with|on) (?:me|her|him|us)\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:porn\w*|adult (?:videos|films|ones|stuff|sites)|rude (?:videos|pictures|films)|"
            r"dirty (?:videos|pictures|films)|sex videos|naked (?:videos|films))\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:nudes?|naked (?:pics|pictures|photos|selfies)|pics of (?:me|her|him) (?:in|with|naked|without)|(?:pics|photos|pictures|videos) of (?:my|her|his) (?:boobs|body|chest|bum|bottom|privates|private \w+|bits)|"
            r"(?:asks|asking|asked|ask|wants|wanted|keeps asking|begging) (?:me |her |him )?"
            r"(?:for |to send (?:him |her )?)(?:pics|pictures|photos|videos|vids|selfies|nudes)|"
            r"(?:sexual|sexy|dirty|rude|sex) (?:messages|texts|pics|pictures|photos|videos|"
            r"stuff|things|comments|chat|snaps)|the ones i (?:already )?sent)\b",
            unless=r"\b(?:training|session|module|awareness)\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:sent|send|sends|sending) (?:him |her |them |a man |this guy )?(?:pics|"
            r"pictures|photos|videos|vids|selfies|snaps)\b(?! of (?:my|the) (?:dog|cat|drawing))",
            needs=r"\b(?:man|guy|hes|he is|older|year old|someone|somebody|stranger|online|"
            r"snapchat|instagram|tiktok|meet|threat\w*|share|post)\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:comes|came|coming|gets|got|getting|climbs|climbed|creeps|crept) (?:in|into) "
            r"(?:my|her|his) bed\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:comes|came|coming|come|keep coming|keeps coming|walks|walked) (?:in|into) "
            r"(?:my|her|his|the) (?:room|bedroom|bathroom|shower)\b",
            needs=r"\b(?:at night|in the night|asleep|pretend|shower|wont leave|doesnt leave|"
            r"keep|keeps|changing|getting changed|in bed|lock|scared)\b",
        ),
        Cue("sexual", ALERT, sexual, r"\b(?:sit|sits|sitting|sat) on (?:his|her) (?:lap|knee)\b"),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:rape|raped|raping|rapes|sexually (?:abused|assaulted|touched|abusing)|"
            r"molest\w*|abused me|abuses me|abusing (?:me|her|him)|interfered with|"
            r"flash(?:es|ed)? (?:at )?(?:me|her)|sleeps with (?:me|her))\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:our (?:little )?(?:game|secret)|its (?:a|our) game)\b",
            past=False,
        ),
        Cue(
            "sexual",
            REVIEW,
            "possible grooming signs",
            r"\b(?:kiss|kisses|kissed|kissing) (?:me|her|him) (?:on the lips|when|and)\b",
        ),
        Cue(
            "sexual",
            REVIEW,
            "possible grooming signs",
            r"\b(?:mature for (?:my|her|his) age|(?:another|different|secret) app|delete (?:the|our) "
            r"(?:messages|chats)|keep (?:it|this) between us|dont tell (?:your|ur) (?:mum|parents))\b",
            raised_by=r"\b(?:meet|pics|photos|year old|older|man)\b",
        ),
        Cue(
            "sexual",
            REVIEW,
            "possible grooming signs",
            r"\b(?:a |this |some )?(?:man|guy|bloke|adult|stranger|older (?:man|guy|boy|lad)) "
            r"(?:on|from|off) (?:snapchat|instagram|tiktok|online|the internet|discord|roblox|"
            r"fortnite|whatsapp|xbox|facebook|the game|a game)\b",
            raised_by=r"\b(?:meet|money|pics|photos|videos|pictures|sexual|gifts)\b",
        ),
        Cue(
            "sexual",
            REVIEW,
            "possible grooming signs",
            r"\b(?:wants|wanted|asked|asking|keeps asking|wants me) (?:me |her |him )?to meet\b",
            raised_by=r"\b(?:year old|older|man|guy|online|snapchat|instagram|pics|sexual)\b",
        ),
        Cue(
            "sexual",
            REVIEW,
            "an adult who makes the child uncomfortable",
            r"\b(?:looks at me (?:funny|weird|strange)|stares at me|is (?:weird|creepy)|"
            r"(?:weird|creepy) (?:with|around) me|gives me the creeps)\b",
            needs=r"\b(?:he|him|man|boyfriend|uncle|dad|stepdad|mate|friend|cousin|grandad)\b",
        ),
        # --- exploitation ---------------------------------------------------------------
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:carry|carrying|carried|hold|holding|hide|hiding|keep|keeping|stash|stashing|"
            r"sell|selling|deliver|delivering|drop off|dropping off|drop|dropping|move|moving|"
            r"take|taking) (?:\w+ ){0,3}?(?:drugs|weed|wraps|gear|packages?|parcels?|stuff|"
            r"bags?|baggies|phones?|knife|knives|blades?|cash|a package|a parcel|things)\b",
            needs=r"\b(?:makes|make|made|making|told|tells|tell|have to|has to|got to|for them|"
            r"for him|for a group|or they|or theyll|pay me|paid|£|older|lads|boys|men|mates|"
            r"train|other towns|another town|wont let me|cant say no|or else)\b",
            unless=r"\b(?:cones|bibs|shopping|kit|equipment|balls|register|my bag to school)\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:owe|owes|owed|owing) (?:them|him|her|some|money|£|\d)",
            needs=r"\b(?:money|£|\d+|work it off|pay (?:it|them|him) back|debt|robbed|took off|"
            r"got took|lost the|bag|drugs|weed|or else|trouble)\b",
        ),
        Cue(
            "exploitation",
            REVIEW,
            "possible exploitation: a debt to someone",
            r"\b(?:i|she|he|we) (?:owe|owes)\b|\bsays i owe\b|\bin debt\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:work it off|drug debt|going ot|go ot|gone ot|went ot|been ot|out country|"
            r"county lines|on (?:a|the) line|line phone|burner phone|work phone|trap ?house|"
            r"cuckoo\w*|shotting|dealing (?:drugs|weed)|deal (?:drugs|weed)|sell (?:drugs|weed)|"
            r"run (?:for|drugs for) (?:them|a group|some|the)|running for (?:them|a group|some)|"
            r"make (?:me|him|her) run|being made to run)\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:gave|give|gives|given) (?:me|him|her) (?:a |another )?(?:phone|burner)\b",
            needs=r"\b(?:answer|ring|rings|have to|trouble|whenever|older|them)\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:answer|pick up) (?:it|the phone) (?:whenever|every time|when|even)\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:gets|got|getting|get) (?:in|into) (?:a |the )?cars? with (?:\w+ ){0,2}?"
            r"(?:older|men|males|lads|guys|adults|strangers)\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:parties|party) (?:with|at) (?:older|his|their|some)\b|\b(?:take|takes|took|"
            r"taking) (?:me|her|him) to (?:parties|his mates|their (?:house|flat)|hotels?)\b",
            needs=r"\b(?:older|men|man|guy|drink|vodka|weed|stay over|has to|year old)\b",
        ),
        Cue(
            "exploitation",
            ALERT,
            exploitation,
            r"\b(?:have to|has to|had to|got to) (?:be nice to|stay over|sleep with|do stuff for)\b",
        ),
        # --- self-harm and suicide ------------------------------------------------------
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:kill|killing|killed|kills|end|ending) {SELF}\b",
            figurative=True,
            unless=r"\bkill yourself\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:hurt|hurting|hurts|harm|harming|harms|cut|cutting|cuts|burn|burning|burns|"
            r"hang|hanging|hanged|starve|starving|strangle|strangling|drown|drowning|poison|"
            r"poisoning|overdose|scratch|scratching|punch|punching|hit|hitting|bite|biting) "
            r"{SELF}\b(?! (?:by accident|on the))",
            softened_by=r"\b(?:not on purpose|by accident|accidentally)\b",
            unless=r"\b(?:hurt myself (?:playing|at|in) (?:football|pe|the park|rugby))\b",
        ),
        Cue("self_harm", ALERT, self_harm, r"\bsuicid\w*\b"),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:going to|want to|wants to|wanted to|will|ill|shell|hell|planning to|plan to|"
            r"might|thinking (?:about|of)|think about|thought about|about to|ready to|gonna|"
            r"try to|tried to|just) (?:just )?(?:end|ending) (?:it|it all|things|everything|"
            r"my life|her life|his life)\b",
            figurative=True,
            unless=r"\bend it (?:with|there|early|now please|here)\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:end|ending|take|taking|took|ended) (?:my|her|his) (?:own )?life\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:want|wanted|wants|wish|wished|going|ready|deserve|deserves|gonna) "
            r"(?:to die|to be dead|i was dead|i were dead|i wasnt alive|i was never born|"
            r"i had never been born|i could die|to not exist|to not be alive)\b",
            figurative=True,
            past=False,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:better off (?:dead|without me|without her|without him)|no reason to live|"
            r"nothing to live for|dont want to (?:live|be alive|exist)|dont want to be alive|"
            r"sick of living|tired of living|not worth living|dont deserve to live|hate being "
            r"alive|no point (?:in )?(?:living|being alive|life)|(?:id|i would) rather (?:be dead|"
            r"die))\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:sleep and (?:not|never) wake up|not wake up|never wake up|dont want to wake "
            r"up|wish i (?:wouldnt|didnt) wake up)\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\bif i (?:was|were) (?:gone|dead|not here|not around|to die|to disappear|to go)\b|"
            r"\bif i (?:wasnt|werent) (?:here|around|alive|there anymore|in the world)\b|"
            r"\bif i (?:died|disappeared|killed myself)\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:blade|blades|razor|razors)\b",
            unless=r"\b(?:shave|shaving|roller|rollerblades|fan)\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:overdose\w*|took (?:some|a load|loads|lots|a lot|a handful|handful|a packet|"
            r"packets|the rest|all|a bunch|a box|a whole) of (?:\w+ ){0,2}?(?:tablets|pills|"
            r"paracetamol|painkillers|meds|medicine|medication)|(?:tablets|pills|paracetamol) to "
            r"see what (?:would|will) happen)\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:jump|jumping|throw myself|throwing myself) (?:off|from|in front of|under)\b|"
            r"\bthink(?:ing)? about jumping\b|\bon the bridge\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:(?:till|until) (?:it|they|i) (?:bleed|bleeds|bled)|fresh cuts|cuts on "
            r"(?:my|her|his) {BODY}|scars on (?:my|her|his) {BODY}|blood on (?:her|his|my) "
            r"(?:sheets|bed|sleeves))\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:self ?harm\w*|cutting again|started cutting|been cutting|still cutting|"
            r"i cut|shes cutting|hes cutting|cutting (?:my|her|his) {BODY})\b",
            unless=r"\b(?:children who|young people who|people who|those who|kids who|about|"
            r"training|referrals|awareness|course|session|module|policy)\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:giving|gave|given|give|gives) (?:\w+ ){0,3}?(?:stuff|things|games|clothes|"
            r"belongings|possessions|xbox|phone|toys) away\b|\b(?:goodbye (?:letters?|notes?|"
            r"messages?)|suicide note|wrote (?:a |my )?(?:letters?|notes?) (?:to|for) (?:everyone|everybody|my \w+)|(?:what|which) bridge)\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:i have a plan|(?:ive|she has|hes) (?:got )?a plan|thought about how|"
            r"(?:ways|how) to (?:die|kill myself)|researching ways)\b",
            needs=r"\b(?:die|dying|suicide|kill|end it|dead|life)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "could be a wish to die",
            r"\b(?:wont be (?:here|around)|not be (?:here|around)|might not be (?:here|around))\b",
            raised_by=r"\b(?:christmas|birthday|anyway|much longer|giving|gave|goodbye)\b",
            unless=r"\b(?:on holiday|holiday|moving house|at the next meeting because|working)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "could be a wish to die",
            r"\b(?:dont|do not) want to be here (?:anymore|any more|no more)\b|"
            r"\b(?:want to|wanna|wish i could|just want to|i could just) (?:disappear|vanish|"
            r"stop existing)\b",
            unless=r"\b(?:under (?:my|the) duvet|when (?:everyone|they|people|my mum|mum|dad|my "
            r"dad|the teacher|teachers|miss|sir) (?:\w+ ){0,3}?(?:look|looks|looked|sing|sings|"
            r"sang|read|reads|dance|dances|said))\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "low mood that could be a wish to die",
            r"\b(?:(?:there is|theres|i see|see) no point|whats the point of me|whats the point in "
            r"(?:me|anything|living|trying)|dont see the point|no point (?:in )?(?:anything|me|"
            r"trying|going on|being here)|what(?:s| is) even the point of me)\b",
            unless=r"\bpoint (?:of|in) (?:this|these|the|coming|doing|asking|filling|surveys?|"
            r"meetings?|it if)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "low mood that could be a wish to die",
            r"\b(?:give|giving|given) up on (?:everything|life|myself)\b|\b(?:cant cope|cant "
            r"take (?:it|this) (?:anymore|any more)|cant do this anymore|everything is too much|"
            r"its all too much|its too much|falling apart|want it all to stop|want it to stop|"
            r"wont matter soon|doesnt matter soon|it wont matter)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "low mood that could be a wish to die",
            r"\b(?:hate|hates) (?:my life|myself|being alive)\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            REVIEW,
            "eating problems",
            r"\b(?:havent|not|never|hardly|barely|stopped) (?:been )?(?:eat|eating|eaten|hungry)\b|"
            r"\bskip(?:ping|ped|s)? (?:meals|lunch|tea|dinner|breakfast)\b|\b(?:make|made|making) "
            r"(?:my|her|him)self (?:sick|throw up)\b|\bthrow(?:ing)? up after\b|\b(?:lost|losing) "
            r"(?:a lot of |so much |loads of )?weight\b|\bworried about (?:her|his|my) weight\b|"
            r"\bpush(?:es)? (?:her |his |my )?food (?:round|around)\b|\bstarv(?:e|ing) "
            r"(?:my|her|him)self\b|\bcount(?:ing)? calories\b",
            unless=r"\b(?:meeting|because there was|no food|fridge|weekend)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "possible self-harm",
            r"\b(?:rope|noose)\b",
            raised_by=r"\b(?:found|hidden|wardrobe|room|hang)\b",
            unless=r"\b(?:skipping|climbing|swing)\b",
        ),
        # --- unsafe at home -------------------------------------------------------------
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:dont|do not|never|not|cant|doesnt|didnt|wont|not really|dont really|dont ever) "
            r"(?:feel|feeling|felt|feels) (?:\w+ )?safe\b",
            softened_by=r"\b(?:meeting|conference|that room|the room|in the room|survey|at first|"
            r"the chair|iro)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:is not|isnt|not|aint|never) safe (?:at|in|with|around|going|there|here)\b|"
            r"\b(?:home|house|it) (?:is not|isnt|aint|not) safe\b|\bunsafe\b",
            unless=r"\b(?:feel safe|not safe to (?:call|ring))\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:scared|frightened|afraid|terrified|petrified|fear|frighten) (?:to go|of going|"
            r"to be|of being|to stay|of staying) (?:\w+ ){0,2}?(?:home|back|there|at (?:home|"
            r"dads|mums|ours)|in (?:my|the|our) (?:room|house|flat)|with (?:him|her|them|my))\b",
            # "Scared to go in because there were so many people": going into the meeting.
            unless=r"\b(?:meeting|conference|so many people|people i (?:didnt|dont) know)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:scared|frightened|afraid|terrified|petrified|scares|frightens) (?:of )?"
            r"(?:him|her|them|my (?:\w+ )?{KIN}|(?:mums|dads|nans) \w+|the man|his dad|her dad|"
            r"his mum|her mum|my \w+s (?:boyfriend|partner|mate|friend))\b",
            unless=r"\b(?:at first|used to|not anymore|not any more|before|but (?:he|she|they) "
            r"(?:was|were|is|are) (?:nice|kind|ok|fine|lovely))\b",
            # Fear of how a parent will be at the meeting is for a person to read, not an alert.
            softened_by=r"\b(?:meeting|conference|the chair|iro)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:frightened|scared|terrified) (?:every time|all the time|every night|every day|"
            r"when (?:he|she|they) (?:\w+ ){0,2}?(?:drinks|drunk|comes|gets|shouts|is))\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "asking to be collected from where they live",
            r"\b(?:come and|come to|to come and|come) (?:get|collect|fetch|rescue|take) (?:me|us)\b|"
            r"\bget (?:me|us) out of (?:here|this|there|that)\b|\btake (?:me|us) away from\b|"
            r"\brescue me\b",
            unless=r"\b(?:reception|next time|from school|after school|from the meeting|from the "
            r"station|which room|for the meeting|from football|from clubs?|at \d|lift)\b|"
            # A worry that professionals will move the child is not a request to be collected.
            r"\b(?:going to|gonna|would|will|might|were|are|want to|wanted to) take (?:me|us) "
            r"away\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "asking for help",
            r"\b(?:please|pls|someone|somebody|can anyone|can someone|can somebody) help me\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "told to keep secrets about home",
            r"\bnot allowed to (?:tell|say|talk|speak|mention)\b",
            needs=r"\b(?:what happens|whats going on|what goes on|at home|our house|at (?:dads|mums)"
            r"|get in trouble|or (?:ill|i will|hell|shell)|about (?:home|my|her|his)|stepdad|"
            r"boyfriend|uncle)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "a hint of something at home, nothing specific",
            r"\bnot allowed to (?:tell|say|talk|speak|mention)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "told to keep secrets about home",
            r"\b(?:told|tells|telling|says|said|makes|made|make|tell) (?:me|us|her|him|them) "
            r"(?:to )?(?:lie|keep (?:it |things |stuff |this )?(?:a )?secret|not (?:to )?tell|"
            r"never (?:to )?tell|say nothing|keep (?:my|our|her|his) mouth shut|keep quiet)\b|"
            r"\b(?:mustnt|must not|not supposed to|not to|never to) (?:tell|say|talk)\b "
            r"(?:\w+ ){0,4}?(?:what happens|whats going on|what goes on|what (?:he|she|they) "
            r"(?:does|do|did))\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "a hint of something at home, nothing specific",
            r"\b(?:i have a secret|ive got a secret|a secret (?:i|that i) cant|cant (?:say|tell|"
            r"talk about) (?:it |this |that )?(?:here|in here|on here)|something (?:i|that i) cant "
            r"(?:say|tell)|(?:stuff|things) (?:going on|happening) at home|home is (?:complicated|"
            r"hard|difficult|not good|bad)|whats going on at home)\b",
            unless=_KEPT_FOR_FUN,
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "things at home are hard",
            r"\b(?:things|stuff|it|life|home) (?:at home |at mine |at dads |at mums |at ours )?"
            r"(?:is|are|has been|have been|been|is getting|are getting|getting) (?:really |so |"
            r"very |proper |well )?(?:bad|awful|horrible|scary|hard|difficult|complicated|rough|"
            r"worse|shit|crap)\b",
            needs=r"\b(?:home|house|dads|mums|ours|mine|my place)\b",
            raised_by=r"\b(?:really bad|so bad|awful|horrible|scary|scared|worse|cant say in front)\b",
            unless=r"\b(?:since we moved but|school|exams?)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "wants to talk without a parent knowing",
            r"\btalk to (?:someone|somebody|you|someone else|a person) (?:\w+ ){0,3}?(?:without|on my own|"
            r"alone|in private|privately)\b|\bwithout (?:my )?(?:mum|dad|them|her|him) "
            r"(?:knowing|finding out|being there|there)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "locked in or out by an adult",
            r"\b(?:locks|locked|locking|lock|shuts|shut|shutting) (?:me|us|him|her|them|my "
            r"(?:\w+ )?(?:brother|sister)) (?:in|out|up|inside|outside|in the)\b|\blocked "
            r"(?:in|out of) (?:my|the|our) (?:room|house|flat|bedroom|cupboard|shed|garden)\b",
            playful=True,
            unless=r"\b(?:sister|brother|cousin) locks\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:push|pushed|put|pull) (?:my|the) (?:bed|chair|drawers|wardrobe|desk) "
            r"(?:against|in front of) (?:the|my) door\b|\block my (?:bedroom )?door\b|"
            r"\bbarricade\w*\b|\bsleeps? in (?:my|her|his|our) (?:school )?(?:uniform|clothes|"
            r"shoes|coat)\b|\bin case (?:we|i) (?:have|need) to (?:leave|run|get out|go)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "adults drunk or using drugs at home",
            r"\b(?:drunk|drinking|drinks|wasted|off (?:his|her|their|my) (?:head|heads|face|faces|"
            r"tits)|smoking (?:stuff|weed|crack|drugs|something)|on drugs|taking drugs|doing drugs|"
            r"injecting|needles|crack|heroin|passed out|steaming|hammered)\b",
            needs=r"\b(?:every (?:night|day|weekend)|all the time|always|again|since|\d+ ?am|at "
            r"night|shout\w*|scared|frightened|cant wake|wont wake|my fault|fight\w*|round ours|"
            r"people round|dont feel safe|drives|driving|alone)\b",
            unless=r"\b(?:stopped|sober|used to|in recovery)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "adults drinking or using drugs",
            r"\b(?:drunk|wasted|off (?:his|her|their) (?:head|heads|face)|on drugs|taking drugs|"
            r"doing drugs|high|stoned|passed out)\b",
            unless=r"\b(?:stopped|sober|used to|in recovery|high school|high up|so high)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            "an adult who should not be there is back",
            # The adult must be somewhere near the child: "not allowed to come" to the meeting is
            # someone kept out, not someone back.
            r"\b(?:not (?:supposed|allowed|meant) to (?:be|live|stay|come) (?:\w+ ){0,2}?(?:here|"
            r"there|round|near|home|back|over|in the house|at (?:ours|our house|home|mums|dads)|"
            r"with us)|(?:cant|mustnt|must "
            r"not|shouldnt) (?:live|be|stay|come) (?:here|there|with us|round|at|near)|"
            # What the plan says the child may not do is a rule about contact, not an adult back.
            r"(?:the )?plan says (?:(?!i\b|we\b|me\b)\w+ ){0,5}?(?:cant|mustnt|must not|not|no|"
            r"isnt)|excluded adults?|"
            r"excluded from (?:the )?(?:home|house)|hides? him|hid him|(?:but )?(?:hes|shes) back "
            r"(?:and|living|in the house|with us|at ours)|back living with us|out of (?:prison|"
            r"jail)|even though the plan|banging on (?:the|our) (?:door|doors|windows?))\b",
            past=False,
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:keeps|keep|has|had|got|carries|pulled) (?:a )?(?:knife|knives|machete|gun|"
            r"weapon|blade)\b|\bwith a (?:knife|machete|gun)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "does not want to go home",
            r"\b(?:dont|do not|never) (?:want|wanna) (?:to )?(?:go )?(?:home|back (?:home|there|to "
            r"(?:mums|dads|my \w+))|go back|go to (?:mums|dads|my dads|my mums|his|her|their))\b|"
            r"\bdoesnt want to go to (?:his|her) (?:dads|mums)\b",
            raised_by=r"\b(?:drunk|hits|scared|frightened|my fault|tonight|hurt|shout)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:cant|cannot|couldnt|wont) (?:face )?(?:go|going) (?:back )?(?:home|to (?:mums|"
            r"dads|my mums|my dads))\b",
            needs=r"\b(?:tonight|cant face|couldnt face|scared|please|help|unsafe)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "does not like being left with someone",
            r"\b(?:dont|do not|never) like (?:being )?(?:left|alone|on my own) with\b|"
            r"\bman who stays over\b|\b(?:dont|do not) like it when (?:\w+ ){0,3}?(?:stays over|"
            r"comes round|babysits)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "changes in behaviour after contact",
            r"\b(?:wets|wetting|wet|wee|weeing) (?:the |her |his |my )?(?:bed|herself|himself|"
            r"myself)\b|\b(?:very |really |so )?(?:withdrawn|clingy|jumpy|flinch\w*)\b|"
            r"\bvery quiet since\b|\bwont say (?:why|what)\b",
        ),
        # --- neglect --------------------------------------------------------------------
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:no|not any|isnt any|never any|hardly any|nothing for|never) (?:food|tea|dinner|"
            r"breakfast|lunch|meals?)\b",
            needs=r"\b(?:house|home|in|at mine|at ours|flat|fridge|cupboards?|again|never|"
            r"weekends?|days|all day|little ones)\b",
            unless=r"\b(?:meeting|at the meeting|conference|venue|so mum|but mum|takeaway|"
            r"its fine|always have|not always)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\bnothing (?:to eat|for (?:tea|dinner|breakfast)|in the (?:fridge|cupboards?|house)|"
            r"in at (?:home|mine|ours))\b|\b(?:fridge|cupboards?) (?:is|are|was|were|has been|"
            r"have been) (?:\w+ )?empty\b|\bempty (?:fridge|cupboards?)\b|\blittle ones had "
            r"nothing\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:starving|hungry|havent eaten|not eaten)\b",
            needs=r"\b(?:come back|comes back|every time|weekend|weekends|at home|at mine|at "
            r"mums|at dads|no food|nothing|since)\b",
            unless=r"\b(?:by the end|at the end|meeting|biscuits|snacks|conference|after school "
            r"club|after (?:training|"
            r"swimming|football|pe|club|the gym)|(?:dinner|lunch|tea) ?time)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:had|have|has|having|ate|eat|eating) (?:only |just )?(?:dry cereal|crisps|"
            r"nothing|dry bread|biscuits) (?:for|as) (?:tea|dinner|breakfast|lunch)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:doesnt|dont|didnt|never|not|doesnt really|dont really|isnt|arent) "
            r"(?:get |getting |being |really )?(?:fed)\b",
        ),
        Cue(
            "neglect",
            REVIEW,
            "not always enough food",
            r"\bnot always (?:any )?(?:breakfast|food|tea|dinner)\b|\bforgets? (?:to )?(?:buy|get|"
            r"make) (?:food|tea|dinner|us|me)\b|\bforgets? to feed\b|\bget hungry\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\bno (?:electric|electricity|gas|heating|heat|hot water|power|lights|gas credit|credit "
            r"on the meter|money for the meter)\b|\bcant top up\b|\bsleep in (?:our|my) coats\b",
            unless=r"\b(?:fixed|sorted|repaired|power cut|for a day|for an hour|boiler broke)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:left|leave|leaves|leaving) (?:me |us |him |her |them )?(?:on (?:my|our|his|her|"
            r"their) own|alone|home alone|by (?:my|our|him|her|them)sel(?:f|ves))\b",
            needs=r"\b(?:baby|little|nights?|till|all day|all night|overnight|\d+ ?(?:am|pm)|"
            r"weekend|brother|sister|year old)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:left|leaves|leave) (?:\w+ ){0,3}?with me\b",
            needs=r"\b(?:nights?|goes out|while|till|all day|every)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:get the little ones up|get them up|walk them to school|do all the cooking|"
            r"(?:change|do) (?:the |her |his )?(?:babys )?napp(?:y|ies)|the babys nappies|look "
            r"after (?:the little ones|the baby|my (?:baby|little) \w+))\b",
            needs=r"\b(?:sleeps|stays in bed|in bed|asleep|passed out|goes out|out all|drunk|"
            r"nights?|every day|always|still)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:mum|dad|she|he) (?:sleeps all day|stays in bed|is always in bed|never gets up|"
            r"doesnt get up)\b|\basleep at \d",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\bnapp(?:y|ies) (?:\w+ ){0,5}?(?:not|hasnt|havent|never|soaked|soaking|dirty|full|"
            r"unchanged|left)\b|\b(?:soaked|soaking|dirty|full|unchanged|filthy) napp(?:y|ies)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:toothache|tooth ache|ear ache|earache|infection|rash|nits|lice|sores)\b",
            needs=r"\b(?:for (?:weeks|months|ages)|nobody|no one|hasnt been|never been|left|"
            r"untreated|not been)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:nobody|no one|noone|never) (?:takes|took|take) (?:me|us|him|her) to (?:the )?"
            r"(?:dentist|doctor|doctors|hospital|gp)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:no|never any) clean clothes\b|\bin the same clothes\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            REVIEW,
            "a young child missing from nursery or school",
            r"\b(?:hasnt|has not|havent|not) been (?:at|to|in) (?:nursery|school)\b",
            unless=r"\b(?:because of covid|ill with)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:freezing|no heating)\b",
            needs=r"\b(?:house|home|flat|no|since|nights?)\b",
            unless=r"\b(?:fixed|sorted|repaired|power cut|for a day|for an hour|boiler broke|room|meeting|outside|car park)\b",
        ),
        # --- threats --------------------------------------------------------------------
        Cue(
            "threat",
            ALERT,
            threat,
            r"\b(?:said|say|says|saying|told (?:me|us|her|him)|keeps (?:saying|messaging|texting|"
            r"ringing|posting|telling)|threaten\w*|messag\w*|texting|posting|posted|theyll|hell|"
            r"shell|they will|he will|she will|going to|are going to|is going to|gonna) "
            r"(?:\w+ ){0,5}?(?:kill|stab|shank|hurt|beat|batter|jump|cut|burn|smash|shoot|slash|"
            r"murder|knock|deck|do|get|come (?:to|for|round)|coming (?:to|for|round)|bring|send) "
            r"(?:\w+ ){0,2}?(?:me|us|him|her|my \w+|mum|the house|our house|face|family|\w+s "
            r"house|in|down)\b",
            needs=r"\b(?:he|she|they|theyll|hell|shell|someone|somebody|people|man|guy|girl|"
            r"lads|boys|girls|year \d+s|family|mates|resident|brother|cousin|dad|ex|gang)\b",
            unless=r"\b(?:i said|i told|i threatened|i am going to|im going to|im gonna|id|i "
            r"could|i will|ill get|get (?:me|him|her|us|them) (?:a|an|some|one|new)|do me a|buy|"
            r"lift|pick me up|for (?:my|his|her|our) (?:birthday|christmas)|hell "
            r"come round|come round for|come to the meeting|come to my|get me (?:to|from))\b",
            figurative=True,
            playful=True,
        ),
        Cue(
            "threat",
            ALERT,
            threat,
            r"\b(?:know|knows|found out) (?:where (?:i|we|he|she|you) (?:live|lives|go)|what school|"
            r"my address|where my school|where (?:i|we) live)\b",
        ),
        Cue(
            "threat",
            ALERT,
            threat,
            r"\bif (?:i|she|he|you|we) (?:tell|tells|told|say|says|speak|talk|talked|grass|snitch|"
            r"go to|went to)\b (?:\w+ ){0,8}?(?:hurt|kill|stab|hit|beat|take|do|cut|batter|smash|"
            r"put|send|burn|get)\b",
            unless=r"\b(?:get in trouble|ill be in trouble|take my phone)\b",
        ),
        Cue(
            "threat",
            ALERT,
            threat,
            r"\b(?:coming for (?:me|us|him|her|you)|burn (?:the|our|my) (?:house|flat|home) down|"
            r"with us in it|smash (?:my|her|his|your) face|cut (?:my|her|his|your) face|watch "
            r"(?:your|ur|my) back|youre dead|dead meat|snitches get stitches|bring(?:ing)? a "
            r"(?:knife|blade|weapon|gun)|do me in|going to do me|to do me)\b",
        ),
        Cue(
            "threat",
            ALERT,
            threat,
            r"\bthreaten\w* (?:to )?(?:jump|hurt|stab|kill|beat|batter|cut|burn|smash|shoot|knife|"
            r"post|share|send|leak|hit|me|us|her|him|my)\b",
            unless=r"\bthreaten\w* (?:to )?(?:walk|complain|leave|report|call|ring|run)\b",
            figurative=True,
        ),
        Cue(
            "threat",
            REVIEW,
            "an adult at home threatening the child",
            r"\b(?:kill|murder|end|batter|strangle) (?:me|us)\b",
            needs=r"\b(?:dad|mum|stepdad|stepmum|he|she|boyfriend|they)\b",
            unless=r"\b(?:when (?:she|he|they) (?:sees|finds out|hears)|if (?:she|he|they) "
            r"(?:sees|finds out|hears)|report|grades|late)\b",
            figurative=True,
            playful=True,
        ),
        # --- running away and missing ---------------------------------------------------
        Cue(
            "running_away",
            ALERT,
            missing,
            r"\b(?:im|i am|going to|will|ill|shell|hell|want to|planning to|plan to|about to|"
            r"might|thinking (?:of|about)|gonna|just) (?:just )?(?:run|running|go|going|do a "
            r"runner|leg it|bolt|take off) ?(?:away|off|missing)?\b",
            needs=r"\b(?:run away|running away|run off|go missing|going missing|runner|leg it|"
            r"ill run|shell run|hell run|will run|ill just run|bolt)\b",
            unless=r"\b(?:wish i could|to my nans|holiday|jamaica|for the summer|abroad|"
            r"disneyland|the shop|the toilet|late|run out of|running out of)\b",
            figurative=True,
        ),
        Cue(
            "running_away",
            REVIEW,
            missing,
            r"\bwish i could (?:run away|run off|go away|escape)\b",
            unless=r"\b(?:holiday|jamaica|for the summer|abroad|disneyland|pool|beach|nans|nan)\b",
        ),
        Cue(
            "running_away",
            ALERT,
            missing,
            r"\b(?:keep|keeps|kept|been|still) (?:running|going missing|running away|running off)\b",
            unless=r"\b(?:out of the (?:room|meeting|class|lesson)|the chair|meeting|to the toilet|"
            r"post|letters?|mail|minutes|emails?|paperwork|forms?|socks|keys|parcels?|"
            r"homework|shoes|money|my phone|the remote)\b",
        ),
        Cue(
            "running_away",
            ALERT,
            missing,
            r"\b(?:gone|been|went|go|going|keeps going|is|was|goes|has gone) missing\b|"
            r"\bmissing (?:from (?:placement|home|care|school|the home)|since|overnight|for "
            r"(?:days|nights|\d+|two|three|a week))\b",
            playful=True,
            figurative=True,
            unless=r"\b(?:post|letters?|mail|minutes|emails?|paperwork|forms?|socks|keys|parcels?|"
            r"homework|shoes|protocol|policy|training|procedure|money|my phone|the remote)\b",
        ),
        Cue(
            "running_away",
            ALERT,
            missing,
            r"\b(?:slept|sleeping|sleep|sleeps|stayed|staying) (?:out|rough|outside|on the streets?|"
            r"in (?:the|a) (?:park|street|car|bus shelter|stairwell|garage|shed|tent|woods)|at "
            r"(?:the|a) (?:train |bus )?station|on (?:a|the) (?:bench|bus|night bus))\b",
            unless=r"\b(?:camping|in the garden for fun|with my dad on holiday|sleepover)\b",
        ),
        Cue(
            "running_away",
            ALERT,
            missing,
            r"\b(?:climbed|climbs|jumped|snuck|sneaked|sneaks|climbing) out (?:of )?(?:the|my|his|"
            r"her) window\b|\b(?:dont|do not) (?:try (?:and|to)|bother trying to|come) (?:find|look "
            r"for) me\b|\bnobody will (?:ever )?find me\b|\bnever see me again\b|\bbag is packed\b|"
            r"\bpacked (?:my|a) bag\b",
        ),
        Cue(
            "running_away",
            REVIEW,
            missing,
            r"\b(?:not going back|never going back|wont go back|not coming back|im not going back)\b",
            raised_by=r"\b(?:sleeping|slept|tonight|station|street|park)\b",
        ),
        Cue(
            "running_away",
            REVIEW,
            "a child away from home and nobody checking",
            r"\b(?:\d+|two|three|four|five|few|couple of) nights\b",
            needs=r"\b(?:didnt|doesnt|never|dont) (?:even )?(?:ring|call|notice|look|care|come|"
            r"know)\b",
        ),
        Cue(
            "running_away",
            REVIEW,
            "a child away from home and nobody checking",
            r"\b(?:didnt|doesnt|never|dont) (?:even )?(?:notice|know|care) (?:where i (?:am|was|go)|"
            r"(?:if|that) i (?:was|am) gone|im gone)\b",
        ),
        # --- added: cues for contact from adults, hints and secrets ---------------------
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:still|keeps|keep|been) (?:contacting|messaging|texting|calling|ringing|"
            r"snapchatting|adding) (?:her|him|me)\b",
            needs=r"\b(?:adult|man|male|named|older|strategy|new account|police|year old|hes|"
            r"stranger|not allowed)\b",
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\bwhat (?:im|i am|shes|she is|hes|he is|you are|your) wearing\b|\b(?:saying|says|"
            r"said|calls|called|tells|told) (?:me|her|him) (?:im|i am|shes|she is|hes|he is|"
            r"(?:\w+ )?is) (?:fit|sexy|hot|mature)\b",
            needs=r"\b(?:man|mate|friend|uncle|older|adult|he|him|messages|online|snapchat|"
            r"instagram|night|year old)\b",
        ),
        Cue(
            "physical",
            REVIEW,
            physical,
            r"\b(?:he|she|dad|mum|stepdad|stepmum|boyfriend|partner|uncle|grandad|they) "
            r"(?:hits|hit|punches|kicks|slaps|smacks|beats|belts|lashes out)\b",
            raised_by=r"\b(?:flinch\w*|scared|frightened|bruis\w*|hurt|afraid)\b",
            playful=True,
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "a hint of something at home, nothing specific",
            r"\bsecrets?\b",
            needs=r"\b(?:home|dad|mum|stepdad|uncle|he|she|they|people|house|allowed|tell)\b",
            unless=_KEPT_FOR_FUN,
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:sent|sends|sending|shown|showed|shows|showing) (?:\w+ ){0,2}?(?:explicit|sexual|rude|dirty|naked|nude|porn\w*) "
            r"(?:pictures|pics|photos|videos|vids|images|messages|stuff)\b|\bexplicit (?:pictures|pics|photos|videos|images|messages)\b",
            unless=r"\b(?:training|session|module|pshe|lesson)\b",
        ),
        Cue(
            "sexual",
            REVIEW,
            "possible grooming signs",
            r"\b(?:man|guy|bloke|adult|stranger|older (?:man|guy|boy|lad)) (?:\w+ ){0,2}?(?:met |meet )?(?:on|from|off) "
            r"(?:snapchat|instagram|tiktok|online|the internet|discord|roblox|fortnite|whatsapp|xbox|facebook|a game|the game)\b",
            raised_by=r"\b(?:meet|money|pics|photos|videos|pictures|sexual|explicit|address|gifts|secret)\b",
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:when|after|once|before) (?:im|i am|i was|i get|ive) (?:dead|gone)\b|\bpoint in waiting\b|\bwhy wait\b",
            figurative=True,
        ),
        Cue(
            "self_harm",
            ALERT,
            self_harm,
            r"\b(?:i|she|he|ive|shes|hes) (?:\w+ )?(?:burnt|burned|burn|burns|cut|cuts|scratched|scratch|hit|hits|hurt|"
            r"hurts|bruised|punched|punch|banged|bang|bit|bite|stabbed|carved) (?:my|her|his) (?:own )?(?:\w+ )?{BODY}",
            needs=r"\b(?:on purpose|deliberately|to feel|deserve|cant stop|again|every night|every day|"
            r"so nobody|hide it|punish)\b",
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:wont|doesnt|didnt|never|refuses to|wouldnt|dont|hasnt|havent|will not) (?:\w+ )?(?:take|taken|bring|took) "
            r"(?:me|her|him|us|them|the baby|my \w+) to (?:the )?(?:doctor|doctors|dentist|hospital|gp|a&e|optician)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            ALERT,
            neglect,
            r"\b(?:no one|nobody|noone|never) (?:washes|cleans|feeds|cooks|looks after|wakes|gets) (?:my|me|us|our|for|him|her)\b",
            negatable=False,
        ),
        Cue(
            "neglect",
            REVIEW,
            "signs of neglect",
            r"\b(?:i|we|he|she) (?:stink|smell|smells)\b|\bsay (?:i|we) (?:stink|smell)\b|\bnappy rash\b",
            raised_by=r"\b(?:severe|no one|nobody|never|mouldy|no formula|no food)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "does not like it at home at night",
            r"\bnot (?:nice|good|ok|okay|safe|right) (?:at|in) (?:home|mine|ours|my house|our house|dads|mums)\b|"
            r"\bstay at (?:school|yours|the centre) (?:overnight|tonight|all night)\b",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "an adult's drinking or anger at home",
            r"\b(?:dont|do not|never) like it when (?:\w+ ){0,3}?(?:drinks|drunk|drinking|smokes|shouts|gets angry|comes home|"
            r"has a drink|kicks off|loses it)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "low mood that could be a wish to die",
            r"\b(?:a burden|burden to|cry|crying|cried) (?:\w+ ){0,2}?(?:everyone|everybody|every night|all the time|"
            r"myself to sleep|every day)\b|\bi am a burden\b|\bim a burden\b",
        ),
        Cue(
            "physical",
            ALERT,
            physical,
            r"\b(?:lash|lashes|lashed|lashing|kicks|kicked|kicking) (?:out )?(?:at|on) {VICTIM}\b",
            playful=True,
        ),
        Cue(
            "sexual",
            ALERT,
            sexual,
            r"\b(?:makes|made|make|forces|forced|tells|told|gets|got) (?:me|her|him) (?:to )?(?:send|sending) "
            r"(?:him |her |them )?(?:photos|pics|pictures|videos|vids|nudes)\b|\b(?:makes|made|make|tells|told) "
            r"(?:me|her|him) (?:to )?(?:lie|lay|sleep|get|sit) (?:on|in|into) (?:his|her|their) bed\b|"
            r"\b(?:secret|special|tickling|naughty|touching) game\b|\b(?:private bits|my bits|down there)\b",
        ),
        Cue(
            "unsafe_home",
            ALERT,
            unsafe,
            r"\b(?:home|my house|our house|dads|mums|it at home) (?:is|feels) (?:\w+ )?(?:scary|frightening|horrible|"
            r"unsafe|dangerous|terrifying)\b",
        ),
        Cue(
            "self_harm",
            REVIEW,
            "low mood that could be a wish to die",
            r"\b(?:nobody|no one|noone) (?:would|will|wud) (?:even )?(?:miss|notice|care about) me\b|"
            r"\b(?:im|i am|i feel) not (?:ok|okay|alright)\b(?! with)",
        ),
        Cue(
            "unsafe_home",
            REVIEW,
            "children quiet or an adult's presence denied",
            r"\b(?:children|kids|they) went quiet\b|\bdenied (?:he|she|hed|shed|they)\b",
        ),
    ]


# Exploitation and grooming signs that mean little alone but add up: weight of each, and a total
# that raises review (1) or alert (2). Carers describe exploitation this way ("new phone, new
# trainers, cash I can't explain").
EXPLOITATION_SIGNS: list[tuple[float, str]] = [
    (
        1.5,
        r"\b(?:gives|gave|give|giving|buys|bought|buying|offers|offered) (?:me|her|him|us) "
        r"(?:\w+ ){0,2}?(?:weed|vapes?|drink|drinks|vodka|alcohol|booze|cigs|cigarettes|"
        r"drugs|pills)\b",
    ),
    (
        1.0,
        r"\b(?:gives|gave|give|giving|buys|bought|buying|sends|sent) (?:me|her|him|us) "
        r"(?:\w+ ){0,2}?(?:money|cash|trainers|presents|gifts|things|stuff|a phone|phones|"
        r"clothes|nails|food)\b|\bdrives (?:me|her|him) (?:around|round)\b",
    ),
    (0.5, r"\blifts\b|\bpicks? (?:me|her|him) up\b"),
    (0.5, r"{ADULT_OLDER}"),
    (
        1.5,
        r"{ADULT_OLDER} (?:\w+ ){0,2}?(?:in cars?|pick|picks|picked|take|takes|took|give|gives|"
        r"gave|buy|buys|bought|drive|drives)\b",
    ),
    (1.0, r"\bin (?:his|her|their) (?:20s|30s|40s|twenties|thirties|forties)\b"),
    (
        1.0,
        r"\b(?:new|second|extra|cheap|another|two|2) (?:phones?|trainers|clothes|"
        r"jacket|coat|designer)\b|\bnew stuff\b|\bstuff (?:i|we) didnt buy\b|\blots? of new\b",
    ),
    (
        1.0,
        r"\b(?:loads of|lots of|wads of|bundles of|rolls of) (?:cash|money)\b|\bcash i cant "
        r"explain\b|\bcant explain\b",
    ),
    (0.5, r"\bcomes back with\b|\bcame back with\b"),
    (1.0, r"\b(?:train|bus) tickets? to\b|\bother towns?\b|\banother (?:town|city)\b"),
    (
        1.0,
        r"\b(?:she|he|i|they|brother|sister|son|daughter|child) (?:\w+ )?(?:has |keeps |had )?"
        r"(?:gone|goes|going|went) missing\b|\bmissing overnight\b",
    ),
    (1.0, r"\bhotel\b|\bvodka\b|\bparties\b"),
    (1.0, r"\bout (?:a lot |all |late )?(?:at night|all night|till \d)\b"),
    (0.5, r"\bblack eye\b|\bbroke (?:his|her) nose\b|\bbeaten up\b"),
    (
        0.5,
        r"\b(?:mum|mums|dad|parents|carers?|nobody|no one) (?:doesnt|dont|didnt) know\b|"
        r"\b(?:wont|doesnt|wouldnt) (?:say|tell (?:me|us)) (?:where|who|how|why|his|her)\b|"
        r"\ba mate gave\b|\boff a friend\b",
    ),
    (1.0, r"\bsays (?:i|she|he) owes?\b|\bowe (?:him|them) for\b"),
    (1.0, r"\b(?:older|new older) friend\b|\bolder (?:boyfriend|girlfriend)\b"),
]
