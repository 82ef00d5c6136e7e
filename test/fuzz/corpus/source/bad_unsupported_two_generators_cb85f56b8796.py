x = [i + j for i in a for j in b]
