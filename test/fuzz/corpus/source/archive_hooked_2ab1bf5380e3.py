class Hooked(Module):
  __parameters__ = []
  __buffers__ = ["buf", ]
  buf : Tensor
  training : bool
  _is_full_backward_hook : Optional[bool]
  lin : __torch__.torch.nn.modules.linear.Linear
  seq : __torch__.torch.nn.modules.container.Sequential
  ml : __torch__.torch.nn.modules.container.ModuleList
  md : __torch__.torch.nn.modules.container.ModuleDict
  def forward(self: __torch__.test_parser.Hooked,
    x: Tensor) -> Tensor:
    seq = self.seq
    lin = self.lin
    _0 = (lin).forward(x, )
    buf = self.buf
    x0 = (seq).forward(torch.add(_0, buf), )
    ml = self.ml
    _00 = getattr(ml, "0")
    _1 = getattr(ml, "1")
    x1 = (_00).forward(x0, )
    x2 = (_1).forward(x1, )
    md = self.md
    a = md.a
    return (a).forward(x2, )
