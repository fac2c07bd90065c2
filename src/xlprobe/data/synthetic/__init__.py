"""A synthetic multilingual world: parallel en/de/fr/es/ar sentences with known translations.

Sentences are generated from the word tables of :mod:`~xlprobe.data.synthetic.lexicon` (about
300 nouns in nine semantic classes, adjectives, verbs, numbers 1-99, names, places, times) and
ten templates: transitive clauses (present, progressive, past; negation), intransitive clauses
with singular or plural subjects, existentials (``there are seven red cats under the table``),
possession, questions, subordinate ``because`` clauses (German verb-final), numbers compared or
called even/odd, rankings (ordinals), work and profession sentences. Each language renders a
sentence with its own grammar: German case, gender and adjective declension, verb-second
inversion; French and Spanish gender and number agreement, adjectives after the noun (French
``grand``, ``petit`` ... before it), French passé composé with avoir/être and elision
(``l' oiseau``, ``n' a pas``); Arabic verb-subject order, the article ``ال`` on noun and adjective,
verb and adjective agreement (non-human plurals take the feminine singular), number-noun gender
polarity for 3-10, case forms of numbers and the accusative ``-ا`` where the script shows it.

Every word carries a *concept key* (``n:cat``, ``v:buy``, ``num:21``, ``per:Anna``; ``None`` for
words with no counterpart such as English ``does`` or German ``es gibt``); within one sentence,
words of two languages with the same key translate each other. That is the ground-truth
lexicon against which dictionaries are checked: inflected forms link to the forms they were
generated with (``Katzen`` - ``cats`` - ``chats`` - ``القطط``).

:func:`generate_paraphrases` renders sentences with a fronted time adverbial a second time with
the adverbial inside the clause (``yesterday Anna bought the apples`` / ``Anna bought the apples
yesterday``; German ``gestern kaufte Anna die Äpfel`` / ``Anna kaufte gestern die Äpfel``):
within-language paraphrase pairs, the same words in another order.

Each sentence carries BIO named-entity tags (PER, LOC, ORG), a sentiment label (1 positive,
0 negative, from its emotion or evaluative adjective) and a topic (one of seven, its template's
family: :data:`TOPIC_LABELS`), identical in meaning across languages, and per language a
dependency tree: every word has a UPOS tag (:data:`UPOS_TAGS`), a head and a Universal
Dependencies relation, built where the phrases and clauses are assembled, in each language's own
word order (German verb-final ``weil`` clauses, Arabic verb-subject-object, French elided
articles as ``det``, the Arabic ``و`` a word of its own inside a multiword token). Everything is
deterministic given the seed.

Modules: :mod:`~.lexicon` (the word tables, package data under ``words/``), :mod:`~.numbers`
and :mod:`~.morphology` (inflection and spelling), :mod:`~.phrases` and :mod:`~.clauses`
(noun phrases, people, places, verb groups, word order), :mod:`~.templates` (the sentence
templates), :mod:`~.world` (the corpus, paraphrases and dataset files), :mod:`~.categories`
(each word's semantic category, for concept labels).
"""

from xlprobe.data.synthetic.categories import word_categories
from xlprobe.data.synthetic.lexicon import LANGUAGES
from xlprobe.data.synthetic.templates import TEMPLATES, TOPIC_LABELS
from xlprobe.data.synthetic.tokens import NER_LABELS, UPOS_TAGS
from xlprobe.data.synthetic.world import (
    SPLITS,
    WORLD_VERSION,
    SyntheticCorpus,
    WorldSpec,
    generate_corpus,
    generate_paraphrases,
    is_current_dataset,
    write_corpus,
    write_lexicon,
    write_synthetic_dataset,
)

__all__ = [
    "LANGUAGES",
    "NER_LABELS",
    "SPLITS",
    "TEMPLATES",
    "TOPIC_LABELS",
    "UPOS_TAGS",
    "WORLD_VERSION",
    "SyntheticCorpus",
    "WorldSpec",
    "generate_corpus",
    "generate_paraphrases",
    "is_current_dataset",
    "word_categories",
    "write_corpus",
    "write_lexicon",
    "write_synthetic_dataset",
]
