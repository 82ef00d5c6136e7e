class Numbers(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : NoneType
  k : Final[float] = 1.0000000000000001e-05
  def forward(self: __torch__.test_parser.Numbers,
    x: Tensor) -> Tuple[float, float, float, float, int, int, complex]:
    f = torch.item(torch.sum(x))
    _0 = (20000000000000000, 1e+20, inf, float(f), -9223372036854775808, 9223372036854775807, -5.+2.j)
    return _0
