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

/* Push a tensor result and, when non-NULL, a second one. */
static int push2(DOut *out, Tensor *a, Tensor *b, Err *err) {
    if (!a) {
        tensor_release(b);
        return err->code ? err->code : TSI_ERR_RUNTIME;
    }
    int rc = drv_push(out, a, err);
    if (rc) {
        tensor_release(b);
        return rc;
    }
    return drv_push(out, b, err);
}

/* max_pool(x, kernel, stride, padding, dilation, ceil_mode, dim, with_indices) */
static int nn_max_pool(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || expect_list(a, 1, err) || expect_list(a, 2, err) ||
        expect_list(a, 3, err) || expect_list(a, 4, err) || drv_expect(&a[5], DA_BOOL, 5, err) ||
        drv_expect(&a[6], DA_INT, 6, err) || drv_expect(&a[7], DA_BOOL, 7, err))
        return err->code;
    PoolArgs p = {.kernel = a[1].list, .nkernel = a[1].nlist, .stride = a[2].list,
                  .nstride = a[2].nlist, .padding = a[3].list, .npadding = a[3].nlist,
                  .dilation = a[4].list, .ndilation = a[4].nlist, .ceil_mode = a[5].b};
    if (!a[7].b)
        return drv_push(out, kern_max_pool(a[0].t, &p, (int)a[6].i, NULL, err), err);
    Tensor *idx = NULL;
    Tensor *y = kern_max_pool(a[0].t, &p, (int)a[6].i, &idx, err);
    return push2(out, y, idx, err);
}

/* avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor?, dim) */
static int nn_avg_pool(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || expect_list(a, 1, err) || expect_list(a, 2, err) ||
        expect_list(a, 3, err) || drv_expect(&a[4], DA_BOOL, 4, err) ||
        drv_expect(&a[5], DA_BOOL, 5, err) || drv_expect(&a[7], DA_INT, 7, err))
        return err->code;
    PoolArgs p = {.kernel = a[1].list, .nkernel = a[1].nlist, .stride = a[2].list,
                  .nstride = a[2].nlist, .padding = a[3].list, .npadding = a[3].nlist,
                  .ceil_mode = a[4].b, .count_include_pad = a[5].b,
                  .divisor_override = a[6].kind == DA_INT ? a[6].i : -1};
    return drv_push(out, kern_avg_pool(a[0].t, &p, (int)a[7].i, err), err);
}

/* adaptive_avg_pool(x, output_size, dim) / adaptive_max_pool(...) -> (y, indices) */
static int nn_adaptive_avg_pool(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || expect_list(a, 1, err) || drv_expect(&a[2], DA_INT, 2, err))
        return err->code;
    return drv_push(out, kern_adaptive_avg_pool(a[0].t, a[1].list, a[1].nlist, (int)a[2].i, err), err);
}

static int nn_adaptive_max_pool(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || expect_list(a, 1, err) || drv_expect(&a[2], DA_INT, 2, err))
        return err->code;
    Tensor *idx = NULL;
    Tensor *y = kern_adaptive_max_pool(a[0].t, a[1].list, a[1].nlist, (int)a[2].i, &idx, err);
    return push2(out, y, idx, err);
}

/* batch_norm / instance_norm(x, w?, b?, rm?, rv?, training, momentum, eps):
 * the output, then the running stats after the call (when given). */
static int norm_common(const DArg *a, DOut *out, bool instance, Err *err) {
    const Tensor *w = NULL, *b = NULL, *rm = NULL, *rv = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || opt_tensor(a, 1, &w, err) ||
        opt_tensor(a, 2, &b, err) || opt_tensor(a, 3, &rm, err) || opt_tensor(a, 4, &rv, err) ||
        drv_expect(&a[5], DA_BOOL, 5, err) || drv_expect(&a[6], DA_FLOAT, 6, err) ||
        drv_expect(&a[7], DA_FLOAT, 7, err))
        return err->code;
    Tensor *y = instance ? kern_instance_norm(a[0].t, w, b, (Tensor *)rm, (Tensor *)rv, a[5].b,
                                              a[6].f, a[7].f, err)
                         : kern_batch_norm(a[0].t, w, b, (Tensor *)rm, (Tensor *)rv, a[5].b,
                                           a[6].f, a[7].f, err);
    int rc = drv_push(out, y, err);
    if (!rc && rm)
        rc = drv_push(out, tensor_clone(rm, err), err);
    if (!rc && rv)
        rc = drv_push(out, tensor_clone(rv, err), err);
    return rc;
}

static int nn_batch_norm(const DArg *a, int n, DOut *out, Err *err) { return norm_common(a, out, false, err); }
static int nn_instance_norm(const DArg *a, int n, DOut *out, Err *err) { return norm_common(a, out, true, err); }

/* layer_norm(x, normalized_shape, w?, b?, eps) */
static int nn_layer_norm(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *w = NULL, *b = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || expect_list(a, 1, err) || opt_tensor(a, 2, &w, err) ||
        opt_tensor(a, 3, &b, err) || drv_expect(&a[4], DA_FLOAT, 4, err))
        return err->code;
    return drv_push(out, kern_layer_norm(a[0].t, a[1].list, a[1].nlist, w, b, a[4].f, NULL, NULL, err), err);
}

/* native_layer_norm(...) -> (y, mean, rstd) */
static int nn_native_layer_norm(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *w = NULL, *b = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || expect_list(a, 1, err) || opt_tensor(a, 2, &w, err) ||
        opt_tensor(a, 3, &b, err) || drv_expect(&a[4], DA_FLOAT, 4, err))
        return err->code;
    Tensor *m = NULL, *r = NULL;
    Tensor *y = kern_layer_norm(a[0].t, a[1].list, a[1].nlist, w, b, a[4].f, &m, &r, err);
    int rc = push2(out, y, m, err);
    if (rc) {
        tensor_release(r);
        return rc;
    }
    return drv_push(out, r, err);
}

/* group_norm(x, groups, w?, b?, eps) */
static int nn_group_norm(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *w = NULL, *b = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_INT, 1, err) ||
        opt_tensor(a, 2, &w, err) || opt_tensor(a, 3, &b, err) || drv_expect(&a[4], DA_FLOAT, 4, err))
        return err->code;
    return drv_push(out, kern_group_norm(a[0].t, a[1].i, w, b, a[4].f, err), err);
}

/* dropout(x, p, train, feature, alpha) */
static int nn_dropout(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_FLOAT, 1, err) ||
        drv_expect(&a[2], DA_BOOL, 2, err) || drv_expect(&a[3], DA_BOOL, 3, err) ||
        drv_expect(&a[4], DA_BOOL, 4, err))
        return err->code;
    return drv_push(out, kern_dropout(a[0].t, a[1].f, a[2].b, a[3].b, a[4].b, err), err);
}

static int nn_prelu(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err))
        return err->code;
    return drv_push(out, kern_prelu(a[0].t, a[1].t, err), err);
}

static int nn_glu(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_INT, 1, err))
        return err->code;
    return drv_push(out, kern_glu(a[0].t, a[1].i, err), err);
}

/* pixel_shuffle(x, factor, unshuffle) */
static int nn_pixel_shuffle(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_INT, 1, err) ||
        drv_expect(&a[2], DA_BOOL, 2, err))
        return err->code;
    return drv_push(out, kern_pixel_shuffle(a[0].t, a[1].i, a[2].b, err), err);
}

/* embedding(weight, indices, padding_idx) */
static int nn_embedding(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err) ||
        drv_expect(&a[2], DA_INT, 2, err))
        return err->code;
    return drv_push(out, kern_embedding(a[0].t, a[1].t, a[2].i, err), err);
}

static int nn_one_hot(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_INT, 1, err))
        return err->code;
    return drv_push(out, kern_one_hot(a[0].t, a[1].i, err), err);
}

/* rnn flags at a[k..k+5]: has_biases, num_layers, dropout, train, bidirectional, batch_first */
static int rnn_flags(const DArg *a, int k, Err *err) {
    if (drv_expect(&a[k], DA_BOOL, k, err) || drv_expect(&a[k + 1], DA_INT, k + 1, err) ||
        drv_expect(&a[k + 2], DA_FLOAT, k + 2, err) || drv_expect(&a[k + 3], DA_BOOL, k + 3, err) ||
        drv_expect(&a[k + 4], DA_BOOL, k + 4, err) || drv_expect(&a[k + 5], DA_BOOL, k + 5, err))
        return err->code;
    return TSI_OK;
}

/* lstm(input, h0, c0, flags..., params...) -> (output, hy, cy) */
static int nn_lstm(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err) ||
        drv_expect(&a[2], DA_TENSOR, 2, err) || rnn_flags(a, 3, err))
        return err->code;
    const Tensor *params[64];
    int np = n - 9;
    for (int i = 0; i < np; i++) {
        if (drv_expect(&a[9 + i], DA_TENSOR, 9 + i, err))
            return err->code;
        params[i] = a[9 + i].t;
    }
    const Tensor *hx[2] = {a[1].t, a[2].t};
    Tensor *hy = NULL, *cy = NULL;
    Tensor *y = kern_lstm(a[0].t, hx, 2, params, np, a[3].b, a[4].i, a[5].f, a[6].b, a[7].b, a[8].b,
                          &hy, &cy, err);
    int rc = push2(out, y, hy, err);
    if (rc) {
        tensor_release(cy);
        return rc;
    }
    return drv_push(out, cy, err);
}

/* gru(input, h0, flags..., params...) -> (output, hy) */
static int nn_gru(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err) || rnn_flags(a, 2, err))
        return err->code;
    const Tensor *params[64];
    int np = n - 8;
    for (int i = 0; i < np; i++) {
        if (drv_expect(&a[8 + i], DA_TENSOR, 8 + i, err))
            return err->code;
        params[i] = a[8 + i].t;
    }
    Tensor *hy = NULL;
    Tensor *y = kern_gru(a[0].t, a[1].t, params, np, a[2].b, a[3].i, a[4].f, a[5].b, a[6].b, a[7].b, &hy, err);
    return push2(out, y, hy, err);
}

/* native_mha(q, k, v, embed_dim, num_head, qkv_w, qkv_b, proj_w, proj_b, mask?,
 * need_weights, average, mask_type?) -> out [, weights]. k or v given as
 * None means "the same tensor as q" (torch's identity test). */
static int nn_native_mha(const DArg *a, int n, DOut *out, Err *err) {
    const Tensor *mask = NULL;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[3], DA_INT, 3, err) ||
        drv_expect(&a[4], DA_INT, 4, err) || drv_expect(&a[5], DA_TENSOR, 5, err) ||
        drv_expect(&a[6], DA_TENSOR, 6, err) || drv_expect(&a[7], DA_TENSOR, 7, err) ||
        drv_expect(&a[8], DA_TENSOR, 8, err) || opt_tensor(a, 9, &mask, err) ||
        drv_expect(&a[10], DA_BOOL, 10, err) || drv_expect(&a[11], DA_BOOL, 11, err))
        return err->code;
    const Tensor *q = a[0].t;
    const Tensor *k = a[1].kind == DA_TENSOR ? a[1].t : q;
    const Tensor *v = a[2].kind == DA_TENSOR ? a[2].t : k;
    Tensor *w = NULL;
    Tensor *y = kern_native_mha(q, k, v, a[3].i, a[4].i, a[5].t, a[6].t, a[7].t, a[8].t, mask,
                                a[10].b, a[11].b, a[12].kind == DA_INT ? a[12].i : -1, &w, err);
    if (!w)
        return drv_push(out, y, err);
    return push2(out, y, w, err);
}

/* encoder_layer(src, D, H, qkv_w, qkv_b, proj_w, proj_b, use_gelu, norm_first, eps,
 * nw1, nb1, nw2, nb2, fw1, fb1, fw2, fb2, mask?, mask_type?) */
static int nn_encoder_layer(const DArg *a, int n, DOut *out, Err *err) {
    static const DArgKind kinds[18] = {DA_TENSOR, DA_INT, DA_INT, DA_TENSOR, DA_TENSOR, DA_TENSOR,
                                       DA_TENSOR, DA_BOOL, DA_BOOL, DA_FLOAT, DA_TENSOR, DA_TENSOR,
                                       DA_TENSOR, DA_TENSOR, DA_TENSOR, DA_TENSOR, DA_TENSOR, DA_TENSOR};
    for (int i = 0; i < 18; i++)
        if (drv_expect(&a[i], kinds[i], i, err))
            return err->code;
    const Tensor *mask = NULL;
    if (opt_tensor(a, 18, &mask, err))
        return err->code;
    EncoderLayerArgs e = {.embed_dim = a[1].i, .num_heads = a[2].i, .qkv_weight = a[3].t,
                          .qkv_bias = a[4].t, .proj_weight = a[5].t, .proj_bias = a[6].t,
                          .use_gelu = a[7].b, .norm_first = a[8].b, .eps = a[9].f,
                          .norm_weight_1 = a[10].t, .norm_bias_1 = a[11].t, .norm_weight_2 = a[12].t,
                          .norm_bias_2 = a[13].t, .ffn_weight_1 = a[14].t, .ffn_bias_1 = a[15].t,
                          .ffn_weight_2 = a[16].t, .ffn_bias_2 = a[17].t, .mask = mask,
                          .mask_type = a[19].kind == DA_INT ? a[19].i : -1};
    return drv_push(out, kern_transformer_encoder_layer(a[0].t, &e, err), err);
}

const DriverOp drv_nn_ops[] = {
    {"convolution", nn_convolution, 9, 9},
    {"conv", nn_conv, 8, 8},
    {"conv_transpose", nn_conv_transpose, 9, 9},
    {"max_pool", nn_max_pool, 8, 8},
    {"avg_pool", nn_avg_pool, 8, 8},
    {"adaptive_avg_pool", nn_adaptive_avg_pool, 3, 3},
    {"adaptive_max_pool", nn_adaptive_max_pool, 3, 3},
    {"batch_norm", nn_batch_norm, 8, 8},
    {"instance_norm", nn_instance_norm, 8, 8},
    {"layer_norm", nn_layer_norm, 5, 5},
    {"native_layer_norm", nn_native_layer_norm, 5, 5},
    {"group_norm", nn_group_norm, 5, 5},
    {"dropout", nn_dropout, 5, 5},
    {"prelu", nn_prelu, 2, 2},
    {"glu", nn_glu, 2, 2},
    {"pixel_shuffle", nn_pixel_shuffle, 3, 3},
    {"embedding", nn_embedding, 3, 3},
    {"one_hot", nn_one_hot, 2, 2},
    {"lstm", nn_lstm, 9, 9 + 64},
    {"gru", nn_gru, 8, 8 + 64},
    {"native_mha", nn_native_mha, 13, 13},
    {"encoder_layer", nn_encoder_layer, 20, 20},
    {NULL, NULL, 0, 0},
};
