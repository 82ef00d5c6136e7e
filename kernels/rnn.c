#include "nn_internal.h"
