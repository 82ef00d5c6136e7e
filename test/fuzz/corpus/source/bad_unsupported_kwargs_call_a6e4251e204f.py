f(a, **kw)
