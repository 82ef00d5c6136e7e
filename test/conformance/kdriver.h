/*
 * kdriver.h: the kernel driver used by the conformance suite. The driver
 * runs one kernel on arguments given on the command line and writes its
 * tensor results as .npy, so pytest can compare them with torch's.
 *
 *   kdriver OUT_PREFIX OP ARG...
 *
 * ARG forms:
 *   t:PATH                         a tensor from a .npy file
 *   v:PATH:OFFSET:SIZES:STRIDES    a view (as_strided) of the tensor in PATH;
 *                                  SIZES/STRIDES comma-separated, '-' if 0-d
 *   i:N  f:X  b:0|1                int, float, bool scalars
 *   l:N,N,...                      an int list ('l:' is the empty list)
 *   s:TEXT                         a string
 *   n                              None
 *
 * Results: one tensor -> OUT_PREFIX.npy; several -> OUT_PREFIX.0.npy, ...
 * A scalar result is written as a 0-d array of int64/float64/bool.
 * Kernel errors print "error: <message>" to stderr and exit 1.
 */
#ifndef TSI_KDRIVER_H
#define TSI_KDRIVER_H

#include "kernels/kernels.h"

typedef enum { DA_TENSOR, DA_INT, DA_FLOAT, DA_BOOL, DA_LIST, DA_STR, DA_NONE } DArgKind;

typedef struct DArg {
    DArgKind kind;
    Tensor *t;
    int64_t i;
    double f;
    bool b;
    int64_t list[TSI_MAX_DIM * 4];
    int nlist;
    const char *s;
} DArg;

enum { DRV_MAX_OUT = 8 };

typedef struct DOut {
    Tensor *t[DRV_MAX_OUT]; /* owned results */
    int n;
} DOut;

/* Runs the op; on success fills out. Returns a status, err set on failure. */
typedef int (*DriverFn)(const DArg *args, int nargs, DOut *out, Err *err);

typedef struct DriverOp {
    const char *name;
    DriverFn fn;
    int min_args, max_args;
} DriverOp;

/* Helpers for op adapters. */
int drv_expect(const DArg *a, DArgKind kind, int index, Err *err);
/* A Scalar from an int/float/bool argument. */
int drv_scalar(const DArg *a, int index, Scalar *s, Err *err);
/* Add a result tensor (takes ownership; NULL means the kernel failed). */
int drv_push(DOut *out, Tensor *t, Err *err);

/* Tables, one per kernel family, each ending with {NULL}. */
extern const DriverOp drv_elementwise_ops[];
extern const DriverOp drv_reduce_ops[];
extern const DriverOp drv_linalg_ops[];
extern const DriverOp drv_shape_ops[];
extern const DriverOp drv_nn_ops[];

#endif
