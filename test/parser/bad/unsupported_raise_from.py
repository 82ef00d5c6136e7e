raise ValueError("x") from e
