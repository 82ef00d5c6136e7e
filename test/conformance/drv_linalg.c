/* drv_linalg.c: kernel-driver adapters for the linalg kernels. */
#include "kdriver.h"

const DriverOp drv_linalg_ops[] = {
    {NULL, NULL, 0, 0},
};
