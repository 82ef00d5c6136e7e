class Hooked(Module):
  __parameters__ = []
  __buffers__ = ["buf", ]
  buf : Tensor
  training : bool
  _is_full_backward_hook : Optional[bool]
  lin : __torch__.torch.nn.modules.linear.___torch_mangle_2.Linear
  seq : __torch__.torch.nn.modules.container.Sequential
  ml : __torch__.torch.nn.modules.container.ModuleList
  md : __torch__.torch.nn.modules.container.ModuleDict
  def forward(self: __torch__.test_parser.___torch_mangle_3.Hooked,
    x: Tensor) -> Tensor:
    _0 = __torch__.torch.nn.modules.linear.___torch_mangle_2.Linear._pre_hook
    seq = self.seq
    lin = self.lin
    _1, = _0(lin, (x,), )
    _2 = (lin).forward(_1, )
    buf = self.buf
    x0 = (seq).forward(torch.add(_2, buf), )
    ml = self.ml
    _00 = getattr(ml, "0")
    _10 = getattr(ml, "1")
    x1 = (_00).forward(x0, )
    x2 = (_10).forward(x1, )
    md = self.md
    a = md.a
    return (a).forward(x2, )
