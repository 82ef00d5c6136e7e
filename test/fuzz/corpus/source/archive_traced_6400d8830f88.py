class ModuleDict(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  a : __torch__.torch.nn.modules.linear.___torch_mangle_20.Identity
