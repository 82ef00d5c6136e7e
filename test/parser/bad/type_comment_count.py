def f(a, b):
    # type: (int) -> int
    return a
