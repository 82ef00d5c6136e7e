class C:
    def m(self):
