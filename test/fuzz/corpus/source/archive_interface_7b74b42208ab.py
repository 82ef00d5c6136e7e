class UsesInterface(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : NoneType
  sub : __torch__.test_parser.Fwd
  def forward(self: __torch__.test_parser.UsesInterface,
    x: Tensor) -> Tensor:
    sub = self.sub
    return (sub).forward(x, )
class Impl(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.test_parser.Impl,
    x: Tensor) -> Tensor:
    return torch.add(x, 1)
class Fwd(ModuleInterface):
  def forward(self, x: Tensor) -> Tensor:
    pass
