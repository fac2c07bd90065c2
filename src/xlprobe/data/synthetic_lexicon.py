"""The word lists of the synthetic world and the inflection of each entry in en/de/fr/es/ar.

Every entry is one concept with its forms in the five languages: nouns with gender and
plural, adjectives with their agreement forms, verbs with tense and person forms, numbers
1-99 in their case forms. Irregular forms are written out; regular ones follow the small rules
below (English and Spanish plurals, French and Spanish adjective agreement, German adjective
endings, Arabic feminine verbs and adjectives). Multi-word Arabic numbers are joined by ``_``.

Row formats (one entry a line, cells separated by ``|``):

- nouns: ``en[/plural]|de:gender:plural[:w]|fr:gender[:plural]|es:gender[:plural]``
  ``|ar:gender:plural|classes`` (``w``: German weak masculine, ``-en`` in the oblique
  singular; classes below);
- adjectives: ``en|de[/stem]|fr[/f/m.pl/f.pl]|es[/f/m.pl/f.pl]|ar[/f][:d]|flags|classes``
  (``d``: diptote; flags: ``pre``, ``estar``, ``positive``, ``negative``);
- verbs: see :data:`TRANSITIVE` and :data:`INTRANSITIVE`.

Noun classes: a animal, f food, t thing, c clothing, v vehicle, p place, n nature,
b body part, k kin.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "ar")


@dataclass(frozen=True)
class Noun:
    """A countable noun: singular and plural per language, grammatical gender for de/fr/es/ar."""

    key: str
    sg: dict[str, str]
    pl: dict[str, str]
    gender: dict[str, str]
    classes: str
    weak: bool = False


@dataclass(frozen=True)
class Adjective:
    """An adjective: English form, German predicative form and stem, four French and Spanish
    agreement forms (m.sg, f.sg, m.pl, f.pl), Arabic masculine and feminine singular."""

    key: str
    en: str
    de: str
    de_stem: str
    fr: tuple[str, str, str, str]
    es: tuple[str, str, str, str]
    ar: tuple[str, str]
    ar_diptote: bool
    classes: str = ""
    fr_before: bool = False
    es_estar: bool = False
    polarity: int | None = None


@dataclass(frozen=True)
class Verb:
    """A verb's forms. ``en``: base, 3sg present, past, -ing. ``de``: 3sg/3pl present, 3sg/3pl
    past. ``fr``: 3sg/3pl present, past participle, auxiliary (``a`` avoir, ``e`` être).
    ``es``: 3sg/3pl present, 3sg/3pl preterite. ``ar``: masculine past and present (the
    feminine is derived)."""

    key: str
    en: tuple[str, str, str, str]
    de: tuple[str, str, str, str]
    fr: tuple[str, str, str, str]
    es: tuple[str, str, str, str]
    ar: tuple[str, str]
    classes: str


def _english_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _french_plural(word: str) -> str:
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith(("eau", "au", "eu")):
        return word + "x"
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


_UNACCENT = str.maketrans("áéíóú", "aeiou")


def _spanish_plural(word: str) -> str:
    if word[-1] in "aeiouáéóú":
        return word + "s"
    if word.endswith("z"):
        return word[:-1] + "ces"
    # the written accent of a stressed last syllable goes: ratón -> ratones, autobús -> autobuses
    stem = word[:-3] + word[-3:].translate(_UNACCENT)
    return stem + "es"


def _table(name: str) -> str:
    """The rows of ``words/<name>.txt`` (package data), without its ``#`` comment lines."""
    text = (files("xlprobe.data") / "synthetic" / "words" / f"{name}.txt").read_text("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def _cells(rows: str) -> list[list[str]]:
    return [[c.strip() for c in row.split("|")] for row in rows.strip().splitlines()]


def _nouns(rows: str) -> list[Noun]:
    nouns = []
    for en, de, fr, es, ar, classes in _cells(rows):
        en_sg, _, en_pl = en.partition("/")
        de_parts, fr_parts, es_parts, ar_parts = (c.split(":") for c in (de, fr, es, ar))
        sg = {"en": en_sg, "de": de_parts[0], "fr": fr_parts[0], "es": es_parts[0]}
        sg["ar"] = ar_parts[0]
        pl = {
            "en": en_pl or _english_plural(en_sg),
            "de": de_parts[2],
            "fr": fr_parts[2] if len(fr_parts) > 2 else _french_plural(fr_parts[0]),
            "es": es_parts[2] if len(es_parts) > 2 else _spanish_plural(es_parts[0]),
            "ar": ar_parts[2],
        }
        gender = {"de": de_parts[1], "fr": fr_parts[1], "es": es_parts[1], "ar": ar_parts[1]}
        weak = len(de_parts) > 3 and de_parts[3] == "w"
        nouns.append(Noun(en_sg, sg, pl, gender, classes, weak))
    return nouns


def _french_feminine(word: str) -> str:
    for old, new in (("eux", "euse"), ("er", "ère"), ("el", "elle"), ("en", "enne")):
        if word.endswith(old):
            return word[: -len(old)] + new
    if word.endswith("on"):
        return word + "ne"
    if word.endswith("f"):
        return word[:-1] + "ve"
    return word if word.endswith("e") else word + "e"


def _french_forms(cell: str) -> tuple[str, str, str, str]:
    forms = cell.split("/")
    if len(forms) == 4:
        return tuple(forms)  # type: ignore[return-value]
    m = forms[0]
    f = forms[1] if len(forms) > 1 else _french_feminine(m)
    m_pl = m if m.endswith(("s", "x")) else (m[:-2] + "aux" if m.endswith("al") else m + "s")
    return m, f, m_pl, f + "s"


def _spanish_forms(cell: str) -> tuple[str, str, str, str]:
    forms = cell.split("/")
    if len(forms) == 4:
        return tuple(forms)  # type: ignore[return-value]
    m = forms[0]
    f = forms[1] if len(forms) > 1 else (m[:-1] + "a" if m.endswith("o") else m)
    return m, f, _spanish_plural(m), _spanish_plural(f)


def _adjectives(rows: str) -> list[Adjective]:
    adjectives = []
    for cells in _cells(rows):
        en, de, fr, es, ar = cells[:5]
        flags = set(cells[5].split()) if len(cells) > 5 else set()
        classes = cells[6] if len(cells) > 6 else ""
        de_pred, _, de_stem = de.partition("/")
        if not de_stem:
            de_stem = de_pred[:-1] if de_pred.endswith("e") else de_pred
        ar_forms, _, ar_flag = ar.partition(":")
        ar_m, _, ar_f = ar_forms.partition("/")
        adjectives.append(
            Adjective(
                key=en,
                en=en,
                de=de_pred,
                de_stem=de_stem,
                fr=_french_forms(fr),
                es=_spanish_forms(es),
                ar=(ar_m, ar_f or ar_m + "ة"),
                ar_diptote=ar_flag == "d",
                classes=classes,
                fr_before="pre" in flags,
                es_estar="estar" in flags,
                polarity=1 if "positive" in flags else (0 if "negative" in flags else None),
            )
        )
    return adjectives


def _english_3sg(base: str) -> str:
    if base.endswith(("s", "x", "z", "ch", "sh", "o")):
        return base + "es"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _english_ing(base: str) -> str:
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _german_past_plural(past: str) -> str:
    return past + ("n" if past.endswith("e") else "en")


def _verbs(rows: str) -> list[Verb]:
    verbs = []
    for en, de, fr, es, ar, classes in _cells(rows):
        en_parts = en.split(",")
        base, past = en_parts[0], en_parts[1]
        ing = en_parts[2] if len(en_parts) > 2 else _english_ing(base)
        de3, de3pl, de_past = de.split(",")
        fr3, fr3pl, fr_part, fr_aux = fr.split(",")
        es_parts = es.split(",")
        ar_past, ar_pres = ar.split(",")
        verbs.append(
            Verb(
                key=base,
                en=(base, _english_3sg(base), past, ing),
                de=(de3, de3pl, de_past, _german_past_plural(de_past)),
                fr=(fr3, fr3pl, fr_part, fr_aux),
                es=tuple(es_parts),  # type: ignore[arg-type]
                ar=(ar_past, ar_pres),
                classes=classes,
            )
        )
    return verbs


def arabic_feminine_past(past: str) -> str:
    """رأى -> رأت, اشترى -> اشترت, كتب -> كتبت (third person feminine singular)."""
    return (past[:-1] if past.endswith("ى") else past) + "ت"


def arabic_feminine_present(present: str) -> str:
    """يكتب -> تكتب (third person feminine singular)."""
    return "ت" + present[1:]


NOUNS: list[Noun] = _nouns(_table("nouns"))
# Colours, sizes and other neutral attributes; the classes say which nouns they describe.
ATTRIBUTES: list[Adjective] = _adjectives(_table("attributes"))
# Evaluative adjectives, flagged positive or negative.
QUALITIES: list[Adjective] = _adjectives(_table("qualities"))
# How a person feels (Spanish with estar), flagged positive or negative.
EMOTIONS: list[Adjective] = _adjectives(_table("emotions"))
# Transitive verbs; the classes say which nouns they take as objects.
TRANSITIVE: list[Verb] = _verbs(_table("transitive"))
# Intransitive verbs with animal subjects.
INTRANSITIVE: list[Verb] = _verbs(_table("intransitive"))
JOBS = _cells(_table("jobs"))
TIMES = _cells(_table("times"))
DAYS = _cells(_table("days"))
MONTHS = _cells(_table("months"))
MANNERS = _cells(_table("manners"))
FIRST_NAMES = _cells(_table("first_names"))
SURNAMES = _cells(_table("surnames"))
CITIES = _cells(_table("cities"))
COUNTRIES = _cells(_table("countries"))
ORGANIZATIONS = _cells(_table("organizations"))
