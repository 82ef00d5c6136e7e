#!/usr/bin/python3
"""Convolution layer timing: tsi (conv_bench) against libtorch, same run.

    /usr/bin/python3 tools/bench/conv_bench.py [BUILD_DIR] [--threads N] [--iters N]

For each layer shape, times torch.nn.functional.conv2d with
torch.set_num_threads(N) (best of ITERS calls after warm-up; the minimum
is robust when other work shares the machine) and tsi's
kern_conv through the conv_bench binary, and prints both and the ratio
tsi / torch (below 1 means tsi is faster). A report, not a test.
"""
import argparse
import os
import subprocess
import time

import torch
import torch.nn.functional as F

# name, (N, C, H, W), O, k, stride, pad, groups
LAYERS = [
    ("resnet18 stem 7x7/2", (1, 3, 224, 224), 64, 7, 2, 3, 1),
    ("resnet18 64->64 3x3", (1, 64, 56, 56), 64, 3, 1, 1, 1),
    ("resnet18 64->128 3x3/2", (1, 64, 56, 56), 128, 3, 2, 1, 1),
    ("resnet18 64->128 1x1/2", (1, 64, 56, 56), 128, 1, 2, 0, 1),
    ("resnet18 128->128 3x3", (1, 128, 28, 28), 128, 3, 1, 1, 1),
    ("resnet18 128->256 1x1/2", (1, 128, 28, 28), 256, 1, 2, 0, 1),
    ("resnet18 256->256 3x3", (1, 256, 14, 14), 256, 3, 1, 1, 1),
    ("resnet18 512->512 3x3", (1, 512, 7, 7), 512, 3, 1, 1, 1),
    ("1x1 256->64 56x56", (1, 256, 56, 56), 64, 1, 1, 0, 1),
    ("mobilenet dw 3x3 32ch 112", (1, 32, 112, 112), 32, 3, 1, 1, 32),
    ("mobilenet dw 3x3/2 144ch 56", (1, 144, 56, 56), 144, 3, 2, 1, 144),
    ("batch 8 64->64 3x3 56", (8, 64, 56, 56), 64, 3, 1, 1, 1),
]


def time_torch(x, w, b, s, p, g, iters):
    for _ in range(3):
        F.conv2d(x, w, b, s, p, 1, g)
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter()
        F.conv2d(x, w, b, s, p, 1, g)
        ts.append((time.perf_counter() - t0) * 1e3)
    return min(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "..", "build"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iters", type=int, default=20)
    args = ap.parse_args()
    exe = os.path.join(args.build, "tools", "bench", "conv_bench")
    torch.set_num_threads(args.threads)
    print(f"threads={args.threads} iters={args.iters} (best ms per call)")
    print(f"{'layer':32} {'torch':>9} {'tsi':>9} {'tsi/torch':>10}")
    for name, (n, c, h, wd), o, k, s, p, g in LAYERS:
        x, w, b = torch.randn(n, c, h, wd), torch.randn(o, c // g, k, k), torch.randn(o)
        tt = time_torch(x, w, b, s, p, g, args.iters)
        out = subprocess.run([exe, str(n), str(c), str(h), str(wd), str(o), str(k), str(k), str(s), str(p),
                              str(g), str(args.iters), str(args.threads)],
                             capture_output=True, text=True, check=True)
        ts = float(out.stdout.strip())
        print(f"{name:32} {tt:9.3f} {ts:9.3f} {ts / tt:10.2f}")


if __name__ == "__main__":
    main()
