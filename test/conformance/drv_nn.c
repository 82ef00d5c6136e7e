/* drv_nn.c: kernel-driver adapters for the neural-network kernels. */
#include "kdriver.h"

#include <string.h>

/* An optional tensor: None gives NULL. */
static int opt_tensor(const DArg *a, int i, const Tensor **t, Err *err) {
    if (a[i].kind == DA_NONE) {
        *t = NULL;
        return TSI_OK;
    }
    if (drv_expect(&a[i], DA_TENSOR, i, err))
        return err->code;
    *t = a[i].t;
    return TSI_OK;
}

static int expect_list(const DArg *a, int i, Err *err) { return drv_expect(&a[i], DA_LIST, i, err); }

/* convolution(x, w, bias?, stride, padding, dilation, transposed, output_padding, groups) */
static int nn_convolution(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *bias = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err) ||
        opt_tensor(a, 2, &bias, err) || expect_list(a, 3, err) || expect_list(a, 4, err) ||
        expect_list(a, 5, err) || drv_expect(&a[6], DA_BOOL, 6, err) || expect_list(a, 7, err) ||
        drv_expect(&a[8], DA_INT, 8, err))
        return err->code;
    ConvArgs c = {.stride = a[3].list, .nstride = a[3].nlist, .padding = a[4].list,
                  .npadding = a[4].nlist, .dilation = a[5].list, .ndilation = a[5].nlist,
                  .transposed = a[6].b, .output_padding = a[7].list,
                  .noutput_padding = a[7].nlist, .groups = a[8].i};
    return drv_push(out, kern_convolution(a[0].t, a[1].t, bias, &c, err), err);
}

/* conv(x, w, bias?, stride, padding (list or 'same'/'valid'), dilation, groups, dim) */
static int nn_conv(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *bias = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err) ||
        opt_tensor(a, 2, &bias, err) || expect_list(a, 3, err) || expect_list(a, 5, err) ||
        drv_expect(&a[6], DA_INT, 6, err) || drv_expect(&a[7], DA_INT, 7, err))
        return err->code;
    ConvArgs c = {.stride = a[3].list, .nstride = a[3].nlist, .dilation = a[5].list,
                  .ndilation = a[5].nlist, .groups = a[6].i};
    if (a[4].kind == DA_STR)
        return drv_push(out, kern_conv_padding_mode(a[0].t, a[1].t, bias, &c, a[4].s, (int)a[7].i, err),
                        err);
    if (expect_list(a, 4, err))
        return err->code;
    c.padding = a[4].list;
    c.npadding = a[4].nlist;
    return drv_push(out, kern_conv(a[0].t, a[1].t, bias, &c, (int)a[7].i, err), err);
}

/* conv_transpose(x, w, bias?, stride, padding, output_padding, groups, dilation, dim) */
static int nn_conv_transpose(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *bias = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err) ||
        opt_tensor(a, 2, &bias, err) || expect_list(a, 3, err) || expect_list(a, 4, err) ||
        expect_list(a, 5, err) || drv_expect(&a[6], DA_INT, 6, err) || expect_list(a, 7, err) ||
        drv_expect(&a[8], DA_INT, 8, err))
        return err->code;
    ConvArgs c = {.stride = a[3].list, .nstride = a[3].nlist, .padding = a[4].list,
                  .npadding = a[4].nlist, .output_padding = a[5].list,
                  .noutput_padding = a[5].nlist, .groups = a[6].i, .dilation = a[7].list,
                  .ndilation = a[7].nlist, .transposed = true};
    return drv_push(out, kern_conv(a[0].t, a[1].t, bias, &c, (int)a[8].i, err), err);
}

const DriverOp drv_nn_ops[] = {
    {"convolution", nn_convolution, 9, 9},
    {"conv", nn_conv, 8, 8},
    {"conv_transpose", nn_conv_transpose, 9, 9},
    {NULL, NULL, 0, 0},
};
