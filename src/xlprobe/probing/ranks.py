"""The processes a probe round is spread over: torch.distributed ranks, or one process.

A round under DDP (Lightning's, or ``torchrun probe.py``) is probed by every rank: each extracts
its share of the sentence batches, the K-means fits are dealt out, and rank 0 merges, scores and
writes (:mod:`xlprobe.probing.pipeline`). :class:`Ranks` is the little that needs: who am I,
an object from rank 0, everyone's objects on rank 0, and sync points where a failure on any
rank ends every rank with that rank's message instead of leaving the others waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from xlprobe.errors import InputError

T = TypeVar("T")


class RankFailed(RuntimeError):
    """Another rank failed at a sync point (its message is this one's)."""


@dataclass(frozen=True)
class Ranks:
    """This process's place among the ranks of a round.

    Attributes:
        rank: Global rank (0 merges, scores and writes).
        world: Number of ranks (1: a single process; nothing is communicated).
    """

    rank: int = 0
    world: int = 1

    @classmethod
    def current(cls) -> Ranks:
        """The ranks of the initialized torch.distributed process group, else one process."""
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return cls(dist.get_rank(), dist.get_world_size())
        return cls()

    @property
    def leader(self) -> bool:
        """Whether this is rank 0."""
        return self.rank == 0

    def mine(self, index: int) -> bool:
        """Whether the ``index``-th job of a list dealt round-robin is this rank's."""
        return index % self.world == self.rank

    def broadcast(self, value: T) -> T:
        """Rank 0's ``value`` on every rank."""
        if self.world == 1:
            return value
        import torch.distributed as dist

        box = [value]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def gather(self, value: T) -> list[T]:
        """Every rank's ``value``, in rank order, on every rank."""
        if self.world == 1:
            return [value]
        import torch.distributed as dist

        out: list[Any] = [None] * self.world
        dist.all_gather_object(out, value)
        return out

    def sync(self, error: BaseException | None = None) -> None:
        """A sync point: every rank tells whether it failed; if one did, every rank raises.

        The failing rank re-raises its own error; the others raise one with its message (an
        :class:`~xlprobe.errors.InputError` when it was one, so every rank prints one line and
        exits 2; else :class:`RankFailed`).
        """
        if self.world == 1:
            if error is not None:
                raise error
            return
        message = None
        if error is not None:
            message = (isinstance(error, InputError), f"{type(error).__name__}: {error}")
        failures = [(r, m) for r, m in enumerate(self.gather(message)) if m is not None]
        if error is not None:
            raise error
        if failures:
            rank, (is_input, text) = failures[0]
            text = f"rank {rank} failed: {text.removeprefix('InputError: ')}"
            raise InputError(text) if is_input else RankFailed(text)

    def run(self, step: Callable[[], T]) -> T:
        """Run ``step`` on this rank, then :meth:`sync` with its failure, if any."""
        try:
            result = step()
        except Exception as err:
            self.sync(err)
            raise
        self.sync()
        return result
