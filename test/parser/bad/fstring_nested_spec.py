x = f"{a:{w}}"
