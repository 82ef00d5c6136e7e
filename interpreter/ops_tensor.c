/*
 * ops_tensor.c: aten tensor operators bound to kernels/.
 */
#include "interp_int.h"

const OpDef interp_ops_tensor[] = {
    {NULL, NULL},
};
