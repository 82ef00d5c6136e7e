"""Shared helpers for the conformance suite.

Every test makes its inputs and expected outputs with torch, runs tsi (the
kernel driver `kdriver`, the `tsi` CLI) on the same inputs, and compares.
Nothing here types expected numbers by hand.
"""
import os
import subprocess
import itertools

import numpy as np
import pytest
import torch

BUILD = os.environ.get("TSI_BUILD_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build")
KDRIVER = os.path.join(BUILD, "test", "kdriver")
TSI = os.path.join(BUILD, "tools", "tsi")

# dtypes .npy can carry (numpy has no bfloat16)
NPY_DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32,
              torch.int64, torch.float16, torch.float32, torch.float64]
FLOAT_DTYPES = [torch.float32, torch.float64, torch.float16]
INT_DTYPES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]

# ScalarType codes (tsi's DType enum uses the same numbers)
CODE_TO_DTYPE = {0: torch.uint8, 1: torch.int8, 2: torch.int16, 3: torch.int32,
                 4: torch.int64, 5: torch.float16, 6: torch.float32,
                 7: torch.float64, 11: torch.bool, 15: torch.bfloat16}


class KernelError(Exception):
    """The driver reported an error (exit 1); the message is tsi's."""


def to_numpy(t):
    return t.detach().cpu().contiguous().numpy()


def save_npy(path, t):
    np.save(path, to_numpy(t))


def load_npy(path):
    return torch.from_numpy(np.load(path))


class Driver:
    """Runs kdriver ops on torch tensors and returns torch tensors."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.counter = itertools.count()

    def _path(self, stem):
        return str(self.dir / f"{stem}{next(self.counter)}.npy")

    def arg(self, x):
        if isinstance(x, torch.Tensor):
            if x.is_contiguous() and x.storage_offset() == 0 and x.numel() == x.storage().size():
                p = self._path("in")
                save_npy(p, x)
                return "t:" + p
            # a view: save the whole storage, pass offset/sizes/strides
            base = torch.empty(0, dtype=x.dtype).set_(x.storage())
            p = self._path("base")
            save_npy(p, base)
            sizes = ",".join(map(str, x.shape)) or "-"
            strides = ",".join(map(str, x.stride())) or "-"
            return f"v:{p}:{x.storage_offset()}:{sizes}:{strides}"
        if x is None:
            return "n"
        if isinstance(x, bool):
            return "b:%d" % x
        if isinstance(x, int):
            return "i:%d" % x
        if isinstance(x, float):
            return "f:" + repr(x)
        if isinstance(x, torch.dtype):
            return "s:" + str(x).replace("torch.", "")
        if isinstance(x, str):
            return "s:" + x
        if isinstance(x, (list, tuple)):
            return "l:" + ",".join(str(int(v)) for v in x)
        raise TypeError(f"cannot pass {type(x)} to kdriver")

    def run(self, op, *args, nout=1):
        prefix = str(self.dir / f"out{next(self.counter)}")
        cmd = [KDRIVER, prefix, op] + [self.arg(a) for a in args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode == 1:
            raise KernelError(r.stderr.strip())
        assert r.returncode == 0, f"kdriver crashed or misused ({r.returncode}): {r.stderr}"
        if nout == 1:
            return load_npy(prefix + ".npy")
        return [load_npy(f"{prefix}.{k}.npy") for k in range(nout)]


@pytest.fixture
def drv(tmp_path):
    return Driver(tmp_path)


def make(shape, dtype, seed=0, low=-10, high=10):
    """A deterministic random tensor of the given dtype."""
    g = torch.Generator().manual_seed(seed)
    if dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=g).bool()
    if dtype.is_floating_point:
        return (torch.rand(shape, generator=g, dtype=torch.float64) * (high - low) + low).to(dtype)
    if dtype == torch.uint8:
        low = max(low, 0)
    return torch.randint(low, high, shape, generator=g, dtype=torch.int64).to(dtype)


def noncontig(t, kind="strided"):
    """The same values in a non-contiguous layout.

    strided: every other element of a wider tensor along the last dim;
    permuted: stored with reversed dimension order (a transposed layout).
    """
    if t.dim() == 0:
        return t
    if kind == "strided":
        shape = list(t.shape)
        shape[-1] *= 2
        big = torch.zeros(shape, dtype=t.dtype)
        big[..., ::2] = t
        return big[..., ::2]
    rev = list(range(t.dim()))[::-1]
    return t.permute(rev).contiguous().permute(rev)


def assert_same(ours, theirs, rtol=1e-5, atol=1e-6, check_strides=False):
    """dtype and shape must match exactly; values within tolerance for
    floating dtypes (NaN where torch has NaN), exactly otherwise."""
    assert ours.dtype == theirs.dtype, f"dtype {ours.dtype} != torch's {theirs.dtype}"
    assert tuple(ours.shape) == tuple(theirs.shape), \
        f"shape {tuple(ours.shape)} != torch's {tuple(theirs.shape)}"
    if theirs.dtype.is_floating_point:
        if theirs.dtype in (torch.float16, torch.bfloat16):
            rtol, atol = max(rtol, 1e-3), max(atol, 1e-3)
        torch.testing.assert_close(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)
    else:
        assert torch.equal(ours, theirs), f"values differ:\n{ours}\nvs torch\n{theirs}"
