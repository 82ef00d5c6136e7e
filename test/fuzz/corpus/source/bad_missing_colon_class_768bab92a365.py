class C(Module)
    pass
