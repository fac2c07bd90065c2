"""Inflection and spelling rules applied while rendering a sentence.

German articles and adjective declension by case, gender and number (and the dative plural
``-n``, the weak masculine ``-en``); French and Spanish gender and number agreement; Arabic
agreement (non-human plurals agree as feminine singular), the indefinite accusative ``-ا`` and
the feminine verb forms; and the orthography that depends on the next word: English a/an,
French elision (``l' oiseau``, ``n' a``), Spanish y/e, the Arabic و written joined to the next
word.
"""

from __future__ import annotations

import dataclasses

from xlprobe.data.synthetic.lexicon import Adjective, Noun
from xlprobe.data.synthetic.tokens import Token, Tokens

GERMAN_DEFINITE = {
    "nom": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "acc": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "dat": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
}
GERMAN_INDEFINITE = {
    "nom": {"m": "ein", "f": "eine", "n": "ein"},
    "acc": {"m": "einen", "f": "eine", "n": "ein"},
    "dat": {"m": "einem", "f": "einer", "n": "einem"},
}


def german_adjective_ending(det: str, case: str, gender: str, plural: bool) -> str:
    """German adjective ending after the definite article, ``ein`` or no article (numbers)."""
    if plural:
        return "e" if det == "count" and case != "dat" else "en"
    if case == "dat":
        return "en"
    if det == "def":
        return "en" if case == "acc" and gender == "m" else "e"
    return {"m": "er" if case == "nom" else "en", "f": "e", "n": "es"}[gender]


def german_noun(noun: Noun, case: str, plural: bool) -> str:
    """The German noun in ``case``: dative plural ``-n``, weak masculines ``-en`` outside the
    nominative singular."""
    if plural:
        form = noun.pl["de"]
        return form + "n" if case == "dat" and not form.endswith(("n", "s")) else form
    if noun.weak and case != "nom":
        return noun.pl["de"]
    return noun.sg["de"]


def agree(forms: tuple[str, str, str, str], gender: str, plural: bool) -> str:
    """French/Spanish form: masculine/feminine singular/plural."""
    return forms[(gender == "f") + 2 * plural]


def arabic_gender(noun: Noun, plural: bool) -> str:
    """Agreement gender in Arabic: non-human plurals agree as feminine singular."""
    return "f" if plural and "k" not in noun.classes else noun.gender["ar"]


def arabic_accusative(word: str, diptote: bool = False) -> str:
    """Indefinite accusative of a masculine word: سعيد -> سعيدا (no ا after ة, ى, اء, diptotes)."""
    if diptote or word.endswith(("ة", "ى", "اء", "ا")):
        return word
    if word.endswith("يء"):
        return word[:-1] + "ئا"
    return word + "ا"


def arabic_adjective(
    adj: Adjective, gender: str, *, definite: bool = False, acc: bool = False
) -> str:
    """The Arabic adjective in ``gender``: with the article ال when ``definite``, in the
    indefinite accusative (masculine) when ``acc``."""
    word = adj.ar[gender == "f"]
    if definite:
        return "ال" + word
    return arabic_accusative(word, adj.ar_diptote) if acc and gender == "m" else word


def arabic_feminine_past(past: str) -> str:
    """رأى -> رأت, اشترى -> اشترت, كتب -> كتبت (third person feminine singular)."""
    return (past[:-1] if past.endswith("ى") else past) + "ت"


def arabic_feminine_present(present: str) -> str:
    """يكتب -> تكتب (third person feminine singular)."""
    return "ت" + present[1:]


_EN_CONSONANT_SOUND = ("uniform", "one", "useful", "university", "unicorn")
_FR_VOWELS = "aeiouyâàéèêëîïôœûùh"
_FR_NO_ELISION = ("onze", "huit", "huitième", "hibou", "haricot", "héros", "hamster")
_FR_ELIDES = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "ne": "n'"}


def spell(lang: str, tokens: Tokens) -> Tokens:
    """Apply the spelling rules that depend on the next word to a sentence's ``tokens`` in
    ``lang``, word for word (each word keeps its key, tags and place in the tree)."""
    out: Tokens = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1].word if i + 1 < len(tokens) else ""
        word = tok.word
        if (
            lang == "en"
            and word == "a"
            and nxt[:1].lower() in "aeiou"
            and not nxt.lower().startswith(_EN_CONSONANT_SOUND)
        ):
            word = "an"
        elif (
            lang == "fr"
            and word in _FR_ELIDES
            and nxt[:1].lower() in _FR_VOWELS
            and not nxt.lower().startswith(_FR_NO_ELISION)
        ):
            word = _FR_ELIDES[word]
        elif lang == "es" and word == "y" and nxt[:1].lower() == "i":
            word = "e"
        out.append(dataclasses.replace(tok, word=word))
    return out


def surface_groups(lang: str, words: Tokens) -> list[Tokens]:
    """The surface tokens of a spelt sentence as groups of its words: the Arabic و (keyed
    ``c:and``) is written joined to the next word, one token of two syntactic words (a
    multiword token in CoNLL-U); every other word is a token of its own."""
    groups: list[Tokens] = []
    for tok in words:
        joined = groups and groups[-1][-1].word == "و" and groups[-1][-1].key == "c:and"
        if lang == "ar" and joined:
            groups[-1].append(tok)
        else:
            groups.append([tok])
    return groups


def apply_orthography(lang: str, tokens: Tokens) -> Tokens:
    """The surface tokens of a sentence's ``tokens`` in ``lang``: :func:`spell`, then each
    group of :func:`surface_groups` as one token (its words' forms joined, the key and tag of
    its last word), so fewer tokens may come back."""
    return [
        Token("".join(t.word for t in group), group[-1].key, group[-1].tag)
        for group in surface_groups(lang, spell(lang, tokens))
    ]
