"""Compiled batch kernels in two builds, serial and parallel, chosen by the size of the batch.

A numba ``parallel=True`` kernel wakes a thread pool on every call: tens of microseconds on a quiet machine,
milliseconds when the cores are busy (a Monte Carlo worker beside others). A battle calls its kernels thousands of
times on a handful of objects, where the serial build is faster; a study of thousands of satellites wants every core.
:class:`SizedKernel` compiles the same Python function both ways (``numba.prange`` is a plain ``range`` in the serial
build) and calls the parallel one from a given batch size on.

The parallel build compiles a copy of the function renamed ``<name>_parallel``: numba's on-disk cache keys an entry
by the function's name, signature and bytecode, not by its compile options, so two builds of one function would
share (and take each other's) cached machine code.
"""

import types

import numba


class SizedKernel:
    """A kernel compiled serially and in parallel: ``kernel(n, *args)`` runs the parallel build when the batch size n
    is at least parallel_from, the serial one otherwise."""

    def __init__(self, fn, parallel_from: int):
        twin = types.FunctionType(
            fn.__code__, fn.__globals__, fn.__name__ + "_parallel", fn.__defaults__, fn.__closure__
        )
        twin.__qualname__ = fn.__qualname__ + "_parallel"
        self.serial = numba.njit(cache=True)(fn)
        self.parallel = numba.njit(parallel=True, cache=True)(twin)
        self.parallel_from = parallel_from
        self.__doc__ = fn.__doc__

    def __call__(self, n: int, *args):
        return (self.parallel if n >= self.parallel_from else self.serial)(*args)


def sized_kernel(parallel_from: int):
    """Decorator: ``@sized_kernel(512)`` over a kernel written with ``numba.prange`` makes it a :class:`SizedKernel`."""
    return lambda fn: SizedKernel(fn, parallel_from)
