class Hooked(Module):
  __parameters__ = []
  __buffers__ = []
  def forward(self: __torch__.test_parser.___torch_mangle_4.Hooked,
    x: Tensor) -> Tensor:
    _0 = torch.linear(x, CONSTANTS.c0, CONSTANTS.c1)
    input = torch.relu(torch.add(_0, CONSTANTS.c2))
    x0 = torch.linear(input, CONSTANTS.c3, CONSTANTS.c4)
    x1 = torch.linear(x0, CONSTANTS.c5, CONSTANTS.c6)
    x2 = torch.linear(x1, CONSTANTS.c7, CONSTANTS.c8)
    return x2
