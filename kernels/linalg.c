/* linalg.c: placeholder */
#include "kernels.h"
