"""Make the demo's inputs with torch: a scripted module saved as an archive,
and the graph of a scripted function as text IR, plus torch's own answers."""
import sys

import torch


class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3)
        self.bn = torch.nn.BatchNorm2d(8)
        self.fc = torch.nn.Linear(8, 4)
        self.labels = ["cat", "dog", "owl", "fox"]

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return self.fc(y.mean([2, 3]))


SOURCE = '''
def collatz_steps(n: int) -> int:
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps
'''

out = sys.argv[1]
torch.manual_seed(0)
torch.jit.script(TinyNet().eval()).save(f"{out}/tinynet.pt")
cu = torch.jit.CompilationUnit(SOURCE)
with open(f"{out}/collatz.ir", "w") as f:
    f.write(str(cu.collatz_steps.graph))
print(cu.collatz_steps(27))
