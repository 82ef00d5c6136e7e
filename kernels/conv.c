/*
 * conv.c: convolution — aten::_convolution / convolution and the
 * conv1d/2d/3d, conv_transpose1d/2d/3d and padding-mode frontends.
 *
 * float32/float64 run the fast paths (conv_impl.h): 1x1 convolution as one
 * GEMM on the input itself, im2col + GEMM with the column buffer from the
 * per-thread scratch, a direct vectorized loop for depthwise 2-D, and
 * GEMM + col2im for transposed convolution. bfloat16 runs in float32.
 * Integer dtypes (which torch's slow CPU path accepts) run a direct
 * reference loop in int64, whose wrap-around equals torch's.
 * Inputs in other layouts are made contiguous first; outputs are NCHW.
 */
#include "nn_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spatial geometry, always 3 dims (leading ones are size 1 for 1-D/2-D). */
typedef struct ConvGeomCore {
    int64_t img[3], col[3], k[3], s[3], plo[3], phi[3], d[3];
} ConvGeomCore;

typedef struct ConvGeom {
    ConvGeomCore core;
    int nd;                   /* spatial dims of the call: 1, 2 or 3 */
    int64_t N, C, O, G, Cg, Og; /* Cg: input channels per group, Og: output */
    bool transposed;
} ConvGeom;

#define T float
#define SFX f32
#include "conv_impl.h"
#undef T
#undef SFX
#define T double
#define SFX f64
#include "conv_impl.h"
#undef T
#undef SFX

/* ------------------------------------------------------------ checks */

/* The C++ type name torch's bias check prints. */
static const char *ctype_name(DType dt) {
    switch (dt) {
    case TSI_DTYPE_FLOAT32: return "float";
    case TSI_DTYPE_FLOAT64: return "double";
    case TSI_DTYPE_INT64: return "long int";
    case TSI_DTYPE_INT32: return "int";
    case TSI_DTYPE_INT16: return "short int";
    case TSI_DTYPE_INT8: return "signed char";
    case TSI_DTYPE_UINT8: return "unsigned char";
    case TSI_DTYPE_BOOL: return "bool";
    case TSI_DTYPE_FLOAT16: return "c10::Half";
    case TSI_DTYPE_BFLOAT16: return "c10::BFloat16";
    default: return dtype_name(dt);
    }
}

/* "(8 x 8)" */
static const char *dims_str(char *buf, size_t n, int nd, const int64_t *v) {
    size_t len = (size_t)snprintf(buf, n, "(");
    for (int i = 0; i < nd; i++)
        len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%lld", i ? " x " : "",
                                (long long)v[i]);
    snprintf(buf + len, len < n ? n - len : 0, ")");
    return buf;
}

static int check_dtypes(const Tensor *x, const Tensor *w, const Tensor *bias, int nd,
                        bool transposed, Err *err) {
    DType dt = x->dtype;
    bool is_int = dtype_is_integral(dt, false);
    if (dt == TSI_DTYPE_FLOAT16 || dt == TSI_DTYPE_BOOL || (transposed && is_int && dt != TSI_DTYPE_INT64)) {
        const char *fn = transposed ? (nd == 3 ? "slow_conv_transpose3d_out_cpu"
                                               : "slow_conv_transpose2d_out_cpu")
                                    : (nd == 3 ? "compute_columns3d" : "slow_conv2d_cpu");
        return err_set(err, TSI_ERR_TYPE, "\"%s\" not implemented for '%s'", fn, dtype_prefix(dt));
    }
    if (w->dtype != dt) {
        if (!transposed && (dt == TSI_DTYPE_FLOAT32 || dt == TSI_DTYPE_BFLOAT16))
            return err_set(err, TSI_ERR_TYPE,
                           "Input type (torch.%sTensor) and weight type (torch.%sTensor) should "
                           "be the same or input should be a MKLDNN tensor and weight is a dense "
                           "tensor",
                           dtype_prefix(dt), dtype_prefix(w->dtype));
        return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s", dtype_prefix(dt),
                       dtype_prefix(w->dtype));
    }
    if (bias && bias->dtype != dt) {
        if (transposed)
            return err_set(err, TSI_ERR_TYPE, "expected scalar type %s but found %s",
                           dtype_prefix(dt), dtype_prefix(bias->dtype));
        return err_set(err, TSI_ERR_TYPE, "Input type (%s) and bias type (%s) should be the same",
                       ctype_name(dt), ctype_name(bias->dtype));
    }
    return TSI_OK;
}

/*
 * aten's _convolution argument checks (check_shape_forward and friends),
 * then the geometry. pad_hi may differ from pad_lo ('same' padding with an
 * even total); NULL means symmetric.
 */
static int conv_setup(const Tensor *x, const Tensor *w, const Tensor *bias, const ConvArgs *a,
                      const int64_t *pad_hi, ConvGeom *G, Err *err) {
    char b1[256], b2[256];
    int k = w->ndim, dim = k - 2;
    if (dim <= 0)
        return err_set(err, TSI_ERR_VALUE, "weight should have at least three dimensions");
    if (dim > 3)
        return err_set(err, TSI_ERR_UNSUPPORTED, "%d-d convolution is not supported", dim);
    if (a->groups <= 0)
        return err_set(err, TSI_ERR_VALUE, "non-positive groups is not supported");
    int64_t stride[3], pad[3], dil[3], opad[3];
    if (nn_expand_param(a->stride, a->nstride, dim, "stride", 1, stride, err) ||
        nn_expand_param(a->padding, a->npadding, dim, "padding", 0, pad, err) ||
        nn_expand_param(a->dilation, a->ndilation, dim, "dilation", 1, dil, err) ||
        nn_expand_param(a->output_padding, a->noutput_padding, dim, "output_padding", 0, opad,
                        err))
        return err->code;
    for (int i = 0; i < dim; i++) {
        if (pad[i] < 0 || (pad_hi && pad_hi[i] < 0))
            return err_set(err, TSI_ERR_VALUE, "negative padding is not supported");
        if (opad[i] < 0)
            return err_set(err, TSI_ERR_VALUE, "negative output_padding is not supported");
        if (stride[i] <= 0)
            return err_set(err, TSI_ERR_VALUE, "non-positive stride is not supported");
        if (dil[i] <= 0)
            return err_set(err, TSI_ERR_VALUE, "non-positive dilation is not supported");
    }
    const int64_t *ws = w->sizes;
    int64_t groups = a->groups;
    if (x->ndim != k)
        return err_set(err, TSI_ERR_VALUE,
                       "Expected %d-dimensional input for %d-dimensional weight %s, but got "
                       "%d-dimensional input of size %s instead",
                       k, k, nn_shape_str(b1, sizeof b1, k, ws), x->ndim,
                       nn_shape_str(b2, sizeof b2, x->ndim, x->sizes));
    if (ws[0] < groups)
        return err_set(err, TSI_ERR_VALUE,
                       "Given groups=%lld, expected weight to be at least %lld at dimension 0, "
                       "but got weight of size %s instead",
                       (long long)groups, (long long)groups, nn_shape_str(b1, sizeof b1, k, ws));
    if (ws[0] % groups)
        return err_set(err, TSI_ERR_VALUE,
                       "Given groups=%lld, expected weight to be divisible by %lld at dimension "
                       "0, but got weight of size [%s] instead",
                       (long long)groups, (long long)groups, nn_shape_str(b1, sizeof b1, k, ws));
    if (!a->transposed) {
        if (x->sizes[1] != ws[1] * groups)
            return err_set(err, TSI_ERR_VALUE,
                           "Given groups=%lld, weight of size %s, expected input%s to have %lld "
                           "channels, but got %lld channels instead",
                           (long long)groups, nn_shape_str(b1, sizeof b1, k, ws),
                           nn_shape_str(b2, sizeof b2, x->ndim, x->sizes),
                           (long long)(ws[1] * groups), (long long)x->sizes[1]);
        if (bias && !(bias->ndim == 1 && bias->sizes[0] == ws[0]))
            return err_set(err, TSI_ERR_VALUE,
                           "Given weight of size %s, expected bias to be 1-dimensional with %lld "
                           "elements, but got bias of size %s instead",
                           nn_shape_str(b1, sizeof b1, k, ws), (long long)ws[0],
                           nn_shape_str(b2, sizeof b2, bias->ndim, bias->sizes));
        int64_t padded[3], ksz[3];
        bool ok = true;
        for (int i = 0; i < dim; i++) {
            padded[i] = x->sizes[i + 2] + pad[i] + (pad_hi ? pad_hi[i] : pad[i]);
            ksz[i] = dil[i] * (ws[i + 2] - 1) + 1;
            if (padded[i] < ksz[i])
                ok = false;
        }
        if (!ok)
            return err_set(err, TSI_ERR_VALUE,
                           "Calculated padded input size per channel: %s. Kernel size: %s. "
                           "Kernel size can't be greater than actual input size",
                           dims_str(b1, sizeof b1, dim, padded), dims_str(b2, sizeof b2, dim, ksz));
    } else {
        if (x->sizes[1] != ws[0])
            return err_set(err, TSI_ERR_VALUE,
                           "Given transposed=1, weight of size %s, expected input%s to have %lld "
                           "channels, but got %lld channels instead",
                           nn_shape_str(b1, sizeof b1, k, ws),
                           nn_shape_str(b2, sizeof b2, x->ndim, x->sizes), (long long)ws[0],
                           (long long)x->sizes[1]);
        if (bias && !(bias->ndim == 1 && bias->sizes[0] == ws[1] * groups))
            return err_set(err, TSI_ERR_VALUE,
                           "Given transposed=1, weight of size %s, expected bias to be "
                           "1-dimensional with %lld elements, but got bias of size %s instead",
                           nn_shape_str(b1, sizeof b1, k, ws), (long long)(ws[1] * groups),
                           nn_shape_str(b2, sizeof b2, bias->ndim, bias->sizes));
    }
    if (check_dtypes(x, w, bias, dim, a->transposed, err))
        return err->code;
    if (a->transposed) {
        /* the 2-D (and 1-D, seen as 2-D) and 3-D slow paths check this */
        bool bad = false;
        for (int i = 0; i < dim; i++)
            if (opad[i] >= stride[i] && opad[i] >= dil[i])
                bad = true;
        if (bad) {
            static const char *names3[3] = {"depth", "height", "width"};
            int n = dim == 3 ? 3 : 2, off = dim == 3 ? 0 : 2 - dim;
            StrBuf sb;
            sb_init(&sb);
            sb_puts(&sb, "output padding must be smaller than either stride or dilation, but got");
            const char *what[3] = {"output_padding", "stride", "dilation"};
            const int64_t *vals[3] = {opad, stride, dil};
            for (int q = 0; q < 3; q++)
                for (int i = 0; i < n; i++) {
                    int j = i - off; /* index into the call's dims; < 0: the added 1-D height */
                    int64_t v = j >= 0 ? vals[q][j] : (q == 0 ? 0 : 1);
                    sb_printf(&sb, " %s_%s: %lld", what[q], names3[dim == 3 ? i : i + 1],
                              (long long)v);
                }
            int rc = err_set(err, TSI_ERR_VALUE, "%s", sb_cstr(&sb));
            sb_free(&sb);
            return rc;
        }
    }

    memset(G, 0, sizeof *G);
    G->nd = dim;
    G->transposed = a->transposed;
    G->N = x->sizes[0];
    G->C = x->sizes[1];
    G->G = groups;
    if (!a->transposed) {
        G->O = ws[0];
        G->Cg = ws[1];
        G->Og = ws[0] / groups;
    } else {
        G->Cg = ws[0] / groups;
        G->Og = ws[1];
        G->O = ws[1] * groups;
    }
    ConvGeomCore *g = &G->core;
    int64_t out[3];
    bool small = false;
    for (int i = 0; i < 3; i++) {
        g->img[i] = g->col[i] = g->k[i] = g->s[i] = g->d[i] = 1;
        g->plo[i] = g->phi[i] = 0;
    }
    for (int i = 0; i < dim; i++) {
        int j = 3 - dim + i;
        int64_t in = x->sizes[i + 2], lo = pad[i], hi = pad_hi ? pad_hi[i] : pad[i];
        g->k[j] = ws[i + 2];
        g->s[j] = stride[i];
        g->d[j] = dil[i];
        g->plo[j] = lo;
        g->phi[j] = hi;
        if (!a->transposed) {
            out[i] = (in + lo + hi - dil[i] * (ws[i + 2] - 1) - 1) / stride[i] + 1;
            g->img[j] = in;
            g->col[j] = out[i];
        } else {
            out[i] = (in - 1) * stride[i] - lo - hi + dil[i] * (ws[i + 2] - 1) + opad[i] + 1;
            g->img[j] = out[i];
            g->col[j] = in;
        }
        if (out[i] <= 0)
            small = true;
    }
    if (small)
        return err_set(err, TSI_ERR_VALUE,
                       "Given input size per channel: %s. Calculated output size per channel: "
                       "%s. Output size is too small",
                       dims_str(b1, sizeof b1, dim, x->sizes + 2), dims_str(b2, sizeof b2, dim, out));
    return TSI_OK;
}

/* ---------------------------------------------------- reference loops */

/* Direct convolution in int64 (integer dtypes): x (N, C, img/col...),
 * w, bias, y all contiguous int64. */
static void conv_ref_i64(const ConvGeom *G, const int64_t *x, const int64_t *w, const int64_t *bias,
                         int64_t *y) {
    const ConvGeomCore *g = &G->core;
    int64_t Pin = g->img[0] * g->img[1] * g->img[2];
    int64_t Pout = g->col[0] * g->col[1] * g->col[2];
    int64_t K = g->k[0] * g->k[1] * g->k[2];
    int64_t planes = G->N * G->O;
    int nt = nn_threads_for(planes * Pout * K * G->Cg);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t pi = 0; pi < planes; pi++) {
        int64_t n = pi / G->O, o = pi % G->O, grp = o / G->Og;
        const int64_t *wo = w + o * G->Cg * K;
        for (int64_t p = 0; p < Pout; p++) {
            int64_t od = p / (g->col[1] * g->col[2]), oh = p / g->col[2] % g->col[1],
                    ow = p % g->col[2];
            uint64_t acc = bias ? (uint64_t)bias[o] : 0;
            for (int64_t c = 0; c < G->Cg; c++) {
                const int64_t *xc = x + (n * G->C + grp * G->Cg + c) * Pin;
                for (int64_t kk = 0; kk < K; kk++) {
                    int64_t kd = kk / (g->k[1] * g->k[2]), kh = kk / g->k[2] % g->k[1],
                            kw = kk % g->k[2];
                    int64_t id = od * g->s[0] - g->plo[0] + kd * g->d[0];
                    int64_t ih = oh * g->s[1] - g->plo[1] + kh * g->d[1];
                    int64_t iw = ow * g->s[2] - g->plo[2] + kw * g->d[2];
                    if (id < 0 || id >= g->img[0] || ih < 0 || ih >= g->img[1] || iw < 0 ||
                        iw >= g->img[2])
                        continue;
                    /* unsigned arithmetic: wraps like torch's, without UB */
                    acc += (uint64_t)xc[(id * g->img[1] + ih) * g->img[2] + iw] *
                           (uint64_t)wo[c * K + kk];
                }
            }
            y[pi * Pout + p] = (int64_t)acc;
        }
    }
}

/* Transposed direct convolution in int64 (torch supports only int64 here):
 * scatter every input element through the kernel. One thread per output
 * plane group keeps the writes disjoint. */
static void conv_ref_t_i64(const ConvGeom *G, const int64_t *x, const int64_t *w,
                           const int64_t *bias, int64_t *y) {
    const ConvGeomCore *g = &G->core;
    int64_t Pin = g->col[0] * g->col[1] * g->col[2];
    int64_t Pout = g->img[0] * g->img[1] * g->img[2];
    int64_t K = g->k[0] * g->k[1] * g->k[2];
    for (int64_t n = 0; n < G->N; n++)
        for (int64_t o = 0; o < G->O; o++) {
            uint64_t *yo = (uint64_t *)(y + (n * G->O + o) * Pout);
            for (int64_t p = 0; p < Pout; p++)
                yo[p] = bias ? (uint64_t)bias[o] : 0;
            int64_t grp = o / G->Og, oc = o % G->Og;
            for (int64_t c = 0; c < G->Cg; c++) {
                int64_t ci = grp * G->Cg + c;
                const int64_t *xc = x + (n * G->C + ci) * Pin;
                const int64_t *wk = w + (ci * G->Og + oc) * K;
                for (int64_t p = 0; p < Pin; p++) {
                    int64_t id = p / (g->col[1] * g->col[2]), ih = p / g->col[2] % g->col[1],
                            iw = p % g->col[2];
                    for (int64_t kk = 0; kk < K; kk++) {
                        int64_t kd = kk / (g->k[1] * g->k[2]), kh = kk / g->k[2] % g->k[1],
                                kw = kk % g->k[2];
                        int64_t od = id * g->s[0] - g->plo[0] + kd * g->d[0];
                        int64_t oh = ih * g->s[1] - g->plo[1] + kh * g->d[1];
                        int64_t ow = iw * g->s[2] - g->plo[2] + kw * g->d[2];
                        if (od < 0 || od >= g->img[0] || oh < 0 || oh >= g->img[1] || ow < 0 ||
                            ow >= g->img[2])
                            continue;
                        yo[(od * g->img[1] + oh) * g->img[2] + ow] +=
                            (uint64_t)xc[p] * (uint64_t)wk[kk];
                    }
                }
            }
        }
}

/* ------------------------------------------------------------ driver */

static Tensor *conv_run(const Tensor *x, const Tensor *w, const Tensor *bias, const ConvGeom *G,
                        Err *err) {
    int64_t osz[5];
    osz[0] = G->N;
    osz[1] = G->O;
    for (int i = 0; i < G->nd; i++)
        osz[2 + i] = G->transposed ? G->core.img[3 - G->nd + i] : G->core.col[3 - G->nd + i];
    DType dt = x->dtype;
    DType work = dt == TSI_DTYPE_FLOAT64 ? TSI_DTYPE_FLOAT64
                 : dt == TSI_DTYPE_FLOAT32 || dt == TSI_DTYPE_BFLOAT16 ? TSI_DTYPE_FLOAT32
                                                                       : TSI_DTYPE_INT64;
    Tensor *xc = nn_contig(x, work, err);
    Tensor *wc = xc ? nn_contig(w, work, err) : NULL;
    Tensor *bc = wc && bias ? nn_contig(bias, work, err) : NULL;
    Tensor *y = wc && (!bias || bc) ? tensor_empty(work, G->nd + 2, osz, err) : NULL;
    if (!y)
        goto fail;
    if (tensor_numel(y) > 0) {
        int rc = TSI_OK;
        if (work == TSI_DTYPE_FLOAT32)
            rc = conv_fast_f32(G, tensor_data(xc), tensor_data(wc), bc ? tensor_data(bc) : NULL,
                               tensor_data(y), work, err);
        else if (work == TSI_DTYPE_FLOAT64)
            rc = conv_fast_f64(G, tensor_data(xc), tensor_data(wc), bc ? tensor_data(bc) : NULL,
                               tensor_data(y), work, err);
        else if (G->transposed)
            conv_ref_t_i64(G, tensor_data(xc), tensor_data(wc), bc ? tensor_data(bc) : NULL,
                           tensor_data(y));
        else
            conv_ref_i64(G, tensor_data(xc), tensor_data(wc), bc ? tensor_data(bc) : NULL,
                         tensor_data(y));
        if (rc)
            goto fail;
    }
    if (work != dt) {
        Tensor *r = tensor_empty(dt, y->ndim, y->sizes, err);
        if (!r || tensor_copy_(r, y, err)) {
            tensor_release(r);
            goto fail;
        }
        tensor_release(y);
        y = r;
    }
    tensor_release(xc);
    tensor_release(wc);
    tensor_release(bc);
    return y;
fail:
    tensor_release(xc);
    tensor_release(wc);
    tensor_release(bc);
    tensor_release(y);
    return NULL;
}

Tensor *kern_convolution(const Tensor *x, const Tensor *w, const Tensor *bias, const ConvArgs *a,
                         Err *err) {
    ConvGeom G;
    if (conv_setup(x, w, bias, a, NULL, &G, err))
        return NULL;
    return conv_run(x, w, bias, &G, err);
}

/* aten's batchify: conv{n}d accepts (C, spatial...) and adds a batch dim. */
static Tensor *conv_batchify(const Tensor *x, int dim, bool transposed, bool *batched, Err *err) {
    if (x->ndim != dim + 1 && x->ndim != dim + 2) {
        char b[256];
        err_set(err, TSI_ERR_VALUE,
                "Expected %dD (unbatched) or %dD (batched) input to %s%dd, but got input of "
                "size: %s",
                dim + 1, dim + 2, transposed ? "conv_transpose" : "conv", dim,
                nn_shape_str(b, sizeof b, x->ndim, x->sizes));
        return NULL;
    }
    *batched = x->ndim == dim + 2;
    if (*batched) {
        tensor_retain((Tensor *)x);
        return (Tensor *)x;
    }
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    sizes[0] = 1;
    strides[0] = x->ndim ? x->sizes[0] * x->strides[0] : 1;
    memcpy(sizes + 1, x->sizes, (size_t)x->ndim * sizeof *sizes);
    memcpy(strides + 1, x->strides, (size_t)x->ndim * sizeof *strides);
    return tensor_make_view(x, x->ndim + 1, sizes, strides, x->offset, err);
}

static Tensor *unbatch(Tensor *y, bool batched, Err *err) {
    if (!y || batched)
        return y;
    Tensor *v = tensor_make_view(y, y->ndim - 1, y->sizes + 1, y->strides + 1, y->offset, err);
    tensor_release(y);
    return v;
}

Tensor *kern_conv(const Tensor *x, const Tensor *w, const Tensor *bias, const ConvArgs *a, int dim,
                  Err *err) {
    bool batched;
    Tensor *xb = conv_batchify(x, dim, a->transposed, &batched, err);
    if (!xb)
        return NULL;
    Tensor *y = kern_convolution(xb, w, bias, a, err);
    tensor_release(xb);
    return unbatch(y, batched, err);
}

Tensor *kern_conv_padding_mode(const Tensor *x, const Tensor *w, const Tensor *bias,
                               const ConvArgs *a, const char *padding, int dim, Err *err) {
    bool batched;
    Tensor *xb = conv_batchify(x, dim, false, &batched, err);
    if (!xb)
        return NULL;
    ConvArgs b = *a;
    b.transposed = false;
    b.padding = NULL;
    b.npadding = 0;
    b.output_padding = NULL;
    b.noutput_padding = 0;
    Tensor *y = NULL;
    ConvGeom G;
    if (!strcmp(padding, "valid")) {
        if (!conv_setup(xb, w, bias, &b, NULL, &G, err))
            y = conv_run(xb, w, bias, &G, err);
    } else if (!strcmp(padding, "same")) {
        /* total padding dilation*(k-1), the odd one extra on the high side */
        int64_t stride[3], dil[3], lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
        int wd = w->ndim - 2;
        if (wd < 1 || wd > 3) {
            err_set(err, TSI_ERR_VALUE, "weight should have at least three dimensions");
            goto done;
        }
        if (nn_expand_param(a->stride, a->nstride, wd, "stride", 1, stride, err) ||
            nn_expand_param(a->dilation, a->ndilation, wd, "dilation", 1, dil, err))
            goto done;
        for (int i = 0; i < wd; i++)
            if (stride[i] != 1) {
                err_set(err, TSI_ERR_VALUE,
                        "padding='same' is not supported for strided convolutions");
                goto done;
            }
        for (int i = 0; i < wd; i++) {
            int64_t total = dil[i] * (w->sizes[i + 2] - 1);
            lo[i] = total / 2;
            hi[i] = total - lo[i];
        }
        b.padding = lo;
        b.npadding = wd;
        if (!conv_setup(xb, w, bias, &b, hi, &G, err))
            y = conv_run(xb, w, bias, &G, err);
    } else {
        err_set(err, TSI_ERR_VALUE, "Invalid padding string: '%s'", padding);
    }
done:
    tensor_release(xb);
    return unbatch(y, batched, err);
}
