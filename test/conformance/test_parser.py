"""The TorchScript source parser against Python's own parser.

Python's `ast.parse` is the oracle for the shape of the tree: for every file
of the corpus, `ast_dump -r FILE` (our tree as S-expressions with byte
ranges) must equal what `expected()` below builds from `ast.parse` of the
same text. The corpus is the hand-written files in test/parser/good/ (the
grammar TorchScript accepts through the Python frontend) plus every
`code/**.py` file of archives torch makes in this test (scripted modules of
many kinds, torchvision models, frozen modules, RNNs, transformers).

Deliberate differences between our tree and Python's (each mirrored here,
never by loosening the comparison):
  * `for a, b in ...` keeps its targets as a list; a subscript `x[a, b]`
    keeps one entry per index. A one-element tuple with a trailing comma
    and parenthesised tuples stay tuples.
  * generator expressions are list comprehensions;
  * `-9223372036854775808` is one int literal;
  * a def's `# type: (A, B) -> R` comment fills missing annotations
    (those nodes come from the comment, so their ranges are not compared);
  * f-string pieces, format fields and with-items have no position in
    Python's tree, and a bare tuple in a format field gets the braces as its
    range there: those ranges are not compared (everything else's are).

Also here: golden error messages for test/parser/bad/*.py (each with a
.err file holding exactly what ast_dump prints), and fe_parse_expr on type
strings.
"""
import ast
import functools
import io
import os
import re
import subprocess
import tokenize
import warnings
import zipfile

import pytest

from conftest import BUILD

AST_DUMP = os.path.join(BUILD, "test", "ast_dump")
HERE = os.path.dirname(os.path.abspath(__file__))
PARSER_DIR = os.path.join(HERE, "..", "parser")
GOOD_DIR = os.path.join(PARSER_DIR, "good")
BAD_DIR = os.path.join(PARSER_DIR, "bad")

INT64_MIN_MAGNITUDE = 2 ** 63

# ------------------------------------------------------------ our dump


class Node(list):
    """[head, range-or-None, children...]"""


_TOKEN = re.compile(r'\(|\)|"(?:[^"\\]|\\x[0-9a-f]{2})*"|[^\s()"]+')


def parse_sexpr(text):
    toks = _TOKEN.findall(text)
    pos = 0

    def item():
        nonlocal pos
        t = toks[pos]
        pos += 1
        if t != "(":
            return t
        head = toks[pos]
        pos += 1
        rng = None
        if "@" in head:
            head, r = head.split("@")
            s, e = r.split(":")
            rng = (int(s), int(e))
        n = Node([head, rng])
        while toks[pos] != ")":
            n.append(item())
        pos += 1
        return n

    tree = item()
    assert pos == len(toks), "trailing tokens in dump"
    return tree


def run_dump(path, *flags):
    return subprocess.run([AST_DUMP, *flags, path], capture_output=True,
                          timeout=60)


# ------------------------------------------------- Python's tree, converted

BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div",
          ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow",
          ast.MatMult: "matmul", ast.LShift: "lshift", ast.RShift: "rshift",
          ast.BitAnd: "bitand", ast.BitOr: "bitor", ast.BitXor: "bitxor"}
UNOPS = {ast.UAdd: "pos", ast.USub: "neg", ast.Not: "not", ast.Invert: "invert"}
CMPOPS = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le",
          ast.Gt: "gt", ast.GtE: "ge", ast.Is: "is", ast.IsNot: "isnot",
          ast.In: "in", ast.NotIn: "notin"}


def qstr(b):
    return '"' + "".join(chr(c) if 0x20 <= c < 0x7F and c not in b'"\\'
                         else "\\x%02x" % c for c in b) + '"'


def fmt_float(v):
    return "%.17g" % v


class Converter:
    def __init__(self, src_bytes):
        self.src = src_bytes
        self.line_starts = [0]
        for i, c in enumerate(src_bytes):
            if c == 0x0A:
                self.line_starts.append(i + 1)
        self.paren_close = self._match_parens()

    def _match_parens(self):
        """byte offset of each '(' -> byte offset after its ')'."""
        text = self.src.decode("utf-8", errors="surrogateescape")
        if text.startswith("\ufeff"):
            text = text[1:]
        lines = text.splitlines(keepends=True)

        def byte_off(pos):  # tokenize counts characters, ast counts bytes
            line, col = pos
            prefix = lines[line - 1][:col] if line <= len(lines) else ""
            return self.off(line, len(prefix.encode("utf-8", errors="surrogateescape")))

        out, stack = {}, []
        for t in tokenize.generate_tokens(io.StringIO(text).readline):
            if t.type == tokenize.OP and t.string in "([{":
                stack.append(byte_off(t.start))
            elif t.type == tokenize.OP and t.string in ")]}":
                out[stack.pop()] = byte_off(t.end)
        return out

    def off(self, line, col):
        # Python's columns on line 1 do not count a byte order mark
        bom = 3 if line == 1 and self.src.startswith(b"\xef\xbb\xbf") else 0
        return self.line_starts[line - 1] + col + bom

    def rng(self, n):
        return (self.off(n.lineno, n.col_offset), self.off(n.end_lineno, n.end_col_offset))

    def parenthesized(self, n):
        s, e = self.rng(n)
        return self.src[s:s + 1] == b"(" and self.paren_close.get(s) == e

    def node(self, head, n, *kids):
        return Node([head, self.rng(n) if n is not None else None, *kids])

    def opt(self, n):
        return "_" if n is None else self.expr(n)

    # ---------------------------------------------------------- statements
    def module(self, tree):
        return Node(["module", None] + [s for st in tree.body for s in [self.stmt(st, False)]])

    def body(self, head, stmts, in_class=False):
        return Node([head, None] + [self.stmt(s, in_class) for s in stmts])

    def stmt(self, s, in_class):
        if isinstance(s, ast.FunctionDef):
            return self.funcdef(s, in_class)
        if isinstance(s, ast.ClassDef):
            assert not s.keywords
            return self.node("class", s, s.name,
                             Node(["decorators", None] + [self.expr(d) for d in s.decorator_list]),
                             Node(["bases", None] + [self.expr(b) for b in s.bases]),
                             self.body("body", s.body, True))
        if isinstance(s, ast.Return):
            return self.node("return", s, self.opt(s.value))
        if isinstance(s, ast.Delete):
            return self.node("del", s, *[self.expr(t) for t in s.targets])
        if isinstance(s, ast.Assign):
            return self.node("assign", s, Node(["targets", None] + [self.expr(t) for t in s.targets]),
                             self.expr(s.value), "_")
        if isinstance(s, ast.AugAssign):
            return self.node("augassign", s, BINOPS[type(s.op)], self.expr(s.target), self.expr(s.value))
        if isinstance(s, ast.AnnAssign):
            if s.value is None:
                return self.node("decl", s, s.target.id, self.expr(s.annotation))
            return self.node("assign", s, Node(["targets", None, self.expr(s.target)]),
                             self.expr(s.value), self.expr(s.annotation))
        if isinstance(s, ast.For):
            assert not s.orelse
            t = s.target
            if isinstance(t, ast.Tuple) and len(t.elts) >= 2 and not self.parenthesized(t):
                targets = [self.expr(e) for e in t.elts]
            else:
                targets = [self.expr(t)]
            return self.node("for", s, Node(["targets", None] + targets), self.expr(s.iter),
                             self.body("body", s.body))
        if isinstance(s, ast.While):
            assert not s.orelse
            return self.node("while", s, self.expr(s.test), self.body("body", s.body))
        if isinstance(s, ast.If):
            return self.node("if", s, self.expr(s.test), self.body("body", s.body),
                             self.body("orelse", s.orelse))
        if isinstance(s, ast.With):
            items = [Node(["item", None, self.expr(i.context_expr), self.opt(i.optional_vars)])
                     for i in s.items]
            return self.node("with", s, Node(["items", None] + items), self.body("body", s.body))
        if isinstance(s, ast.Raise):
            assert s.cause is None
            return self.node("raise", s, self.opt(s.exc))
        if isinstance(s, ast.Assert):
            return self.node("assert", s, self.expr(s.test), self.opt(s.msg))
        if isinstance(s, (ast.Import, ast.ImportFrom)):
            return self.node("import", s)
        if isinstance(s, ast.Expr):
            return self.node("expr", s, self.expr(s.value))
        if isinstance(s, ast.Pass):
            return self.node("pass", s)
        if isinstance(s, ast.Break):
            return self.node("break", s)
        if isinstance(s, ast.Continue):
            return self.node("continue", s)
        raise AssertionError("statement not in the TorchScript subset: " + ast.dump(s))

    def funcdef(self, s, in_class):
        a = s.args
        assert not a.posonlyargs and a.kwarg is None
        params = []
        defaults = [None] * (len(a.args) - len(a.defaults)) + list(a.defaults)
        for arg, d in zip(a.args, defaults):
            params.append([arg, d, "pos"])
        if a.vararg:
            params.append([a.vararg, None, "vararg"])
        for arg, d in zip(a.kwonlyargs, a.kw_defaults):
            params.append([arg, d, "kwonly"])
        anns = [self.opt(p[0].annotation) for p in params]
        ret = self.opt(s.returns)
        tc = s.type_comment
        if tc and not tc.strip().startswith("ignore"):
            # torch's type comments: fill what the signature leaves out
            ft = ast.parse(tc, mode="func_type")
            types = [strip_ranges(self.expr(t)) for t in ft.argtypes]
            skip = 1 if in_class and len(types) == len(params) - 1 else 0
            assert len(types) + skip == len(params)
            for i, t in enumerate(types):
                if anns[i + skip] == "_":
                    anns[i + skip] = t
            if ret == "_":
                ret = strip_ranges(self.expr(ft.returns))
        plist = Node(["params", None])
        for (arg, d, flag), ann in zip(params, anns):
            plist.append(Node(["param", self.rng(arg), arg.arg, ann, self.opt(d), flag]))
        return self.node("def", s, s.name,
                         Node(["decorators", None] + [self.expr(d) for d in s.decorator_list]),
                         plist, ret, self.body("body", s.body))

    # --------------------------------------------------------- expressions
    def comp(self, head, n, *front):
        assert len(n.generators) == 1
        g = n.generators[0]
        assert not g.is_async
        return self.node(head, n, *front, self.expr(g.target), self.expr(g.iter),
                         Node(["ifs", None] + [self.expr(i) for i in g.ifs]))

    def expr(self, e):
        if isinstance(e, ast.BoolOp):
            return self.node("boolop", e, "and" if isinstance(e.op, ast.And) else "or",
                             *[self.expr(v) for v in e.values])
        if isinstance(e, ast.BinOp):
            return self.node("binop", e, BINOPS[type(e.op)], self.expr(e.left), self.expr(e.right))
        if isinstance(e, ast.UnaryOp):
            v = e.operand
            if (isinstance(e.op, ast.USub) and isinstance(v, ast.Constant) and type(v.value) is int
                    and v.value == INT64_MIN_MAGNITUDE):
                return self.node("int", e, str(-INT64_MIN_MAGNITUDE))
            return self.node("unop", e, UNOPS[type(e.op)], self.expr(v))
        if isinstance(e, ast.IfExp):
            return self.node("ternary", e, self.expr(e.body), self.expr(e.test), self.expr(e.orelse))
        if isinstance(e, ast.Dict):
            kids = []
            for k, v in zip(e.keys, e.values):
                assert k is not None
                kids += [self.expr(k), self.expr(v)]
            return self.node("dict", e, *kids)
        if isinstance(e, (ast.ListComp, ast.GeneratorExp)):
            return self.comp("listcomp", e, self.expr(e.elt))
        if isinstance(e, ast.DictComp):
            return self.comp("dictcomp", e, self.expr(e.key), self.expr(e.value))
        if isinstance(e, ast.Compare):
            kids = [self.expr(e.left)]
            for op, c in zip(e.ops, e.comparators):
                kids += [CMPOPS[type(op)], self.expr(c)]
            return self.node("compare", e, *kids)
        if isinstance(e, ast.Call):
            return self.node("call", e, self.expr(e.func),
                             Node(["args", None] + [self.expr(a) for a in e.args]),
                             Node(["keywords", None] + [self.node("keyword", k, k.arg, self.expr(k.value))
                                                       for k in e.keywords]))
        if isinstance(e, ast.JoinedStr):
            return self.node("fstring", e, *[self.fpiece(v) for v in e.values])
        if isinstance(e, ast.Constant):
            v = e.value
            if v is True:
                return self.node("true", e)
            if v is False:
                return self.node("false", e)
            if v is None:
                return self.node("none", e)
            if v is Ellipsis:
                return self.node("ellipsis", e)
            if isinstance(v, int):
                return self.node("int", e, str(v))
            if isinstance(v, float):
                return self.node("float", e, fmt_float(v))
            if isinstance(v, complex):
                assert v.real == 0
                return self.node("imag", e, fmt_float(v.imag))
            if isinstance(v, str):
                return self.node("str", e, qstr(v.encode("utf-8")))
            raise AssertionError("constant " + repr(v))
        if isinstance(e, ast.Attribute):
            return self.node("attr", e, self.expr(e.value), e.attr)
        if isinstance(e, ast.Subscript):
            sl = e.slice
            if isinstance(sl, ast.Tuple) and len(sl.elts) >= 2 and not self.parenthesized(sl):
                idx = [self.expr(x) for x in sl.elts]
            else:
                idx = [self.expr(sl)]
            return self.node("subscript", e, self.expr(e.value), *idx)
        if isinstance(e, ast.Starred):
            return self.node("starred", e, self.expr(e.value))
        if isinstance(e, ast.Name):
            return self.node("ident", e, e.id)
        if isinstance(e, ast.List):
            return self.node("list", e, *[self.expr(x) for x in e.elts])
        if isinstance(e, ast.Tuple):
            return self.node("tuple", e, *[self.expr(x) for x in e.elts])
        if isinstance(e, ast.Slice):
            return self.node("slice", e, self.opt(e.lower), self.opt(e.upper), self.opt(e.step))
        raise AssertionError("expression not in the TorchScript subset: " + ast.dump(e))

    def fpiece(self, v):
        if isinstance(v, ast.Constant):
            return Node(["str", None, qstr(v.value.encode("utf-8"))])
        assert isinstance(v, ast.FormattedValue)
        spec = b""
        if v.format_spec is not None:
            for p in v.format_spec.values:
                assert isinstance(p, ast.Constant), "nested format fields"
                spec += p.value.encode("utf-8")
        conv = "_" if v.conversion == -1 else chr(v.conversion)
        value = self.expr(v.value)
        if isinstance(v.value, ast.Tuple):
            # Python parses a field as "(expr)", so a bare tuple gets the
            # braces as its range; ours spans its elements
            value[1] = None
        return Node(["field", None, value, qstr(spec), conv])


def strip_ranges(n):
    if isinstance(n, Node):
        return Node([n[0], None] + [strip_ranges(k) for k in n[2:]])
    return n


def expected(src_bytes):
    with warnings.catch_warnings():
        # the corpus has unknown escapes like "\d" on purpose
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(src_bytes, type_comments=True)
    return Converter(src_bytes).module(tree)


def diff(ours, want, path="module"):
    """First difference, as a readable path; None if equal. A range of None
    in `want` is not compared."""
    if isinstance(want, Node) != isinstance(ours, Node):
        return f"{path}: got {ours!r}, want {want!r}"
    if not isinstance(want, Node):
        return None if ours == want else f"{path}: got {ours}, want {want}"
    if ours[0] != want[0]:
        return f"{path}: got ({ours[0]} ...), want ({want[0]} ...)"
    if want[1] is not None and ours[1] != want[1]:
        return f"{path}/{want[0]}: range got {ours[1]}, want {want[1]}"
    if len(ours) != len(want):
        return f"{path}/{want[0]}: {len(ours) - 2} children, want {len(want) - 2}: {ours!r} vs {want!r}"
    for i, (a, b) in enumerate(zip(ours[2:], want[2:])):
        d = diff(a, b, f"{path}/{want[0]}[{i}]")
        if d:
            return d
    return None


def check_file(path):
    with open(path, "rb") as f:
        src = f.read()
    r = run_dump(path, "-r")
    assert r.returncode == 0, f"{path}: {r.stdout.decode(errors='replace')}{r.stderr.decode(errors='replace')}"
    ours = parse_sexpr(r.stdout.decode())
    want = expected(src)
    d = diff(ours, want)
    assert d is None, f"{path}: {d}"


# ------------------------------------------------------- hand-written corpus

GOOD = sorted(f for f in os.listdir(GOOD_DIR) if f.endswith(".py"))


@pytest.mark.parametrize("name", GOOD)
def test_handwritten(name):
    check_file(os.path.join(GOOD_DIR, name))


def test_ranges_are_compared(tmp_path):
    """The comparison can fail: a shifted range is caught."""
    p = tmp_path / "a.py"
    p.write_text("x = (a) + b\n")
    ours = parse_sexpr(run_dump(str(p), "-r").stdout.decode())
    want = expected(b"x = (a)  + b\n")
    assert diff(ours, want) is not None
    want = expected(b"x = (a) + b\n")
    assert diff(ours, want) is None


# ------------------------------------------------------ golden error messages

BAD = sorted(f[:-3] for f in os.listdir(BAD_DIR) if f.endswith(".py"))
MESSAGE = re.compile(r"^(?P<file>[\w.]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)\n"
                     r"(?P<src>.*)\n(?P<caret>[ \t]*\^~*)\n$")


@pytest.mark.parametrize("name", BAD)
def test_error_golden(name):
    path = os.path.join(BAD_DIR, name + ".py")
    r = run_dump(path)
    out = r.stdout.decode("utf-8", errors="replace")
    assert r.returncode == 1, f"{name}: expected a parse error, got rc={r.returncode}: {out[:300]}"
    golden = os.path.join(BAD_DIR, name + ".err")
    if os.environ.get("TSI_UPDATE_GOLDEN"):
        with open(golden, "w", encoding="utf-8") as f:
            f.write(out)
    with open(golden, encoding="utf-8") as f:
        assert out == f.read()
    m = MESSAGE.match(out)
    assert m, f"not a file:line:col message with a caret line:\n{out}"
    assert m.group("file") == name + ".py"
    # the caret sits on the quoted line, at the reported column
    caret = m.group("caret")
    assert len(caret) - len(caret.lstrip(" \t")) + 1 == int(m.group("col"))
    with open(path, "rb") as f:
        src = f.read()
    line = int(m.group("line"))
    lines = src.split(b"\n")
    want_src = lines[line - 1].replace(b"\0", b"?").decode("utf-8", errors="replace")
    assert m.group("src") == want_src.rstrip("\r")
    # Where Python also rejects the text, it rejects it on the same line.
    try:
        compile(src, name + ".py", "exec", dont_inherit=True)
    except SyntaxError as e:
        if e.lineno is not None:
            assert e.lineno == line, f"Python: line {e.lineno}: {e.msg}"
    except (ValueError, RecursionError, MemoryError):
        pass


def test_golden_files_have_sources():
    errs = {f[:-4] for f in os.listdir(BAD_DIR) if f.endswith(".err")}
    assert errs == set(BAD)


def shifted(n, by):
    if not isinstance(n, Node):
        return n
    r = None if n[1] is None else (n[1][0] + by, n[1][1] + by)
    return Node([n[0], r] + [shifted(k, by) for k in n[2:]])


@pytest.mark.parametrize("text", [
    "Dict[str, Tensor]", "Tuple[()]", "Optional[List[Tuple[int, float]]]",
    "__torch__.torch.classes.ns.Name", "(1, 1)", "1.0000000000000001e-05", '"abc"', "-1",
    "[0, 0]", "1, 2", "\n  Tensor  \n", 'torch.device("cpu")', "Union[int, NoneType]",
    "-9223372036854775808", "1.+2.j", "Final[Tuple[int, int]]"])
def test_parse_expr(tmp_path, text):
    """fe_parse_expr reads type strings and constant literals as the
    archive importer needs them, with Python's tree."""
    p = tmp_path / "e.txt"
    p.write_text(text)
    r = run_dump(str(p), "-e", "-r")
    assert r.returncode == 0, r.stdout
    ours = parse_sexpr(r.stdout.decode())
    stripped = text.strip()
    want = Converter(stripped.encode()).module(ast.parse(stripped))
    want = shifted(want, len(text) - len(text.lstrip()))
    assert diff(ours, want) is None, diff(ours, want)


@pytest.mark.parametrize("text", ["", "  ", "Dict[str,", "x = 1", "a b", "def f(): pass", "1 +"])
def test_parse_expr_errors(tmp_path, text):
    p = tmp_path / "e.txt"
    p.write_text(text)
    r = run_dump(str(p), "-e")
    assert r.returncode == 1
    assert MESSAGE.match(r.stdout.decode()), r.stdout


# ------------------------------------------------------ torch-made archives

torch = pytest.importorskip("torch")
from typing import Dict, List, NamedTuple, Optional, Tuple, Union  # noqa: E402
from enum import Enum  # noqa: E402

nn = torch.nn


class Pt(NamedTuple):
    x: float
    y: int


class Color(Enum):
    RED = 1
    GREEN = 2


@torch.jit.script
class Counter:
    def __init__(self, start: int):
        self.n = start

    def bump(self, k: int = 1) -> int:
        self.n += k
        return self.n


@torch.jit.interface
class Fwd(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Impl(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + 1


class UsesInterface(nn.Module):
    sub: Fwd

    def __init__(self):
        super().__init__()
        self.sub = Impl()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.sub.forward(x)


class ControlFlow(nn.Module):
    def forward(self, x: torch.Tensor, n: int = 3, flag: bool = True) -> torch.Tensor:
        i = 0
        while i < n:
            if i == 1:
                i += 1
                continue
            elif i > 10:
                break
            x = x * 2 if flag else x - 1
            i += 1
        for j in range(n):
            if j % 2 == 0:
                x = x + j
            else:
                return x
        assert n >= 0, f"n must be non-negative, got {n}"
        if n < -5:
            raise ValueError("impossible")
        return x


class Containers(nn.Module):
    def forward(self, xs: List[torch.Tensor], d: Dict[str, int]) -> Tuple[List[int], Dict[str, float]]:
        sizes = [x.size(0) for x in xs]
        out: Dict[str, float] = {}
        for k, v in d.items():
            out[k] = float(v) * 0.5
        for i, x in enumerate(xs):
            sizes.append(i)
        pairs = list(zip(sizes, sizes))
        a, b = pairs[0] if len(pairs) > 0 else (0, 0)
        sizes.append(a + b)
        return sizes, out


class Strings(nn.Module):
    def forward(self, s: str, n: int) -> str:
        t = s + "\n\t\\ \"quoted\" 'single' \x01 \r end"
        u = "caf\u00e9 \u20ac"
        parts = s.split(",")
        msg = f"{s}-{n}: {len(parts)}"
        return t + u + msg.upper() + "{}".format(n) + s[1:-1]


class Numbers(nn.Module):
    k: torch.jit.Final[float] = 1e-5

    def forward(self, x: torch.Tensor) -> Tuple[float, float, float, float, int, int, complex]:
        a = 1e16 * 2.0
        b = 0.1 + 1e+20 + 1e-20 - 2.
        c = float("inf") + 1.0000000000000001e-05
        d = -9223372036854775807 - 1
        e = 9223372036854775807
        z = complex(1.0, 2.5) * 2j
        f = x.sum().item()
        return a, b + self.k, c, f, d, e, z


class Optionals(nn.Module):
    def forward(self, x: Optional[torch.Tensor], y: Union[int, str], p: Pt) -> torch.Tensor:
        if x is None:
            x = torch.zeros(2)
        if isinstance(y, int):
            x = x + y
        if p.y > 0:
            x = x * p.x
        c = Counter(3)
        c.bump()
        if Color.RED == Color.GREEN:
            x = x + 1
        with torch.no_grad():
            x = x.detach()
        fut = torch.jit.fork(torch.add, x, 1)
        return torch.jit.wait(fut) + c.n


class Hooked(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.seq = nn.Sequential(nn.ReLU(), nn.Linear(3, 2))
        self.ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
        self.md = nn.ModuleDict({"a": nn.Identity()})
        self.register_buffer("buf", torch.ones(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.seq(self.lin(x) + self.buf)
        for m in self.ml:
            x = m(x)
        return self.md["a"](x)


def _pre_hook(mod: nn.Module, inp: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
    return (inp[0] * 2,)


@functools.lru_cache(maxsize=None)
def custom_modules():
    mods = {"control": ControlFlow(), "containers": Containers(), "strings": Strings(),
            "numbers": Numbers(), "optionals": Optionals(), "interface": UsesInterface(),
            "hooked": Hooked()}
    out = {}
    for name, m in mods.items():
        out[name] = torch.jit.script(m)
    h = Hooked()
    h.lin.register_forward_pre_hook(_pre_hook)
    out["hook"] = torch.jit.script(h)
    out["frozen_hooked"] = torch.jit.freeze(torch.jit.script(Hooked().eval()))
    out["traced"] = torch.jit.trace(Hooked(), torch.ones(1, 3))
    out["lstm"] = torch.jit.script(nn.LSTM(4, 8, num_layers=2))
    out["gru"] = torch.jit.script(nn.GRU(4, 8))
    layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32)
    out["transformer"] = torch.jit.script(nn.TransformerEncoder(layer, 2))
    out["mha"] = torch.jit.script(nn.MultiheadAttention(16, 2))
    return out


TORCHVISION = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "densenet121",
               "squeezenet1_0", "shufflenet_v2_x0_5", "googlenet", "inception_v3",
               "mnasnet0_5", "efficientnet_b0", "regnet_y_400mf", "convnext_tiny"]


def archive_code(module, path):
    """Save module to path; return {entry name: bytes} of its code/**.py."""
    torch.jit.save(module, path)
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if "/code/" in n and n.endswith(".py")}


def check_archive(module, tmp_path, name):
    files = archive_code(module, str(tmp_path / (name + ".pt")))
    assert files, "archive without code"
    failures = []
    for i, (entry, src) in enumerate(sorted(files.items())):
        p = tmp_path / f"{i}.py"
        p.write_bytes(src)
        try:
            check_file(str(p))
        except AssertionError as e:
            failures.append(f"{entry}: {e}")
    assert not failures, "\n".join(failures[:5])
    return files


@pytest.mark.parametrize("name", ["control", "containers", "strings", "numbers", "optionals",
                                  "interface", "hooked", "hook", "frozen_hooked", "traced",
                                  "lstm", "gru", "transformer", "mha"])
def test_archive_custom(tmp_path, name):
    check_archive(custom_modules()[name], tmp_path, name)


@pytest.mark.parametrize("name", TORCHVISION)
@pytest.mark.parametrize("frozen", [False, True])
def test_archive_torchvision(tmp_path, name, frozen):
    tvm = pytest.importorskip("torchvision.models")
    kwargs = {"aux_logits": False, "init_weights": False} if name in ("googlenet", "inception_v3") else {}
    m = getattr(tvm, name)(**kwargs).eval()
    s = torch.jit.script(m)
    if frozen:
        s = torch.jit.freeze(s)
    check_archive(s, tmp_path, name)
