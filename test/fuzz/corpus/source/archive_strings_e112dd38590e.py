class Strings(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.test_parser.Strings,
    s: str,
    n: int) -> str:
    _0 = "\n\t\\ \"quoted\" \'single\' \001 \r end"
    t = torch.add(s, _0)
    parts = torch.split(s, ",")
    msg = torch.format("{}-{}: {}", s, n, torch.len(parts))
    _1 = torch.add(torch.add(t, CONSTANTS.c0), torch.upper(msg))
    _2 = torch.add(_1, torch.format("{}", n))
    _3 = torch.add(_2, torch.slice(s, 1, -1))
    return _3
