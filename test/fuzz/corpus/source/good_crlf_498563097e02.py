def f(x):
    if x:
        return """a
b"""
    return x
