class Containers(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.test_parser.Containers,
    xs: List[Tensor],
    d: Dict[str, int]) -> Tuple[List[int], Dict[str, float]]:
    sizes = annotate(List[int], [])
    for _0 in range(torch.len(xs)):
      x = xs[_0]
      _1 = torch.append(sizes, torch.size(x, 0))
    out = annotate(Dict[str, float], {})
    _2 = torch.items(d)
    for _3 in range(torch.len(_2)):
      k, v, = _2[_3]
      torch._set_item(out, k, torch.mul(float(v), 0.5))
    _4 = [9223372036854775807, torch.len(xs)]
    for i in range(ops.prim.min(_4)):
      _5 = torch.append(sizes, i)
    pairs = annotate(List[Tuple[int, int]], [])
    _6 = [torch.len(sizes), torch.len(sizes)]
    for _7 in range(ops.prim.min(_6)):
      _8 = torch.append(pairs, (sizes[_7], sizes[_7]))
    if torch.gt(torch.len(pairs), 0):
      _9 = pairs[0]
    else:
      _9 = (0, 0)
    a, b, = _9
    _10 = torch.append(sizes, torch.add(a, b))
    return (sizes, out)
