/*
 * rnn.c: aten::lstm.input and aten::gru.input (inference): multi-layer,
 * bidirectional, batch_first, with or without biases, LSTM projections
 * (proj_size). Gate matmuls go to OpenBLAS (rnn_impl.h).
 */
#include "nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T float
#define SFX f32
#define EXP expf
#define TANH tanhf
#include "rnn_impl.h"
#undef T
#undef SFX
#undef EXP
#undef TANH
#define T double
#define SFX f64
#define EXP exp
#define TANH tanh
#include "rnn_impl.h"
#undef T
#undef SFX
#undef EXP
#undef TANH

typedef struct RnnShape {
    int64_t S, B, I, H, P, L, D;
    int per; /* params per layer-direction */
    bool proj;
} RnnShape;

/* Time-major contiguous copy of the input (batch_first swaps dims 0, 1). */
static Tensor *time_major(const Tensor *x, bool batch_first, Err *err) {
    if (!batch_first)
        return tensor_contiguous(x, err);
    int64_t sz[3] = {x->sizes[1], x->sizes[0], x->sizes[2]};
    int64_t st[3] = {x->strides[1], x->strides[0], x->strides[2]};
    Tensor *v = tensor_make_view(x, 3, sz, st, x->offset, err);
    Tensor *c = v ? tensor_contiguous(v, err) : NULL;
    tensor_release(v);
    return c;
}

/* Output (S, B, F) time-major -> (B, S, F) when batch_first. */
static Tensor *output_layout(Tensor *y, bool batch_first, Err *err) {
    if (!y || !batch_first)
        return y;
    int64_t sz[3] = {y->sizes[1], y->sizes[0], y->sizes[2]};
    int64_t st[3] = {y->strides[1], y->strides[0], y->strides[2]};
    Tensor *v = tensor_make_view(y, 3, sz, st, y->offset, err);
    Tensor *c = v ? tensor_contiguous(v, err) : NULL;
    tensor_release(v);
    tensor_release(y);
    return c;
}

static int check_tensor(const Tensor *t, DType dt, int ndim, const int64_t *sizes,
                        const char *what, Err *err) {
    char b1[256], b2[256];
    if (t->dtype != dt)
        return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s", dtype_prefix(dt),
                       dtype_prefix(t->dtype));
    if (t->ndim != ndim || memcmp(t->sizes, sizes, (size_t)ndim * sizeof *sizes))
        return err_set(err, TSI_ERR_VALUE, "Expected %s size %s, got %s", what,
                       nn_shape_str(b1, sizeof b1, ndim, sizes),
                       nn_shape_str(b2, sizeof b2, t->ndim, t->sizes));
    return TSI_OK;
}

static int rnn_shape(const Tensor *input, const Tensor *const *params, int nparams, bool has_biases,
                     int64_t num_layers, bool bidirectional, bool batch_first, int gates,
                     bool allow_proj, RnnShape *s, Err *err) {
    if (input->dtype != TSI_DTYPE_FLOAT32 && input->dtype != TSI_DTYPE_FLOAT64)
        return err_set(err, TSI_ERR_UNSUPPORTED, "%s is only supported for float32 and float64",
                       gates == 4 ? "lstm" : "gru");
    if (input->ndim != 3)
        return err_set(err, TSI_ERR_VALUE, "input must have 3 dimensions, got %d", input->ndim);
    if (num_layers < 1)
        return err_set(err, TSI_ERR_VALUE, "num_layers must be positive, got %lld",
                       (long long)num_layers);
    s->L = num_layers;
    s->D = bidirectional ? 2 : 1;
    int base = has_biases ? 4 : 2;
    if (nparams == s->L * s->D * base) {
        s->proj = false;
    } else if (allow_proj && nparams == s->L * s->D * (base + 1)) {
        s->proj = true;
    } else {
        return err_set(err, TSI_ERR_VALUE, "expected %lld parameter tensors, got %d",
                       (long long)(s->L * s->D * base), nparams);
    }
    s->per = base + (s->proj ? 1 : 0);
    s->S = batch_first ? input->sizes[1] : input->sizes[0];
    s->B = batch_first ? input->sizes[0] : input->sizes[1];
    s->I = input->sizes[2];
    if (s->S == 0)
        return err_set(err, TSI_ERR_VALUE, "Expected sequence length to be larger than 0 in RNN");
    const Tensor *w_ih0 = params[0];
    if (w_ih0->ndim != 2 || w_ih0->sizes[0] % gates)
        return err_set(err, TSI_ERR_VALUE, "bad weight_ih shape");
    s->H = w_ih0->sizes[0] / gates;
    s->P = s->proj ? params[s->per - 1]->sizes[0] : s->H;
    /* validate every parameter's shape and dtype */
    DType dt = input->dtype;
    for (int64_t l = 0; l < s->L; l++)
        for (int64_t d = 0; d < s->D; d++) {
            const Tensor *const *p = params + (l * s->D + d) * s->per;
            int64_t in = l == 0 ? s->I : s->D * s->P;
            int64_t wih[2] = {gates * s->H, in}, whh[2] = {gates * s->H, s->P}, b[1] = {gates * s->H};
            if (check_tensor(p[0], dt, 2, wih, "weight_ih", err) ||
                check_tensor(p[1], dt, 2, whh, "weight_hh", err))
                return err->code;
            if (has_biases && (check_tensor(p[2], dt, 1, b, "bias_ih", err) ||
                               check_tensor(p[3], dt, 1, b, "bias_hh", err)))
                return err->code;
            if (s->proj) {
                int64_t whr[2] = {s->P, s->H};
                if (check_tensor(p[s->per - 1], dt, 2, whr, "weight_hr", err))
                    return err->code;
            }
        }
    return TSI_OK;
}

/* Shared driver: runs layers and directions, writing output and final
 * states. hx0 (L*D, B, P), cx0 (L*D, B, H) or NULL for GRU. */
static Tensor *rnn_run(const Tensor *input, const Tensor *hx0, const Tensor *cx0,
                       const Tensor *const *params, const RnnShape *s, bool has_biases,
                       bool batch_first, bool is_lstm, Tensor **hy_out, Tensor **cy_out, Err *err) {
    DType dt = input->dtype;
    size_t es = dtype_size(dt);
    int64_t gates = is_lstm ? 4 : 3;
    int64_t F = s->D * s->P;
    int64_t hsz[3] = {s->L * s->D, s->B, s->P}, csz[3] = {s->L * s->D, s->B, s->H};
    Tensor *x = time_major(input, batch_first, err);
    Tensor *hy = x ? nn_contig(hx0, dt, err) : NULL;
    Tensor *hyc = hy ? tensor_empty(dt, 3, hsz, err) : NULL;
    Tensor *cy = NULL, *cyc = NULL, *bufs[2] = {NULL, NULL};
    void *gx = NULL, *gh = NULL, *hraw = NULL;
    if (!hyc)
        goto fail;
    if (tensor_copy_(hyc, hy, err))
        goto fail;
    tensor_release(hy);
    hy = hyc;
    hyc = NULL;
    if (is_lstm) {
        cy = nn_contig(cx0, dt, err);
        cyc = cy ? tensor_empty(dt, 3, csz, err) : NULL;
        if (!cyc || tensor_copy_(cyc, cy, err))
            goto fail;
        tensor_release(cy);
        cy = cyc;
        cyc = NULL;
    }
    int64_t osz[3] = {s->S, s->B, F};
    for (int k = 0; k < 2 && s->L > 1; k++)
        if (!(bufs[k] = tensor_empty(dt, 3, osz, err)))
            goto fail;
    Tensor *y = tensor_empty(dt, 3, osz, err);
    if (!y)
        goto fail;
    gx = xmalloc((size_t)(s->S * s->B * gates * s->H + 1) * es);
    gh = xmalloc((size_t)(s->B * gates * s->H + 1) * es);
    hraw = xmalloc((size_t)(s->B * s->H + 1) * es);
    if (!gx || !gh || !hraw) {
        tensor_release(y);
        err_nomem(err);
        goto fail;
    }
    const Tensor *layer_in = x;
    for (int64_t l = 0; l < s->L; l++) {
        Tensor *lout = l == s->L - 1 ? y : bufs[l % 2];
        int64_t in = l == 0 ? s->I : F;
        for (int64_t d = 0; d < s->D; d++) {
            const Tensor *const *p = params + (l * s->D + d) * s->per;
            int64_t sd = l * s->D + d;
            char *h = (char *)tensor_data(hy) + (size_t)(sd * s->B * s->P) * es;
            const void *b_ih = has_biases ? tensor_data(p[2]) : NULL;
            const void *b_hh = has_biases ? tensor_data(p[3]) : NULL;
            /* parameters are used through raw pointers: make them contiguous */
            Tensor *pc[5] = {NULL};
            int np = s->per;
            bool ok = true;
            for (int q = 0; q < np; q++)
                ok = ok && (pc[q] = tensor_contiguous(p[q], err)) != NULL;
            if (ok) {
                b_ih = has_biases ? tensor_data(pc[2]) : NULL;
                b_hh = has_biases ? tensor_data(pc[3]) : NULL;
                const void *w_hr = s->proj ? tensor_data(pc[np - 1]) : NULL;
                if (s->S * s->B > 0) {
                    if (is_lstm) {
                        char *c = (char *)tensor_data(cy) + (size_t)(sd * s->B * s->H) * es;
                        if (dt == TSI_DTYPE_FLOAT32)
                            lstm_dir_f32(dt, tensor_data(layer_in), s->S, s->B, in, s->H, s->P,
                                         tensor_data(pc[0]), tensor_data(pc[1]), b_ih, b_hh, w_hr,
                                         d == 1, tensor_data(lout), F, d * s->P, (float *)h,
                                         (float *)c, gx, gh, hraw);
                        else
                            lstm_dir_f64(dt, tensor_data(layer_in), s->S, s->B, in, s->H, s->P,
                                         tensor_data(pc[0]), tensor_data(pc[1]), b_ih, b_hh, w_hr,
                                         d == 1, tensor_data(lout), F, d * s->P, (double *)h,
                                         (double *)c, gx, gh, hraw);
                    } else {
                        if (dt == TSI_DTYPE_FLOAT32)
                            gru_dir_f32(dt, tensor_data(layer_in), s->S, s->B, in, s->H,
                                        tensor_data(pc[0]), tensor_data(pc[1]), b_ih, b_hh, d == 1,
                                        tensor_data(lout), F, d * s->H, (float *)h, gx, gh);
                        else
                            gru_dir_f64(dt, tensor_data(layer_in), s->S, s->B, in, s->H,
                                        tensor_data(pc[0]), tensor_data(pc[1]), b_ih, b_hh, d == 1,
                                        tensor_data(lout), F, d * s->H, (double *)h, gx, gh);
                    }
                }
            }
            for (int q = 0; q < np; q++)
                tensor_release(pc[q]);
            if (!ok) {
                tensor_release(y);
                goto fail;
            }
        }
        layer_in = lout;
    }
    free(gx);
    free(gh);
    free(hraw);
    tensor_release(x);
    tensor_release(bufs[0]);
    tensor_release(bufs[1]);
    *hy_out = hy;
    if (cy_out)
        *cy_out = cy;
    return output_layout(y, batch_first, err);
fail:
    free(gx);
    free(gh);
    free(hraw);
    tensor_release(x);
    tensor_release(hy);
    tensor_release(hyc);
    tensor_release(cy);
    tensor_release(cyc);
    tensor_release(bufs[0]);
    tensor_release(bufs[1]);
    return NULL;
}

static int check_hidden(const Tensor *h, DType dt, const int64_t *want, const char *what, Err *err) {
    char b1[256], b2[256];
    if (h->ndim != 3 || memcmp(h->sizes, want, 3 * sizeof *want))
        return err_set(err, TSI_ERR_VALUE, "Expected %s size %s, got %s", what,
                       nn_shape_str(b1, sizeof b1, 3, want),
                       nn_shape_str(b2, sizeof b2, h->ndim, h->sizes));
    if (h->dtype != dt)
        return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s", dtype_prefix(dt),
                       dtype_prefix(h->dtype));
    return TSI_OK;
}

static int check_dropout(double dropout, bool train, int64_t L, Err *err) {
    if (train && dropout > 0 && L > 1)
        return err_set(err, TSI_ERR_UNSUPPORTED,
                       "dropout between recurrent layers in training mode is not supported");
    return TSI_OK;
}

Tensor *kern_lstm(const Tensor *input, const Tensor *const *hx, int nhx,
                  const Tensor *const *params, int nparams, bool has_biases, int64_t num_layers,
                  double dropout, bool train, bool bidirectional, bool batch_first, Tensor **hy,
                  Tensor **cy, Err *err) {
    RnnShape s;
    *hy = *cy = NULL;
    if (nhx != 2) {
        err_set(err, TSI_ERR_VALUE, "lstm expects two hidden states");
        return NULL;
    }
    if (check_dropout(dropout, train, num_layers, err) ||
        rnn_shape(input, params, nparams, has_biases, num_layers, bidirectional, batch_first, 4,
                  true, &s, err))
        return NULL;
    int64_t hs[3] = {s.L * s.D, s.B, s.P}, cs[3] = {s.L * s.D, s.B, s.H};
    if (check_hidden(hx[0], input->dtype, hs, "hidden[0]", err) ||
        check_hidden(hx[1], input->dtype, cs, "hidden[1]", err))
        return NULL;
    return rnn_run(input, hx[0], hx[1], params, &s, has_biases, batch_first, true, hy, cy, err);
}

Tensor *kern_gru(const Tensor *input, const Tensor *hx, const Tensor *const *params, int nparams,
                 bool has_biases, int64_t num_layers, double dropout, bool train,
                 bool bidirectional, bool batch_first, Tensor **hy, Err *err) {
    RnnShape s;
    *hy = NULL;
    if (check_dropout(dropout, train, num_layers, err) ||
        rnn_shape(input, params, nparams, has_biases, num_layers, bidirectional, batch_first, 3,
                  false, &s, err))
        return NULL;
    int64_t hs[3] = {s.L * s.D, s.B, s.H};
    if (check_hidden(hx, input->dtype, hs, "hidden", err))
        return NULL;
    return rnn_run(input, hx, NULL, params, &s, has_biases, batch_first, false, hy, NULL, err);
}
