/*
 * nn.c: the small neural-network ops (dropout in inference, prelu, glu,
 * pixel_shuffle/unshuffle, embedding, one_hot) and the helpers the other
 * nn kernel files share (nn_internal.h): per-thread scratch, OpenBLAS
 * thread syncing, aten-style list expansion, GEMM wrappers.
 */
#include "nn_internal.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ scratch */

typedef struct Scratch {
    void *p;
    size_t cap;
} Scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *v) {
    Scratch *s = v;
    free(s->p);
    free(s);
}

static void scratch_init(void) { (void)pthread_key_create(&scratch_key, scratch_free); }

/* A pthread key rather than _Thread_local so the buffer is freed when the
 * thread ends (worker threads of a host application come and go). */
void *nn_scratch(size_t nbytes) {
    pthread_once(&scratch_once, scratch_init);
    Scratch *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || pthread_setspecific(scratch_key, s)) {
            free(s);
            return NULL;
        }
    }
    if (nbytes > s->cap) {
        size_t cap = nbytes + nbytes / 4 + 64;
        cap = (cap + 63) & ~(size_t)63;
        void *p = aligned_alloc(64, cap);
        if (!p)
            return NULL;
        free(s->p);
        s->p = p;
        s->cap = cap;
    }
    return s->p;
}

/* ------------------------------------------------------------ threads */

void nn_blas_sync_threads(void) {
    int want = kern_get_num_threads();
    if (want < 1)
        want = 1;
    if (openblas_get_num_threads() != want)
        openblas_set_num_threads(want);
}

int nn_threads_for(int64_t work) {
    int nt = kern_get_num_threads();
    if (nt <= 1 || omp_in_parallel())
        return 1;
    int64_t by_work = work / 32768; /* below ~32k ops a fork costs more than it saves */
    if (by_work < 1)
        return 1;
    return by_work < nt ? (int)by_work : nt;
}

/* --------------------------------------------------------------- misc */

const char *nn_shape_str(char *buf, size_t n, int ndim, const int64_t *sizes) {
    size_t len = 0;
    len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "[");
    for (int i = 0; i < ndim; i++)
        len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%lld", i ? ", " : "",
                                (long long)sizes[i]);
    snprintf(buf + len, len < n ? n - len : 0, "]");
    return buf;
}

int nn_expand_param(const int64_t *v, int n, int dim, const char *name, int64_t dflt,
                    int64_t *out, Err *err) {
    if (n == 0) {
        for (int i = 0; i < dim; i++)
            out[i] = dflt;
        return TSI_OK;
    }
    if (n == 1) {
        for (int i = 0; i < dim; i++)
            out[i] = v[0];
        return TSI_OK;
    }
    if (n != dim) {
        char b[256];
        return err_set(err, TSI_ERR_VALUE,
                       "expected %s to be a single integer value or a list of %d values to match "
                       "the convolution dimensions, but got %s=%s",
                       name, dim, name, nn_shape_str(b, sizeof b, n, v));
    }
    memcpy(out, v, (size_t)dim * sizeof *out);
    return TSI_OK;
}

void nn_gemm(DType dt, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
             const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c,
             int64_t ldc) {
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0) { /* BLAS leaves C alone when k == 0 only if beta == 1 */
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                if (dt == TSI_DTYPE_FLOAT32) {
                    float *p = (float *)c + i * ldc + j;
                    *p = beta == 0 ? 0.0f : (float)(beta * *p);
                } else {
                    double *p = (double *)c + i * ldc + j;
                    *p = beta == 0 ? 0.0 : beta * *p;
                }
            }
        return;
    }
    nn_blas_sync_threads();
    if (dt == TSI_DTYPE_FLOAT32)
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    (int)m, (int)n, (int)k, (float)alpha, a, (int)lda, b, (int)ldb, (float)beta, c,
                    (int)ldc);
    else
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

Tensor *nn_contig(const Tensor *x, DType dt, Err *err) {
    if (x->dtype == dt)
        return tensor_contiguous(x, err);
    Tensor *out = tensor_empty(dt, x->ndim, x->sizes, err);
    if (out && tensor_copy_(out, x, err)) {
        tensor_release(out);
        return NULL;
    }
    return out;
}

static int wrap_dim(int64_t dim, int ndim, int64_t *out, Err *err) {
    int64_t n = ndim > 0 ? ndim : 1;
    if (dim < -n || dim >= n)
        return err_set(err, TSI_ERR_INDEX,
                       "Dimension out of range (expected to be in range of [%lld, %lld], but got "
                       "%lld)",
                       (long long)-n, (long long)(n - 1), (long long)dim);
    *out = dim < 0 ? dim + n : dim;
    return TSI_OK;
}

/* ------------------------------------------------------------ dropout */

Tensor *kern_dropout(const Tensor *x, double p, bool train, bool feature, bool alpha, Err *err) {
    if (!(p >= 0 && p <= 1)) {
        err_set(err, TSI_ERR_VALUE, "dropout probability has to be between 0 and 1, but got %g",
                p);
        return NULL;
    }
    if (p == 0 || !train || tensor_numel(x) == 0) {
        /* torch returns its input itself */
        Tensor *self = (Tensor *)x;
        tensor_retain(self);
        return self;
    }
    if (p == 1 && !alpha) {
        /* x * 0 (not zeros: NaN and inf stay NaN, as in torch) */
        TSI_UNUSED(feature);
        Tensor *out = tensor_empty(x->dtype, x->ndim, x->sizes, err);
        if (!out || tensor_copy_(out, x, err)) {
            tensor_release(out);
            return NULL;
        }
        int64_t n = tensor_numel(out);
        if (out->dtype == TSI_DTYPE_FLOAT32) {
            float *d = tensor_data(out);
            for (int64_t i = 0; i < n; i++)
                d[i] *= 0.0f;
        } else if (out->dtype == TSI_DTYPE_FLOAT64) {
            double *d = tensor_data(out);
            for (int64_t i = 0; i < n; i++)
                d[i] *= 0.0;
        } else {
            memset(tensor_data(out), 0, tensor_nbytes(out));
        }
        return out;
    }
    err_set(err, TSI_ERR_UNSUPPORTED, "random dropout in training mode is not supported");
    return NULL;
}

/* -------------------------------------------------------------- prelu */

Tensor *kern_prelu(const Tensor *x, const Tensor *weight, Err *err) {
    if (x->dtype != TSI_DTYPE_FLOAT32 && x->dtype != TSI_DTYPE_FLOAT64) {
        err_set(err, TSI_ERR_TYPE, "\"prelu_cpu\" not implemented for '%s'", dtype_prefix(x->dtype));
        return NULL;
    }
    if (weight->ndim > 1) {
        err_set(err, TSI_ERR_VALUE,
                "prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = %d",
                weight->ndim);
        return NULL;
    }
    int64_t nw = tensor_numel(weight);
    if (nw != 1) {
        if (x->ndim == 0) {
            err_set(err, TSI_ERR_VALUE, "Not allow zero-dim input tensor.");
            return NULL;
        }
        int64_t ch = x->ndim >= 2 ? x->sizes[1] : 1;
        if (ch != nw) {
            err_set(err, TSI_ERR_VALUE,
                    "Mismatch of parameter numbers and input channel size. Found parameter "
                    "numbers = %lld and channel size = %lld.",
                    (long long)nw, (long long)ch);
            return NULL;
        }
    }
    if (weight->dtype != x->dtype) {
        err_set(err, TSI_ERR_TYPE, "Found dtype %s but expected %s", dtype_prefix(weight->dtype),
                dtype_prefix(x->dtype));
        return NULL;
    }
    Tensor *xc = nn_contig(x, x->dtype, err);
    Tensor *wc = xc ? nn_contig(weight, x->dtype, err) : NULL;
    Tensor *out = wc ? tensor_empty(x->dtype, x->ndim, x->sizes, err) : NULL;
    if (!out)
        goto done;
    int64_t ch = nw, inner = 1, outer = tensor_numel(x);
    if (nw != 1) {
        for (int d = 2; d < x->ndim; d++)
            inner *= x->sizes[d];
        outer = x->sizes[0];
    } else {
        ch = 1;
    }
    if (nw == 1)
        inner = tensor_numel(x), outer = 1;
    bool f32 = x->dtype == TSI_DTYPE_FLOAT32;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t c = 0; c < ch; c++) {
            int64_t base = (o * ch + c) * inner;
            if (f32) {
                const float *xs = (const float *)tensor_data(xc) + base;
                float *ys = (float *)tensor_data(out) + base;
                float w = ((const float *)tensor_data(wc))[c];
                for (int64_t i = 0; i < inner; i++)
                    ys[i] = xs[i] > 0 ? xs[i] : w * xs[i];
            } else {
                const double *xs = (const double *)tensor_data(xc) + base;
                double *ys = (double *)tensor_data(out) + base;
                double w = ((const double *)tensor_data(wc))[c];
                for (int64_t i = 0; i < inner; i++)
                    ys[i] = xs[i] > 0 ? xs[i] : w * xs[i];
            }
        }
done:
    tensor_release(xc);
    tensor_release(wc);
    return out;
}

/* ---------------------------------------------------------------- glu */

Tensor *kern_glu(const Tensor *x, int64_t dim, Err *err) {
    if (x->ndim == 0) {
        err_set(err, TSI_ERR_VALUE, "glu does not support scalars because halving size must be even");
        return NULL;
    }
    int64_t d = 0;
    if (wrap_dim(dim, x->ndim, &d, err))
        return NULL;
    if (x->sizes[d] % 2) {
        err_set(err, TSI_ERR_VALUE, "Halving dimension must be even, but dimension %lld is size %lld",
                (long long)d, (long long)x->sizes[d]);
        return NULL;
    }
    if (x->dtype != TSI_DTYPE_FLOAT32 && x->dtype != TSI_DTYPE_FLOAT64) {
        err_set(err, TSI_ERR_TYPE, "\"glu_cpu\" not implemented for '%s'", dtype_prefix(x->dtype));
        return NULL;
    }
    Tensor *xc = tensor_contiguous(x, err);
    if (!xc)
        return NULL;
    int64_t sizes[TSI_MAX_DIM];
    memcpy(sizes, x->sizes, sizeof sizes);
    sizes[d] /= 2;
    Tensor *out = tensor_empty(x->dtype, x->ndim, sizes, err);
    if (out) {
        int64_t outer = 1, inner = 1, half = sizes[d];
        for (int i = 0; i < d; i++)
            outer *= sizes[i];
        for (int i = (int)d + 1; i < x->ndim; i++)
            inner *= sizes[i];
        for (int64_t o = 0; o < outer; o++) {
            int64_t src = o * 2 * half * inner, dst = o * half * inner;
            int64_t n = half * inner;
            if (x->dtype == TSI_DTYPE_FLOAT32) {
                const float *a = (const float *)tensor_data(xc) + src, *b = a + n;
                float *y = (float *)tensor_data(out) + dst;
                for (int64_t i = 0; i < n; i++)
                    y[i] = a[i] * (1.0f / (1.0f + expf(-b[i])));
            } else {
                const double *a = (const double *)tensor_data(xc) + src, *b = a + n;
                double *y = (double *)tensor_data(out) + dst;
                for (int64_t i = 0; i < n; i++)
                    y[i] = a[i] * (1.0 / (1.0 + exp(-b[i])));
            }
        }
    }
    tensor_release(xc);
    return out;
}

/* ------------------------------------------------------ pixel shuffle */

/* A permuted view copied contiguous: shuffle is (.., C/r², r, r, H, W) ->
 * (.., C/r², H, r, W, r); unshuffle the reverse. */
Tensor *kern_pixel_shuffle(const Tensor *x, int64_t r, bool unshuffle, Err *err) {
    const char *name = unshuffle ? "pixel_unshuffle" : "pixel_shuffle";
    if (x->ndim < 3) {
        err_set(err, TSI_ERR_VALUE,
                "%s expects input to have at least 3 dimensions, but got input with %d dimension(s)",
                name, x->ndim);
        return NULL;
    }
    if (r <= 0) {
        err_set(err, TSI_ERR_VALUE, "%s expects a positive %s, but got %lld", name,
                unshuffle ? "downscale_factor" : "upscale_factor", (long long)r);
        return NULL;
    }
    int nd = x->ndim;
    int64_t C = x->sizes[nd - 3], H = x->sizes[nd - 2], W = x->sizes[nd - 1];
    if (!unshuffle && C % (r * r)) {
        err_set(err, TSI_ERR_VALUE,
                "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                "square of upscale_factor, but input.size(-3)=%lld is not divisible by %lld",
                (long long)C, (long long)(r * r));
        return NULL;
    }
    if (unshuffle && (H % r || W % r)) {
        bool h = H % r != 0;
        err_set(err, TSI_ERR_VALUE,
                "pixel_unshuffle expects %s to be divisible by downscale_factor, but "
                "input.size(%d)=%lld is not divisible by %lld",
                h ? "height" : "width", h ? -2 : -1, (long long)(h ? H : W), (long long)r);
        return NULL;
    }
    int64_t osz[TSI_MAX_DIM];
    memcpy(osz, x->sizes, sizeof osz);
    if (!unshuffle) {
        osz[nd - 3] = C / (r * r), osz[nd - 2] = H * r, osz[nd - 1] = W * r;
    } else {
        osz[nd - 3] = C * r * r, osz[nd - 2] = H / r, osz[nd - 1] = W / r;
    }
    Tensor *out = tensor_empty(x->dtype, nd, osz, err);
    if (!out)
        return NULL;
    /* Build a view of x whose logical order matches out's memory order. */
    int64_t vs[TSI_MAX_DIM + 3], vt[TSI_MAX_DIM + 3];
    int k = 0;
    for (int i = 0; i < nd - 3; i++, k++)
        vs[k] = x->sizes[i], vt[k] = x->strides[i];
    int64_t sc = x->strides[nd - 3], sh = x->strides[nd - 2], sw = x->strides[nd - 1];
    if (!unshuffle) {
        /* out[c, h*r+i, w*r+j] = x[c*r*r + i*r + j, h, w] */
        int64_t c2 = C / (r * r);
        int64_t s6[6] = {c2, H, r, W, r, 0}, t6[6] = {sc * r * r, sh, sc * r, sw, sc, 0};
        for (int i = 0; i < 5; i++, k++)
            vs[k] = s6[i], vt[k] = t6[i];
    } else {
        /* out[c*r*r + i*r + j, h, w] = x[c, h*r+i, w*r+j] */
        int64_t s6[5] = {C, r, r, H / r, W / r}, t6[5] = {sc, sh, sw, sh * r, sw * r};
        for (int i = 0; i < 5; i++, k++)
            vs[k] = s6[i], vt[k] = t6[i];
    }
    if (k > TSI_MAX_DIM) {
        tensor_release(out);
        err_set(err, TSI_ERR_UNSUPPORTED, "%s: too many dimensions", name);
        return NULL;
    }
    Tensor *view = tensor_make_view(x, k, vs, vt, x->offset, err);
    int64_t cs[TSI_MAX_DIM];
    contiguous_strides(k, vs, cs);
    Tensor *ov = view ? tensor_make_view(out, k, vs, cs, 0, err) : NULL;
    int rc = ov ? tensor_copy_(ov, view, err) : TSI_ERR_RUNTIME;
    tensor_release(view);
    tensor_release(ov);
    if (rc) {
        tensor_release(out);
        return NULL;
    }
    return out;
}

/* ---------------------------------------------------------- embedding */

Tensor *kern_embedding(const Tensor *weight, const Tensor *indices, int64_t padding_idx, Err *err) {
    TSI_UNUSED(padding_idx); /* only changes the gradient */
    if (indices->dtype != TSI_DTYPE_INT64 && indices->dtype != TSI_DTYPE_INT32) {
        err_set(err, TSI_ERR_TYPE,
                "Expected tensor for argument #1 'indices' to have one of the following scalar "
                "types: Long, Int; but got torch.%sTensor instead (while checking arguments for "
                "embedding)",
                dtype_prefix(indices->dtype));
        return NULL;
    }
    if (weight->ndim != 2) {
        err_set(err, TSI_ERR_VALUE, "'weight' must be 2-D");
        return NULL;
    }
    if (indices->ndim + 1 > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_UNSUPPORTED, "embedding: too many dimensions");
        return NULL;
    }
    int64_t V = weight->sizes[0], E = weight->sizes[1];
    Tensor *ic = nn_contig(indices, TSI_DTYPE_INT64, err);
    Tensor *wc = ic ? tensor_contiguous(weight, err) : NULL;
    if (!wc) {
        tensor_release(ic);
        return NULL;
    }
    int64_t sizes[TSI_MAX_DIM];
    memcpy(sizes, indices->sizes, (size_t)indices->ndim * sizeof *sizes);
    sizes[indices->ndim] = E;
    Tensor *out = tensor_empty(weight->dtype, indices->ndim + 1, sizes, err);
    if (out) {
        int64_t n = tensor_numel(ic);
        const int64_t *idx = tensor_data(ic);
        size_t row = (size_t)E * dtype_size(weight->dtype);
        for (int64_t i = 0; i < n; i++) {
            if (idx[i] < 0 || idx[i] >= V) {
                err_set(err, TSI_ERR_INDEX, "index out of range in self");
                tensor_release(out);
                out = NULL;
                break;
            }
            memcpy((char *)tensor_data(out) + (size_t)i * row,
                   (const char *)tensor_data(wc) + (size_t)idx[i] * row, row);
        }
    }
    tensor_release(ic);
    tensor_release(wc);
    return out;
}

/* ------------------------------------------------------------ one_hot */

Tensor *kern_one_hot(const Tensor *indices, int64_t num_classes, Err *err) {
    if (indices->dtype != TSI_DTYPE_INT64) {
        err_set(err, TSI_ERR_TYPE, "one_hot is only applicable to index tensor.");
        return NULL;
    }
    if (indices->ndim + 1 > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_UNSUPPORTED, "one_hot: too many dimensions");
        return NULL;
    }
    Tensor *ic = tensor_contiguous(indices, err);
    if (!ic)
        return NULL;
    int64_t n = tensor_numel(ic);
    const int64_t *idx = tensor_data(ic);
    Tensor *out = NULL;
    if (n == 0 && num_classes == -1) {
        err_set(err, TSI_ERR_VALUE, "Can not infer total number of classes from empty tensor.");
        goto done;
    }
    int64_t mn = 0, mx = -1;
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || idx[i] < mn)
            mn = idx[i];
        if (i == 0 || idx[i] > mx)
            mx = idx[i];
    }
    if (n > 0 && mn < 0) {
        err_set(err, TSI_ERR_VALUE, "Class values must be non-negative.");
        goto done;
    }
    if (num_classes == -1)
        num_classes = mx + 1;
    else if (n > 0 && mx >= num_classes) {
        err_set(err, TSI_ERR_VALUE, "Class values must be smaller than num_classes.");
        goto done;
    }
    int64_t sizes[TSI_MAX_DIM];
    memcpy(sizes, indices->sizes, (size_t)indices->ndim * sizeof *sizes);
    sizes[indices->ndim] = num_classes;
    out = tensor_empty(TSI_DTYPE_INT64, indices->ndim + 1, sizes, err);
    if (out) {
        int64_t *y = tensor_data(out);
        for (int64_t i = 0; i < n; i++)
            y[i * num_classes + idx[i]] = 1;
    }
done:
    tensor_release(ic);
    return out;
}
