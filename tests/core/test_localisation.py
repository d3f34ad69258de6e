"""Relevance mass and the pointing game: hand-computed tiny cases, and Quantus as the reference."""

from __future__ import annotations

import numpy as np
import pytest

from core.checks import InputError
from core.interpret import localisation

quantus = pytest.importorskip("quantus")


def test_relevance_mass_by_hand():
    a = np.array([[1.0, -2.0], [3.0, 0.0]])
    # positive attribution 1 + 3 = 4; inside the mask: 1 (top left) -> 0.25
    assert localisation.relevance_mass(a, np.array([[True, False], [False, False]])) == [0.25]
    # the negative pixel inside counts for nothing: 0 / 4
    assert localisation.relevance_mass(a, np.array([[False, True], [False, False]])) == [0.0]
    # all of it: (1 + 3) / 4
    assert localisation.relevance_mass(a, np.array([[True, True], [True, True]])) == [1.0]
    assert np.isnan(localisation.relevance_mass(-np.abs(a), np.ones((2, 2), bool))[0])
    assert np.isnan(localisation.relevance_mass(a, np.zeros((2, 2), bool))[0])


def test_pointing_game_by_hand():
    a = np.array([[[0.1, 0.9], [0.3, 0.9]],  # two maxima: (0, 1) and (1, 1)
                  [[0.5, 0.5], [0.5, 0.5]],  # constant: points nowhere
                  [[2.0, 0.0], [0.0, 0.0]]])
    masks = np.array([[[False, False], [False, True]],  # one of the maxima is inside: a hit
                      [[True, False], [False, False]],
                      [[False, True], [True, True]]])  # the maximum is outside: a miss
    assert localisation.pointing_game(a, masks).tolist() == [1.0, 0.0, 0.0]
    assert np.isnan(localisation.pointing_game(a[:1], np.zeros((1, 2, 2), bool))[0])


def _quantus(metric, a, s):
    n = len(a)
    x, y = np.zeros((n, 1, *a.shape[1:]), np.float32), np.zeros(n, int)
    return np.array(metric(model=None, x_batch=x, y_batch=y, a_batch=a[:, None],
                           s_batch=s[:, None].astype(np.float32)), dtype=np.float64)


def test_against_quantus_on_random_maps():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(40, 7, 9))
    s = rng.random((40, 7, 9)) < 0.3
    # half of the images get their maximum inside the mask
    for i in range(0, 40, 2):
        r, c = np.unravel_index(a[i].argmax(), a[i].shape)
        s[i, r, c] = True
    mass = quantus.RelevanceMassAccuracy(normalise=False, abs=False, disable_warnings=True)
    ours = localisation.relevance_mass(a, s)
    np.testing.assert_allclose(ours, _quantus(mass, np.maximum(a, 0).astype(np.float32), s),
                               rtol=1e-5)
    game = quantus.PointingGame(normalise=False, abs=False, disable_warnings=True)
    hits = localisation.pointing_game(a, s)
    np.testing.assert_array_equal(hits, _quantus(game, a.astype(np.float32), s))
    assert hits[::2].all() and 0 < hits.sum() < 40


@pytest.mark.parametrize("maps, masks", [
    (np.zeros((2, 3, 3)), np.zeros((2, 3, 4), bool)),
    (np.zeros((2, 3, 3)), np.zeros((2, 3, 3))),  # not true/false
    (np.full((1, 2, 2), np.nan), np.ones((1, 2, 2), bool)),
])
def test_bad_shapes_are_refused(maps, masks):
    with pytest.raises(InputError):
        localisation.relevance_mass(maps, masks)
