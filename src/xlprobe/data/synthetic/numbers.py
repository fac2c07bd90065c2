"""Numbers 1-99 in the five languages: cardinals (with the Arabic case forms), ordinals, and
the tokens of a number inside a sentence.

French follows the 1990 spelling (hyphens throughout: ``vingt-et-un``); Arabic multi-word
numbers are joined by ``_`` (``ثلاثة_وعشرون``) so that one number is one word, as in the other
languages but Spanish (``treinta y uno``).
"""

from __future__ import annotations

from xlprobe.data.synthetic.tokens import Token, Tokens


def _wordlist(text: str) -> tuple[str, ...]:
    """Space-separated words of a table (index = the number: ``_EN_ONES[7] == "seven"``)."""
    return tuple(text.split())


_EN_ONES = _wordlist(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_EN_TENS = _wordlist("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
_DE_ONES = _wordlist(
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
    "fünfzehn sechzehn siebzehn achtzehn neunzehn"
)
_DE_TENS = _wordlist("_ _ zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig")
_FR_ONES = _wordlist(
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dix-sept dix-huit dix-neuf"
)
_FR_TENS = _wordlist(
    "_ _ vingt trente quarante cinquante soixante soixante quatre-vingt quatre-vingt"
)
_ES_ONES = _wordlist(
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
    "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
)
_ES_TENS = _wordlist("_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa")
# Arabic counting forms of 1-10 (with a masculine noun: 3-10 take ة), tens in -ون (nominative).
_AR_ONES = _wordlist("_ واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة")
_AR_TENS = _wordlist("_ _ عشرون ثلاثون أربعون خمسون ستون سبعون ثمانون تسعون")
# Gender polarity: 3-10 counting a feminine noun drop the ة.
_AR_WITH_FEMININE = _wordlist("_ _ _ ثلاث أربع خمس ست سبع ثماني تسع عشر")


def cardinal_en(n: int) -> str:
    """English cardinal (seven, twenty-one)."""
    if n < 20:
        return _EN_ONES[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")


def cardinal_de(n: int) -> str:
    """German cardinal in one word (eins, einundzwanzig)."""
    if n < 20:
        return _DE_ONES[n]
    tens, ones = divmod(n, 10)
    unit = "ein" if ones == 1 else _DE_ONES[ones]
    return (f"{unit}und" if ones else "") + _DE_TENS[tens]


def cardinal_fr(n: int) -> str:
    """French numbers in the 1990 spelling (hyphens throughout): vingt-et-un, quatre-vingts."""
    if n < 20:
        return _FR_ONES[n]
    tens, ones = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-onze
        ones += 10
    head = _FR_TENS[tens]
    if ones == 0:
        return "quatre-vingts" if tens == 8 else head
    if ones in (1, 11) and tens != 8 and tens != 9:
        return f"{head}-et-{_FR_ONES[ones]}"
    return f"{head}-{_FR_ONES[ones]}"


def cardinal_es(n: int) -> str:
    """Spanish cardinal (dieciséis, veintidós, cuarenta y cinco)."""
    if n < 30:
        return _ES_ONES[n]
    tens, ones = divmod(n, 10)
    return _ES_TENS[tens] + (f" y {_ES_ONES[ones]}" if ones else "")


def cardinal_ar(n: int, case: str = "nom") -> str:
    """Arabic cardinal ``n`` (1-99) as a counting word in ``case`` (``nom``, ``acc``, ``gen``).

    Visible case marks: اثنان/اثنين, اثنا عشر/اثني عشر, the tens -ون/-ين, accusative واحدا.
    Multi-word numbers are joined by ``_`` (أحد_عشر, ثلاثة_وعشرون).
    """
    oblique = case != "nom"

    def unit(k: int) -> str:
        if k == 1:
            return "واحدا" if case == "acc" else "واحد"
        if k == 2:
            return "اثنين" if oblique else "اثنان"
        return _AR_ONES[k]

    if n <= 10:
        return unit(n)
    if n < 20:
        first = {11: "أحد", 12: "اثني" if oblique else "اثنا"}.get(n, _AR_ONES[n - 10])
        return f"{first}_عشر"
    tens, ones = divmod(n, 10)
    ten = _AR_TENS[tens][:-2] + ("ين" if oblique else "ون")
    return f"{unit(ones)}_و{ten}" if ones else ten


def number_tokens(n: int, *, ar_case: str = "nom", deprel: str = "nummod") -> dict[str, Tokens]:
    """The number ``n`` in every language, each word keyed ``num:<n>`` (Spanish ``y`` unkeyed).

    One ``NUM`` word, unattached with the preset relation ``deprel``; Spanish ``cuarenta y dos``
    is ``cuarenta`` with ``dos`` as its ``conj`` and ``y`` as ``cc`` of ``dos``.
    """
    key = f"num:{n}"
    es = [Token(w, key, upos="NUM", deprel=deprel) for w in cardinal_es(n).split()]
    if len(es) == 3:  # treinta y uno
        tens, ones = es[0], es[2].under(es[0], "conj")
        es = [tens, Token("y", None, upos="CCONJ", deprel="cc", head=ones.node), ones]
    return {
        "en": [Token(cardinal_en(n), key, upos="NUM", deprel=deprel)],
        "de": [Token(cardinal_de(n), key, upos="NUM", deprel=deprel)],
        "fr": [Token(cardinal_fr(n), key, upos="NUM", deprel=deprel)],
        "es": es,
        "ar": [Token(cardinal_ar(n, ar_case), key, upos="NUM", deprel=deprel)],
    }


def arabic_count(n: int, noun_gender: str) -> str:
    """Arabic counting word of 3-10 before a plural noun of ``noun_gender`` (``m``/``f``).

    Gender polarity: the number takes ة with a masculine noun (ثلاثة كلاب) and drops it with a
    feminine one (ثلاث قطط).
    """
    return _AR_WITH_FEMININE[n] if noun_gender == "f" else _AR_ONES[n]


_EN_ORDINAL = {
    1: "first",
    2: "second",
    3: "third",
    5: "fifth",
    8: "eighth",
    9: "ninth",
    12: "twelfth",
}
_DE_ORDINAL = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}
_ES_ORDINAL = _wordlist("_ primer segundo tercer cuarto quinto sexto séptimo octavo noveno décimo")
_AR_ORDINAL = _wordlist("_ الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر")


def ordinal_en(n: int) -> str:
    """English ordinal (first, twelfth, forty-second)."""
    tens, ones = divmod(n, 10)
    if n >= 20 and ones:
        return f"{_EN_TENS[tens]}-{ordinal_en(ones)}"
    if n in _EN_ORDINAL:
        return _EN_ORDINAL[n]
    word = cardinal_en(n)
    return word[:-1] + "ieth" if word.endswith("y") else word + "th"


def ordinal_de(n: int) -> str:
    """German ordinal stem (erst, zweit, einundzwanzigst): the caller adds the ending."""
    if n in _DE_ORDINAL:
        return _DE_ORDINAL[n]
    return cardinal_de(n) + ("t" if n < 20 else "st")


def ordinal_es(n: int) -> str:
    """Spanish ordinal 1-10 before a masculine noun (``primer``, ``tercer``, ``décimo``)."""
    return _ES_ORDINAL[n]


def ordinal_fr(n: int) -> str:
    """French ordinal, feminine (première; vingt-et-unième, quatre-vingtième, cinquième)."""
    if n == 1:
        return "première"
    word = cardinal_fr(n).removesuffix("s")
    if word.endswith("cinq"):
        word += "u"
    elif word.endswith("neuf"):
        word = word[:-1] + "v"
    elif word.endswith("e"):
        word = word[:-1]
    return word + "ième"


def ordinal_ar(n: int) -> str:
    """Arabic masculine ordinal in the genitive (الحادي_عشر, الثاني_والعشرين, العشرين)."""
    tens, ones = divmod(n, 10)
    if n <= 10:
        return _AR_ORDINAL[n]
    unit = "الحادي" if ones == 1 else _AR_ORDINAL[ones]
    if n < 20:
        return f"{unit}_عشر"
    ten = "ال" + _AR_TENS[tens][:-2] + "ين"
    return f"{unit}_و{ten}" if ones else ten
