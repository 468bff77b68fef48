"""The serial and parallel builds of a batch kernel: same results, their own cache entries."""

import numba
import numpy as np

from goldendome.physics.compiled import SizedKernel, sized_kernel
from goldendome.sensors import space_ir


@sized_kernel(8)
def _square_sum(x, out):  # pragma: no cover - compiled
    for i in numba.prange(x.shape[0]):
        acc = 0.0
        for j in range(x.shape[1]):
            acc += x[i, j] * x[i, j]
        out[i] = acc


def test_both_builds_compute_the_same_and_are_chosen_by_size():
    x = np.random.default_rng(0).normal(size=(40, 5))
    a, b = np.empty(40), np.empty(40)
    _square_sum.serial(x, a)
    _square_sum.parallel(x, b)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, (x * x).sum(axis=1), rtol=1e-14)
    c = np.empty(40)
    _square_sum(3, x, c)  # below parallel_from: the serial build runs (and is the one that compiled for it)
    np.testing.assert_array_equal(a, c)
    assert _square_sum.parallel_from == 8 and isinstance(_square_sum, SizedKernel)


def test_the_parallel_build_has_its_own_name_for_numbas_cache():
    # numba's cache keys entries by name, signature and bytecode, not compile options: a shared name would let one
    # build load the other's machine code
    k = space_ir._count_kernel
    assert k.serial.py_func.__qualname__ + "_parallel" == k.parallel.py_func.__qualname__
    assert k.parallel.targetoptions.get("parallel") and not k.serial.targetoptions.get("parallel")
