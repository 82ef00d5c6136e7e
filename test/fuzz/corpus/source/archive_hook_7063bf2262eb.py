class Linear(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  __forward_pre_hooks__ = ["_pre_hook", ]
  weight : Tensor
  bias : Tensor
  training : bool
  _is_full_backward_hook : NoneType
  out_features : Final[int] = 3
  in_features : Final[int] = 3
  def forward(self: __torch__.torch.nn.modules.linear.___torch_mangle_2.Linear,
    input: Tensor) -> Tensor:
    weight = self.weight
    bias = self.bias
    return torch.linear(input, weight, bias)
  def _pre_hook(mod: __torch__.torch.nn.modules.linear.___torch_mangle_2.Linear,
    inp: Tuple[Tensor]) -> Tuple[Tensor]:
    return (torch.mul((inp)[0], 2),)
