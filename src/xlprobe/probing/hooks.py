"""Hook points beyond hidden states: read or overwrite any named module's activations.

A *hook point* (:class:`~xlprobe.models.families.base.HookPoint`) is a family of modules, one
per layer, named by a regular expression over ``model.named_modules()`` with the layer index as
its first group, and whether the activation is the module's output or its (first positional)
input. FFN "neurons" are unambiguous at the post-nonlinearity activation: the output of BERT's /
XLM-R's ``intermediate`` (GELU(W1 x)), the input of T5's / mT5's ``DenseReluDense.wo``
(act(wi_0 x) * wi_1 x), and in decoder-only LLMs the input of the down projection: ``mlp.down_proj``
(Llama, Qwen, Gemma, Cohere: act(W_gate x) * W_up x), ``mlp.dense_4h_to_h`` (BLOOM),
``mlp.c_proj`` (GPT-2), ``fc2`` (XGLM, OPT). Each model family's adapter names its points
(:mod:`xlprobe.models.families`).

Hooks live in context managers whose ``finally`` removes them (as TransformerLens does), so an
exception inside the block leaves the model as it was. Module filters accept a name (exact), a
list of names, a compiled regular expression (searched) or a predicate, like TransformerLens'
``names_filter``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from xlprobe.errors import InputError
from xlprobe.models.families.base import HookPoint, Read

if TYPE_CHECKING:
    import torch

NameFilter = str | Sequence[str] | re.Pattern | Callable[[str], bool]


def hook_point(model: Any, name: str) -> HookPoint:
    """The hook point ``name`` of ``model``'s family (:mod:`xlprobe.models.families`).

    Raises:
        InputError: A model of no registered family, or a point its family does not define.
    """
    from xlprobe.models.families import family_of

    return family_of(model).hook_point(name)


def layer_modules(model: Any, point: HookPoint) -> dict[str, int]:
    """``{module name: layer index}`` of the modules of ``point``, in layer order.

    Raises:
        InputError: No module of the model matches the point's pattern.
    """
    pattern = re.compile(point.pattern)
    found = {}
    for name, _ in model.named_modules():
        match = pattern.search(name)
        if match:
            found[name] = int(match.group(1))
    if not found:
        raise InputError(
            f"no module of {type(model).__name__} matches the hook pattern {point.pattern!r}"
        )
    return dict(sorted(found.items(), key=lambda item: item[1]))


def name_predicate(names: NameFilter) -> Callable[[str], bool]:
    """One predicate from a filter: an exact name, a list of names, a compiled regular
    expression (searched) or a callable."""
    if isinstance(names, str):
        return lambda name: name == names
    if isinstance(names, re.Pattern):
        return lambda name: names.search(name) is not None
    if callable(names):
        return names
    wanted = set(names)
    return lambda name: name in wanted


def _first_tensor(value: Any) -> torch.Tensor:
    return value[0] if isinstance(value, tuple) else value


@contextlib.contextmanager
def attached(
    model: Any,
    names: NameFilter,
    hook: Callable[[str, Any], Callable],
    *,
    read: Read = "output",
    prepend: bool = False,
) -> Iterator[list[str]]:
    """Attach ``hook(name, module)`` (which returns the torch hook function) to every module
    whose name passes ``names``; remove them all on exit, also after an exception.

    Args:
        model: A torch module.
        names: Module filter (see :func:`name_predicate`).
        hook: Builds the hook for one module: a forward hook ``(module, args, output)`` for
            ``read="output"``, a forward pre-hook ``(module, args)`` for ``read="input"``.
        read: ``output`` or ``input``.
        prepend: Run before the hooks already attached (interventions do, so that every reader
            sees the intervened activation whatever the order of the blocks).

    Yields:
        The names of the hooked modules.

    Raises:
        InputError: No module passes the filter.
    """
    keep = name_predicate(names)
    selected = [(name, module) for name, module in model.named_modules() if keep(name)]
    if not selected:
        raise InputError(f"the module filter {names!r} selects no module of {type(model).__name__}")
    handles = []
    try:
        for name, module in selected:
            register = (
                module.register_forward_hook
                if read == "output"
                else module.register_forward_pre_hook
            )
            handles.append(register(hook(name, module), prepend=prepend))
        yield [name for name, _ in selected]
    finally:
        for handle in handles:
            handle.remove()


@contextlib.contextmanager
def capture(model: Any, names: NameFilter, *, read: Read = "output") -> Iterator[dict]:
    """Record the activations of the selected modules.

    Yields:
        A dict ``{module name: tensor}`` holding, after each forward pass, the activation of
        that pass (detached; [B x T x units] for the FFN points). The dict is refreshed by every
        forward pass inside the block.
    """
    cache: dict[str, torch.Tensor] = {}

    def hook(name: str, module: Any) -> Callable:
        if read == "output":

            def on_output(module, args, output):
                cache[name] = _first_tensor(output).detach()

            return on_output

        def on_input(module, args):
            cache[name] = args[0].detach()

        return on_input

    with attached(model, names, hook, read=read):
        yield cache


@contextlib.contextmanager
def set_units(
    model: Any,
    units: Mapping[str, tuple[Sequence[int], Sequence[float]]],
    *,
    read: Read = "output",
) -> Iterator[list[str]]:
    """Overwrite chosen units of named modules with fixed values at every token position.

    ``activation[..., units] = values`` on the module's output (forward hook) or on its first
    positional input (forward pre-hook, ``read="input"``), in every forward pass inside the
    block; the other units are untouched (Suau et al., 2022, self-conditioning: "do(z_m = v_m)";
    Sundar et al., ACL 2025, Sec. 3).

    Args:
        model: A torch module.
        units: ``{module name: (unit indices [k], values [k])}``; modules with no unit may be
            left out.
        read: Where the units are: ``output`` or ``input``.

    Yields:
        The names of the intervened modules.
    """
    import torch

    def hook(name: str, module: Any) -> Callable:
        index, values = units[name]
        if len(index) != len(values):
            raise ValueError(f"{name}: {len(index)} units but {len(values)} values")
        index_t = torch.as_tensor(list(index), dtype=torch.long)
        values_t = torch.as_tensor(list(values), dtype=torch.float32)

        def overwrite(x: torch.Tensor) -> torch.Tensor:
            x = x.clone()
            x[..., index_t.to(x.device)] = values_t.to(x.device, x.dtype)
            return x

        if read == "output":

            def on_output(module, args, output):
                if isinstance(output, tuple):
                    return (overwrite(output[0]), *output[1:])
                return overwrite(output)

            return on_output

        def on_input(module, args):
            return (overwrite(args[0]), *args[1:])

        return on_input

    chosen = [name for name, (index, _) in units.items() if len(index)]
    if not chosen:
        yield []
        return
    with attached(model, chosen, hook, read=read, prepend=True) as names:
        yield names
