"""Hidden tests of the stable-softmax exercise; expected values and finite differences are computed here."""

import math

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import log_softmax as ref_log_softmax
from scipy.special import softmax as ref_softmax

from mlscreen.grader import check

PROPERTY = settings(
    max_examples=20, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _loss(logits, targets):
    logits = np.atleast_2d(np.asarray(logits, float))
    targets = np.atleast_1d(targets)
    return float(-np.mean(ref_log_softmax(logits, axis=-1)[np.arange(len(targets)), targets]))


def _array(value, shape):
    assert isinstance(value, np.ndarray) and value.shape == shape
    out = value.astype(float)
    assert np.all(np.isfinite(out))
    return out


def _scalar(value):
    assert isinstance(value, int | float | np.floating) and not isinstance(value, bool)
    value = float(value)
    assert math.isfinite(value)
    return value


def _finite_differences(logits, targets, h=1e-6):
    grad = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (_loss(up, targets) - _loss(down, targets)) / (2 * h)
    return grad


@check(id="softmax-values", kind="core", message="softmax must return exp(x) / sum(exp(x)) along the last axis by "
       "default, as an array shaped like the input.")
def softmax_values(sub):
    logits = np.random.default_rng(1).normal(0, 3, (6, 5))
    got = _array(sub.call("softmax", logits), logits.shape)
    assert np.allclose(got, ref_softmax(logits, axis=-1), rtol=1e-10, atol=1e-14)
    got = _array(sub.call("log_softmax", logits), logits.shape)
    assert np.allclose(got, ref_log_softmax(logits, axis=-1), rtol=1e-10, atol=1e-12)


@check(id="softmax-axis", kind="core", message="softmax and log_softmax must normalise along the axis they are "
       "given, for arrays of any number of dimensions.")
def softmax_axis(sub):
    logits = np.random.default_rng(2).normal(0, 2, (3, 4, 5))
    for axis in (0, 1, 2, -1):
        got = _array(sub.call("softmax", logits, axis=axis), logits.shape)
        assert np.allclose(got, ref_softmax(logits, axis=axis), rtol=1e-10, atol=1e-14)
        got = _array(sub.call("log_softmax", logits, axis=axis), logits.shape)
        assert np.allclose(got, ref_log_softmax(logits, axis=axis), rtol=1e-10, atol=1e-12)


@check(id="cross-entropy-value", kind="core", message="cross_entropy must return the mean over the batch of "
       "-log(softmax(logits)[target]).")
def cross_entropy_value(sub):
    rng = np.random.default_rng(3)
    logits, targets = rng.normal(0, 2, (8, 4)), rng.integers(0, 4, 8)
    assert abs(_scalar(sub.call("cross_entropy", logits, targets)) - _loss(logits, targets)) <= 1e-10


@check(id="gradient-finite-differences", kind="core", message="cross_entropy_grad must be the gradient of the mean "
       "cross-entropy with respect to the logits (it is checked against finite differences).")
def gradient_finite_differences(sub):
    rng = np.random.default_rng(4)
    for n, k in ((1, 3), (5, 4), (7, 2)):
        logits, targets = rng.normal(0, 2, (n, k)), rng.integers(0, k, n)
        got = _array(sub.call("cross_entropy_grad", logits, targets), (n, k))
        assert np.allclose(got, _finite_differences(logits, targets), atol=1e-6)


@check(id="large-logits", kind="edge", message="Large logits (hundreds or thousands) must not overflow: softmax, "
       "the loss and the gradient stay finite and exact.")
def large_logits(sub):
    logits = np.array([[1000.0, 1001.0, 1002.0], [-5.0, 800.0, 790.0]])
    targets = np.array([0, 2])
    got = _array(sub.call("softmax", logits), logits.shape)
    assert np.allclose(got, ref_softmax(logits, axis=-1), rtol=1e-10, atol=1e-14)
    assert abs(_scalar(sub.call("cross_entropy", logits, targets)) - _loss(logits, targets)) <= 1e-9
    grad = _array(sub.call("cross_entropy_grad", logits, targets), logits.shape)
    expected = ref_softmax(logits, axis=-1)
    expected[[0, 1], targets] -= 1
    assert np.allclose(grad, expected / 2, atol=1e-12)


@check(id="very-negative-logits", kind="edge", message="Very negative logits must not underflow to 0/0, and -inf "
       "logits (masked classes) must get probability 0.")
def very_negative_logits(sub):
    logits = np.array([[-1000.0, -1000.0, -1001.0], [0.0, -np.inf, 1.0]])
    got = _array(sub.call("softmax", logits), logits.shape)
    assert np.allclose(got, ref_softmax(logits, axis=-1), rtol=1e-10, atol=1e-14)
    assert abs(_scalar(sub.call("cross_entropy", logits, np.array([2, 0]))) - _loss(logits, [2, 0])) <= 1e-9


@check(id="log-softmax-extreme", kind="edge", message="log_softmax must stay finite and exact where softmax "
       "underflows (a class far below the others has a log-probability like -1000, not -inf), and so must the loss.")
def log_softmax_extreme(sub):
    logits = np.array([[0.0, -1000.0, 5.0], [1000.0, 0.0, -np.inf], [3000.0, 1.0, 2.0]])
    expected = ref_log_softmax(logits, axis=-1)
    got = sub.call("log_softmax", logits)
    assert isinstance(got, np.ndarray) and got.shape == logits.shape
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(got), finite)  # only the masked class is -inf
    assert np.allclose(got[finite], expected[finite], rtol=1e-12, atol=1e-9)
    targets = np.array([1, 1, 2])  # the least likely classes: losses in the thousands, still exact
    assert abs(_scalar(sub.call("cross_entropy", logits, targets)) - _loss(logits, targets)) <= 1e-9


@check(id="rows-independent", kind="edge", message="Each row must be stabilised on its own: rows of very "
       "different scale in one batch must give the same result as one at a time.")
def rows_independent(sub):
    logits = np.array([[-2000.0, -2001.0, -2003.0], [2000.0, 1999.0, 1990.0], [0.1, 0.2, 0.3]])
    got = _array(sub.call("softmax", logits), logits.shape)
    assert np.allclose(got, ref_softmax(logits, axis=-1), rtol=1e-10, atol=1e-14)
    targets = np.array([1, 2, 0])
    assert abs(_scalar(sub.call("cross_entropy", logits, targets)) - _loss(logits, targets)) <= 1e-9


@check(id="single-example", kind="edge", message="A single example (1-D logits with an integer target) must give "
       "the same loss as a batch of one, and a gradient shaped like its logits.")
def single_example(sub):
    logits = np.array([0.5, -1.0, 2.0, 0.0])
    assert abs(_scalar(sub.call("cross_entropy", logits, 1)) - _loss(logits, [1])) <= 1e-10
    grad = _array(sub.call("cross_entropy_grad", logits, 1), (4,))
    assert np.allclose(grad, _finite_differences(logits[None, :], [1])[0], atol=1e-6)


@check(id="input-unchanged", kind="edge", message="None of the functions may modify the logits they are given.")
def input_unchanged(sub):
    logits = np.random.default_rng(5).normal(0, 3, (4, 3))
    for name, args in (("softmax", (logits,)), ("log_softmax", (logits,)),
                       ("cross_entropy", (logits, np.array([0, 1, 2, 0]))),
                       ("cross_entropy_grad", (logits, np.array([0, 1, 2, 0])))):
        outcome = sub.call_full(name, *args)
        assert np.array_equal(outcome.args[0], logits), name


@check(id="random-logits", kind="property", message="For any logits: probabilities are in [0, 1] and sum to 1, "
       "adding a constant to a row changes nothing, and each gradient row sums to 0.")
def random_logits(sub):
    shapes = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6)
    values = st.floats(-500, 500, allow_nan=False)

    @PROPERTY
    @given(hnp.arrays(np.float64, shapes, elements=values), st.floats(-300, 300))
    def holds(logits, shift):
        probabilities = _array(sub.call("softmax", logits), logits.shape)
        assert np.all(probabilities >= 0) and np.all(probabilities <= 1)
        assert np.allclose(probabilities.sum(axis=-1), 1.0)
        shifted = _array(sub.call("softmax", logits + shift), logits.shape)
        assert np.allclose(shifted, probabilities, atol=1e-9)
        targets = np.zeros(logits.shape[0], dtype=int)
        grad = _array(sub.call("cross_entropy_grad", logits, targets), logits.shape)
        assert np.allclose(grad.sum(axis=-1), 0.0, atol=1e-9)

    holds()


@check(id="confident-mistake", kind="ml", message="A confident wrong prediction must cost its full loss: computing "
       "log(softmax) through clipped probabilities caps the loss and silences the gradient signal on the worst "
       "mistakes.")
def confident_mistake(sub):
    logits = np.array([[60.0, 0.0], [0.0, 45.0]])
    targets = np.array([1, 0])
    assert abs(_scalar(sub.call("cross_entropy", logits, targets)) - _loss(logits, targets)) <= 1e-9
    assert abs(_scalar(sub.call("cross_entropy", logits[:1], targets[:1])) - 60.0) <= 1e-9
