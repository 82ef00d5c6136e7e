/*
 * attention.c: the fused transformer ops that scripted nn.MultiheadAttention
 * and nn.TransformerEncoderLayer call on their inference fast path in torch
 * 1.13: aten::_native_multi_head_attention and
 * aten::_transformer_encoder_layer_fwd. Dense (non-nested) inputs only.
 */
#include "nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T float
#define SFX f32
#define EXP expf
#define SQRT sqrtf
#include "attention_impl.h"
#undef T
#undef SFX
#undef EXP
#undef SQRT
#define T double
#define SFX f64
#define EXP exp
#define SQRT sqrt
#include "attention_impl.h"
#undef T
#undef SFX
#undef EXP
#undef SQRT

/* y (M, N) = x (M, K) . w^T (w (N, K)) + b, into y with row stride ldy. */
static void linear_into(DType dt, const void *x, int64_t M, int64_t K, const void *w, int64_t N,
                        const void *b, void *y, int64_t ldy) {
    size_t es = dtype_size(dt);
    for (int64_t i = 0; i < M; i++) {
        char *row = (char *)y + (size_t)(i * ldy) * es;
        if (b)
            memcpy(row, b, (size_t)N * es);
        else
            memset(row, 0, (size_t)N * es);
    }
    nn_gemm(dt, false, true, M, N, K, 1.0, x, K, w, K, 1.0, y, ldy);
}

static int check_dim(const Tensor *t, int want, const char *name, Err *err) {
    if (t->ndim != want)
        return err_set(err, TSI_ERR_VALUE, "expected %d-D `%s`, got %d-D tensor", want, name, t->ndim);
    return TSI_OK;
}

static int mha_checks(const Tensor *q, const Tensor *k, const Tensor *v, int64_t D, int64_t H,
                      const Tensor *qkv_w, const Tensor *qkv_b, const Tensor *mask,
                      int64_t mask_type, Err *err) {
    if (check_dim(q, 3, "query", err))
        return err->code;
    if (q->sizes[2] != D)
        return err_set(err, TSI_ERR_VALUE, "passed-in embed_dim %lld didn't match last dim of query %lld",
                       (long long)D, (long long)q->sizes[2]);
    if (check_dim(k, 3, "key", err) || check_dim(v, 3, "value", err))
        return err->code;
    if (memcmp(q->sizes, k->sizes, 3 * sizeof(int64_t)) || memcmp(k->sizes, v->sizes, 3 * sizeof(int64_t)))
        return err_set(err, TSI_ERR_VALUE, "expected `query`/`key`/`value` shapes to match");
    if (check_dim(qkv_w, 2, "qkv_weight", err))
        return err->code;
    if (qkv_w->sizes[0] != 3 * D)
        return err_set(err, TSI_ERR_VALUE, "expected `qkv_weight` first dim to be 3x embed_dim");
    if (qkv_w->sizes[1] != D)
        return err_set(err, TSI_ERR_VALUE, "expected `qkv_weight` second dim to be embed_Dim");
    if (check_dim(qkv_b, 1, "qkv_bias", err))
        return err->code;
    if (qkv_b->sizes[0] != 3 * D)
        return err_set(err, TSI_ERR_VALUE,
                       "expected `qkv_bias` first dim and first dim of query to be equal");
    if (H <= 0 || D % H)
        return err_set(err, TSI_ERR_VALUE, "`embed_dim` must divide evenly by `num_heads`");
    DType dt = q->dtype;
    if (dt != TSI_DTYPE_FLOAT32 && dt != TSI_DTYPE_FLOAT64)
        return err_set(err, TSI_ERR_UNSUPPORTED,
                       "_native_multi_head_attention is only supported for float32 and float64");
    if (mask) {
        if (mask_type < 0)
            return err_set(err, TSI_ERR_VALUE, "Mask Type should be defined");
        if (mask->ndim == 0 || mask->sizes[0] != q->sizes[0])
            return err_set(err, TSI_ERR_VALUE,
                           "Expected attn_mask->sizes()[0] == batch_size to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)");
        if (mask_type == 0)
            return err_set(err, TSI_ERR_UNSUPPORTED, "src_mask not currently supported on CPU");
        int64_t S = q->sizes[1];
        bool ok = (mask->ndim == 2 && mask->sizes[1] == S) ||
                  (mask->ndim == 4 && mask->sizes[1] == H && mask->sizes[2] == S && mask->sizes[3] == S);
        if (!ok)
            return err_set(err, TSI_ERR_VALUE, "Mask shape should match input shape");
    }
    return TSI_OK;
}

Tensor *kern_native_mha(const Tensor *q, const Tensor *k, const Tensor *v, int64_t D, int64_t H,
                        const Tensor *qkv_weight, const Tensor *qkv_bias,
                        const Tensor *proj_weight, const Tensor *proj_bias, const Tensor *mask,
                        bool need_weights, bool average_attn_weights, int64_t mask_type,
                        Tensor **weights, Err *err) {
    *weights = NULL;
    if (mha_checks(q, k, v, D, H, qkv_weight, qkv_bias, mask, mask_type, err))
        return NULL;
    DType dt = q->dtype;
    const Tensor *params[4] = {qkv_weight, qkv_bias, proj_weight, proj_bias};
    for (int i = 0; i < 4; i++)
        if (params[i]->dtype != dt) {
            err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s", dtype_prefix(dt),
                    dtype_prefix(params[i]->dtype));
            return NULL;
        }
    if (proj_weight->ndim != 2 || proj_weight->sizes[0] != D || proj_weight->sizes[1] != D ||
        proj_bias->ndim != 1 || proj_bias->sizes[0] != D) {
        err_set(err, TSI_ERR_VALUE, "expected `proj_weight` of shape [%lld, %lld] and `proj_bias` of shape [%lld]",
                (long long)D, (long long)D, (long long)D);
        return NULL;
    }
    int64_t B = q->sizes[0], S = q->sizes[1];
    if (B * S * D == 0)
        return tensor_empty(dt, 3, q->sizes, err);
    size_t es = dtype_size(dt);
    Tensor *qc = NULL, *kc = NULL, *vc = NULL, *wc = NULL, *bc = NULL, *pw = NULL, *pb = NULL,
           *mc = NULL, *out = NULL, *wts = NULL;
    void *qkv = NULL, *ctx = NULL, *scores = NULL;
    qc = tensor_contiguous(q, err);
    kc = qc ? tensor_contiguous(k, err) : NULL;
    vc = kc ? tensor_contiguous(v, err) : NULL;
    wc = vc ? tensor_contiguous(qkv_weight, err) : NULL;
    bc = wc ? tensor_contiguous(qkv_bias, err) : NULL;
    pw = bc ? tensor_contiguous(proj_weight, err) : NULL;
    pb = pw ? tensor_contiguous(proj_bias, err) : NULL;
    if (!pb)
        goto fail;
    if (mask && !(mc = nn_contig(mask, TSI_DTYPE_BOOL, err)))
        goto fail;
    qkv = xmalloc((size_t)(B * S * 3 * D) * es);
    ctx = xmalloc((size_t)(B * S * D) * es);
    scores = xmalloc((size_t)(S * S) * es);
    if (!qkv || !ctx || !scores) {
        err_nomem(err);
        goto fail;
    }
    if (q == k && k == v) {
        /* self-attention: one GEMM for q, k and v */
        linear_into(dt, tensor_data(qc), B * S, D, tensor_data(wc), 3 * D, NULL, qkv, 3 * D);
    } else {
        const Tensor *ins[3] = {qc, kc, vc};
        for (int i = 0; i < 3; i++)
            linear_into(dt, tensor_data(ins[i]), B * S, D,
                        (const char *)tensor_data(wc) + (size_t)(i * D * D) * es, D, NULL,
                        (char *)qkv + (size_t)(i * D) * es, 3 * D);
    }
    if (need_weights) {
        int64_t wsz[4] = {B, H, S, S};
        if (!(wts = tensor_empty(dt, 4, wsz, err)))
            goto fail;
    }
    if (dt == TSI_DTYPE_FLOAT32)
        mha_core_f32(dt, qkv, tensor_data(bc), B, S, D, H, mc ? tensor_data(mc) : NULL,
                     mc && mc->ndim == 4, ctx, wts ? tensor_data(wts) : NULL, scores);
    else
        mha_core_f64(dt, qkv, tensor_data(bc), B, S, D, H, mc ? tensor_data(mc) : NULL,
                     mc && mc->ndim == 4, ctx, wts ? tensor_data(wts) : NULL, scores);
    int64_t osz[3] = {B, S, D};
    if (!(out = tensor_empty(dt, 3, osz, err)))
        goto fail;
    linear_into(dt, ctx, B * S, D, tensor_data(pw), D, tensor_data(pb), tensor_data(out), D);
    if (wts && average_attn_weights) {
        int64_t asz[3] = {B, S, S};
        Tensor *avg = tensor_empty(dt, 3, asz, err);
        if (!avg)
            goto fail;
        int64_t n = S * S;
        for (int64_t b = 0; b < B; b++)
            for (int64_t i = 0; i < n; i++) {
                double s = 0;
                for (int64_t h = 0; h < H; h++)
                    s += dt == TSI_DTYPE_FLOAT32
                             ? ((const float *)tensor_data(wts))[(b * H + h) * n + i]
                             : ((const double *)tensor_data(wts))[(b * H + h) * n + i];
                if (dt == TSI_DTYPE_FLOAT32)
                    ((float *)tensor_data(avg))[b * n + i] = (float)s / (float)H;
                else
                    ((double *)tensor_data(avg))[b * n + i] = s / (double)H;
            }
        tensor_release(wts);
        wts = avg;
    }
    *weights = wts;
    wts = NULL;
fail:
    free(qkv);
    free(ctx);
    free(scores);
    tensor_release(qc);
    tensor_release(kc);
    tensor_release(vc);
    tensor_release(wc);
    tensor_release(bc);
    tensor_release(pw);
    tensor_release(pb);
    tensor_release(mc);
    tensor_release(wts);
    return out;
}

/* y += r elementwise (same shape, contiguous). */
static void add_inplace(Tensor *y, const Tensor *r) {
    int64_t n = tensor_numel(y);
    if (y->dtype == TSI_DTYPE_FLOAT32) {
        float *a = tensor_data(y);
        const float *b = tensor_data(r);
        for (int64_t i = 0; i < n; i++)
            a[i] += b[i];
    } else {
        double *a = tensor_data(y);
        const double *b = tensor_data(r);
        for (int64_t i = 0; i < n; i++)
            a[i] += b[i];
    }
}

/* Feed-forward block: linear -> gelu (exact, erf) or relu -> linear. */
static Tensor *ffn(const Tensor *x, const EncoderLayerArgs *a, Err *err) {
    DType dt = x->dtype;
    int64_t M = tensor_numel(x) / x->sizes[x->ndim - 1], D = x->sizes[x->ndim - 1];
    int64_t F = a->ffn_weight_1->sizes[0];
    size_t es = dtype_size(dt);
    Tensor *w1 = tensor_contiguous(a->ffn_weight_1, err);
    Tensor *b1 = w1 ? tensor_contiguous(a->ffn_bias_1, err) : NULL;
    Tensor *w2 = b1 ? tensor_contiguous(a->ffn_weight_2, err) : NULL;
    Tensor *b2 = w2 ? tensor_contiguous(a->ffn_bias_2, err) : NULL;
    Tensor *y = b2 ? tensor_empty(dt, x->ndim, x->sizes, err) : NULL;
    void *hid = y ? xmalloc((size_t)(M * F + 1) * es) : NULL;
    if (!hid) {
        if (y)
            err_nomem(err);
        tensor_release(y);
        y = NULL;
        goto done;
    }
    linear_into(dt, tensor_data(x), M, D, tensor_data(w1), F, tensor_data(b1), hid, F);
    for (int64_t i = 0; i < M * F; i++) {
        if (dt == TSI_DTYPE_FLOAT32) {
            float *p = (float *)hid + i;
            *p = a->use_gelu ? 0.5f * *p * (1.0f + erff(*p * (float)M_SQRT1_2)) : (*p > 0 ? *p : 0.0f);
        } else {
            double *p = (double *)hid + i;
            *p = a->use_gelu ? 0.5 * *p * (1.0 + erf(*p * M_SQRT1_2)) : (*p > 0 ? *p : 0.0);
        }
    }
    linear_into(dt, hid, M, F, tensor_data(w2), D, tensor_data(b2), tensor_data(y), D);
    free(hid);
done:
    tensor_release(w1);
    tensor_release(b1);
    tensor_release(w2);
    tensor_release(b2);
    return y;
}

static Tensor *norm(const Tensor *x, const EncoderLayerArgs *a, const Tensor *w, const Tensor *b,
                    Err *err) {
    int64_t ns = a->embed_dim;
    return kern_layer_norm(x, &ns, 1, w, b, a->eps, NULL, NULL, err);
}

/* Shapes and dtypes of the layer's parameters (torch's linear/layer_norm
 * would reject the same inputs). */
static int encoder_checks(const Tensor *src, const EncoderLayerArgs *a, Err *err) {
    int64_t D = a->embed_dim;
    if (src->ndim != 3 || src->sizes[2] != D)
        return err_set(err, TSI_ERR_VALUE, "expected `src` of shape [B, S, %lld]", (long long)D);
    const Tensor *w1 = a->ffn_weight_1;
    if (w1->ndim != 2 || w1->sizes[1] != D)
        return err_set(err, TSI_ERR_VALUE, "expected `ffn_weight_1` of shape [F, %lld]", (long long)D);
    int64_t F = w1->sizes[0];
    struct {
        const Tensor *t;
        int nd;
        int64_t s0, s1;
        const char *name;
    } want[] = {{a->ffn_bias_1, 1, F, 0, "ffn_bias_1"},     {a->ffn_weight_2, 2, D, F, "ffn_weight_2"},
                {a->ffn_bias_2, 1, D, 0, "ffn_bias_2"},     {a->norm_weight_1, 1, D, 0, "norm_weight_1"},
                {a->norm_bias_1, 1, D, 0, "norm_bias_1"},   {a->norm_weight_2, 1, D, 0, "norm_weight_2"},
                {a->norm_bias_2, 1, D, 0, "norm_bias_2"}};
    for (size_t i = 0; i < TSI_ARRAY_LEN(want); i++) {
        const Tensor *t = want[i].t;
        if (t->ndim != want[i].nd || t->sizes[0] != want[i].s0 || (want[i].nd == 2 && t->sizes[1] != want[i].s1))
            return err_set(err, TSI_ERR_VALUE, "`%s` has the wrong shape", want[i].name);
        if (t->dtype != src->dtype)
            return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s",
                           dtype_prefix(src->dtype), dtype_prefix(t->dtype));
    }
    if (w1->dtype != src->dtype)
        return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s",
                       dtype_prefix(src->dtype), dtype_prefix(w1->dtype));
    return TSI_OK;
}

Tensor *kern_transformer_encoder_layer(const Tensor *src, const EncoderLayerArgs *a, Err *err) {
    if (tensor_numel(src) == 0)
        return tensor_clone(src, err);
    if (encoder_checks(src, a, err))
        return NULL;
    Tensor *x = NULL, *attn = NULL, *wts = NULL, *res = NULL, *y = NULL;
    Tensor *s = tensor_contiguous(src, err);
    if (!s)
        return NULL;
    if (a->norm_first) {
        if (!(x = norm(s, a, a->norm_weight_1, a->norm_bias_1, err)))
            goto fail;
    } else {
        tensor_retain(s);
        x = s;
    }
    attn = kern_native_mha(x, x, x, a->embed_dim, a->num_heads, a->qkv_weight, a->qkv_bias,
                           a->proj_weight, a->proj_bias, a->mask, false, true, a->mask_type, &wts,
                           err);
    tensor_release(x);
    x = NULL;
    if (!attn)
        goto fail;
    add_inplace(attn, s);
    if (!a->norm_first) {
        res = norm(attn, a, a->norm_weight_1, a->norm_bias_1, err);
        tensor_release(attn);
        attn = NULL;
        if (!res)
            goto fail;
    } else {
        res = attn;
        attn = NULL;
    }
    /* res is the pre-FFN residual */
    if (a->norm_first) {
        if (!(x = norm(res, a, a->norm_weight_2, a->norm_bias_2, err)))
            goto fail;
    } else {
        tensor_retain(res);
        x = res;
    }
    y = ffn(x, a, err);
    tensor_release(x);
    x = NULL;
    if (!y)
        goto fail;
    add_inplace(y, res);
    if (!a->norm_first) {
        Tensor *z = norm(y, a, a->norm_weight_2, a->norm_bias_2, err);
        tensor_release(y);
        y = z;
    }
fail:
    tensor_release(s);
    tensor_release(x);
    tensor_release(attn);
    tensor_release(wts);
    tensor_release(res);
    return y;
}
