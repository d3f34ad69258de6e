"""core.train.playground: the momentum story, real torch optimisers, grids and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.train.playground import DEFAULTS, SURFACES, Surface, compare, grid, run_optimizer

TWO = SURFACES["two_valleys"]


def f_at(surface: Surface, point) -> float:
    return float(surface.f(torch.tensor(point, dtype=torch.float64)))


def grad_hess(surface: Surface, point) -> tuple[np.ndarray, np.ndarray]:
    p = torch.tensor(point, dtype=torch.float64)
    grad = torch.autograd.functional.jacobian(surface.f, p)  # (2,)
    hess = torch.autograd.functional.hessian(surface.f, p)  # (2, 2)
    return grad.numpy(), hess.numpy()


# --- the point of the page: momentum carries past a shallow local minimum ---------------------


def test_default_comparison_tells_the_momentum_story():
    sgd, momentum, adam = compare("two_valleys", **DEFAULTS)
    assert [t.optimizer for t in (sgd, momentum, adam)] == ["sgd", "momentum", "adam"]
    assert sgd.final_minimum == 1  # stuck in the shallow local minimum
    assert momentum.final_minimum == 0  # rolled on into the deeper, global minimum
    assert adam.final_minimum == 1  # Adam's steps stay ~lr: it settles in the shallow well
    assert momentum.losses[-1] < sgd.losses[-1] - 1.5
    for t in (sgd, momentum, adam):
        assert not t.diverged
        assert t.points.shape == (DEFAULTS["steps"] + 1, 2)
        assert t.losses.shape == (DEFAULTS["steps"] + 1,)
        np.testing.assert_array_equal(t.points[0], TWO.start)


@pytest.mark.parametrize("lr", [0.05, 0.2, 0.3])
def test_story_is_not_a_knife_edge(lr):
    sgd, momentum, _ = compare("two_valleys", lr=lr)
    assert (sgd.final_minimum, momentum.final_minimum) == (1, 0)


def test_nesterov_also_reaches_the_global_minimum():
    t = run_optimizer("two_valleys", "nesterov", **DEFAULTS)
    assert t.final_minimum == 0
    assert t.label == "SGD + Nesterov momentum 0.9"


def test_listed_minima_are_minima_and_the_first_is_global():
    for surface in SURFACES.values():
        for point in surface.minima:
            grad, hess = grad_hess(surface, point)
            assert np.abs(grad).max() < 2e-3, (surface.name, point, grad)
            assert np.all(np.linalg.eigvalsh(hess) > 0), (surface.name, point)
        _, _, z = grid(surface, 400)
        values = [f_at(surface, m) for m in surface.minima]
        assert values[0] == min(values)
        assert values[0] <= z.min() + 1e-6  # nothing on the grid is lower
    assert f_at(TWO, TWO.minima[0]) < f_at(TWO, TWO.minima[1]) - 1.5


def test_losses_match_f_at_every_point():
    for t in compare("two_valleys", **DEFAULTS):
        expected = TWO.f(torch.from_numpy(t.points)).numpy()  # (steps+1,)
        np.testing.assert_allclose(t.losses, expected, rtol=0, atol=1e-12)


# --- the real torch optimisers are used --------------------------------------------------------


def test_one_sgd_step_is_p_minus_lr_grad():
    lr = 0.1
    t = run_optimizer("two_valleys", "sgd", lr=lr, steps=1)
    p = torch.tensor(TWO.start, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(TWO.f(p), p)
    expected = p.detach() - lr * grad
    assert not np.allclose(t.points[1], t.points[0])
    np.testing.assert_allclose(t.points[1], expected.numpy(), rtol=0, atol=1e-15)


def test_momentum_and_adam_match_torch_optim_reference():
    lr, momentum, steps = 0.05, 0.8, 20
    for name, make in (
        ("momentum", lambda q: torch.optim.SGD([q], lr=lr, momentum=momentum)),
        ("nesterov", lambda q: torch.optim.SGD([q], lr=lr, momentum=momentum, nesterov=True)),
        ("adam", lambda q: torch.optim.Adam([q], lr=lr)),
    ):
        q = torch.tensor(TWO.start, dtype=torch.float64, requires_grad=True)
        opt = make(q)
        expected = [q.detach().clone()]
        for _ in range(steps):
            opt.zero_grad()
            TWO.f(q).backward()
            opt.step()
            expected.append(q.detach().clone())
        t = run_optimizer(TWO, name, lr=lr, momentum=momentum, steps=steps)
        np.testing.assert_array_equal(t.points, torch.stack(expected).numpy())


def test_momentum_in_two_steps_by_hand():
    # Heavy ball as torch writes it: v1 = g0, v2 = m v1 + g1, p_{k+1} = p_k - lr v_{k+1}.
    lr, m = 0.1, 0.9
    t = run_optimizer("two_valleys", "momentum", lr=lr, momentum=m, steps=2)
    p0 = torch.tensor(TWO.start, dtype=torch.float64)
    g0 = torch.autograd.functional.jacobian(TWO.f, p0)
    p1 = p0 - lr * g0
    g1 = torch.autograd.functional.jacobian(TWO.f, p1)
    p2 = p1 - lr * (m * g0 + g1)
    np.testing.assert_allclose(t.points[1:], torch.stack([p1, p2]).numpy(), atol=1e-15)


def test_deterministic_and_no_global_state_touched():
    rng_before = torch.get_rng_state()
    grad_mode = torch.is_grad_enabled()
    a = compare("two_valleys", **DEFAULTS)
    b = compare("two_valleys", **DEFAULTS)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.points, y.points)
        np.testing.assert_array_equal(x.losses, y.losses)
    assert torch.equal(torch.get_rng_state(), rng_before)
    assert torch.is_grad_enabled() == grad_mode


def test_works_under_no_grad_and_inference_mode():
    expected = run_optimizer("two_valleys", "momentum", **DEFAULTS).points
    with torch.no_grad():
        np.testing.assert_array_equal(
            run_optimizer("two_valleys", "momentum", **DEFAULTS).points, expected
        )
    with torch.inference_mode():
        np.testing.assert_array_equal(
            run_optimizer("two_valleys", "momentum", **DEFAULTS).points, expected
        )


def test_custom_start_and_surface_object():
    t = run_optimizer(TWO, "sgd", lr=0.1, steps=300, start=(3.0, -2.0))
    assert t.final_minimum == 0  # started in the deep valley's basin
    np.testing.assert_array_equal(t.points[0], (3.0, -2.0))


# --- divergence ---------------------------------------------------------------------------------


def test_huge_lr_diverges_and_is_cut_at_the_last_finite_point():
    t = run_optimizer("rosenbrock", "sgd", lr=1.0, steps=200)
    assert t.diverged
    assert len(t.points) == len(t.losses) < 201
    assert np.isfinite(t.points).all() and np.isfinite(t.losses).all()
    assert t.final_minimum is None
    # The next step really is non-finite: redo it with torch from the last point.
    q = torch.tensor(t.points[-1], dtype=torch.float64, requires_grad=True)
    SURFACES["rosenbrock"].f(q).backward()
    nxt = q.detach() - 1.0 * q.grad
    assert not (torch.isfinite(nxt).all() and torch.isfinite(SURFACES["rosenbrock"].f(nxt)))


def test_stable_run_is_not_flagged():
    t = run_optimizer("rosenbrock", "momentum", lr=SURFACES["rosenbrock"].lr, steps=500)
    assert not t.diverged and t.final_minimum == 0


# --- grid -----------------------------------------------------------------------------------------


def test_grid_shape_and_orientation():
    xs, ys, z = grid("two_valleys", 50)
    assert xs.shape == ys.shape == (50,) and z.shape == (50, 50)
    assert (xs[0], xs[-1]) == TWO.x_range and (ys[0], ys[-1]) == TWO.y_range
    for i, j in [(0, 0), (3, 41), (49, 7), (20, 20)]:
        assert z[i, j] == pytest.approx(f_at(TWO, (xs[j], ys[i])), abs=1e-12)
    # x and y ranges differ, so a transposed grid would put the deep well elsewhere.
    i, j = np.unravel_index(np.argmin(z), z.shape)
    assert math.dist((xs[j], ys[i]), TWO.minima[0]) < 0.2


def test_grid_default_size():
    xs, ys, z = grid(SURFACES["rosenbrock"])
    assert xs.shape == ys.shape == (120,)
    assert z.shape == (120, 120) and z.dtype == np.float64


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
        ({"lr": 0}, "lr must be a finite number with 0 < lr <= 10, got 0"),
        ({"lr": -0.1}, "got -0.1"),
        ({"lr": float("nan")}, "lr must be a finite number"),
        ({"lr": float("inf")}, "lr must be a finite number"),
        ({"lr": 11.0}, "0 < lr <= 10, got 11.0"),
        ({"lr": True}, "lr must be"),
        ({"momentum": 1.0}, "momentum must be in [0, 1), got 1.0"),
        ({"momentum": -0.1}, "momentum must be in [0, 1), got -0.1"),
        ({"optimizer": "nesterov", "momentum": 0.0}, "nesterov needs momentum > 0"),
        ({"steps": 0}, "steps must be an integer between 1 and 1000, got 0"),
        ({"steps": 1001}, "got 1001"),
        ({"steps": 2.5}, "got 2.5"),
        (
            {"start": (5.0, 0.0)},
            "start must lie in x (-4.0, 4.0) and y (-3.0, 3.0), got (5.0, 0.0)",
        ),
        ({"start": (0.0, -3.5)}, "start must lie in"),
        ({"start": (0.0,)}, "start must be an (x, y) pair of finite numbers"),
        ({"start": (0.0, float("nan"))}, "start must be an (x, y) pair"),
        ({"start": "ab"}, "start must be an (x, y) pair"),
    ],
)
def test_run_validation_messages(kwargs, message):
    args = {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "steps": 10} | kwargs
    optimizer = args.pop("optimizer")
    with pytest.raises(ValueError) as info:
        run_optimizer("two_valleys", optimizer, **args)
    assert message in str(info.value)


def test_unknown_surface_and_bad_grid_size():
    with pytest.raises(
        ValueError, match="unknown surface 'himmelblau'; known surfaces: two_valleys"
    ):
        compare("himmelblau", lr=0.1)
    with pytest.raises(ValueError, match="n must be an integer between 2 and 1000, got 1"):
        grid("two_valleys", 1)
    with pytest.raises(ValueError, match="got 1001"):
        grid("two_valleys", 1001)


def test_momentum_zero_equals_plain_sgd_and_sgd_ignores_momentum():
    a = run_optimizer("two_valleys", "momentum", lr=0.1, momentum=0.0, steps=30)
    b = run_optimizer("two_valleys", "sgd", lr=0.1, momentum=0.5, steps=30)
    np.testing.assert_array_equal(a.points, b.points)
    assert b.label == "SGD" and a.label == "SGD + momentum 0"
