"""The biaffine parser's pieces: scores, loss, tree decoding, predicted CoNLL-U sentences."""

from __future__ import annotations

import pytest
import torch

from xlprobe.analysis.ud_score import score_sentences
from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.data.conllu import MultiwordToken, Sentence, Word, find_cycle
from xlprobe.data.ud import word_positions
from xlprobe.tasks.parsing import (
    BiaffineParser,
    candidate_heads,
    decode,
    pad_words,
    parser_loss,
    predicted_sentence,
    with_head_lr,
)

RELATIONS = ["nsubj", "obj", "root", "det"]


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny tensors: one thread (several only contend on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_scores_have_one_row_and_column_per_word_and_root():
    parser = BiaffineParser(hidden=8, n_relations=4, arc_dim=6, rel_dim=5, dropout=0.0)
    arcs, rels = parser(torch.randn(3, 7, 8))
    assert arcs.shape == (3, 8, 8) and rels.shape == (3, 8, 8, 4)


def test_candidate_heads_are_root_and_the_other_words_of_the_sentence():
    words = torch.tensor([[True, True, True], [True, True, False]])
    candidates = candidate_heads(words)  # [B x heads 0..3 x dependents 1..3]
    # sentence 1 (two words): word 1 may hang from ROOT or word 2, not itself, not padding
    assert candidates[1, :, 0].tolist() == [True, False, True, False]
    assert not candidates[1, :, 2].any()  # the padding position depends on nothing
    assert candidates[0, :, 2].tolist() == [True, True, True, False]


def test_the_parser_learns_a_tree_and_decodes_it_with_its_relations():
    torch.manual_seed(0)
    # "the cat sleeps": the -det-> cat -nsubj-> sleeps -root-> ROOT; and a 2-word sentence
    heads = pad_words([[2, 3, 0], [0, 1]], IGNORE_INDEX)
    labels = pad_words([[3, 0, 2], [2, 1]], IGNORE_INDEX)
    words = pad_words([[1, 1, 1], [1, 1]], 0) == 1
    vectors = torch.randn(2, 3, 16)
    parser = BiaffineParser(hidden=16, n_relations=4, arc_dim=16, rel_dim=8, dropout=0.0)
    optimizer = torch.optim.Adam(parser.parameters(), lr=1e-2)
    losses = []
    for _ in range(150):
        arcs, rels = parser(vectors)
        loss = parser_loss(arcs, rels, words, heads, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.05 < losses[0]
    arcs, rels = parser(vectors)
    assert decode(arcs, rels, [3, 2], RELATIONS.index("root")) == [
        ([2, 3, 0], [3, 0, 2]),
        ([0, 1], [2, 1]),
    ]


def test_decoding_gives_a_tree_with_one_root_word_labelled_root_from_any_scores():
    torch.manual_seed(1)
    root = RELATIONS.index("root")
    arcs, rels = torch.randn(6, 9, 9) * 5, torch.randn(6, 9, 9, 4)
    rels[..., root] += 10  # a relation model that prefers root everywhere
    lengths = [8, 1, 5, 3, 8, 2]
    for n, (heads, ids) in zip(lengths, decode(arcs, rels, lengths, root), strict=True):
        assert len(heads) == n and heads.count(0) == 1 and not find_cycle(heads)
        assert [i == root for i in ids] == [h == 0 for h in heads]


def test_a_predicted_sentence_keeps_the_gold_tokens_and_scores_against_it():
    gold = Sentence(
        (
            Word(1, "de", upos="ADP", head=2, deprel="case"),
            Word(2, "le", upos="DET", head=3, deprel="det"),
            Word(3, "chat", upos="NOUN", head=0, deprel="root"),
            Word(4, "dort", upos="VERB", head=3, deprel="acl:relcl"),
        ),
        comments=("# text = du chat dort",),
        multiword_tokens=(MultiwordToken(1, 2, "du"),),
    )
    # two words predicted (the other two were cut off by truncation): they hang from the root
    predicted = predicted_sentence(gold, [2, 0], ["case", "root"])
    assert predicted.tokens() == gold.tokens() and predicted.comments == gold.comments
    assert [(w.head, w.deprel) for w in predicted.words] == [
        (2, "case"),
        (0, "root"),
        (2, "dep"),
        (2, "dep"),
    ]
    assert {w.upos for w in predicted.words} == {"_"}
    scores = score_sentences([gold], [predicted])
    assert (scores.uas.correct, scores.las.correct, scores.uas.gold_total) == (1, 1, 4)
    # the subtype of the gold relation does not count (CoNLL 2018 LAS): all right
    perfect = predicted_sentence(gold, [2, 3, 0, 3], ["case", "det", "root", "acl"])
    assert score_sentences([gold], [perfect]).las.f1 == 1.0


@pytest.mark.parametrize(("subword", "expected"), [("first", [1, 2, 4]), ("last", [1, 3, 4])])
def test_a_word_stands_at_its_first_or_last_subword(subword, expected):
    # [CLS] cat sle ##eps mat [SEP], and a fourth word cut off by truncation
    word_ids = [None, 0, 1, 1, 2, None]
    assert word_positions(word_ids, 4, subword) == expected


def test_the_parser_gets_its_own_learning_rate():
    encoder, head = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    params = [*encoder.parameters(), *head.parameters()]
    factory = with_head_lr(
        lambda groups: torch.optim.AdamW(groups, lr=1e-5), head.parameters(), 1e-3
    )
    optimizer = factory(params)
    assert [g["lr"] for g in optimizer.param_groups] == [1e-5, 1e-3]
    assert [len(g["params"]) for g in optimizer.param_groups] == [2, 2]
