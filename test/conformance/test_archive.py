"""The archive reader against torch: every archive of a torch-made corpus
(tools/gen_archive_corpus.py) loads, its attribute tree matches what
torch.jit.load / torch.load see, and each tensor equals torch's bit for bit
(through `tsi info --dump-tensors` .npy files). The same archives re-zipped
by Python's zipfile load identically; every format version 1-10 loads; a
big-endian archive (byteorder record) reads back the same values."""
import io
import os
import zipfile

import pytest
import torch

from archive_helpers import (compare_jit, compare_saved, gen_archive_corpus, info_json,
                             rezip, run_info, same_dumps, strip_files)

CORPUS = gen_archive_corpus.corpus()
NAMES = [name for _, name, _ in CORPUS]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    gen_archive_corpus.generate(str(d))
    return d


def kind_of(name):
    return next(k for k, n, _ in CORPUS if n == name)


def compare(kind, path, dump):
    return compare_jit(path, dump) if kind == "jit" else compare_saved(path, dump)


@pytest.mark.parametrize("name", NAMES)
def test_corpus_matches_torch(corpus_dir, tmp_path, name):
    info, c = compare(kind_of(name), corpus_dir / f"{name}.pt", tmp_path / "dump")
    assert c.tensors == len(os.listdir(tmp_path / "dump"))
    assert info["kind"] == ("module" if kind_of(name) == "jit" else "torch.save")


@pytest.mark.parametrize("name", NAMES)
def test_rezipped_loads_identically(corpus_dir, tmp_path, name):
    src = corpus_dir / f"{name}.pt"
    dst = tmp_path / f"{name}.pt"
    rezip(src, dst)
    a = info_json(src, tmp_path / "a")
    b = info_json(dst, tmp_path / "b")
    assert all(r["method"] == "deflated" for r in b["records"])
    for key in ("root", "constants", "classes", "parameters", "tensor_bytes", "version"):
        assert strip_files(a[key]) == strip_files(b[key]), key
    same_dumps(tmp_path / "a", tmp_path / "b")
    # and against torch too
    compare(kind_of(name), dst, tmp_path / "c")


def test_parameters_and_bytes(corpus_dir):
    """Parameter count = numel of requires_grad tensors; bytes count shared
    storages once."""
    m = torch.jit.load(str(corpus_dir / "nested.pt"))
    info = info_json(corpus_dir / "nested.pt")
    params = {p.data_ptr(): p.numel() for p in m.parameters()}
    assert info["parameters"] == sum(params.values())
    tensors = [t for _, t in m.state_dict().items()] + [m.holder.t, m.tagged[2]]
    storages = {t.storage().data_ptr(): t.storage().nbytes() for t in tensors}
    assert info["tensor_bytes"] == sum(storages.values())


def test_container_types(corpus_dir):
    """List/dict element types from the pickle's type tags are the types
    torch gives the class attributes."""
    from torch._C._jit_tree_views import SourceRangeFactory
    from torch.jit.annotations import ann_to_type
    r = SourceRangeFactory("", None, 0, 0).make_raw_range(0, 0)
    info = info_json(corpus_dir / "containers.pt")
    attrs = dict((n, v) for n, v in info["root"]["attrs"])
    anns = gen_archive_corpus.ContainerModule.__annotations__
    checked = 0
    for name, ann in anns.items():
        node = attrs[name]
        if node["kind"] in ("list", "dict"):
            assert node["type"] == ann_to_type(ann, r).annotation_str, name
            checked += 1
    assert checked >= 15


def test_text_output(corpus_dir):
    r = run_info(corpus_dir / "views.pt")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "format version: 3" in out
    assert "sub: Tensor float32 [3, 4] strides [6, 1] offset 8" in out
    assert " data.pkl\n" in out
    assert "code/__torch__" in out


def rewrite(src, dst, change):
    """Copy an archive record by record; change(name, data) -> data or None
    (drop the record)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)


@pytest.mark.parametrize("version", range(1, 11))
def test_every_format_version_loads(corpus_dir, tmp_path, version):
    src = corpus_dir / "containers.pt"
    dst = tmp_path / "v.pt"
    # versions >= 6 live in .data/version
    def change(name, data):
        if name.endswith("/version"):
            return None
        return data
    rewrite(src, dst, change)
    with zipfile.ZipFile(dst, "a") as z:
        prefix = z.namelist()[0].split("/")[0]
        rec = ".data/version" if version >= 6 else "version"
        z.writestr(f"{prefix}/{rec}", f"{version}\n")
    a = info_json(src)
    b = info_json(dst)
    assert b["version"] == version
    assert a["root"] == b["root"]


def test_data_version_record(corpus_dir):
    """gelu makes torch write .data/version = 10."""
    with zipfile.ZipFile(corpus_dir / "gelu_v10.pt") as z:
        assert any(n.endswith(".data/version") for n in z.namelist())
    assert info_json(corpus_dir / "gelu_v10.pt")["version"] == 10


STORAGE_DTYPES = {"Byte": torch.uint8, "Char": torch.int8, "Short": torch.int16,
                  "Int": torch.int32, "Long": torch.int64, "Half": torch.float16,
                  "Float": torch.float32, "Double": torch.float64, "Bool": torch.bool,
                  "BFloat16": torch.bfloat16}


def storage_element_sizes(pkl):
    """Storage key -> element size, read from data.pkl's persistent ids with
    Python's own unpickler (everything else is stubbed out)."""
    import pickle

    class Stub:
        def __init__(self, *a, **k):
            pass

        def __setstate__(self, state):
            pass

    sizes = {}

    class P(pickle.Unpickler):
        def find_class(self, module, name):
            if module == "torch" and name.endswith("Storage"):
                return STORAGE_DTYPES[name[:-len("Storage")]]
            return Stub

        def persistent_load(self, pid):
            sizes[pid[2]] = torch.empty(0, dtype=pid[1]).element_size()
            return None

    P(io.BytesIO(pkl)).load()
    return sizes


def test_big_endian_archive(corpus_dir, tmp_path):
    """A `byteorder` record of "big" (PyTorch >= 2.1 on big-endian hosts):
    storages are byte-swapped on load, giving the same values."""
    src = corpus_dir / "dtypes.pt"
    dst = tmp_path / "be.pt"
    with zipfile.ZipFile(src) as z:
        prefix = z.namelist()[0].split("/")[0]
        sizes = storage_element_sizes(z.read(f"{prefix}/data.pkl"))
    assert len(set(sizes.values())) == 4  # 1, 2, 4 and 8-byte elements

    def change(name, data):
        rel = name.split("/", 1)[1]
        if rel.startswith("data/"):
            es = sizes[rel[5:]]
            return b"".join(data[i:i + es][::-1] for i in range(0, len(data), es))
        return data
    rewrite(src, dst, change)
    with zipfile.ZipFile(dst, "a") as z:
        z.writestr(f"{prefix}/byteorder", "big")
    b = info_json(dst, tmp_path / "be")
    assert b["byteorder"] == "big"
    # torch 1.13 ignores byteorder, so compare with the little-endian
    # original, which test_corpus_matches_torch checks against torch
    a = info_json(src, tmp_path / "le")
    assert strip_files(a["root"]) == strip_files(b["root"])
    same_dumps(tmp_path / "le", tmp_path / "be")


def test_state_dict_is_dict_of_tensors(corpus_dir):
    info = info_json(corpus_dir / "sd_convbn.pt")
    root = info["root"]
    assert root["kind"] == "dict" and root["type"] == "Dict[str, Tensor]"
    sd = torch.load(str(corpus_dir / "sd_convbn.pt"))
    assert [k["value"] for k, _ in root["items"]] == list(sd.keys())
