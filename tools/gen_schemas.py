#!/usr/bin/python3
"""Dump every operator schema torch registers into ir/schemas.txt.

Run with the system Python that has torch 1.13:
    /usr/bin/python3 tools/gen_schemas.py [OUTPUT]

One schema per line, str(schema) exactly as torch prints it, in the order
torch._C._jit_get_all_schemas() returns them (registration order, which is
also the order of torch._C._jit_get_schemas_for_operator for each name).
The library embeds this file at build time (tools/embed_lines.py) and
parses it on first use.
"""
import os
import sys

import torch


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "ir", "schemas.txt")
    lines = [str(s) for s in torch._C._jit_get_all_schemas()]
    for line in lines:
        # the embedder and the registry rely on one schema per line
        if "\n" in line or "\r" in line:
            sys.exit(f"schema with a line break: {line!r}")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    print(f"{len(lines)} schemas from torch {torch.__version__} -> {out}")


if __name__ == "__main__":
    main()
