x = ("éé", (a), b)
y = x["é", (1, 2)]
for (a), b in "é":
    pass
