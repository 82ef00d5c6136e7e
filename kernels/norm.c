/*
 * norm.c: normalization — batch_norm (running statistics, or batch
 * statistics with the running-stat update when training), instance_norm,
 * layer_norm / native_layer_norm and group_norm, with torch's checks and
 * messages. float32/float64 compute natively; bfloat16 through float32.
 */
#include "nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T float
#define SFX f32
#include "norm_impl.h"
#undef T
#undef SFX
#define T double
#define SFX f64
#include "norm_impl.h"
#undef T
#undef SFX

static bool norm_dtype_ok(DType dt) {
    return dt == TSI_DTYPE_FLOAT32 || dt == TSI_DTYPE_FLOAT64 || dt == TSI_DTYPE_BFLOAT16;
}

static DType work_of(DType dt) { return dt == TSI_DTYPE_BFLOAT16 ? TSI_DTYPE_FLOAT32 : dt; }

/* A parameter vector as doubles (NULL tensor -> NULL). */
static double *to_doubles(const Tensor *t, Err *err) {
    if (!t)
        return NULL;
    Tensor *c = nn_contig(t, TSI_DTYPE_FLOAT64, err);
    if (!c)
        return NULL;
    int64_t n = tensor_numel(c);
    double *d = xmalloc((size_t)(n ? n : 1) * sizeof *d);
    if (d)
        memcpy(d, tensor_data(c), (size_t)n * sizeof *d);
    else
        err_nomem(err);
    tensor_release(c);
    return d;
}

/* Write doubles back into a float tensor in place (running stats). */
static int store_doubles(Tensor *t, const double *v, Err *err) {
    int64_t n = tensor_numel(t);
    Tensor *src = tensor_empty(TSI_DTYPE_FLOAT64, t->ndim, t->sizes, err);
    if (!src)
        return err->code;
    memcpy(tensor_data(src), v, (size_t)n * sizeof *v);
    int rc = tensor_copy_(t, src, err);
    tensor_release(src);
    return rc;
}

static Tensor *convert_back(Tensor *y, DType dt, Err *err) {
    if (!y || y->dtype == dt)
        return y;
    Tensor *r = tensor_empty(dt, y->ndim, y->sizes, err);
    if (r && tensor_copy_(r, y, err)) {
        tensor_release(r);
        r = NULL;
    }
    tensor_release(y);
    return r;
}

/* y = x * scale[row % nsc] + shift[...] over rows of L (x (R, L) contiguous). */
static Tensor *apply_affine(const Tensor *x, int64_t C, int64_t L, const double *scale,
                            const double *shift, bool per_instance, Err *err) {
    DType dt = x->dtype, wt = work_of(dt);
    Tensor *xc = nn_contig(x, wt, err);
    Tensor *y = xc ? tensor_empty(wt, x->ndim, x->sizes, err) : NULL;
    if (!y) {
        tensor_release(xc);
        return NULL;
    }
    int64_t rows = L ? tensor_numel(x) / L : 0;
    double *sc = NULL, *sh = NULL;
    if (rows > 0 && !per_instance) {
        /* expand per-channel factors to rows (n, c) */
        sc = xmalloc((size_t)rows * sizeof *sc);
        sh = xmalloc((size_t)rows * sizeof *sh);
        if (!sc || !sh) {
            free(sc);
            free(sh);
            tensor_release(xc);
            tensor_release(y);
            err_nomem(err);
            return NULL;
        }
        for (int64_t r = 0; r < rows; r++)
            sc[r] = scale[r % C], sh[r] = shift[r % C];
        scale = sc, shift = sh;
    }
    if (rows > 0) {
        if (wt == TSI_DTYPE_FLOAT32)
            affine_rows_f32(tensor_data(xc), tensor_data(y), rows, L, scale, shift);
        else
            affine_rows_f64(tensor_data(xc), tensor_data(y), rows, L, scale, shift);
    }
    free(sc);
    free(sh);
    tensor_release(xc);
    return convert_back(y, dt, err);
}

/* Per-(row) moments of x viewed as (N, C, L): per channel over N and L when
 * !per_instance, else per (n, c). */
static int moments(const Tensor *x, int64_t N, int64_t C, int64_t L, bool per_instance,
                   double *mean, double *var, Err *err) {
    DType wt = work_of(x->dtype);
    Tensor *xc = nn_contig(x, wt, err);
    if (!xc)
        return err->code;
    if (tensor_numel(xc) == 0) {
        tensor_release(xc);
        return TSI_OK;
    }
    if (!per_instance) {
        if (wt == TSI_DTYPE_FLOAT32)
            channel_moments_f32(tensor_data(xc), N, C, L, mean, var);
        else
            channel_moments_f64(tensor_data(xc), N, C, L, mean, var);
    } else {
        /* each (n, c) is one "channel" of a batch of 1 */
        if (wt == TSI_DTYPE_FLOAT32)
            channel_moments_f32(tensor_data(xc), 1, N * C, L, mean, var);
        else
            channel_moments_f64(tensor_data(xc), 1, N * C, L, mean, var);
    }
    tensor_release(xc);
    return TSI_OK;
}

static int check_count(const char *what, int64_t want, const Tensor *t, Err *err) {
    if (t && tensor_numel(t) != want)
        return err_set(err, TSI_ERR_VALUE, "%s should contain %lld elements not %lld", what,
                       (long long)want, (long long)tensor_numel(t));
    return TSI_OK;
}

/*
 * Shared by batch_norm and instance_norm: x is seen as (N, C, L); with
 * per_instance the statistics (and running stats, weights repeated) are
 * per (n, c), as instance_norm's reshape to (1, N*C, L) makes them.
 */
static Tensor *bn_core(const Tensor *x, const Tensor *weight, const Tensor *bias,
                       Tensor *running_mean, Tensor *running_var, bool use_batch_stats,
                       double momentum, double eps, bool per_instance, Err *err) {
    int64_t N = x->ndim > 0 ? x->sizes[0] : 1, C = x->ndim > 1 ? x->sizes[1] : 0, L = 1;
    for (int i = 2; i < x->ndim; i++)
        L *= x->sizes[i];
    int64_t R = per_instance ? N * C : C; /* statistics rows */
    double *mean = xcalloc((size_t)(R ? R : 1), sizeof *mean);
    double *var = xcalloc((size_t)(R ? R : 1), sizeof *var);
    double *scale = xcalloc((size_t)(R ? R : 1), sizeof *scale);
    double *shift = xcalloc((size_t)(R ? R : 1), sizeof *shift);
    double *w = NULL, *b = NULL, *rm = NULL, *rv = NULL;
    Tensor *y = NULL;
    if (!mean || !var || !scale || !shift) {
        err_nomem(err);
        goto done;
    }
    if ((weight && !(w = to_doubles(weight, err))) || (bias && !(b = to_doubles(bias, err))) ||
        (running_mean && !(rm = to_doubles(running_mean, err))) ||
        (running_var && !(rv = to_doubles(running_var, err))))
        goto done;
    if (use_batch_stats) {
        if (moments(x, N, C, L, per_instance, mean, var, err))
            goto done;
        int64_t cnt = per_instance ? L : N * L;
        if (rm && rv && tensor_numel(x) > 0) {
            /* running = (1 - m) * running + m * stat (unbiased variance);
             * instance_norm stores the mean over the batch of the updates */
            for (int64_t c = 0; c < C; c++) {
                double um = 0, uv = 0;
                int64_t reps = per_instance ? N : 1;
                for (int64_t n = 0; n < reps; n++) {
                    int64_t r = per_instance ? n * C + c : c;
                    double unb = cnt > 1 ? var[r] * (double)cnt / (double)(cnt - 1) : NAN;
                    um += (1 - momentum) * rm[c] + momentum * mean[r];
                    uv += (1 - momentum) * rv[c] + momentum * unb;
                }
                rm[c] = um / (double)reps;
                rv[c] = uv / (double)reps;
            }
            if (store_doubles(running_mean, rm, err) || store_doubles(running_var, rv, err))
                goto done;
        }
        for (int64_t r = 0; r < R; r++) {
            int64_t c = r % (C ? C : 1);
            double is = 1.0 / sqrt(var[r] + eps);
            scale[r] = (w ? w[c] : 1.0) * is;
            shift[r] = (b ? b[c] : 0.0) - mean[r] * scale[r];
        }
    } else {
        for (int64_t r = 0; r < R; r++) {
            int64_t c = r % (C ? C : 1);
            double is = 1.0 / sqrt(rv[c] + eps);
            scale[r] = (w ? w[c] : 1.0) * is;
            shift[r] = (b ? b[c] : 0.0) - rm[c] * scale[r];
        }
    }
    y = apply_affine(x, C ? C : 1, L, scale, shift, per_instance, err);
done:
    free(mean);
    free(var);
    free(scale);
    free(shift);
    free(w);
    free(b);
    free(rm);
    free(rv);
    return y;
}

static int param_dtypes(const Tensor *x, const Tensor *weight, const Tensor *bias,
                        const Tensor *rm, const Tensor *rv, Err *err) {
    DType dt = x->dtype;
    const Tensor *wb[2] = {weight, bias};
    for (int i = 0; i < 2; i++)
        if (wb[i] && wb[i]->dtype != dt) {
            if (dt == TSI_DTYPE_FLOAT32)
                return err_set(err, TSI_ERR_TYPE,
                               "mixed dtype (CPU): expect parameter to have scalar type of Float");
            return err_set(err, TSI_ERR_TYPE,
                           "mixed dtype (CPU): expect input to have scalar type of BFloat16");
        }
    const Tensor *rs[2] = {rm, rv};
    for (int i = 0; i < 2; i++)
        if (rs[i] && rs[i]->dtype != dt)
            return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s",
                           dtype_prefix(dt), dtype_prefix(rs[i]->dtype));
    return TSI_OK;
}

Tensor *kern_batch_norm(const Tensor *x, const Tensor *weight, const Tensor *bias,
                        Tensor *running_mean, Tensor *running_var, bool training, double momentum,
                        double eps, Err *err) {
    int64_t C = x->ndim > 1 ? x->sizes[1] : 0;
    {
        if (running_mean) {
            if (check_count("running_mean", C, running_mean, err))
                return NULL;
        } else if (!training) {
            err_set(err, TSI_ERR_VALUE, "running_mean must be defined in evaluation mode");
            return NULL;
        }
        if (running_var) {
            if (check_count("running_var", C, running_var, err))
                return NULL;
        } else if (!training) {
            err_set(err, TSI_ERR_VALUE, "running_var must be defined in evaluation mode");
            return NULL;
        }
        if (check_count("weight", C, weight, err) || check_count("bias", C, bias, err))
            return NULL;
    }
    if (!norm_dtype_ok(x->dtype)) {
        err_set(err, TSI_ERR_TYPE, "\"batch_norm\" not implemented for '%s'", dtype_prefix(x->dtype));
        return NULL;
    }
    if (param_dtypes(x, weight, bias, running_mean, running_var, err))
        return NULL;
    return bn_core(x, weight, bias, running_mean, running_var, training, momentum, eps, false, err);
}

Tensor *kern_instance_norm(const Tensor *x, const Tensor *weight, const Tensor *bias,
                           Tensor *running_mean, Tensor *running_var, bool use_input_stats,
                           double momentum, double eps, Err *err) {
    if (!use_input_stats && !(running_mean && running_var)) {
        err_set(err, TSI_ERR_VALUE,
                "Expected running_mean and running_var to be defined when use_input_stats is false");
        return NULL;
    }
    if (x->ndim < 2) {
        int n = x->ndim ? x->ndim : 1;
        err_set(err, TSI_ERR_INDEX,
                "Dimension out of range (expected to be in range of [%d, %d], but got 1)", -n, n - 1);
        return NULL;
    }
    int64_t C = x->sizes[1], NC = x->sizes[0] * C;
    /* aten repeats the parameters N times and runs batch_norm on (1, N*C, ...) */
    const char *names[4] = {"weight", "bias", "running_mean", "running_var"};
    const Tensor *ps[4] = {weight, bias, running_mean, running_var};
    for (int i = 0; i < 4; i++)
        if (ps[i] && tensor_numel(ps[i]) != C) {
            err_set(err, TSI_ERR_VALUE, "%s should contain %lld elements not %lld", names[i],
                    (long long)NC, (long long)(tensor_numel(ps[i]) * x->sizes[0]));
            return NULL;
        }
    if (!norm_dtype_ok(x->dtype)) {
        err_set(err, TSI_ERR_TYPE, "\"batch_norm\" not implemented for '%s'", dtype_prefix(x->dtype));
        return NULL;
    }
    if (param_dtypes(x, weight, bias, running_mean, running_var, err))
        return NULL;
    if (!use_input_stats) /* running stats per channel: plain batch_norm in eval */
        return bn_core(x, weight, bias, running_mean, running_var, false, momentum, eps, false, err);
    return bn_core(x, weight, bias, running_mean, running_var, true, momentum, eps, true, err);
}

Tensor *kern_layer_norm(const Tensor *x, const int64_t *ns, int nn, const Tensor *weight,
                        const Tensor *bias, double eps, Tensor **mean, Tensor **rstd, Err *err) {
    char b1[256], b2[256];
    if (nn < 1) {
        err_set(err, TSI_ERR_VALUE,
                "Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
                "least one element, but got normalized_shape = []");
        return NULL;
    }
    const Tensor *wb[2] = {weight, bias};
    const char *wbn[2] = {"weight", "bias"};
    for (int i = 0; i < 2; i++)
        if (wb[i] && (wb[i]->ndim != nn || memcmp(wb[i]->sizes, ns, (size_t)nn * sizeof *ns))) {
            err_set(err, TSI_ERR_VALUE,
                    "Expected %s to be of same shape as normalized_shape, but got %s of shape %s "
                    "and normalized_shape = %s",
                    wbn[i], wbn[i], nn_shape_str(b1, sizeof b1, wb[i]->ndim, wb[i]->sizes),
                    nn_shape_str(b2, sizeof b2, nn, ns));
            return NULL;
        }
    if (x->ndim < nn || memcmp(x->sizes + x->ndim - nn, ns, (size_t)nn * sizeof *ns)) {
        StrBuf sb;
        sb_init(&sb);
        sb_printf(&sb, "Given normalized_shape=%s, expected input with shape [*",
                  nn_shape_str(b1, sizeof b1, nn, ns));
        for (int i = 0; i < nn; i++)
            sb_printf(&sb, ", %lld", (long long)ns[i]);
        sb_printf(&sb, "], but got input of size%s", nn_shape_str(b2, sizeof b2, x->ndim, x->sizes));
        err_set(err, TSI_ERR_VALUE, "%s", sb_cstr(&sb));
        sb_free(&sb);
        return NULL;
    }
    if (!norm_dtype_ok(x->dtype)) {
        err_set(err, TSI_ERR_TYPE, "\"LayerNormKernelImpl\" not implemented for '%s'",
                dtype_prefix(x->dtype));
        return NULL;
    }
    for (int i = 0; i < 2; i++)
        if (wb[i] && wb[i]->dtype != x->dtype) {
            err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s",
                    dtype_prefix(x->dtype), dtype_prefix(wb[i]->dtype));
            return NULL;
        }
    DType dt = x->dtype, wt = work_of(dt);
    int64_t L = 1;
    for (int i = 0; i < nn; i++)
        L *= ns[i];
    int64_t rows = L ? tensor_numel(x) / L : 0;
    int64_t ssz[TSI_MAX_DIM];
    memcpy(ssz, x->sizes, sizeof ssz);
    for (int i = x->ndim - nn; i < x->ndim; i++)
        ssz[i] = 1;
    Tensor *xc = nn_contig(x, wt, err);
    Tensor *wc = xc && weight ? nn_contig(weight, wt, err) : NULL;
    Tensor *bc = xc && bias ? nn_contig(bias, wt, err) : NULL;
    Tensor *y = xc ? tensor_empty(wt, x->ndim, x->sizes, err) : NULL;
    Tensor *m = y && mean ? tensor_empty(wt, x->ndim, ssz, err) : NULL;
    Tensor *r = y && mean ? tensor_empty(wt, x->ndim, ssz, err) : NULL;
    if (!y || (weight && !wc) || (bias && !bc) || (mean && (!m || !r)))
        goto fail;
    if (rows > 0 && L > 0) {
        if (wt == TSI_DTYPE_FLOAT32)
            layer_norm_rows_f32(tensor_data(xc), tensor_data(y), rows, L,
                                wc ? tensor_data(wc) : NULL, bc ? tensor_data(bc) : NULL, eps,
                                m ? tensor_data(m) : NULL, r ? tensor_data(r) : NULL);
        else
            layer_norm_rows_f64(tensor_data(xc), tensor_data(y), rows, L,
                                wc ? tensor_data(wc) : NULL, bc ? tensor_data(bc) : NULL, eps,
                                m ? tensor_data(m) : NULL, r ? tensor_data(r) : NULL);
    }
    tensor_release(xc);
    tensor_release(wc);
    tensor_release(bc);
    if (mean) {
        *mean = convert_back(m, dt, err);
        *rstd = convert_back(r, dt, err);
    }
    return convert_back(y, dt, err);
fail:
    tensor_release(xc);
    tensor_release(wc);
    tensor_release(bc);
    tensor_release(y);
    tensor_release(m);
    tensor_release(r);
    return NULL;
}

Tensor *kern_group_norm(const Tensor *x, int64_t G, const Tensor *weight, const Tensor *bias,
                        double eps, Err *err) {
    char b1[256], b2[256];
    if (x->ndim < 2) {
        int n = x->ndim ? x->ndim : 1;
        err_set(err, TSI_ERR_INDEX,
                "Dimension out of range (expected to be in range of [%d, %d], but got 1)", -n, n - 1);
        return NULL;
    }
    int64_t N = x->sizes[0], C = x->sizes[1], L = 1;
    for (int i = 2; i < x->ndim; i++)
        L *= x->sizes[i];
    if (G <= 0) {
        err_set(err, TSI_ERR_VALUE, "Expected num groups to be greater than 0, got %lld", (long long)G);
        return NULL;
    }
    if (C % G) {
        err_set(err, TSI_ERR_VALUE,
                "Expected number of channels in input to be divisible by num_groups, but got input "
                "of shape %s and num_groups=%lld",
                nn_shape_str(b1, sizeof b1, x->ndim, x->sizes), (long long)G);
        return NULL;
    }
    const Tensor *wb[2] = {weight, bias};
    const char *wbn[2] = {"weight", "bias"};
    for (int i = 0; i < 2; i++)
        if (wb[i] && !(wb[i]->ndim == 1 && tensor_numel(wb[i]) == C)) {
            /* torch prints the weight's shape in both messages ([0] when undefined) */
            int64_t zero = 0;
            err_set(err, TSI_ERR_VALUE,
                    "Expected %s to be a vector of size equal to the number of channels in input, "
                    "but got %s of shape %s and input of shape %s",
                    wbn[i], wbn[i],
                    weight ? nn_shape_str(b1, sizeof b1, weight->ndim, weight->sizes)
                           : nn_shape_str(b1, sizeof b1, 1, &zero),
                    nn_shape_str(b2, sizeof b2, x->ndim, x->sizes));
            return NULL;
        }
    if (!norm_dtype_ok(x->dtype)) {
        err_set(err, TSI_ERR_TYPE, "\"GroupNormKernelImpl\" not implemented for '%s'",
                dtype_prefix(x->dtype));
        return NULL;
    }
    for (int i = 0; i < 2; i++)
        if (wb[i] && wb[i]->dtype != x->dtype) {
            err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s",
                    dtype_prefix(x->dtype), dtype_prefix(wb[i]->dtype));
            return NULL;
        }
    DType dt = x->dtype, wt = work_of(dt);
    Tensor *xc = nn_contig(x, wt, err);
    Tensor *wc = xc && weight ? nn_contig(weight, wt, err) : NULL;
    Tensor *bc = xc && bias ? nn_contig(bias, wt, err) : NULL;
    Tensor *y = xc ? tensor_empty(wt, x->ndim, x->sizes, err) : NULL;
    if (!y || (weight && !wc) || (bias && !bc)) {
        tensor_release(y);
        y = NULL;
    } else if (tensor_numel(y) > 0) {
        if (wt == TSI_DTYPE_FLOAT32)
            group_norm_f32(tensor_data(xc), tensor_data(y), N, C, L, G, wc ? tensor_data(wc) : NULL,
                           bc ? tensor_data(bc) : NULL, eps);
        else
            group_norm_f64(tensor_data(xc), tensor_data(y), N, C, L, G, wc ? tensor_data(wc) : NULL,
                           bc ? tensor_data(bc) : NULL, eps);
    }
    tensor_release(xc);
    tensor_release(wc);
    tensor_release(bc);
    return convert_back(y, dt, err);
}
