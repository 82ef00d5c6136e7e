class ControlFlow(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.test_parser.ControlFlow,
    x: Tensor,
    n: int=3,
    flag: bool=True) -> Tensor:
    _0 = uninitialized(Tensor)
    _1 = uninitialized(Tensor)
    _2 = uninitialized(int)
    _3 = uninitialized(bool)
    x0 = x
    i = 0
    _4 = torch.lt(0, n)
    while _4:
      if torch.eq(i, 1):
        i1 = torch.add(i, 1)
        _5, _6, _7, _8, i0 = True, torch.lt(i1, n), x0, i1, i1
      else:
        if torch.gt(i, 10):
          _9, _10, _11, _12 = True, False, x0, i
        else:
          _9, _10, _11, _12 = False, _3, _1, _2
        _5, _6, _7, _8, i0 = _9, _10, _11, _12, i
      if _5:
        _13, _14, _15 = _6, _7, _8
      else:
        if flag:
          x1 = torch.mul(x0, 2)
        else:
          x1 = torch.sub(x0, 1)
        i2 = torch.add(i0, 1)
        _13, _14, _15 = torch.lt(i2, n), x1, i2
      _4, x0, i = _13, _14, _15
    _16 = False
    _17 = _0
    x2 = x0
    _18 = 0
    _19 = torch.gt(n, 0)
    while _19:
      _20 = torch.eq(torch.remainder(_18, 2), 0)
      if _20:
        _21, _22, _23, x3 = True, False, _0, torch.add(x2, _18)
      else:
        _21, _22, _23, x3 = False, True, x2, _0
      _24 = torch.add(_18, 1)
      _25 = torch.__and__(torch.lt(_24, n), _21)
      _19, _16, _17, x2, _18 = _25, _22, _23, x3, _24
    if _16:
      _26 = _17
    else:
      if torch.ge(n, 0):
        pass
      else:
        _27 = torch.format("n must be non-negative, got {}", n)
        _28 = torch.add("AssertionError: ", _27)
        ops.prim.RaiseException(_28)
      if torch.lt(n, -5):
        ops.prim.RaiseException("impossible", "builtins.ValueError")
      else:
        pass
      _26 = x2
    return _26
