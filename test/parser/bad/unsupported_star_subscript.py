y = x[*a]
