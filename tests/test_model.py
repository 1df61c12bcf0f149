"""The autoregressive model (synth/model.py): exact factorisation, exact per-sample gradient
norms for Opacus, incremental sampling, and the marginal calibration (synth/marginals.py).

Each property is checked against a direct computation (autograd per row, brute-force
enumeration of every row), so the tolerances are floating-point ones, except the sampling
checks, whose tolerances come from binomial standard errors stated inline.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from synth.marginals import MarginalTarget, calibrate_to_marginals, token_groups
from synth.model import AutoregressiveTabularModel, MaskedLinear, MaskedTokenLinear

CARDS = (3, 2, 4, 2)


def _model(seed: int = 0, hidden: int = 12, cards: tuple[int, ...] = CARDS) -> AutoregressiveTabularModel:
    torch.manual_seed(seed)
    model = AutoregressiveTabularModel(cards, hidden_dim=hidden)
    with torch.no_grad():  # non-trivial biases and weights, so every path carries signal
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.5)
    return model


def _all_rows(cards: tuple[int, ...]) -> torch.Tensor:
    return torch.tensor(list(itertools.product(*(range(c) for c in cards))), dtype=torch.long)


def test_the_factorisation_is_a_normalised_distribution() -> None:
    model = _model()
    rows = _all_rows(CARDS)
    with torch.no_grad():
        ll = model.log_likelihood(model(rows), rows)
    assert float(torch.logsumexp(ll.double(), 0)) == pytest.approx(0.0, abs=1e-5)


def test_a_column_never_sees_itself_or_later_columns() -> None:
    model = _model(1)
    rows = _all_rows(CARDS)
    with torch.no_grad():
        for j in range(len(CARDS)):
            base = model.column_logits(rows, j)
            changed = rows.clone()
            changed[:, j:] = 0  # later columns (and column j itself) replaced
            assert torch.allclose(model.column_logits(changed, j), base, atol=1e-6)
    # and the first column's logits are the same for every row: its marginal
    first = model.column_logits(rows, 0)
    assert torch.allclose(first, first[:1].expand_as(first), atol=1e-6)


def _per_row_gradient_norms(layer: torch.nn.Module, model: AutoregressiveTabularModel, rows: torch.Tensor) -> np.ndarray:
    out = []
    for i in range(rows.shape[0]):
        model.zero_grad()
        row = rows[i : i + 1]
        (-model.log_likelihood(model(row), row)).sum().backward()
        grads = [p.grad for p in layer.parameters()]
        out.append(math.sqrt(sum(float((g * g).sum()) for g in grads)))
    return np.array(out)


@pytest.mark.parametrize("layer_name", ["layer1", "layer2", "layer3"])
def test_norm_samplers_give_the_exact_per_sample_gradient_norms(layer_name: str) -> None:
    """Ghost clipping clips by these norms: they must equal the norms of the gradients that
    actually change the model (autograd on one row at a time), masked entries excluded."""
    from opacus.grad_sample.grad_sample_module_fast_gradient_clipping import (
        GradSampleModuleFastGradientClipping,
    )

    model = _model(2)
    rows = _all_rows(CARDS)[::3]
    layer = getattr(model, layer_name)
    expected = _per_row_gradient_norms(layer, model, rows)

    captured: dict[str, torch.Tensor] = {}
    handle_f = layer.register_forward_hook(lambda m, i, o: captured.__setitem__("x", i[0].detach()))
    handle_b = layer.register_full_backward_hook(
        lambda m, gi, go: captured.__setitem__("g", go[0].detach())
    )
    model.zero_grad()
    (-model.log_likelihood(model(rows), rows)).sum().backward()
    handle_f.remove()
    handle_b.remove()
    sampler = GradSampleModuleFastGradientClipping.NORM_SAMPLERS[type(layer)]
    norms = sampler(layer, [captured["x"]], captured["g"])
    total = torch.sqrt(sum(v**2 for v in norms.values()))
    assert np.allclose(total.numpy(), expected, rtol=1e-4, atol=1e-6)


def test_grad_samplers_give_the_masked_per_sample_gradients() -> None:
    from opacus.grad_sample import GradSampleModule

    model = _model(3)
    rows = _all_rows(CARDS)[:7]
    expected = []
    for i in range(rows.shape[0]):
        model.zero_grad()
        row = rows[i : i + 1]
        (-model.log_likelihood(model(row), row)).sum().backward()
        expected.append({n: p.grad.clone() for n, p in model.named_parameters()})
    wrapped = GradSampleModule(model, loss_reduction="sum")
    wrapped.zero_grad()
    (-model.log_likelihood(wrapped(rows), rows)).sum().backward()
    for name, p in model.named_parameters():
        for i in range(rows.shape[0]):
            assert torch.allclose(p.grad_sample[i], expected[i][name], atol=1e-5), name
    wrapped._close()


def test_layers_are_the_only_trainable_modules() -> None:
    model = _model()
    kinds = {type(m) for m in model.modules() if any(True for _ in m.parameters(recurse=False))}
    assert kinds == {MaskedTokenLinear, MaskedLinear}


def test_incremental_sampling_draws_from_the_model() -> None:
    """Each full row's frequency among 40,000 draws matches exp(log_likelihood) within 5
    binomial standard errors (a union over 48 rows stays far below 1e-4 false alarms)."""
    model = _model(4)
    rows = _all_rows(CARDS)
    with torch.no_grad():
        p = torch.exp(model.log_likelihood(model(rows), rows)).double().numpy()
    n = 40_000
    draws = model.sample(n, np.random.default_rng(5), batch_size=7_000)
    index = np.ravel_multi_index(draws.T, CARDS)
    freq = np.bincount(index, minlength=len(p)) / n
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(freq - p) <= 5 * se + 1e-12)


def test_incremental_steps_reproduce_the_full_forward_pass() -> None:
    """The sampler's one-pass incremental logits equal forward() on the same rows."""
    model = _model(6)
    rows = _all_rows(CARDS)
    state = model.begin_sampling(rows.shape[0])
    with torch.no_grad():
        for j in range(len(CARDS)):
            assert torch.allclose(model.step_logits(state, j), model.column_logits(rows, j), atol=1e-5)
            model.push(state, j, rows[:, j])


def test_calibration_matches_the_target_marginals() -> None:
    """After calibration the model's exact marginals (by enumeration) are within the
    particle-sampling error of the targets: 3 standard errors of a share at n particles."""
    model = _model(10)
    rng = np.random.default_rng(11)
    rows = _all_rows(CARDS)
    with torch.no_grad():
        joint0 = torch.exp(model.log_likelihood(model(rows), rows)).double().numpy().reshape(CARDS)
    # targets within the offsets' reach (MAX_OFFSET): the model's marginals moved part way to
    # random ones, as DP-noisy marginals move them
    targets = []
    for j, c in enumerate(CARDS):
        own = joint0.sum(axis=tuple(a for a in range(len(CARDS)) if a != j))
        targets.append(0.7 * own + 0.3 * rng.dirichlet(np.ones(c)))
    targets[2][1] = 0.0  # a token the target rules out is never sampled again
    targets[2] /= targets[2].sum()
    n = 60_000
    calibrate_to_marginals(
        model,
        [MarginalTarget(np.arange(c), t) for c, t in zip(CARDS, targets, strict=True)],
        rng=np.random.default_rng(12),
        n_particles=n,
    )
    with torch.no_grad():
        joint = torch.exp(model.log_likelihood(model(rows), rows)).double().numpy().reshape(CARDS)
    for j, target in enumerate(targets):
        axes = tuple(a for a in range(len(CARDS)) if a != j)
        marginal = joint.sum(axis=axes)
        # column j's offsets are fitted on particles whose earlier columns are themselves
        # samples: allow 3 binomial standard errors per share plus the earlier columns' error
        # ... and calibration stops once within the particles' error: one more such margin
        tol = 4 * np.sqrt(target * (1 - target) / n) * (j + 1) + 1e-6
        assert np.all(np.abs(marginal - target) <= tol), (j, marginal, target)
    assert float(joint[:, :, 1, :].sum()) < 1e-12


def test_long_numeric_columns_are_measured_in_groups_of_adjacent_bins() -> None:
    groups = token_groups(75, ordered_tokens=74)  # 74 bins and the missing token
    assert groups.max() + 1 == 17 and groups[-1] == 16
    assert np.all(np.diff(groups[:74]) >= 0)  # adjacent bins share a group
    assert np.array_equal(token_groups(5, ordered_tokens=0), np.arange(5))


def test_calibration_to_groups_keeps_the_shape_inside_a_group() -> None:
    model = _model(13, cards=(6, 3))
    rows = _all_rows((6, 3))
    with torch.no_grad():
        before = torch.exp(model.log_likelihood(model(rows), rows)).double().numpy().reshape(6, 3)
    group = np.array([0, 0, 0, 1, 1, 2])
    target = np.array([0.2, 0.5, 0.3])
    calibrate_to_marginals(
        model,
        [MarginalTarget(group, target), MarginalTarget(np.arange(3), before.sum(axis=0))],
        rng=np.random.default_rng(14),
        n_particles=20_000,
    )
    with torch.no_grad():
        after = torch.exp(model.log_likelihood(model(rows), rows)).double().numpy().reshape(6, 3)
    first = after.sum(axis=1)
    assert np.allclose([first[:3].sum(), first[3:5].sum(), first[5]], target, atol=1e-9)
    # inside a group the model's relative shares are untouched (one offset per group)
    assert np.allclose(first[:3] / first[:3].sum(), before.sum(axis=1)[:3] / before.sum(axis=1)[:3].sum())
