"""Helpers for the archive tests: run `tsi info`, and compare what it reports
(its --json tree and its --dump-tensors .npy files) with what torch itself
loads from the same archive."""
import json
import math
import os
import re
import struct
import subprocess
import sys
import zipfile
from enum import Enum

import numpy as np
import torch

from conftest import TSI

HERE = os.path.dirname(__file__)
TOOLS = os.path.join(HERE, "..", "..", "tools")
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

import gen_archive_corpus  # noqa: E402  (registers the corpus' classes)


def run_info(path, *extra, timeout=600):
    return subprocess.run([TSI, "info", *extra, str(path)], capture_output=True, text=True,
                          timeout=timeout)


def info_json(path, dump_dir=None, timeout=600):
    args = ["--json"]
    if dump_dir is not None:
        args += ["--dump-tensors", str(dump_dir)]
    r = run_info(path, *args, timeout=timeout)
    assert r.returncode == 0, f"tsi info {path} failed ({r.returncode}): {r.stderr}"
    return json.loads(r.stdout)


def rezip(src, dst):
    """The same records re-written by Python's zipfile: deflated, no
    alignment padding, no data descriptors."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))


def float_same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return struct.pack("<d", a) == struct.pack("<d", b)


DTYPE_NAMES = {str(dt).replace("torch.", ""): dt for dt in gen_archive_corpus.DTYPES}


class Compare:
    """Walks tsi's JSON tree beside torch's object and asserts they agree."""

    def __init__(self, dump_dir):
        self.dump = dump_dir
        self.nodes = {}       # path -> container node (targets of refs)
        self.storages = {}    # our storage id -> torch storage data_ptr
        self.ptrs = {}        # torch data_ptr -> our storage id
        self.tensors = 0

    def tensor(self, node, t, path):
        assert isinstance(t, torch.Tensor), f"{path}: torch has {type(t)}, tsi a tensor"
        assert DTYPE_NAMES[node["dtype"]] == t.dtype, f"{path}: dtype {node['dtype']} vs {t.dtype}"
        assert node["shape"] == list(t.shape), f"{path}: shape"
        assert node["strides"] == list(t.stride()), f"{path}: strides"
        assert node["offset"] == t.storage_offset(), f"{path}: storage offset"
        assert node["requires_grad"] == t.requires_grad, f"{path}: requires_grad"
        st = t.storage()
        assert node["storage_bytes"] == st.nbytes(), f"{path}: storage size"
        if st.nbytes():
            # views share storages exactly as torch's do
            sid, ptr = node["storage"], st.data_ptr()
            assert self.storages.setdefault(sid, ptr) == ptr, f"{path}: storage sharing"
            assert self.ptrs.setdefault(ptr, sid) == sid, f"{path}: storage sharing"
        theirs = t.detach().contiguous()
        if t.dtype == torch.bfloat16:
            assert node.get("npy") == "int16-bits"
            theirs = theirs.view(torch.int16)
        theirs = theirs.numpy()
        ours = np.load(os.path.join(self.dump, node["file"] + ".npy"))
        assert ours.dtype == theirs.dtype, f"{path}: npy dtype {ours.dtype} vs {theirs.dtype}"
        assert ours.shape == theirs.shape, f"{path}: npy shape"
        assert ours.tobytes() == theirs.tobytes(), f"{path}: tensor bytes differ"
        self.tensors += 1

    def obj_attrs(self, node, obj, path):
        names = [a[0] for a in node["attrs"]]
        if isinstance(obj, torch.jit.ScriptModule):
            assert node["class"] == obj._c._type().qualified_name(), f"{path}: class"
            it = torch._C._jit_debug_module_iterators(obj._c)
            theirs = [n for n, _ in it["named_attributes"]]
            assert names == theirs, f"{path}: attributes {names} vs torch's {theirs}"
        else:
            # a TorchScript class object, handed back as its Python class
            assert node["class"].endswith("." + type(obj).__name__), f"{path}: class"
            assert sorted(names) == sorted(vars(obj)), f"{path}: attributes"
        for name, child in node["attrs"]:
            self.value(child, getattr(obj, name), f"{path}.{name}")

    def value(self, node, obj, path="root"):
        k = node["kind"]
        if k == "ref":
            return self.value(self.nodes[node["path"]], obj, path)
        if k in ("list", "tuple", "dict", "object"):
            self.nodes.setdefault(path_key(path), node)
        if k == "tensor":
            return self.tensor(node, obj, path)
        if k == "none":
            assert obj is None, f"{path}: {obj!r} is not None"
        elif k == "bool":
            assert obj is node["value"], f"{path}: {obj!r} vs {node['value']!r}"
        elif k == "int":
            assert type(obj) is int and obj == node["value"], f"{path}: {obj!r} vs {node['value']!r}"
        elif k == "float":
            assert type(obj) is float and float_same(obj, float(node["value"])), \
                f"{path}: {obj!r} vs {node['value']}"
        elif k == "str":
            assert obj == node["value"], f"{path}: {obj!r} vs {node['value']!r}"
        elif k == "complex":
            assert isinstance(obj, complex), path
            assert float_same(obj.real, float(node["real"])) and \
                float_same(obj.imag, float(node["imag"])), f"{path}: {obj} vs {node}"
        elif k == "device":
            assert isinstance(obj, torch.device) and str(obj) == node["value"], path
        elif k == "enum":
            assert isinstance(obj, Enum), f"{path}: {obj!r} is not an enum"
            assert node["class"].endswith("." + type(obj).__name__), path
            self.value(node["value"], obj.value, path + ".value")
        elif k in ("list", "tuple"):
            want = list if k == "list" else tuple
            assert isinstance(obj, want), f"{path}: torch has {type(obj)}, tsi a {k}"
            assert len(obj) == len(node["items"]), f"{path}: length"
            for i, (n, o) in enumerate(zip(node["items"], obj)):
                self.value(n, o, f"{path}.{i}")
        elif k == "dict":
            assert isinstance(obj, dict), f"{path}: torch has {type(obj)}, tsi a dict"
            items = list(obj.items())
            assert len(items) == len(node["items"]), f"{path}: length"
            for i, ((kn, vn), (ko, vo)) in enumerate(zip(node["items"], items)):
                self.value(kn, ko, f"{path}.key{i}")
                self.value(vn, vo, f"{path}.{ko}")
        elif k == "object":
            self.obj_attrs(node, obj, path)
        else:
            raise AssertionError(f"{path}: unexpected node {node}")


def path_key(path):
    """tsi's path naming: root attributes joined by dots, no 'root.'."""
    return path[5:] if path.startswith("root.") else ("" if path == "root" else path)


def compare_jit(path, dump_dir):
    """tsi info of a torch.jit.save archive against torch.jit.load."""
    info = info_json(path, dump_dir)
    m = torch.jit.load(str(path))
    c = Compare(dump_dir)
    c.value(info["root"], m)
    # torch shows the constants the root's own code uses; the table also
    # holds those of other classes' code, all named CONSTANTS.cN in code/
    consts = m.code_with_constants[1].const_mapping
    ours = info["constants"]
    with zipfile.ZipFile(path) as z:
        used = set()
        for n in z.namelist():
            if "/code/" in n and n.endswith(".py"):
                used |= {int(x) for x in re.findall(rb"CONSTANTS\.c(\d+)", z.read(n))}
    assert len(ours) == (max(used) + 1 if used else 0), "constant table length"
    for i, node in enumerate(ours):
        if f"c{i}" in consts:
            c.value(node, consts[f"c{i}"], f"CONSTANTS.c{i}")
    return info, c


def compare_saved(path, dump_dir):
    """tsi info of a torch.save archive against torch.load."""
    info = info_json(path, dump_dir)
    obj = torch.load(str(path))
    c = Compare(dump_dir)
    c.value(info["root"], obj)
    assert info["constants"] is None
    return info, c


def strip_files(tree):
    """The JSON tree without dump file names (which depend on the dump dir)."""
    if isinstance(tree, dict):
        return {k: strip_files(v) for k, v in tree.items() if k != "file"}
    if isinstance(tree, list):
        return [strip_files(v) for v in tree]
    return tree


def same_dumps(dir_a, dir_b):
    """Two dump directories hold byte-identical .npy files."""
    a, b = sorted(os.listdir(dir_a)), sorted(os.listdir(dir_b))
    assert a == b
    for f in a:
        with open(os.path.join(dir_a, f), "rb") as fa, open(os.path.join(dir_b, f), "rb") as fb:
            assert fa.read() == fb.read(), f
