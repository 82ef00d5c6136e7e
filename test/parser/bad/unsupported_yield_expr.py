def g():
    x = yield
