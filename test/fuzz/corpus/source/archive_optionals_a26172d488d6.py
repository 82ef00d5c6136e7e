class Optionals(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.test_parser.Optionals,
    x: Optional[Tensor],
    y: Union[int, str],
    p: __torch__.test_parser.Pt) -> Tensor:
    if torch.__is__(x, None):
      x0 = torch.zeros([2])
    else:
      x0 = unchecked_cast(Tensor, x)
    _0 = isinstance(y, int)
    if _0:
      y0 = unchecked_cast(int, y)
      x1 = torch.add(x0, y0)
    else:
      x1 = x0
    if torch.gt((p)[1], 0):
      x2 = torch.mul(x1, (p)[0])
    else:
      x2 = x1
    c = __torch__.test_parser.Counter.__new__(__torch__.test_parser.Counter)
    _1 = (c).__init__(3, )
    _2 = (c).bump(1, )
    _3 = __torch__.torch.autograd.grad_mode.no_grad.__new__(__torch__.torch.autograd.grad_mode.no_grad)
    _4 = (_3).__init__()
    with _3:
      x3 = torch.detach(x2)
    def __forked_function():
      return torch.add(x3, 1)
    fut = fork(__forked_function)
    _5 = torch.wait(fut)
    n = c.n
    return torch.add(_5, n)
class Pt(NamedTuple):
  x : float
  y : int
class Counter:
  n : int
  def __init__(self: __torch__.test_parser.Counter,
    start: int) -> NoneType:
    self.n = start
    return None
  def bump(self: __torch__.test_parser.Counter,
    k: int=1) -> int:
    n = self.n
    self.n = torch.add(n, k)
    return self.n
