def f(a):  # type: int
    return a
