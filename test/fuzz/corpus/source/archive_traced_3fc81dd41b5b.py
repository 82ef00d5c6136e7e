class Hooked(Module):
  __parameters__ = []
  __buffers__ = ["buf", ]
  buf : Tensor
  training : bool
  _is_full_backward_hook : Optional[bool]
  lin : __torch__.torch.nn.modules.linear.___torch_mangle_13.Linear
  seq : __torch__.torch.nn.modules.container.___torch_mangle_16.Sequential
  ml : __torch__.torch.nn.modules.container.___torch_mangle_19.ModuleList
  md : __torch__.torch.nn.modules.container.___torch_mangle_21.ModuleDict
  def forward(self: __torch__.test_parser.___torch_mangle_22.Hooked,
    x: Tensor) -> Tensor:
    md = self.md
    a = md.a
    ml = self.ml
    _1 = getattr(ml, "1")
    ml0 = self.ml
    _0 = getattr(ml0, "0")
    seq = self.seq
    buf = self.buf
    lin = self.lin
    input = torch.add((lin).forward(x, ), buf)
    _2 = (_0).forward((seq).forward(input, ), )
    _3 = (_1).forward(_2, )
    _4 = (a).forward()
    return _3
