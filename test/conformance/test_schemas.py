"""The operator schema registry, parser and printer against torch.

torch's live registry (torch._C._jit_get_all_schemas) is the reference:
tsi must hold the same schemas in the same order, print each back byte for
byte as str(schema) does, agree field by field with torch's Python view of
them (types, fixed sizes, defaults, alias sets, kwarg-only, out), and find
the same overloads by name. Hand-written schema texts go through both
torch._C.parse_schema and tsi's parser: both accept and print the same, or
both reject.
"""
import json
import os
import struct
import subprocess

import pytest
import torch

from conftest import BUILD

SCHEMA_DUMP = os.path.join(BUILD, "test", "schema_dump")


def run_dump(*args, stdin=None):
    r = subprocess.run([SCHEMA_DUMP, *args], input=stdin, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, f"schema_dump {args} failed ({r.returncode}): {r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def torch_schemas():
    return torch._C._jit_get_all_schemas()


@pytest.fixture(scope="module")
def tsi_printed():
    return run_dump("list").split("\n")[:-1]


def test_count_matches(torch_schemas, tsi_printed):
    assert len(tsi_printed) == len(torch_schemas)


def test_print_back_every_schema(torch_schemas, tsi_printed):
    want = [str(s) for s in torch_schemas]
    bad = [(i, w, g) for i, (w, g) in enumerate(zip(want, tsi_printed)) if w != g]
    assert not bad, "%d schemas print differently, first: %r" % (len(bad), bad[:3])
    assert len(want) == len(tsi_printed)


def test_registry_file_is_current(torch_schemas):
    """ir/schemas.txt is what tools/gen_schemas.py would write today."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "ir", "schemas.txt")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")[:-1]
    assert lines == [str(s) for s in torch_schemas]


def bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def canon_value(v):
    """torch's Python view of a default, in schema_dump's json form."""
    if v is None:
        return {"t": "none"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": v}
    if isinstance(v, float):
        return {"t": "float", "v": bits(v)}
    if isinstance(v, complex):
        return {"t": "complex", "v": [bits(v.real), bits(v.imag)]}
    if isinstance(v, str):
        return {"t": "str", "v": v.encode("utf-8").hex()}
    if isinstance(v, torch.device):
        return {"t": "device", "v": str(v)}
    if isinstance(v, (list, tuple)):
        return {"t": "list", "v": [canon_value(x) for x in v]}
    return {"t": "other"}


def canon_arg(a, is_return):
    alias = None
    if a.alias_info is not None:
        ai = a.alias_info
        alias = {"is_write": ai.is_write, "before": sorted(ai.before_set),
                 "after": sorted(ai.after_set)}
    default = None
    if not is_return and a.has_default_value():
        default = canon_value(a.default_value)
    return {"name": a.name, "type": str(a.type), "N": a.N, "kwarg_only": a.kwarg_only,
            "is_out": a.is_out, "default": default, "alias": alias}


def canon_schema(s):
    return {"name": s.name, "overload": s.overload_name,
            "args": [canon_arg(a, False) for a in s.arguments],
            "rets": [canon_arg(r, True) for r in s.returns]}


def sort_sets(d):
    for a in d["args"] + d["rets"]:
        if a["alias"]:
            a["alias"]["before"] = sorted(a["alias"]["before"])
            a["alias"]["after"] = sorted(a["alias"]["after"])
    return d


def test_fields_of_every_schema(torch_schemas):
    """Fake types, N, defaults, kwarg-only, out and alias sets, not text."""
    got = [sort_sets(json.loads(line)) for line in run_dump("json").split("\n")[:-1]]
    want = [canon_schema(s) for s in torch_schemas]
    assert len(got) == len(want)
    bad = [(str(s), w, g) for s, w, g in zip(torch_schemas, want, got) if w != g]
    assert not bad, "%d schemas differ, first: %r" % (len(bad), bad[:2])


def test_lookup_by_name_and_kind(torch_schemas):
    queries = [(s.name, s.overload_name) for s in torch_schemas]
    # names torch does not know find nothing
    queries += [("aten::no_such_op", ""), ("aten::add", "no_such_overload")]
    stdin = "".join(f"{n}\t{o}\n" for n, o in queries)
    got = [json.loads(line) for line in run_dump("lookup", stdin=stdin).split("\n")[:-1]]
    assert len(got) == len(queries)
    by_key = {(s.name, s.overload_name): str(s) for s in torch_schemas}
    for (name, overload), g in zip(queries, got):
        assert g["find"] == by_key.get((name, overload)), (name, overload)
        want = [str(s) for s in torch._C._jit_get_schemas_for_operator(name)]
        assert g["for"] == want, name


# Texts torch's parser accepts or rejects in instructive ways. Kept out:
# texts that crash torch or trip its internal asserts, and custom classes
# that are not registered (torch rejects them, tsi makes a placeholder).
TRICKY = [
    "a::b(Storage x, Stream s, Dimname d, ConstQuantizerPtr q, Quantizer z, Capsule c, "
    "AnyClassType a, AnyEnumType e, NoneType n, None m) -> ()",
    "a::b(Await(t) x) -> ()",
    "a::b(Union(int, str) x) -> Union(str, int)",
    "a::b(Union(int, float, complex, None) x, Union(Scalar, str) y, Union(Tensor, str)(a) w) -> ()",
    "a::b(Union(int,) z) -> ()",
    "a::b(Union() x) -> ()",
    "a::b(complex x=1j, complex y=2.5) -> ()",
    "a::b(complex y=2) -> ()",
    "a::b(Tensor(a)[] x, Tensor(a|b|c) y, Tensor(c|b|a) z) -> Tensor(a|b|c|d)",
    "a::b(int x=0x10, float y=.5, int z=1e3, int q=010, float r=0x1p3, float v=1E5) -> ()",
    "a::b(float z=-inf) -> ()",
    "a::b(float w=1e400) -> ()",
    "a::b(float w=5e-324) -> ()",
    "a::b(int v=99999999999999999999) -> ()",
    "a::b(int v=9223372036854775807, int w=-9223372036854775808) -> ()",
    "a::b(ScalarType x=float, Layout l=strided, MemoryFormat m=contiguous_format, int r=Mean, "
    "ScalarType? y=long, int c=complex) -> ()",
    "a::b(int x=per_tensor_affine) -> ()",
    'a::b(Device d="cuda:1", Device? e="cpu", str? f="x") -> ()',
    "a::b(float[2] x=1, bool[3] m=[True,False,True], int[2] y=[1,2], float[] z=[1,2.5]) -> ()",
    "a::b(Tensor! x, Tensor(a!)[] y, Tensor(a) z) -> Tensor!",
    "a::b(Tensor(a -> b|c) x, Tensor(a! -> *) y, Tensor(*) z) -> (Tensor(a) q, Tensor r)",
    "a::b(Tensor(a|*) x) -> ()",
    "a::b(Tensor(*|a) x) -> ()",
    "a::b(Tensor(a|a) x) -> ()",
    "a::b(Tensor() x) -> ()",
    "a::b(int from) -> int",
    "a::b(int if) -> int",
    "a::b(int property, int lambda) -> int",
    "a::b(int NoneType) -> ()",
    "a::b(int True) -> ()",
    "a::b.default(int x) -> int",
    "a::b.__foo(int x) -> int",
    "a::b(...) -> (int, ...)",
    "a::b(int x, ...) -> (...)",
    "a::b(int x=1, ...) -> ...",
    "a::b(..., int x) -> ()",
    "a::b(int x) -> (..., int)",
    "a::b(int[] x) -> ((int, int))",
    "a::b(Dict(str, t) self) -> ((str, t)[])",
    "a::b(Dict(str, t)(a) x) -> (str, t)[]",
    "a::b(__torch__.torch.classes.quantized.Conv2dPackedParamsBase x) -> ()",
    "a::b(__torch__.torch.nope.quantized.Conv2dPackedParamsBase x) -> ()",
    "a::b(Tensor(a)?[] x, t(a)? y) -> ()",
    "a::b(Tensor?(a!) z) -> ()",
    "a::b(Tensor(a)[1] w, Tensor[2](b) v, Tensor(a)[2](b) u, Tensor(a!)[2]? q) -> ()",
    "a::b(Tensor(a)[][] w, Tensor[](b)[] v, Tensor(a)[](b)[](c) u) -> ()",
    "a::b((Tensor(a), Tensor(b)) x, Dict(str, Tensor(a)) z, Dict(str,Tensor)(a) w, "
    "Future(Tensor(a)) f) -> ()",
    "a::b(Future(t)(a) x) -> ()",
    "a::b(RRef(t) x) -> RRef(t)",
    "a::b(t(a -> a) x, t(a! -> a) y, t(a -> a|b) z, t(a|b -> b|a) w) -> ()",
    "a::b(t(a!)? x, t(a)?[]? y) -> ()",
    "a::b(Tensor(a!) x) -> Tensor(a!)[]",
    "a::b(Scalar x=1, Scalar y=1.5, Scalar? z=2, float f=1, int? i=1., bool b=1) -> ()",
    'a::b(str s="a\\"b\\n\\t\\\\z") -> ()',
    "a::b(str s='sin\\'gle\"') -> ()",
    'a::b(str s="\\x41") -> ()',
    'a::b(str s="\\u00e9") -> ()',
    'a::b(str s="\\a\\b\\f\\v\\r") -> ()',
    'a::b(str s="\\101\\102x", str t="\\101") -> ()',
    'a::b(str s="\u00e9\u2603") -> ()',
    'a::b(str s="""tri""") -> ()',
    'a::b(str[] s=["a", "b"]) -> ()',
    'a::b(Scalar s="x", str? t=None) -> ()',
    "a::b(int x=-1, float y=-0., float z=-1.5, int w=- 3) -> ()",
    "a::b(float x=1e-05, float y=0.1, float z=1e20, float w=123456789012.) -> ()",
    "a::b(float a=1e15, float b=1e16, float c=1e18, float d=1e19, float e=-1e19, "
    "float f=9999999999.5, float g=1.7976931348623157e308, float h=2.2250738585072014e-308) -> ()",
    "a::b(int[] x=[], int[2] y=[], int[1] z=5, int[2] w=5, int[]? q=5) -> ()",
    "a::b(int[]? r=[1,2]) -> ()",
    "a::b(int[2] x=[1,2,3], int[0] y=1, int[2.5] z) -> ()",
    "a::b(int[-1] x) -> ()",
    "a::b(Tensor x=None, Generator g=None, Tensor? y=None, int i=None) -> ()",
    "a::b(Tensor[] y=None) -> ()",
    "a::b(Tensor x=1) -> ()",
    "a::b(Tensor[] t=[]) -> ()",
    "a::b(Dict(str, int) x=None) -> ()",
    "a::b(t x=None) -> ()",
    "a::b(SymInt[2] x=1, SymInt[] y=[1,2], SymInt z=3) -> SymInt",
    "a::b(Dict(str, ScalarType) x, (ScalarType, SymInt) y, ScalarType[] z, Future(SymInt) f) "
    "-> (ScalarType, ScalarType[])",
    "a::b(t[] x, t1 y, t2 z, foo q) -> ()",
    "a::b(Foo x) -> ()",
    "a::b(_foo x) -> ()",
    "a::b(DeviceIndex x) -> ()",
    "a::b(int?? x, Tensor(a)?? y) -> ()",
    "a::b(int x) -> (int a, int b)",
    "a::b(int x) -> int a",
    "a::b(int x) -> (int a)",
    "a::b(int x) -> (int, int b)",
    "a::b (int x)->( )",
    "b(int x) -> int",
    "a::b.c.d(int x) -> int",
    "a::b",
    "a::b(int x) -> int extra",
    "a::b(Tensor(a) x) -> Tensor(a) import",
    "a::b(int x, *, int y, *, int z) -> ()",
    "a::b(*) -> ()",
    "a::b(Tensor(a!) x, *, Tensor(b!) y, Tensor z, Tensor(c) w, Tensor(d!)[] v) -> ()",
    "a::b(int x -> int",
    "a::b(int ...) -> int",
    "a::b(int x) int",
    'a::b(int "s") -> int',
    "a::b(int x) -> (int x",
    "a::b(int x) $ -> (int x)",
    "a::b(int x) -> int ]",
    "a::b(int x=1) -> int **",
    "a::b(int x=[1]) -> int",
    'a::b(int x="abc) -> int',
    "a::b(int x=1j) -> int",
    "a::b(int x=True) -> int",
    'a::b(Device d="foo") -> int',
    "a::b(Layout? x=strided, int y=long, float z=float) -> ()",
    "a::b(int x=foo) -> ()",
    "a::b(int x\n, int y) -> int",
    "a::b(int x) -> int\nfoo",
    "a::b(int x) -> int # comment",
    "a::b\n(int x) -> int",
    "",
    "   ",
    "a::b(",
    "a::b(int x) ->",
    "a::b(Tensor(a",
]


def torch_parse(text):
    try:
        return str(torch._C.parse_schema(text))
    except Exception:  # torch raises RuntimeError, ValueError, IndexError
        return None


def parse_one(text):
    """tsi's print-back of one text (which may span lines), None if rejected."""
    r = subprocess.run([SCHEMA_DUMP, "parse1"], input=text, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode in (0, 1), f"schema_dump crashed on {text!r}: {r.stderr}"
    return r.stdout[:-1] if r.returncode == 0 else None


def test_tricky_texts_agree_with_torch():
    single = [t for t in TRICKY if "\n" not in t]
    got = run_dump("parse", stdin="".join(t + "\n" for t in single)).split("\n")[:-1]
    assert len(got) == len(single)
    for text, line in zip(single, got):
        want = torch_parse(text)
        status, _, rest = line.partition("\t")
        if want is None:
            assert status == "ERR", f"torch rejects {text!r}, tsi printed {rest!r}"
            code = int(rest.split("\t")[0])
            assert code == 3, f"{text!r}: error code {code}, want TSI_ERR_FORMAT"
        else:
            assert status == "OK", f"torch accepts {text!r} as {want!r}, tsi: {rest!r}"
            assert rest == want, text


def test_multiline_texts():
    """Line breaks inside brackets are blanks; a second line is an error."""
    for text in [t for t in TRICKY if "\n" in t]:
        assert parse_one(text) == torch_parse(text), text


def test_error_messages_read_like_torch():
    """The first line of tsi's message is torch's, for the errors torch
    reports through its ErrorReport (message, then the highlighted line)."""
    cases = ["a::b(int if) -> int", "a::b(int x -> int", "a::b(int[] x=[1.5]) -> int",
             "a::b(Foo x) -> ()", "a::b(int x) -> int ]", "a::b(int x) int",
             "a::b(..., int x) -> ()", "a::b(int x=foo) -> ()"]
    stdin = "".join(c + "\n" for c in cases)
    got = run_dump("parse", stdin=stdin).split("\n")[:-1]
    for text, line in zip(cases, got):
        try:
            torch._C.parse_schema(text)
            raise AssertionError(f"torch accepted {text!r}")
        except RuntimeError as e:
            want = str(e).strip("\n").split("\n")[0].rstrip(":")
        status, code, pos, msg = line.split("\t", 3)
        assert status == "ERR"
        if "INTERNAL ASSERT" in want:
            continue  # torch asserts where tsi reports a plain error
        assert msg.split("\\n")[0].rstrip(":") == want, text
