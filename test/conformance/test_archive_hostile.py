"""Hostile archives: `tsi info` must exit 1 with a message naming the problem
(asserted by keyword) and the file -- never crash (negative return code),
never hang (timeouts), never trip the sanitizers in the ASan build.

The inputs are made here from a real torch archive: truncations, seeded bit
flips, missing records, storages too short for their tensors, forged
pickles (memo ids out of range, stack underflow, 200,000-deep nesting, 2 GB
string lengths, unknown opcodes, os.system / builtins.eval globals, cycles,
exponential sharing), hostile zip directories (bombs, odd and duplicate
names), unsupported formats (version 99, model.json, PYTORCH1, legacy
torch.save) and unsupported tensors (quantized, complex)."""
import io
import random
import struct
import subprocess
import zipfile

import pytest
import torch

from conftest import TSI

TIMEOUT = 60
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehavior")


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.arange(6, dtype=torch.float32).reshape(2, 3)
        self.v = self.w[:, 1:]
        self.n = 5
        self.names = ["a", "b"]

    def forward(self, x):
        return x + self.w.sum() + self.n


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    p = d / "base.pt"
    torch.jit.script(Small()).save(str(p))
    return p


def records(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write_zip(path, recs, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in recs:
            z.writestr(name, data)


def variant(base, path, change):
    """base's records through change(rel, data) -> data / None (drop)."""
    out = []
    for name, data in records(base):
        prefix, rel = name.split("/", 1)
        d = change(rel, data)
        if d is not None:
            out.append((name, d))
    write_zip(path, out)
    return path


def with_pickle(base, path, pkl):
    return variant(base, path, lambda rel, d: pkl if rel == "data.pkl" else d)


def tsi_info(path):
    r = subprocess.run([TSI, "info", str(path)], capture_output=True, timeout=TIMEOUT)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode >= 0, f"tsi crashed (signal {-r.returncode}): {err}"
    for m in SANITIZER_MARKS:
        assert m not in err, err
    return r.returncode, err


def expect_error(path, *keywords):
    rc, err = tsi_info(path)
    assert rc == 1, f"expected exit 1, got {rc}: {err}"
    assert str(path) in err, f"the message does not name the file: {err}"
    for k in keywords:
        assert k in err, f"'{k}' not in: {err}"
    return err


def pk(*parts):
    """A protocol-2 pickle from byte strings."""
    return b"\x80\x02" + b"".join(parts)


def unicode(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


# ------------------------------------------------------------------ zip level

@pytest.mark.parametrize("frac", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_truncated_zip(base, tmp_path, frac):
    data = base.read_bytes()
    p = tmp_path / "t.pt"
    p.write_bytes(data[:max(4, int(len(data) * frac))])
    expect_error(p)


def test_truncated_end_of_central_directory(base, tmp_path):
    data = base.read_bytes()
    for cut in (1, 10, 22, 60):
        p = tmp_path / f"t{cut}.pt"
        p.write_bytes(data[:-cut])
        expect_error(p)


def test_bit_flips(base, tmp_path):
    """A few hundred seeded single-bit flips: each either loads or fails
    cleanly."""
    data = bytearray(base.read_bytes())
    rng = random.Random(1234)
    outcomes = {0: 0, 1: 0}
    for i in range(300):
        d = bytearray(data)
        for _ in range(rng.choice([1, 1, 2, 8])):
            pos = rng.randrange(len(d))
            d[pos] ^= 1 << rng.randrange(8)
        p = tmp_path / "flip.pt"
        p.write_bytes(bytes(d))
        rc, err = tsi_info(p)
        assert rc in (0, 1), err
        if rc == 1:
            assert err.startswith("tsi: ") and str(p) in err, err
        outcomes[rc] += 1
    assert outcomes[1] > 100  # most flips must be caught (CRC, structure)


def test_empty_and_garbage_files(tmp_path):
    p = tmp_path / "empty.pt"
    p.write_bytes(b"")
    expect_error(p, "not a PyTorch archive")
    p.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    expect_error(p, "zip")
    expect_error(tmp_path / "missing.pt", "cannot open")


def test_zip_bomb_declared_size(base, tmp_path):
    """A deflated record whose declared size is far beyond 1000x the archive."""
    recs = records(base)
    buf = io.BytesIO()
    write_zip(buf, recs, zipfile.ZIP_DEFLATED)
    data = bytearray(buf.getvalue())
    # patch the central directory's uncompressed size of data.pkl
    name = [n for n, _ in recs if n.endswith("/data.pkl")][0].encode()
    cd = data.find(b"PK\x01\x02")
    while cd >= 0:
        nlen = struct.unpack_from("<H", data, cd + 28)[0]
        if data[cd + 46:cd + 46 + nlen] == name:
            struct.pack_into("<I", data, cd + 24, 0xFFFFFF00)
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    assert cd >= 0
    p = tmp_path / "bomb.pt"
    p.write_bytes(bytes(data))
    expect_error(p, "zip bomb")


def test_real_deflate_bomb(tmp_path):
    """100 MB of zeros deflate to ~100 KB: more than 1000x the archive."""
    p = tmp_path / "bomb2.pt"
    write_zip(p, [("a/data.pkl", b"\0" * (100 << 20)), ("a/version", b"3\n")],
              zipfile.ZIP_DEFLATED)
    expect_error(p, "zip bomb")


@pytest.mark.parametrize("bad", ["a/../evil", "/abs/data.pkl", "a/b\\c", "a//b", "a/./b",
                                 "a/x\x01y"])
def test_odd_names(base, tmp_path, bad):
    p = tmp_path / "odd.pt"
    write_zip(p, records(base) + [(bad, b"x")])
    expect_error(p, "unsafe name")


def test_duplicate_names(base, tmp_path):
    recs = records(base)
    p = tmp_path / "dup.pt"
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_zip(p, recs + [recs[0]])
    expect_error(p, "duplicate")


def test_no_directory_prefix(tmp_path):
    p = tmp_path / "flat.pt"
    write_zip(p, [("data.pkl", b"\x80\x02N."), ("version", b"3\n")])
    expect_error(p, "not inside a directory")


# ------------------------------------------------------------------ records

@pytest.mark.parametrize("rec,keyword", [("data.pkl", "data.pkl"), ("version", "version"),
                                         ("data/0", "data/0"), ("constants.pkl", "constants.pkl")])
def test_missing_records(base, tmp_path, rec, keyword):
    p = variant(base, tmp_path / "m.pt", lambda rel, d: None if rel == rec else d)
    expect_error(p, keyword)


def test_storage_record_too_short(base, tmp_path):
    p = variant(base, tmp_path / "s.pt", lambda rel, d: d[:-4] if rel == "data/0" else d)
    expect_error(p, "data/0", "bytes")


def test_storage_numel_larger_than_record(base, tmp_path):
    pkl = dict(records(base))[[n for n, _ in records(base) if n.endswith("data.pkl")][0]]
    # the persistent id ('storage', FloatStorage, '0', 'cpu', 6): numel 6 -> 60
    i = pkl.index(b"X\x03\x00\x00\x00cpu")
    j = pkl.index(b"K\x06t", i)
    bad = pkl[:j] + b"K\x3ct" + pkl[j + 3:]
    p = with_pickle(base, tmp_path / "n.pt", bad)
    expect_error(p, "data/0", "declares 60 elements")


def test_view_outside_its_storage(base, tmp_path):
    pkl = [d for n, d in records(base) if n.endswith("data.pkl")][0]
    # the first tensor's sizes (2, 3) -> (2, 9)
    i = pkl.index(b"(K\x02K\x03t")
    bad = pkl[:i] + b"(K\x02K\x09t" + pkl[i + 6:]
    p = with_pickle(base, tmp_path / "v.pt", bad)
    expect_error(p, "storage has")


def test_tensor_size_overflow(base, tmp_path):
    pkl = [d for n, d in records(base) if n.endswith("data.pkl")][0]
    i = pkl.index(b"(K\x02K\x03t")
    huge = b"\x8a\x08" + struct.pack("<q", 2**62)
    bad = pkl[:i] + b"(" + huge + huge + b"t" + pkl[i + 6:]
    p = with_pickle(base, tmp_path / "o.pt", bad)
    expect_error(p, "geometry")


# ------------------------------------------------------------------ pickles

def test_memo_reference_out_of_range(base, tmp_path):
    expect_error(with_pickle(base, tmp_path / "a.pt", pk(b"h\xc8.")), "memo id 200",
                 "byte 2 of data.pkl")
    expect_error(with_pickle(base, tmp_path / "b.pt", pk(b"N", b"j\xff\xff\xff\x7f.")),
                 "memo id")
    expect_error(with_pickle(base, tmp_path / "c.pt", pk(b"N", b"r\xff\xff\xff\xff.")),
                 "memo id")


@pytest.mark.parametrize("body", [b"t.", b"R.", b"e.", b"N\x86.", b"(.", b".", b"Nb.",
                                  b"s.", b"Nu."])
def test_stack_underflow(base, tmp_path, body):
    err = expect_error(with_pickle(base, tmp_path / "u.pt", pk(body)), "data.pkl")
    assert any(k in err for k in ("underflow", "MARK", "STOP", "stack")), err


@pytest.mark.parametrize("shape", ["tuples", "lists", "marks", "dicts", "tuple1"])
def test_deep_nesting(base, tmp_path, shape):
    n = 200_000
    if shape == "tuples":
        body = b"(" * n + b")" + b"t" * n
    elif shape == "lists":
        body = b"](" * n + b"e" * n
    elif shape == "marks":
        body = b"(" * n + b"N" + b"l" * n
    elif shape == "dicts":
        body = b"}(" + b"X\x01\x00\x00\x00k}(" * n + b"u" * (n + 1)
    else:
        body = b")" + b"\x85" * n
    err = expect_error(with_pickle(base, tmp_path / "d.pt", pk(body, b".")), "nested deeper")
    assert "data.pkl" in err


def test_huge_string_length(base, tmp_path):
    body = b"X" + struct.pack("<I", 0x80000000) + b"abc."
    expect_error(with_pickle(base, tmp_path / "s.pt", pk(body)), "string length 2147483648")


def test_truncated_pickle(base, tmp_path):
    expect_error(with_pickle(base, tmp_path / "t.pt", pk(b"]")), "STOP")
    expect_error(with_pickle(base, tmp_path / "t2.pt", pk(b"J\x01")), "truncated")


@pytest.mark.parametrize("op", [0x95, 0x8c, 0x93, ord("I"), ord("F"), ord("P"), ord("0"),
                                0x00, 0xff])
def test_unknown_opcodes(base, tmp_path, op):
    expect_error(with_pickle(base, tmp_path / "o.pt", pk(b"N", bytes([op]), b".")),
                 f"unknown opcode 0x{op:02x} at byte 3 of data.pkl")


@pytest.mark.parametrize("mod,name", [("os", "system"), ("builtins", "eval"),
                                      ("posix", "system"), ("subprocess", "Popen"),
                                      ("builtins", "getattr")])
def test_forbidden_globals(base, tmp_path, mod, name):
    body = b"c" + mod.encode() + b"\n" + name.encode() + b"\n" + unicode("echo hi") + b"\x85R."
    expect_error(with_pickle(base, tmp_path / "g.pt", pk(body)),
                 f"global '{mod} {name}' is not allowed", "byte 2 of data.pkl")


def test_unknown_torch_global(base, tmp_path):
    body = b"ctorch\nload\n" + unicode("x") + b"\x85R."
    expect_error(with_pickle(base, tmp_path / "g.pt", pk(body)), "unknown torch global")


def test_protocol_and_header(base, tmp_path):
    expect_error(with_pickle(base, tmp_path / "p.pt", b"\x80\x04N."), "protocol 4")
    expect_error(with_pickle(base, tmp_path / "q.pt", b"N."), "PROTO")


def test_cycles_refused(base, tmp_path):
    # a list appended to itself, and one appended after being nested
    expect_error(with_pickle(base, tmp_path / "c1.pt", pk(b"]q\x00(h\x00e.")), "itself")
    expect_error(with_pickle(base, tmp_path / "c2.pt", pk(b"]q\x00h\x00\x85(h\x00\x85e.")),
                 "cycles")
    expect_error(with_pickle(base, tmp_path / "c3.pt",
                             pk(b"}q\x00X\x01\x00\x00\x00kh\x00s.")), "itself")


def test_exponential_sharing_does_not_hang(base, tmp_path):
    """A tuple DAG whose tree has 2^200 nodes: loads and prints quickly."""
    # t_{i+1} = (t_i, t_i), memoized as i+1 (ids < 256)
    body = b"(K\x07q\x00" + b"".join(b"h" + bytes([i]) + b"h" + bytes([i]) + b"\x86q" + bytes([i + 1])
                                    for i in range(200)) + b"t"
    pkl = pk(b"c__torch__\nM\n)\x81}(X\x01\x00\x00\x00d", body, b"ub.")
    rc, err = tsi_info(with_pickle(base, tmp_path / "e.pt", pkl))
    assert rc == 0, err


def test_type_tag_mismatch(base, tmp_path):
    body = (b"ctorch.jit._pickle\nrestore_type_tag\n]" + b"(" + unicode("s") + b"e" +
            unicode("List[int]") + b"\x86R.")
    expect_error(with_pickle(base, tmp_path / "t.pt", pk(body)), "List[int]", "str")
    body = (b"ctorch.jit._pickle\nbuild_intlist\n(](" + unicode("s") + b"etR.")
    expect_error(with_pickle(base, tmp_path / "t2.pt", pk(body)), "List[int]")
    body = (b"ctorch.jit._pickle\nrestore_type_tag\n](e" + unicode("List[") + b"\x86R.")
    expect_error(with_pickle(base, tmp_path / "t3.pt", pk(body)), "cannot parse type")


def test_bad_persistent_ids(base, tmp_path):
    for pid in [b"(" + unicode("storage") + b"K\x06" + unicode("0") + unicode("cpu") +
                b"J\xff\xff\xff\xfftQ.",
                b"(" + unicode("storage") + b"K\x63" + unicode("0") + unicode("cpu") + b"K\x01tQ.",
                b"(" + unicode("storage") + b"K\x06" + unicode("0") + unicode("mars") + b"K\x01tQ.",
                b"(" + unicode("nope") + b"tQ."]:
        expect_error(with_pickle(base, tmp_path / "p.pt", pk(pid)), "persistent id")
    # a key naming a record that does not exist
    pid = (b"(" + unicode("storage") + b"ctorch\nFloatStorage\n" + unicode("99") +
           unicode("cpu") + b"K\x01tQ.")
    expect_error(with_pickle(base, tmp_path / "p2.pt", pk(pid)), "missing record 'data/99'")


def test_class_outside_torch_namespace(base, tmp_path):
    body = b"cnumpy\nndarray\n)\x81}b."
    expect_error(with_pickle(base, tmp_path / "c.pt", pk(body)), "not allowed")


# ------------------------------------------------------------------ formats

@pytest.mark.parametrize("ver,keyword", [(b"99\n", "version 99 is newer than this tsi supports (max 10)"),
                                         (b"11\n", "version 11 is newer"),
                                         (b"0\n", "invalid"), (b"abc\n", "not a decimal")])
def test_bad_versions(base, tmp_path, ver, keyword):
    p = variant(base, tmp_path / "v.pt", lambda rel, d: ver if rel == "version" else d)
    expect_error(p, keyword)


def test_data_version_wins(base, tmp_path):
    p = variant(base, tmp_path / "v.pt", lambda rel, d: d)
    with zipfile.ZipFile(p, "a") as z:
        prefix = z.namelist()[0].split("/")[0]
        z.writestr(f"{prefix}/.data/version", "99\n")
    expect_error(p, "version 99")


def test_model_json(base, tmp_path):
    recs = records(base)
    prefix = recs[0][0].split("/")[0]
    p = tmp_path / "mj.pt"
    write_zip(p, recs + [(f"{prefix}/model.json", b"{}")])
    expect_error(p, "model.json")


def test_pytorch1_preview(tmp_path):
    p = tmp_path / "pre.pt"
    p.write_bytes(b"PYTORCH1" + b"\0" * 64)
    expect_error(p, "PYTORCH1")


def test_legacy_torch_save(tmp_path):
    p = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, str(p), _use_new_zipfile_serialization=False)
    expect_error(p, "legacy torch.save")


def test_quantized_tensors_refused(tmp_path):
    q = torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.qint8)
    p = tmp_path / "q.pt"
    torch.save({"q": q}, str(p))
    expect_error(p, "quantized tensors are not supported")


def test_complex_tensors_refused(tmp_path):
    p = tmp_path / "c.pt"
    torch.save({"c": torch.ones(2, dtype=torch.complex64)}, str(p))
    expect_error(p, "ComplexFloatStorage", "not supported")


def test_usage_errors():
    for args in ([], ["--bogus", "x.pt"], ["a.pt", "b.pt"], ["--dump-tensors"]):
        r = subprocess.run([TSI, "info", *args], capture_output=True, timeout=TIMEOUT)
        assert r.returncode == 2, (args, r.stderr)
