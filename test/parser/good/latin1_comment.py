# café in latin-1 is fine in a comment, as in Python
x = 1
