x = f"café {a}"
