/*
 * pool.c: pooling — max_pool1d/2d/3d (with indices), avg_pool1d/2d/3d,
 * adaptive_avg_pool1d/2d/3d, adaptive_max_pool1d/2d/3d — with torch's
 * argument checks and messages. 1-D pooling runs as 2-D with height 1, as
 * aten does. float32/float64 compute natively, bfloat16 through float32;
 * avg_pool also takes int64 (torch does, with truncating division).
 */
#include "nn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct PoolGeom {
    int64_t in[3], out[3], k[3], s[3], p[3], d[3];
    int64_t divisor;
    bool count_include_pad;
} PoolGeom;

#define T float
#define SFX f32
#include "pool_impl.h"
#undef T
#undef SFX
#define T double
#define SFX f64
#include "pool_impl.h"
#undef T
#undef SFX
#define POOL_AVG_ONLY
#define T int64_t
#define SFX i64
#include "pool_impl.h"
#undef T
#undef SFX
#undef POOL_AVG_ONLY

/* aten's pooling_output_shape (floor or ceil mode, the last window must
 * start inside the input or left padding). */
static int64_t pool_out_size(int64_t in, int64_t k, int64_t pad, int64_t s, int64_t d, bool ceil) {
    int64_t num = in + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
    int64_t q = num / s;
    if ((num % s != 0) && ((num < 0) != (s < 0)))
        q--; /* round toward -inf */
    int64_t out = q + 1;
    if (ceil && (out - 1) * s >= in + pad)
        out--;
    return out;
}

static int unsupported(const char *fn, DType dt, Err *err) {
    return err_set(err, TSI_ERR_TYPE, "\"%s\" not implemented for '%s'", fn, dtype_prefix(dt));
}

/* The dtype computation runs in: float32 (also for bfloat16), float64. */
static DType work_dtype(DType dt) {
    return dt == TSI_DTYPE_BFLOAT16 ? TSI_DTYPE_FLOAT32 : dt;
}

/* Output (and indices) for x viewed as (planes, spatial of nd dims). */
static Tensor *alloc_like_planes(const Tensor *x, int nd, const int64_t *out, DType dt, Err *err) {
    int64_t sizes[TSI_MAX_DIM];
    memcpy(sizes, x->sizes, sizeof sizes);
    for (int i = 0; i < nd; i++)
        sizes[x->ndim - nd + i] = out[i];
    return tensor_empty(dt, x->ndim, sizes, err);
}

/* Convert back to x's dtype when computed in another. */
static Tensor *finish(Tensor *y, DType dt, Err *err) {
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

enum { POOL_MAX, POOL_AVG, POOL_AMAX, POOL_AAVG };

/* Run one pooling kind over x (any leading dims; last nd are spatial). */
static Tensor *pool_run(const Tensor *x, int nd, PoolGeom *g, int kind, Tensor **indices,
                        Err *err) {
    DType dt = x->dtype, wt = work_dtype(dt);
    int64_t out3[3] = {g->out[0], g->out[1], g->out[2]};
    Tensor *xc = nn_contig(x, wt, err);
    Tensor *y = xc ? alloc_like_planes(x, nd, out3 + 3 - nd, wt, err) : NULL;
    Tensor *idx = y && indices ? alloc_like_planes(x, nd, out3 + 3 - nd, TSI_DTYPE_INT64, err) : NULL;
    if (!y || (indices && !idx))
        goto fail;
    int64_t spatial = g->in[0] * g->in[1] * g->in[2];
    int64_t planes = spatial ? tensor_numel(x) / spatial : 0;
    if (tensor_numel(y) > 0) {
        void *xd = tensor_data(xc), *yd = tensor_data(y);
        int64_t *id = idx ? tensor_data(idx) : NULL;
        switch (kind) {
        case POOL_MAX:
            if (wt == TSI_DTYPE_FLOAT32)
                max_pool_f32(g, planes, xd, yd, id);
            else
                max_pool_f64(g, planes, xd, yd, id);
            break;
        case POOL_AMAX:
            if (wt == TSI_DTYPE_FLOAT32)
                adaptive_max_f32(g, planes, xd, yd, id);
            else
                adaptive_max_f64(g, planes, xd, yd, id);
            break;
        case POOL_AAVG:
            if (wt == TSI_DTYPE_FLOAT32)
                adaptive_avg_f32(g, planes, xd, yd);
            else
                adaptive_avg_f64(g, planes, xd, yd);
            break;
        default:
            if (wt == TSI_DTYPE_FLOAT32)
                avg_pool_f32(g, planes, xd, yd);
            else if (wt == TSI_DTYPE_FLOAT64)
                avg_pool_f64(g, planes, xd, yd);
            else
                avg_pool_i64(g, planes, xd, yd);
        }
    }
    tensor_release(xc);
    if (indices)
        *indices = idx;
    return finish(y, dt, err);
fail:
    tensor_release(xc);
    tensor_release(y);
    tensor_release(idx);
    return NULL;
}

/* A view of x with a size-1 dim inserted before the last (1-D -> 2-D). */
static Tensor *unsqueeze_h(const Tensor *x, Err *err) {
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = x->ndim;
    if (n + 1 > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_UNSUPPORTED, "too many dimensions");
        return NULL;
    }
    memcpy(sizes, x->sizes, (size_t)n * sizeof *sizes);
    memcpy(strides, x->strides, (size_t)n * sizeof *strides);
    sizes[n] = sizes[n - 1];
    strides[n] = strides[n - 1];
    sizes[n - 1] = 1;
    strides[n - 1] = sizes[n] * strides[n];
    return tensor_make_view(x, n + 1, sizes, strides, x->offset, err);
}

/* Drop the size-1 dim unsqueeze_h added (result is contiguous). */
static Tensor *squeeze_h(Tensor *y, Err *err) {
    if (!y)
        return NULL;
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = y->ndim - 1;
    memcpy(sizes, y->sizes, (size_t)n * sizeof *sizes);
    sizes[n - 1] = y->sizes[n];
    contiguous_strides(n, sizes, strides);
    Tensor *v = tensor_make_view(y, n, sizes, strides, y->offset, err);
    tensor_release(y);
    return v;
}

static const char *dim_range_msg = "Expected 2 to 3 dimensions, but got %d-dimensional tensor for "
                                   "argument #1 'self' (while checking arguments for %s)";

/* ---------------------------------------------------------------- 2-D/3-D */

/* Argument lists -> window, with the messages of max_pool2d/avg_pool2d. */
static int window_args(const char *name, const PoolArgs *a, int nd, bool with_dilation,
                       int64_t *k, int64_t *s, int64_t *p, int64_t *d, Err *err) {
    const char *tup = nd == 3 ? "three" : "two";
    if (a->nkernel != 1 && a->nkernel != nd)
        return err_set(err, TSI_ERR_VALUE,
                       "%s: kernel_size must either be a single int, or a tuple of %s ints", name, tup);
    if (a->nstride != 0 && a->nstride != 1 && a->nstride != nd)
        return err_set(err, TSI_ERR_VALUE,
                       "%s: stride must either be omitted, a single int, or a tuple of %s ints",
                       name, tup);
    if (a->npadding != 1 && a->npadding != nd)
        return err_set(err, TSI_ERR_VALUE,
                       "%s: padding must either be a single int, or a tuple of %s ints", name, tup);
    if (with_dilation && a->ndilation != 1 && a->ndilation != nd)
        return err_set(err, TSI_ERR_VALUE,
                       "%s: dilation must be either a single int, or a tuple of %s ints", name, tup);
    for (int i = 0; i < nd; i++) {
        k[i] = a->kernel[a->nkernel == 1 ? 0 : i];
        s[i] = a->nstride == 0 ? k[i] : a->stride[a->nstride == 1 ? 0 : i];
        p[i] = a->padding[a->npadding == 1 ? 0 : i];
        d[i] = with_dilation ? a->dilation[a->ndilation == 1 ? 0 : i] : 1;
    }
    return TSI_OK;
}

/* pooling_output_shape's checks, then pool2d_shape_check's, in torch's order. */
static int window_geom(const Tensor *x, int nd, const int64_t *k, const int64_t *s,
                       const int64_t *p, const int64_t *d, bool ceil, PoolGeom *g, Err *err) {
    for (int i = 0; i < 3; i++) {
        g->in[i] = g->out[i] = g->k[i] = g->s[i] = g->d[i] = 1;
        g->p[i] = 0;
    }
    for (int i = 0; i < nd; i++) {
        if (s[i] == 0)
            return err_set(err, TSI_ERR_VALUE, "stride should not be zero");
        if (p[i] < 0)
            return err_set(err, TSI_ERR_VALUE, "pad must be non-negative, but got pad: %lld",
                           (long long)p[i]);
        if (p[i] > k[i] / 2)
            return err_set(err, TSI_ERR_VALUE,
                           "pad should be at most half of kernel size, but got pad=%lld and "
                           "kernel_size=%lld",
                           (long long)p[i], (long long)k[i]);
    }
    bool kbad = false, sbad = false, dbad = false, small = false;
    for (int i = 0; i < nd; i++) {
        int j = 3 - nd + i;
        g->in[j] = x->sizes[x->ndim - nd + i];
        g->k[j] = k[i];
        g->s[j] = s[i];
        g->p[j] = p[i];
        g->d[j] = d[i];
        g->out[j] = pool_out_size(g->in[j], k[i], p[i], s[i], d[i], ceil);
        kbad |= k[i] <= 0;
        sbad |= s[i] <= 0;
        dbad |= d[i] <= 0;
        small |= g->out[j] < 1;
    }
    const int64_t *K = g->k + 1, *S = g->s + 1, *D = g->d + 1; /* H, W for messages */
    if (kbad)
        return err_set(err, TSI_ERR_VALUE, "kernel size should be greater than zero, but got kH: %lld kW: %lld",
                       (long long)K[0], (long long)K[1]);
    if (sbad)
        return err_set(err, TSI_ERR_VALUE, "stride should be greater than zero, but got dH: %lld dW: %lld",
                       (long long)S[0], (long long)S[1]);
    if (dbad)
        return err_set(err, TSI_ERR_VALUE,
                       "dilation should be greater than zero, but got dilationH: %lld dilationW: %lld",
                       (long long)D[0], (long long)D[1]);
    int64_t planes = x->sizes[x->ndim - nd - 1];
    bool empty_ok = true;
    for (int i = x->ndim - nd; i < x->ndim; i++)
        empty_ok &= x->sizes[i] != 0;
    if (!empty_ok || planes == 0)
        return err_set(err, TSI_ERR_VALUE,
                       "Expected %dD or %dD (batch mode) tensor with optional 0 dim batch size for "
                       "input, but got non-empty spatial and channel dims",
                       nd + 1, nd + 2);
    if (small) {
        char b1[128], b2[128];
        if (nd == 3)
            snprintf(b1, sizeof b1, "%lldx%lldx%lldx%lld", (long long)planes, (long long)g->in[0],
                     (long long)g->in[1], (long long)g->in[2]),
                snprintf(b2, sizeof b2, "%lldx%lldx%lldx%lld", (long long)planes,
                         (long long)g->out[0], (long long)g->out[1], (long long)g->out[2]);
        else
            snprintf(b1, sizeof b1, "%lldx%lldx%lld", (long long)planes, (long long)g->in[1],
                     (long long)g->in[2]),
                snprintf(b2, sizeof b2, "%lldx%lldx%lld", (long long)planes, (long long)g->out[1],
                         (long long)g->out[2]);
        return err_set(err, TSI_ERR_VALUE,
                       "Given input size: (%s). Calculated output size: (%s). Output size is too small",
                       b1, b2);
    }
    return TSI_OK;
}

static bool float_ok(DType dt) {
    return dt == TSI_DTYPE_FLOAT32 || dt == TSI_DTYPE_FLOAT64 || dt == TSI_DTYPE_BFLOAT16;
}

/* max_pool{2,3}d_with_indices (and max_pool2d/3d, which return the same). */
static Tensor *max_pool_nd(const Tensor *x, const PoolArgs *a, int nd, Tensor **indices, Err *err) {
    const char *name = nd == 3 ? "max_pool3d" : "max_pool2d";
    int64_t k[3], s[3], p[3], d[3];
    PoolGeom g = {0};
    if (window_args(name, a, nd, true, k, s, p, d, err))
        return NULL;
    if (x->ndim != nd + 1 && x->ndim != nd + 2) {
        err_set(err, TSI_ERR_VALUE, "non-empty %dD or %dD (batch mode) tensor expected for input",
                nd + 1, nd + 2);
        return NULL;
    }
    if (window_geom(x, nd, k, s, p, d, a->ceil_mode, &g, err))
        return NULL;
    if (!float_ok(x->dtype)) {
        unsupported(nd == 3 ? "max_pool3d_cpu" : "max_pool2d", x->dtype, err);
        return NULL;
    }
    return pool_run(x, nd, &g, POOL_MAX, indices, err);
}

static Tensor *avg_pool_nd(const Tensor *x, const PoolArgs *a, int nd, Err *err) {
    const char *name = nd == 3 ? "avg_pool3d" : "avg_pool2d";
    int64_t k[3], s[3], p[3], d[3];
    PoolGeom g = {0};
    if (window_args(name, a, nd, false, k, s, p, d, err))
        return NULL;
    if (a->divisor_override == 0) {
        err_set(err, TSI_ERR_VALUE, "divisor must be not zero");
        return NULL;
    }
    if (x->ndim < nd + 1) {
        int n = x->ndim ? x->ndim : 1;
        err_set(err, TSI_ERR_INDEX,
                "Dimension out of range (expected to be in range of [%d, %d], but got %d)", -n, n - 1,
                -(nd + 1));
        return NULL;
    }
    if (x->ndim > nd + 2) {
        err_set(err, TSI_ERR_VALUE, "non-empty %dD or %dD (batch mode) tensor expected for input",
                nd + 1, nd + 2);
        return NULL;
    }
    if (window_geom(x, nd, k, s, p, d, a->ceil_mode, &g, err))
        return NULL;
    if (!float_ok(x->dtype) && x->dtype != TSI_DTYPE_INT64) {
        unsupported(name, x->dtype, err);
        return NULL;
    }
    g.count_include_pad = a->count_include_pad;
    g.divisor = a->divisor_override > 0 ? a->divisor_override : 0;
    return pool_run(x, nd, &g, POOL_AVG, NULL, err);
}

/* 1-D argument forms: kernel (and stride/padding/dilation) hold one int. */
static int args_1d(const char *name, const PoolArgs *a, Err *err) {
    if (a->nkernel != 1)
        return err_set(err, TSI_ERR_VALUE, "%s() argument 'kernel_size' should contain one int (got %d)",
                       name, a->nkernel);
    if (a->nstride > 1)
        return err_set(err, TSI_ERR_VALUE, "%s() argument 'stride' should contain one int (got %d)",
                       name, a->nstride);
    if (a->npadding != 1)
        return err_set(err, TSI_ERR_VALUE, "%s() argument 'padding' should contain one int (got %d)",
                       name, a->npadding);
    return TSI_OK;
}

/* The 2-D arguments a 1-D pooling unsqueezes to: (1, k), (1, s), (0, p), (1, d). */
typedef struct Args2 {
    int64_t k[2], s[2], p[2], d[2];
    PoolArgs a;
} Args2;

static void to_2d(const PoolArgs *a, Args2 *b) {
    b->k[0] = 1, b->k[1] = a->kernel[0];
    b->s[0] = 1, b->s[1] = a->nstride ? a->stride[0] : a->kernel[0];
    b->p[0] = 0, b->p[1] = a->padding[0];
    b->d[0] = 1, b->d[1] = a->ndilation ? a->dilation[0] : 1;
    b->a = *a;
    b->a.kernel = b->k, b->a.stride = b->s, b->a.padding = b->p, b->a.dilation = b->d;
    b->a.nkernel = b->a.nstride = b->a.npadding = b->a.ndilation = 2;
}

/* max_pool1d without indices: aten's own 1-D kernel and its checks (an
 * empty output is allowed here). */
static Tensor *max_pool1d_plain(const Tensor *x, const PoolArgs *a, Err *err) {
    char b[256];
    if (x->ndim != 2 && x->ndim != 3) {
        err_set(err, TSI_ERR_VALUE,
                "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                "for input, but got:%s",
                nn_shape_str(b, sizeof b, x->ndim, x->sizes));
        return NULL;
    }
    if (a->nkernel != 1) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size %d", a->nkernel);
        return NULL;
    }
    if (a->nstride > 1) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size %d", a->nstride);
        return NULL;
    }
    if (a->npadding != 1) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size %d", a->npadding);
        return NULL;
    }
    if (a->ndilation != 1) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() dilation must be an int, list of ints, or tuple of ints of size 1 but got size %d", a->ndilation);
        return NULL;
    }
    int64_t k = a->kernel[0], s = a->nstride ? a->stride[0] : k, p = a->padding[0], d = a->dilation[0];
    if (k <= 0) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() kernel_size must be greater than zero, but got %lld", (long long)k);
        return NULL;
    }
    if (s <= 0) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() stride must be greater than zero, but got %lld", (long long)s);
        return NULL;
    }
    if (p < 0) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() padding must be non-negative, but got %lld", (long long)p);
        return NULL;
    }
    if (p > k / 2) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() padding should be at most half of kernel size, but got padding=%lld and kernel_size=%lld",
                (long long)p, (long long)k);
        return NULL;
    }
    if (d <= 0) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() dilation must be greater than zero, but got %lld", (long long)d);
        return NULL;
    }
    int64_t ow = pool_out_size(x->sizes[x->ndim - 1], k, p, s, d, a->ceil_mode);
    if (ow < 0) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() Invalid computed output size: %lld", (long long)ow);
        return NULL;
    }
    if (!float_ok(x->dtype)) {
        unsupported("max_pool1d_impl", x->dtype, err);
        return NULL;
    }
    PoolGeom g = {.in = {1, 1, x->sizes[x->ndim - 1]}, .out = {1, 1, ow}, .k = {1, 1, k},
                  .s = {1, 1, s}, .p = {0, 0, p}, .d = {1, 1, d}};
    return pool_run(x, 1, &g, POOL_MAX, NULL, err);
}

Tensor *kern_max_pool(const Tensor *x, const PoolArgs *a, int dim, Tensor **indices, Err *err) {
    if (dim == 2 || dim == 3)
        return max_pool_nd(x, a, dim, indices, err);
    if (dim != 1) {
        err_set(err, TSI_ERR_USAGE, "max_pool: bad dim %d", dim);
        return NULL;
    }
    if (!indices)
        return max_pool1d_plain(x, a, err);
    if (x->ndim < 2 || x->ndim > 3) {
        err_set(err, TSI_ERR_VALUE, dim_range_msg, x->ndim, "max_pool1d");
        return NULL;
    }
    if (args_1d("max_pool1d", a, err))
        return NULL;
    if (a->ndilation != 1) {
        err_set(err, TSI_ERR_VALUE, "max_pool1d() argument 'dilation' should contain one int (got %d)", a->ndilation);
        return NULL;
    }
    Args2 b;
    to_2d(a, &b);
    Tensor *x2 = unsqueeze_h(x, err);
    if (!x2)
        return NULL;
    Tensor *idx = NULL;
    Tensor *y = squeeze_h(max_pool_nd(x2, &b.a, 2, &idx, err), err);
    tensor_release(x2);
    *indices = squeeze_h(idx, err);
    if (!y || !*indices) {
        tensor_release(y);
        tensor_release(*indices);
        *indices = NULL;
        return NULL;
    }
    return y;
}

Tensor *kern_avg_pool(const Tensor *x, const PoolArgs *a, int dim, Err *err) {
    if (dim == 2 || dim == 3)
        return avg_pool_nd(x, a, dim, err);
    if (dim != 1) {
        err_set(err, TSI_ERR_USAGE, "avg_pool: bad dim %d", dim);
        return NULL;
    }
    if (x->ndim < 2 || x->ndim > 3) {
        err_set(err, TSI_ERR_VALUE, dim_range_msg, x->ndim, "avg_pool1d");
        return NULL;
    }
    if (args_1d("avg_pool1d", a, err))
        return NULL;
    Args2 b;
    PoolArgs a1 = *a;
    a1.ndilation = 0;
    to_2d(&a1, &b);
    b.a.divisor_override = -1;
    Tensor *x2 = unsqueeze_h(x, err);
    Tensor *y = x2 ? squeeze_h(avg_pool_nd(x2, &b.a, 2, err), err) : NULL;
    tensor_release(x2);
    return y;
}

/* ----------------------------------------------------------- adaptive */

static Tensor *adaptive_nd(const Tensor *x, const int64_t *os, int nout, int nd, bool is_max,
                           Tensor **indices, Err *err) {
    char b[256];
    const char *name = is_max ? (nd == 3 ? "adaptive_max_pool3d" : "adaptive_max_pool2d")
                              : (nd == 3 ? "adaptive_avg_pool3d" : "adaptive_avg_pool2d");
    if (nout != nd) {
        if (is_max)
            err_set(err, TSI_ERR_VALUE, "%s(): internal error: output_size.size() must be %d", name, nd);
        else
            err_set(err, TSI_ERR_VALUE, "%s: output_size must be %d", name, nd);
        return NULL;
    }
    bool neg = false;
    for (int i = 0; i < nd; i++)
        neg |= os[i] < 0;
    if (neg && !is_max && nd == 2) {
        err_set(err, TSI_ERR_VALUE,
                "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 "
                "but received {%lld, %lld}",
                (long long)os[0], (long long)os[1]);
        return NULL;
    }
    if (neg) {
        err_set(err, TSI_ERR_VALUE, "%s: elements of output_size must be greater than or equal to 0", name);
        return NULL;
    }
    if (x->ndim != nd + 1 && x->ndim != nd + 2) {
        err_set(err, TSI_ERR_VALUE, "%s(): Expected %dD or %dD tensor, but got%s %s", name, nd + 1,
                nd + 2, is_max ? ":" : "", nn_shape_str(b, sizeof b, x->ndim, x->sizes));
        return NULL;
    }
    for (int i = 1; i < x->ndim; i++)
        if (x->sizes[i] <= 0) {
            err_set(err, TSI_ERR_VALUE,
                    "%s(): Expected input to have non-zero size for non-batch dimensions, but "
                    "input has sizes %s with dimension %d being empty",
                    name, nn_shape_str(b, sizeof b, x->ndim, x->sizes), i);
            return NULL;
        }
    if (!float_ok(x->dtype)) {
        unsupported(name, x->dtype, err);
        return NULL;
    }
    PoolGeom g;
    for (int i = 0; i < 3; i++) {
        g.in[i] = g.out[i] = g.k[i] = g.s[i] = g.d[i] = 1;
        g.p[i] = 0;
    }
    for (int i = 0; i < nd; i++) {
        g.in[3 - nd + i] = x->sizes[x->ndim - nd + i];
        g.out[3 - nd + i] = os[i];
    }
    return pool_run(x, nd, &g, is_max ? POOL_AMAX : POOL_AAVG, indices, err);
}

static Tensor *adaptive(const Tensor *x, const int64_t *os, int nout, int dim, bool is_max,
                        Tensor **indices, Err *err) {
    if (dim == 2 || dim == 3)
        return adaptive_nd(x, os, nout, dim, is_max, indices, err);
    const char *name = is_max ? "adaptive_max_pool1d" : "adaptive_avg_pool1d";
    if (x->ndim < 2 || x->ndim > 3) {
        err_set(err, TSI_ERR_VALUE, dim_range_msg, x->ndim, name);
        return NULL;
    }
    if (nout != 1) {
        err_set(err, TSI_ERR_VALUE, "%s() argument 'output_size' should contain one int (got %d)",
                name, nout);
        return NULL;
    }
    int64_t os2[2] = {1, os[0]};
    Tensor *x2 = unsqueeze_h(x, err);
    if (!x2)
        return NULL;
    Tensor *idx = NULL;
    Tensor *y = squeeze_h(adaptive_nd(x2, os2, 2, 2, is_max, indices ? &idx : NULL, err), err);
    tensor_release(x2);
    if (indices) {
        *indices = squeeze_h(idx, err);
        if (!*indices) {
            tensor_release(y);
            return NULL;
        }
    }
    return y;
}

Tensor *kern_adaptive_avg_pool(const Tensor *x, const int64_t *out_size, int nout, int dim,
                               Err *err) {
    return adaptive(x, out_size, nout, dim, false, NULL, err);
}

Tensor *kern_adaptive_max_pool(const Tensor *x, const int64_t *out_size, int nout, int dim,
                               Tensor **indices, Err *err) {
    Tensor *idx = NULL;
    Tensor *y = adaptive(x, out_size, nout, dim, true, &idx, err);
    if (indices)
        *indices = idx;
    else
        tensor_release(idx);
    return y;
}
