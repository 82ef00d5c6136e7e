class C(Base, metaclass=M):
    pass
