"""The .npy reader and writer against numpy: every dtype round-trips; files
numpy writes (v1-v3, both byte orders, C and Fortran order) read back equal;
malformed files give an error and never crash."""
import os
import struct
import subprocess

import numpy as np
import pytest
import torch

from conftest import KDRIVER, NPY_DTYPES, make, load_npy

NP_DTYPES = ["?", "u1", "i1", "<i2", "<i4", "<i8", "<f2", "<f4", "<f8",
             ">i2", ">i4", ">i8", ">f2", ">f4", ">f8"]


def roundtrip(tmp_path, src):
    """Read src with tsi and write it back (kdriver contiguous)."""
    out = str(tmp_path / "rt")
    r = subprocess.run([KDRIVER, out, "contiguous", "t:" + str(src)],
                       capture_output=True, text=True)
    return r, out + ".npy"


@pytest.mark.parametrize("dt", NP_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4), (2, 0, 3), (2, 3, 4, 1)])
@pytest.mark.parametrize("fortran", [False, True])
def test_numpy_files_read_back(tmp_path, dt, shape, fortran):
    rng = np.random.default_rng(abs(hash((dt, shape))) % 2**32)
    a = (rng.standard_normal(shape) * 50).astype(dt)
    if fortran:
        a = np.asfortranarray(a)
    src = tmp_path / "a.npy"
    np.save(src, a)
    r, out = roundtrip(tmp_path, src)
    assert r.returncode == 0, r.stderr
    b = np.load(out)
    assert b.dtype == a.dtype.newbyteorder("=") or b.dtype == a.dtype
    assert b.shape == a.shape
    assert np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_format_versions(tmp_path, version):
    a = np.arange(24, dtype="<f4").reshape(2, 3, 4)
    src = tmp_path / "v.npy"
    with open(src, "wb") as f:
        np.lib.format.write_array(f, a, version=version)
    r, out = roundtrip(tmp_path, src)
    assert r.returncode == 0, r.stderr
    assert np.array_equal(np.load(out), a)


@pytest.mark.parametrize("dtype", NPY_DTYPES)
def test_torch_tensors_roundtrip(tmp_path, dtype):
    t = make((4, 3), dtype, seed=3)
    src = tmp_path / "t.npy"
    np.save(src, t.numpy())
    r, out = roundtrip(tmp_path, src)
    assert r.returncode == 0, r.stderr
    assert torch.equal(load_npy(out), t)


def good_bytes():
    import io
    buf = io.BytesIO()
    np.save(buf, np.arange(12, dtype="<f8").reshape(3, 4))
    return buf.getvalue()


def header_file(header, data=b"", version=1):
    h = header.encode("latin1")
    pre = b"\x93NUMPY" + bytes([version, 0])
    pre += struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
    return pre + h + data


MALFORMED = {
    "empty": b"",
    "bad_magic": b"\x93NUMPZ" + good_bytes()[6:],
    "truncated_preamble": good_bytes()[:9],
    "truncated_header": good_bytes()[:40],
    "bad_version": b"\x93NUMPY\x07\x00" + good_bytes()[8:],
    "header_garbage": header_file("this is not a dict\n"),
    "missing_shape": header_file("{'descr': '<f4', 'fortran_order': False, }\n"),
    "bad_descr": header_file("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }\n", b"\0" * 16),
    "object_descr": header_file("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }\n"),
    "bad_order": header_file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }\n"),
    "negative_shape": header_file("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n"),
    "overflow_shape": header_file(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }\n"),
    "huge_dim": header_file(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }\n"),
    "short_data": good_bytes()[:-8],
    "huge_header_len": b"\x93NUMPY\x02\x00\xff\xff\xff\x7f" + b" " * 100,
    "unterminated": header_file("{'descr': '<f4"),
    "too_many_dims": header_file(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, " * 40 + "), }\n"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_fail_cleanly(tmp_path, name):
    src = tmp_path / (name + ".npy")
    src.write_bytes(MALFORMED[name])
    r, out = roundtrip(tmp_path, src)
    assert r.returncode == 1, f"expected a clean error, got {r.returncode}: {r.stderr}"
    assert r.stderr.startswith("error: ") and str(src) in r.stderr, r.stderr
    assert not os.path.exists(out)
