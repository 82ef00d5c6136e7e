def _pre_hook(mod: __torch__.torch.nn.modules.linear.___torch_mangle_2.Linear,
    inp: Tuple[Tensor]) -> Tuple[Tensor]:
  return (torch.mul((inp)[0], 2),)
