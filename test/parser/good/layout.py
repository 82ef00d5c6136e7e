# Indentation, continuation lines, comments and blank lines.
def f(a,
      b,   # a comment inside brackets
      c):
    x = a + \
        b + \
        c

    # a comment line at a different indentation
        # and another

    y = [
        1,
        2,
    ]
    z = {
        "a": 1,
    }
    w = (a
         + b
         - c)
    if x:
            deep = 1
            if y:
             deeper = 2
    return x   # trailing comment
def g():
	# tabs
	if x:
		return 1
	else:
	    return 2
class C:
    def m(self):
        pass
    # comment between methods

    def n(self):
        pass
x = 1 ; y = 2
z = """a string that
  looks indented
"""
if x:
    pass
    # trailing comment in block
# dedent after comment
w = 3
