"""The word tables of the synthetic world and the inflection of each entry in en/de/fr/es/ar.

The tables are package data, ``words/<table>.txt``, read once with :mod:`importlib.resources`
(:func:`word_tables`). Every entry is one concept with its forms in the five languages: nouns
with gender and plural, adjectives with their agreement forms, verbs with tense and person
forms. Irregular forms are written out in the tables; regular ones follow the small rules below
(English and Spanish plurals, English verb forms, French and Spanish adjective agreement,
German adjective stems and past plurals, the Arabic feminine adjective in ``ة``).

Row formats (one entry a line, cells separated by ``|``; lines starting with ``#`` are
comments):

- nouns: ``en[/plural]|de:gender:plural[:w]|fr:gender[:plural]|es:gender[:plural]``
  ``|ar:gender:plural|classes`` (``w``: German weak masculine, ``-en`` in the oblique
  singular; classes below);
- adjectives (attributes, qualities, emotions):
  ``en|de[/stem]|fr[/f/m.pl/f.pl]|es[/f/m.pl/f.pl]|ar[/f][:d]|flags|classes`` (``d``: Arabic
  diptote; flags, space-separated: ``pre`` French adjective before the noun, ``estar`` Spanish
  copula estar, ``positive`` / ``negative`` the sentiment);
- verbs (transitive, intransitive): ``en base,past[,ing]|de 3sg,3pl,past|fr 3sg,3pl,participle,
  aux|es 3sg,3pl,preterite 3sg,preterite 3pl|ar past,present|classes`` (``aux``: ``a`` avoir,
  ``e`` être; Arabic masculine; classes: the nouns a transitive verb takes as objects);
- every other table is a tuple of cells, described at the top of its file (jobs, times, days,
  months, manners, first names, surnames, cities, countries, organizations).

Noun classes: a animal, f food, t thing, c clothing, v vehicle, p place, n nature,
b body part, k kin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from importlib.resources import files
from typing import TYPE_CHECKING, TypeVar

from xlprobe.errors import InputError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "ar")
Row = tuple[str, ...]
_Entry = TypeVar("_Entry")


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


@dataclass(frozen=True)
class WordTables:
    """Every word table of the synthetic world; each field is read from ``words/<field>.txt``.

    Attributes:
        nouns: About 350 nouns in nine classes.
        attributes: Colours, sizes and other neutral adjectives (no polarity).
        qualities: Evaluative adjectives, each positive (polarity 1) or negative (0).
        emotions: How a person feels, each positive or negative.
        transitive: Verbs with an object; their classes name the nouns they take.
        intransitive: Verbs with animal subjects.
        jobs: ``en, de m/f, fr m/f, es m/f, ar m/f``.
        times: ``en, de, fr, es, ar, past|present|habit``.
        days: ``en, de, fr, es, ar``.
        months: ``en, de, fr, es, ar``.
        manners: ``en, de, fr, es, ar``.
        first_names: ``latin, arabic, f|m``.
        surnames: ``latin, arabic``.
        cities: ``en, de, fr, es, ar``.
        countries: ``en, de, fr, es, ar``.
        organizations: ``latin, arabic, r`` (``r``: the Arabic words in reverse order) or ``""``.
    """

    nouns: tuple[Noun, ...]
    attributes: tuple[Adjective, ...]
    qualities: tuple[Adjective, ...]
    emotions: tuple[Adjective, ...]
    transitive: tuple[Verb, ...]
    intransitive: tuple[Verb, ...]
    jobs: tuple[Row, ...]
    times: tuple[Row, ...]
    days: tuple[Row, ...]
    months: tuple[Row, ...]
    manners: tuple[Row, ...]
    first_names: tuple[Row, ...]
    surnames: tuple[Row, ...]
    cities: tuple[Row, ...]
    countries: tuple[Row, ...]
    organizations: tuple[Row, ...]


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


def _noun(cells: Row) -> Noun:
    en, de, fr, es, ar, classes = cells
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
    return Noun(en_sg, sg, pl, gender, classes, weak)


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


def _adjective(cells: Row) -> Adjective:
    en, de, fr, es, ar = cells[:5]
    flags = set(cells[5].split()) if len(cells) > 5 else set()
    classes = cells[6] if len(cells) > 6 else ""
    de_pred, _, de_stem = de.partition("/")
    if not de_stem:
        de_stem = de_pred[:-1] if de_pred.endswith("e") else de_pred
    ar_forms, _, ar_flag = ar.partition(":")
    ar_m, _, ar_f = ar_forms.partition("/")
    return Adjective(
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


def _verb(cells: Row) -> Verb:
    en, de, fr, es, ar, classes = cells
    en_parts = en.split(",")
    base, past = en_parts[0], en_parts[1]
    ing = en_parts[2] if len(en_parts) > 2 else _english_ing(base)
    de3, de3pl, de_past = de.split(",")
    fr3, fr3pl, fr_part, fr_aux = fr.split(",")
    es3, es3pl, es_past, es_past_pl = es.split(",")
    ar_past, ar_pres = ar.split(",")
    return Verb(
        key=base,
        en=(base, _english_3sg(base), past, ing),
        de=(de3, de3pl, de_past, _german_past_plural(de_past)),
        fr=(fr3, fr3pl, fr_part, fr_aux),
        es=(es3, es3pl, es_past, es_past_pl),
        ar=(ar_past, ar_pres),
        classes=classes,
    )


def _rows(path: Traversable) -> Iterator[tuple[int, Row]]:
    """``(line number, cells)`` of every entry of a table file (comments and blanks skipped)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, tuple(cell.strip() for cell in line.split("|"))


def _read(folder: Traversable, name: str, entry: Callable[[Row], _Entry]) -> tuple[_Entry, ...]:
    path = folder / f"{name}.txt"
    if not path.is_file():
        raise InputError(f"the synthetic word table {name}.txt is missing", path=str(path))
    entries = []
    for number, cells in _rows(path):
        try:
            entries.append(entry(cells))
        except (ValueError, IndexError) as error:
            raise InputError(
                f"cannot read this {name} row ({error}); the row format is described at the "
                "top of the file and in xlprobe.data.synthetic.lexicon",
                path=str(path),
                line=number,
            ) from None
    return tuple(entries)


_ENTRIES: dict[str, Callable[[Row], object]] = {
    "nouns": _noun,
    "attributes": _adjective,
    "qualities": _adjective,
    "emotions": _adjective,
    "transitive": _verb,
    "intransitive": _verb,
}


def read_word_tables(folder: Traversable) -> WordTables:
    """Read and inflect every table ``<folder>/<field>.txt`` of :class:`WordTables`.

    Args:
        folder: A directory (a :class:`~pathlib.Path` or an :mod:`importlib.resources`
            traversable) holding one ``.txt`` file per table.

    Raises:
        InputError: A table is missing, or a row does not parse (its file and line named).
    """
    return WordTables(
        **{f.name: _read(folder, f.name, _ENTRIES.get(f.name, tuple)) for f in fields(WordTables)}
    )


@functools.cache
def word_tables() -> WordTables:
    """The word tables shipped with the package (``xlprobe/data/synthetic/words``), read once."""
    return read_word_tables(files("xlprobe.data.synthetic") / "words")
