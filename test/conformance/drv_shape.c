/* drv_shape.c: kernel-driver adapters for the shape kernels. */
#include "kdriver.h"

const DriverOp drv_shape_ops[] = {
    {NULL, NULL, 0, 0},
};
