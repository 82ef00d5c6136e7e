class MobileNetV3(Module):
  __parameters__ = []
  __buffers__ = []
  def forward(self: __torch__.torchvision.models.mobilenetv3.___torch_mangle_171.MobileNetV3,
    x: Tensor) -> Tensor:
    input = torch.conv2d(x, CONSTANTS.c0, CONSTANTS.c1, [2, 2], [1, 1])
    input0 = torch.hardswish_(input)
    input1 = torch.conv2d(input0, CONSTANTS.c2, CONSTANTS.c1, [2, 2], [1, 1], [1, 1], 16)
    input2 = torch.relu_(input1)
    _0 = torch.gt(torch.len(torch.size(input2)), 2)
    if _0:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale = torch.adaptive_avg_pool2d(input2, [1, 1])
    scale0 = torch.conv2d(scale, CONSTANTS.c3, CONSTANTS.c4)
    scale1 = torch.relu(scale0)
    scale2 = torch.conv2d(scale1, CONSTANTS.c5, CONSTANTS.c1)
    scale3 = torch.hardsigmoid(scale2)
    input3 = torch.mul(scale3, input2)
    input4 = torch.conv2d(input3, CONSTANTS.c6, CONSTANTS.c1)
    input5 = torch.conv2d(input4, CONSTANTS.c7, CONSTANTS.c8)
    input6 = torch.relu_(input5)
    input7 = torch.conv2d(input6, CONSTANTS.c9, CONSTANTS.c8, [2, 2], [1, 1], [1, 1], 72)
    input8 = torch.relu_(input7)
    input9 = torch.conv2d(input8, CONSTANTS.c10, CONSTANTS.c11)
    input10 = torch.conv2d(input9, CONSTANTS.c12, CONSTANTS.c13)
    input11 = torch.relu_(input10)
    input12 = torch.conv2d(input11, CONSTANTS.c14, CONSTANTS.c13, [1, 1], [1, 1], [1, 1], 88)
    input13 = torch.relu_(input12)
    input14 = torch.conv2d(input13, CONSTANTS.c15, CONSTANTS.c11)
    result = torch.add_(input14, input9)
    input15 = torch.conv2d(result, CONSTANTS.c16, CONSTANTS.c17)
    input16 = torch.hardswish_(input15)
    input17 = torch.conv2d(input16, CONSTANTS.c18, CONSTANTS.c17, [2, 2], [2, 2], [1, 1], 96)
    input18 = torch.hardswish_(input17)
    _1 = torch.gt(torch.len(torch.size(input18)), 2)
    if _1:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale4 = torch.adaptive_avg_pool2d(input18, [1, 1])
    scale5 = torch.conv2d(scale4, CONSTANTS.c19, CONSTANTS.c11)
    scale6 = torch.relu(scale5)
    scale7 = torch.conv2d(scale6, CONSTANTS.c20, CONSTANTS.c17)
    scale8 = torch.hardsigmoid(scale7)
    input19 = torch.mul(scale8, input18)
    input20 = torch.conv2d(input19, CONSTANTS.c21, CONSTANTS.c22)
    input21 = torch.conv2d(input20, CONSTANTS.c23, CONSTANTS.c24)
    input22 = torch.hardswish_(input21)
    input23 = torch.conv2d(input22, CONSTANTS.c25, CONSTANTS.c24, [1, 1], [2, 2], [1, 1], 240)
    input24 = torch.hardswish_(input23)
    _2 = torch.gt(torch.len(torch.size(input24)), 2)
    if _2:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale9 = torch.adaptive_avg_pool2d(input24, [1, 1])
    scale10 = torch.conv2d(scale9, CONSTANTS.c26, CONSTANTS.c27)
    scale11 = torch.relu(scale10)
    scale12 = torch.conv2d(scale11, CONSTANTS.c28, CONSTANTS.c24)
    scale13 = torch.hardsigmoid(scale12)
    input25 = torch.mul(scale13, input24)
    input26 = torch.conv2d(input25, CONSTANTS.c29, CONSTANTS.c22)
    result0 = torch.add_(input26, input20)
    input27 = torch.conv2d(result0, CONSTANTS.c30, CONSTANTS.c24)
    input28 = torch.hardswish_(input27)
    input29 = torch.conv2d(input28, CONSTANTS.c31, CONSTANTS.c24, [1, 1], [2, 2], [1, 1], 240)
    input30 = torch.hardswish_(input29)
    _3 = torch.gt(torch.len(torch.size(input30)), 2)
    if _3:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale14 = torch.adaptive_avg_pool2d(input30, [1, 1])
    scale15 = torch.conv2d(scale14, CONSTANTS.c32, CONSTANTS.c27)
    scale16 = torch.relu(scale15)
    scale17 = torch.conv2d(scale16, CONSTANTS.c33, CONSTANTS.c24)
    scale18 = torch.hardsigmoid(scale17)
    input31 = torch.mul(scale18, input30)
    input32 = torch.conv2d(input31, CONSTANTS.c34, CONSTANTS.c22)
    result1 = torch.add_(input32, result0)
    input33 = torch.conv2d(result1, CONSTANTS.c35, CONSTANTS.c36)
    input34 = torch.hardswish_(input33)
    input35 = torch.conv2d(input34, CONSTANTS.c37, CONSTANTS.c36, [1, 1], [2, 2], [1, 1], 120)
    input36 = torch.hardswish_(input35)
    _4 = torch.gt(torch.len(torch.size(input36)), 2)
    if _4:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale19 = torch.adaptive_avg_pool2d(input36, [1, 1])
    scale20 = torch.conv2d(scale19, CONSTANTS.c38, CONSTANTS.c39)
    scale21 = torch.relu(scale20)
    scale22 = torch.conv2d(scale21, CONSTANTS.c40, CONSTANTS.c36)
    scale23 = torch.hardsigmoid(scale22)
    input37 = torch.mul(scale23, input36)
    input38 = torch.conv2d(input37, CONSTANTS.c41, CONSTANTS.c42)
    input39 = torch.conv2d(input38, CONSTANTS.c43, CONSTANTS.c44)
    input40 = torch.hardswish_(input39)
    input41 = torch.conv2d(input40, CONSTANTS.c45, CONSTANTS.c44, [1, 1], [2, 2], [1, 1], 144)
    input42 = torch.hardswish_(input41)
    _5 = torch.gt(torch.len(torch.size(input42)), 2)
    if _5:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale24 = torch.adaptive_avg_pool2d(input42, [1, 1])
    scale25 = torch.conv2d(scale24, CONSTANTS.c46, CONSTANTS.c22)
    scale26 = torch.relu(scale25)
    scale27 = torch.conv2d(scale26, CONSTANTS.c47, CONSTANTS.c44)
    scale28 = torch.hardsigmoid(scale27)
    input43 = torch.mul(scale28, input42)
    input44 = torch.conv2d(input43, CONSTANTS.c48, CONSTANTS.c42)
    result2 = torch.add_(input44, input38)
    input45 = torch.conv2d(result2, CONSTANTS.c49, CONSTANTS.c50)
    input46 = torch.hardswish_(input45)
    input47 = torch.conv2d(input46, CONSTANTS.c51, CONSTANTS.c50, [2, 2], [2, 2], [1, 1], 288)
    input48 = torch.hardswish_(input47)
    _6 = torch.gt(torch.len(torch.size(input48)), 2)
    if _6:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale29 = torch.adaptive_avg_pool2d(input48, [1, 1])
    scale30 = torch.conv2d(scale29, CONSTANTS.c52, CONSTANTS.c8)
    scale31 = torch.relu(scale30)
    scale32 = torch.conv2d(scale31, CONSTANTS.c53, CONSTANTS.c50)
    scale33 = torch.hardsigmoid(scale32)
    input49 = torch.mul(scale33, input48)
    input50 = torch.conv2d(input49, CONSTANTS.c54, CONSTANTS.c17)
    input51 = torch.conv2d(input50, CONSTANTS.c55, CONSTANTS.c56)
    input52 = torch.hardswish_(input51)
    input53 = torch.conv2d(input52, CONSTANTS.c57, CONSTANTS.c56, [1, 1], [2, 2], [1, 1], 576)
    input54 = torch.hardswish_(input53)
    _7 = torch.gt(torch.len(torch.size(input54)), 2)
    if _7:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale34 = torch.adaptive_avg_pool2d(input54, [1, 1])
    scale35 = torch.conv2d(scale34, CONSTANTS.c58, CONSTANTS.c44)
    scale36 = torch.relu(scale35)
    scale37 = torch.conv2d(scale36, CONSTANTS.c59, CONSTANTS.c56)
    scale38 = torch.hardsigmoid(scale37)
    input55 = torch.mul(scale38, input54)
    input56 = torch.conv2d(input55, CONSTANTS.c60, CONSTANTS.c17)
    result3 = torch.add_(input56, input50)
    input57 = torch.conv2d(result3, CONSTANTS.c61, CONSTANTS.c56)
    input58 = torch.hardswish_(input57)
    input59 = torch.conv2d(input58, CONSTANTS.c62, CONSTANTS.c56, [1, 1], [2, 2], [1, 1], 576)
    input60 = torch.hardswish_(input59)
    _8 = torch.gt(torch.len(torch.size(input60)), 2)
    if _8:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    scale39 = torch.adaptive_avg_pool2d(input60, [1, 1])
    scale40 = torch.conv2d(scale39, CONSTANTS.c63, CONSTANTS.c44)
    scale41 = torch.relu(scale40)
    scale42 = torch.conv2d(scale41, CONSTANTS.c64, CONSTANTS.c56)
    scale43 = torch.hardsigmoid(scale42)
    input61 = torch.mul(scale43, input60)
    input62 = torch.conv2d(input61, CONSTANTS.c65, CONSTANTS.c17)
    result4 = torch.add_(input62, result3)
    input63 = torch.conv2d(result4, CONSTANTS.c66, CONSTANTS.c56)
    x0 = torch.hardswish_(input63)
    _9 = torch.gt(torch.len(torch.size(x0)), 2)
    if _9:
      pass
    else:
      ops.prim.RaiseException("AssertionError: ")
    x1 = torch.adaptive_avg_pool2d(x0, [1, 1])
    x2 = torch.flatten(x1, 1)
    input64 = torch.linear(x2, CONSTANTS.c67, CONSTANTS.c68)
    input65 = torch.hardswish_(input64)
    x3 = torch.linear(input65, CONSTANTS.c69, CONSTANTS.c70)
    return x3
