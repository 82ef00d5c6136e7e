"""A corpus of TorchScript functions over numbers, strings, lists, dicts,
tuples and Optional, with argument tuples to call them with.

Each entry: (source, [args, ...]). The source defines `f`. Tests compile it
with torch (torch.jit.CompilationUnit), run torch for the expected result,
and run tsi on the same program (text IR today, archives once the compiler
lands)."""

CASES = [
    ("""
def f(a: int, b: int) -> int:
    return a // b + a % b * 3 - (a * a if a < 10 else -a)
""", [(7, 2), (-7, 2), (7, -2), (-7, -3), (0, 5), (12, 5)]),
    ("""
def f(x: float, y: float) -> float:
    return x / y + x * y - x ** 0.5
""", [(2.0, 4.0), (9.0, -3.0), (1e-3, 7.5)]),
    ("""
def f(n: int) -> int:
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        if i > 20:
            break
        total += i * i
    return total
""", [(0,), (5,), (30,)]),
    ("""
def f(n: int) -> int:
    i = 0
    while i * i < n:
        i += 1
    return i
""", [(0,), (17,), (10000,)]),
    ("""
def f(s: str) -> str:
    words = s.split(" ")
    out: List[str] = []
    for w in words:
        if len(w) > 0:
            out.append(w.upper())
    return "-".join(out)
""", [("hello  big world",), ("",), ("a",)]),
    ("""
def f(xs: List[int]) -> List[int]:
    ys = [x * 2 for x in xs]
    ys.sort()
    ys.reverse()
    ys.insert(1, 100)
    if len(ys) > 2:
        ys.pop(0)
    return ys + xs[1:3]
""", [([3, 1, 2],), ([],), ([5, 9, -1, 4],)]),
    ("""
def f(keys: List[str]) -> Dict[str, int]:
    d: Dict[str, int] = {}
    for k in keys:
        d[k] = d.get(k, 0) + 1
    if "x" in d:
        d.pop("x")
    return d
""", [(["a", "b", "a", "x"],), ([],)]),
    ("""
def f(x: Optional[int], y: int) -> int:
    if x is None:
        return y
    return x + y
""", [(None, 3), (4, 3)]),
    ("""
def f(a: int, b: int) -> Tuple[int, int, str]:
    q, r = divmod(a, b)
    return q, r, str(q) + "r" + str(r)
""", [(17, 5), (-17, 5)]),
    ("""
def f(x: int) -> str:
    return "value {} and {}".format(x, x * 2.5)
""", [(3,), (-1,)]),
    ("""
def f(a: int, b: int) -> bool:
    return (a < b and b < 10) or not (a == b)
""", [(1, 2), (2, 2), (5, 20)]),
    ("""
def f(xs: List[float]) -> float:
    m = xs[0]
    for x in xs:
        m = max(m, x)
    return m + min(xs) + float(len(xs))
""", [([1.5, -2.0, 3.25],), ([0.0],)]),
    ("""
def f(n: int) -> int:
    def_val = 1
    for i in range(1, n + 1):
        def_val = def_val * i
    return def_val
""", [(0,), (10,), (20,)]),
    ("""
def f(xs: List[int]) -> int:
    return xs[5]
""", [([1, 2],)]),
    ("""
def f(x: int) -> int:
    if x > 3:
        raise ValueError("too big: " + str(x))
    return x
""", [(2,), (7,)]),
    ("""
def f(s: str, t: str) -> int:
    return s.find(t) + s.count(t) * 10 + int(s.startswith(t))
""", [("banana", "an"), ("banana", "x")]),
    ("""
def f(d: Dict[str, float]) -> float:
    total = 0.0
    for k, v in d.items():
        total += v * len(k)
    return total
""", [({"a": 1.5, "bb": 2.0},), ({},)]),
    ("""
def f(xs: List[int]) -> List[Tuple[int, int]]:
    out: List[Tuple[int, int]] = []
    for i, x in enumerate(xs):
        out.append((i, x))
    return out
""", [([7, 8, 9],)]),
]
