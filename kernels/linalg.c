/*
 * linalg.c: matrix products — matmul, mm, mv, dot, bmm, addmm, baddbmm and
 * linear — with torch 1.13's dispatch, dtype rules and error messages.
 *
 * Each entry point first replays torch's checks on shapes and dtypes (which
 * decide the error messages and, for empty products, even the result
 * dtype), then hands the product to one engine: a batched
 * C = beta * C + alpha * A @ B over strided operands with broadcast batch
 * dims. The engine passes transposed views to OpenBLAS as transposed
 * operands (copying only operands that are neither row- nor column-major),
 * folds broadcast batches into a single GEMM where the layout allows, and
 * runs integer dtypes on plain loops with wrap-around arithmetic, as torch
 * does. bfloat16 computes in float32.
 */
#include "kernels.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdatomic.h>
#include <string.h>

#define ERRC(err) ((err) && (err)->code ? (err)->code : TSI_ERR_RUNTIME)

/* ------------------------------------------------------------- threads */

/*
 * OpenBLAS keeps its own thread count. The pthread build (Debian's
 * default) uses the count set by openblas_set_num_threads; an OpenMP build
 * sizes each call by the calling thread's OpenMP setting instead. Set both
 * to kern_get_num_threads() before BLAS calls, touching them only when the
 * wanted count changes.
 */
static atomic_int blas_threads_set;

static void blas_sync_threads(void) {
    int n = kern_get_num_threads();
    if (atomic_load_explicit(&blas_threads_set, memory_order_relaxed) != n) {
        openblas_set_num_threads(n);
        atomic_store_explicit(&blas_threads_set, n, memory_order_relaxed);
    }
    if (openblas_get_parallel() == 2 && omp_get_max_threads() != n)
        omp_set_num_threads(n);
}

/* ------------------------------------------------------------ messages */

static void shape_str(StrBuf *sb, int ndim, const int64_t *sizes) { shape_format(sb, ndim, sizes); }

static int not_implemented(Err *err, const char *kernel, DType dt) {
    return err_set(err, TSI_ERR_RUNTIME, "\"%s\" not implemented for '%s'", kernel,
                   dtype_prefix(dt));
}

/* Dtypes the CPU products support: float16 and bool are refused by torch. */
static bool product_dtype_ok(DType dt) {
    return dtype_valid(dt) && dt != TSI_DTYPE_FLOAT16 && dt != TSI_DTYPE_BOOL;
}

typedef enum PKind { P_MM, P_MV, P_BMM } PKind;

/*
 * torch's dtype behaviour once the shapes are valid. An empty product (no
 * output elements or k == 0) never reaches the typed kernel, so it raises
 * nothing and takes mm's first or mv/bmm's second operand dtype; otherwise
 * the kernel refuses unsupported dtypes and mismatched operands.
 */
static int product_dtype(PKind kind, DType d1, DType d2, bool trivial, DType *out, Err *err) {
    *out = kind == P_MM ? d1 : d2;
    if (trivial)
        return TSI_OK;
    if (!product_dtype_ok(d1))
        return not_implemented(err,
                               kind == P_MM   ? "addmm_impl_cpu_"
                               : kind == P_MV ? "addmv_impl_cpu"
                                              : "bmm",
                               d1);
    if (d1 != d2)
        return err_set(err, TSI_ERR_RUNTIME, "expected scalar type %s but found %s",
                       dtype_prefix(d1), dtype_prefix(d2));
    *out = d1;
    return TSI_OK;
}

static int mm_shape_error(Err *err, int64_t m, int64_t k1, int64_t k2, int64_t n) {
    return err_set(err, TSI_ERR_RUNTIME,
                   "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                   (long long)m, (long long)k1, (long long)k2, (long long)n);
}

static int mv_shape_error(Err *err, int64_t m, int64_t k1, int64_t k2) {
    return err_set(err, TSI_ERR_RUNTIME, "size mismatch, got %lld, %lldx%lld,%lld", (long long)m,
                   (long long)m, (long long)k1, (long long)k2);
}

static int bmm_shape_error(Err *err, int64_t b1, int64_t k1, int64_t b2, int64_t k2) {
    return err_set(err, TSI_ERR_RUNTIME,
                   "Expected size for first two dimensions of batch2 tensor to be: [%lld, %lld] "
                   "but got: [%lld, %lld].",
                   (long long)b1, (long long)k1, (long long)b2, (long long)k2);
}

/* torch's expand(t, sizes) checks (dims compared from the last one). */
static int check_expand(const Tensor *t, int ndim, const int64_t *sizes, Err *err) {
    StrBuf sb;
    sb_init(&sb);
    int rc = TSI_OK;
    if (t->ndim > ndim) {
        sb_printf(&sb, "expand(torch.%sTensor{", dtype_prefix(t->dtype));
        shape_str(&sb, t->ndim, t->sizes);
        sb_puts(&sb, "}, size=");
        shape_str(&sb, ndim, sizes);
        sb_printf(&sb,
                  "): the number of sizes provided (%d) must be greater or equal to the number "
                  "of dimensions in the tensor (%d)",
                  ndim, t->ndim);
        rc = err_set(err, TSI_ERR_RUNTIME, "%s", sb_cstr(&sb));
    } else {
        for (int d = ndim - 1; d >= 0; d--) {
            int td = d - (ndim - t->ndim);
            if (td < 0)
                break;
            if (t->sizes[td] != sizes[d] && t->sizes[td] != 1) {
                sb_printf(&sb,
                          "The expanded size of the tensor (%lld) must match the existing size "
                          "(%lld) at non-singleton dimension %d.  Target sizes: ",
                          (long long)sizes[d], (long long)t->sizes[td], d);
                shape_str(&sb, ndim, sizes);
                sb_puts(&sb, ".  Tensor sizes: ");
                shape_str(&sb, t->ndim, t->sizes);
                rc = err_set(err, TSI_ERR_RUNTIME, "%s", sb_cstr(&sb));
                break;
            }
        }
    }
    sb_free(&sb);
    return rc;
}

/* torch's in-place add_ of `other` into a result of the given shape and
 * dtype: other must broadcast to exactly that shape and its promoted type
 * must cast to the result's. */
static int check_add_into(int ndim, const int64_t *sizes, DType dt, const Tensor *other,
                          Err *err) {
    int nb;
    int64_t bs[TSI_MAX_DIM];
    if (broadcast_shapes(ndim, sizes, other->ndim, other->sizes, &nb, bs, err))
        return ERRC(err);
    if (nb != ndim || memcmp(bs, sizes, sizeof(int64_t) * (size_t)ndim) != 0) {
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, "output with shape ");
        shape_str(&sb, ndim, sizes);
        sb_puts(&sb, " doesn't match the broadcast shape ");
        shape_str(&sb, nb, bs);
        int rc = err_set(err, TSI_ERR_RUNTIME, "%s", sb_cstr(&sb));
        sb_free(&sb);
        return rc;
    }
    Tensor probe;
    memset(&probe, 0, sizeof probe);
    probe.dtype = dt;
    probe.ndim = ndim > 0 ? 1 : 0; /* only the category and dim>0 matter */
    const Tensor *ops[2] = {&probe, other};
    DType rt = result_type(2, ops);
    if (!dtype_can_cast(rt, dt))
        return err_set(err, TSI_ERR_RUNTIME, "result type %s can't be cast to the desired output type %s",
                       dtype_prefix(rt), dtype_prefix(dt));
    return TSI_OK;
}

/* -------------------------------------------------------------- engine */

/* C (batch..., m, n), contiguous rows) = beta * C + alpha * A @ B. */
typedef struct Gemm {
    DType dt;
    int64_t m, n, k;
    int nb;
    int64_t bsz[TSI_MAX_DIM];
    int64_t sa[TSI_MAX_DIM], sb[TSI_MAX_DIM], sc[TSI_MAX_DIM]; /* batch strides, elements */
    char *a, *b, *c;
    int64_t ars, acs, brs, bcs, crs; /* C's column stride is 1 */
    double alpha, beta;
    int64_t ialpha, ibeta;
} Gemm;

/*
 * Whether a rows x cols matrix with these element strides can be given to
 * row-major BLAS: as is (NoTrans, leading dim = row stride) or as the
 * transpose of a row-major matrix (Trans, leading dim = column stride).
 * Strides of size-1 dims do not matter.
 */
static bool blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool *trans,
                        int64_t *ld) {
    int64_t r1 = rows > 1 ? rows : 1, c1 = cols > 1 ? cols : 1;
    if ((cols <= 1 || cs == 1) && (rows <= 1 || rs >= c1)) {
        *trans = false;
        *ld = rows <= 1 ? c1 : rs;
    } else if ((rows <= 1 || rs == 1) && (cols <= 1 || cs >= r1)) {
        *trans = true;
        *ld = cols <= 1 ? r1 : cs;
    } else {
        return false;
    }
    return *ld <= INT_MAX;
}

static void batch_offsets(const Gemm *g, int64_t bi, int64_t *oa, int64_t *ob, int64_t *oc) {
    *oa = *ob = *oc = 0;
    for (int d = g->nb - 1; d >= 0; d--) {
        int64_t i = bi % g->bsz[d];
        bi /= g->bsz[d];
        *oa += i * g->sa[d];
        *ob += i * g->sb[d];
        *oc += i * g->sc[d];
    }
}

/* One float32/float64 product. gemv and dot are used for matrix-vector
 * shapes unless called from our own parallel loop (where only small gemm
 * calls are known to stay on the calling thread). */
static void blas_one(const Gemm *g, const char *a, const char *b, char *c, bool allow_gemv) {
    bool ta = false, tb = false;
    int64_t lda = 1, ldb = 1;
    blas_layout(g->m, g->k, g->ars, g->acs, &ta, &lda);
    blas_layout(g->k, g->n, g->brs, g->bcs, &tb, &ldb);
    int m = (int)g->m, n = (int)g->n, k = (int)g->k;
    int ldc = (int)(g->m > 1 ? g->crs : (g->n > 1 ? g->n : 1));
    bool f32 = g->dt == TSI_DTYPE_FLOAT32;
    if (allow_gemv && m == 1 && n == 1) {
        int ia = (int)(k > 1 ? g->acs : 1), ib = (int)(k > 1 ? g->brs : 1);
        if (f32) {
            float *y = (float *)c;
            float d = cblas_sdot(k, (const float *)a, ia, (const float *)b, ib);
            *y = (float)(g->beta == 0 ? g->alpha * d : g->alpha * d + g->beta * *y);
        } else {
            double *y = (double *)c;
            double d = cblas_ddot(k, (const double *)a, ia, (const double *)b, ib);
            *y = g->beta == 0 ? g->alpha * d : g->alpha * d + g->beta * *y;
        }
        return;
    }
    if (allow_gemv && (n == 1 || m == 1)) {
        /* n == 1: y(m) = A x with x = B's column; m == 1: y(n) = B^T x with x = A's row */
        bool col = n == 1;
        const char *mat = col ? a : b, *x = col ? b : a;
        bool t = col ? ta : !tb;
        int rows = col ? (ta ? k : m) : (tb ? n : k);
        int cols = col ? (ta ? m : k) : (tb ? k : n);
        int ld = (int)(col ? lda : ldb);
        int incx = (int)(k > 1 ? (col ? g->brs : g->acs) : 1);
        int incy = (int)(col ? (m > 1 ? g->crs : 1) : 1);
        enum CBLAS_TRANSPOSE tr = t ? CblasTrans : CblasNoTrans;
        if (f32)
            cblas_sgemv(CblasRowMajor, tr, rows, cols, (float)g->alpha, (const float *)mat, ld,
                        (const float *)x, incx, (float)g->beta, (float *)c, incy);
        else
            cblas_dgemv(CblasRowMajor, tr, rows, cols, g->alpha, (const double *)mat, ld,
                        (const double *)x, incx, g->beta, (double *)c, incy);
        return;
    }
    enum CBLAS_TRANSPOSE tra = ta ? CblasTrans : CblasNoTrans, trb = tb ? CblasTrans : CblasNoTrans;
    if (f32)
        cblas_sgemm(CblasRowMajor, tra, trb, m, n, k, (float)g->alpha, (const float *)a, (int)lda,
                    (const float *)b, (int)ldb, (float)g->beta, (float *)c, ldc);
    else
        cblas_dgemm(CblasRowMajor, tra, trb, m, n, k, g->alpha, (const double *)a, (int)lda,
                    (const double *)b, (int)ldb, g->beta, (double *)c, ldc);
}

/* Integer products accumulate with wrap-around, as torch's do. */
#define DEF_IGEMM(name, CT)                                                                  \
    static void name(const Gemm *g, const char *av, const char *bv, char *cv, int64_t i0,   \
                     int64_t i1) {                                                           \
        const CT *a = (const CT *)av, *b = (const CT *)bv;                                   \
        CT *c = (CT *)cv;                                                                    \
        for (int64_t i = i0; i < i1; i++)                                                    \
            for (int64_t j = 0; j < g->n; j++) {                                             \
                uint64_t s = 0;                                                              \
                const CT *ap = a + i * g->ars, *bp = b + j * g->bcs;                         \
                for (int64_t p = 0; p < g->k; p++, ap += g->acs, bp += g->brs)               \
                    s += (uint64_t)(int64_t)*ap * (uint64_t)(int64_t)*bp;                    \
                CT *cp = c + i * g->crs + j;                                                 \
                uint64_t v = (uint64_t)g->ialpha * s;                                        \
                if (g->ibeta != 0)                                                           \
                    v += (uint64_t)g->ibeta * (uint64_t)(int64_t)*cp;                        \
                *cp = (CT)v;                                                                 \
            }                                                                                \
    }

DEF_IGEMM(igemm_u8, uint8_t)
DEF_IGEMM(igemm_i8, int8_t)
DEF_IGEMM(igemm_i16, int16_t)
DEF_IGEMM(igemm_i32, int32_t)
DEF_IGEMM(igemm_i64, int64_t)

typedef void (*IGemmFn)(const Gemm *g, const char *a, const char *b, char *c, int64_t i0,
                        int64_t i1);

static IGemmFn igemm_for(DType dt) {
    switch (dt) {
    case TSI_DTYPE_UINT8: return igemm_u8;
    case TSI_DTYPE_INT8: return igemm_i8;
    case TSI_DTYPE_INT16: return igemm_i16;
    case TSI_DTYPE_INT32: return igemm_i32;
    case TSI_DTYPE_INT64: return igemm_i64;
    default: return NULL;
    }
}

/* Below this m*n*k OpenBLAS runs a GEMM on the calling thread (its
 * SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD), so batches of such
 * products are spread over our own threads instead. */
#define SMALL_GEMM 262144.0

/*
 * Fold the batch dims into A's and C's rows when B is the same matrix for
 * every batch and the rows of consecutive batches are evenly spaced (the
 * 3-D @ 2-D case of linear layers): one large GEMM instead of many.
 */
static void try_fold_batches(Gemm *g) {
    if (g->nb == 0)
        return;
    int64_t rows = g->m, ars = g->ars, crs = g->crs;
    if (rows == 1) { /* a single row's stride is free: take the batch's */
        int d = g->nb - 1;
        while (d >= 0 && g->bsz[d] == 1)
            d--;
        if (d < 0)
            return;
        ars = g->sa[d];
        crs = g->sc[d];
    }
    for (int d = g->nb - 1; d >= 0; d--) {
        if (g->bsz[d] == 1)
            continue;
        if (g->sb[d] != 0 || g->sa[d] != ars * rows || g->sc[d] != crs * rows)
            return;
        rows *= g->bsz[d];
    }
    bool t;
    int64_t ld;
    if (rows > INT_MAX || !blas_layout(rows, g->k, ars, g->acs, &t, &ld) ||
        (rows > 1 && crs < g->n))
        return;
    g->m = rows;
    g->ars = ars;
    g->crs = crs;
    g->nb = 0;
}

static void gemm_run(Gemm *g) {
    int64_t nbatch = 1;
    for (int d = 0; d < g->nb; d++)
        nbatch *= g->bsz[d];
    int nt = kern_get_num_threads();
    IGemmFn ifn = igemm_for(g->dt);
    if (ifn) {
        double work = (double)nbatch * (double)g->m * (double)g->n * (double)g->k;
        int64_t jobs = nbatch * g->m;
        if (nt > 1 && jobs > 1 && work >= 65536) {
#pragma omp parallel for num_threads(nt) schedule(static)
            for (int64_t j = 0; j < jobs; j++) {
                int64_t oa, ob, oc, i = j % g->m;
                batch_offsets(g, j / g->m, &oa, &ob, &oc);
                size_t es = dtype_size(g->dt);
                ifn(g, g->a + oa * (int64_t)es, g->b + ob * (int64_t)es, g->c + oc * (int64_t)es,
                    i, i + 1);
            }
        } else {
            size_t es = dtype_size(g->dt);
            for (int64_t bi = 0; bi < nbatch; bi++) {
                int64_t oa, ob, oc;
                batch_offsets(g, bi, &oa, &ob, &oc);
                ifn(g, g->a + oa * (int64_t)es, g->b + ob * (int64_t)es, g->c + oc * (int64_t)es,
                    0, g->m);
            }
        }
        return;
    }
    blas_sync_threads();
    try_fold_batches(g);
    nbatch = 1;
    for (int d = 0; d < g->nb; d++)
        nbatch *= g->bsz[d];
    int64_t es = (int64_t)dtype_size(g->dt);
    double mnk = (double)g->m * (double)g->n * (double)g->k;
    if (nt > 1 && nbatch > 1 && mnk <= SMALL_GEMM) {
#pragma omp parallel for num_threads(nt) schedule(static)
        for (int64_t bi = 0; bi < nbatch; bi++) {
            int64_t oa, ob, oc;
            batch_offsets(g, bi, &oa, &ob, &oc);
            blas_one(g, g->a + oa * es, g->b + ob * es, g->c + oc * es, false);
        }
        return;
    }
    for (int64_t bi = 0; bi < nbatch; bi++) {
        int64_t oa, ob, oc;
        batch_offsets(g, bi, &oa, &ob, &oc);
        blas_one(g, g->a + oa * es, g->b + ob * es, g->c + oc * es, true);
    }
}

/* ------------------------------------------------------------- product */

/* The matrix dims of a (..., r, c) operand, or of a vector seen as a row
 * (as_row) or a column. */
static void mat_dims(const Tensor *t, bool as_row, int64_t *r, int64_t *c, int64_t *rs,
                     int64_t *cs) {
    if (t->ndim == 1) {
        if (as_row) {
            *r = 1;
            *c = t->sizes[0];
            *rs = t->sizes[0];
            *cs = t->strides[0];
        } else {
            *r = t->sizes[0];
            *c = 1;
            *rs = t->strides[0];
            *cs = 1;
        }
        return;
    }
    *r = t->sizes[t->ndim - 2];
    *c = t->sizes[t->ndim - 1];
    *rs = t->strides[t->ndim - 2];
    *cs = t->strides[t->ndim - 1];
}

/* t itself (retained) if BLAS can read its matrices, else a contiguous copy. */
static Tensor *blas_ready(const Tensor *t, bool as_row, Err *err) {
    int64_t r, c, rs, cs, ld;
    bool tr;
    mat_dims(t, as_row, &r, &c, &rs, &cs);
    if (blas_layout(r, c, rs, cs, &tr, &ld)) {
        tensor_retain((Tensor *)t);
        return (Tensor *)t;
    }
    return tensor_contiguous(t, err);
}

/* t *= beta, elementwise (only for empty products: rare and small). */
static void scale_inplace(Tensor *t, Scalar beta) {
    int64_t n = tensor_numel(t);
    int64_t idx[TSI_MAX_DIM] = {0};
    for (int64_t i = 0; i < n; i++) {
        Scalar v = tensor_get(t, idx);
        if (dtype_is_floating(t->dtype))
            v = scalar_float(scalar_to_double(v) * scalar_to_double(beta));
        else if (t->dtype == TSI_DTYPE_BOOL)
            v = scalar_bool(scalar_to_int64(v) && scalar_to_int64(beta));
        else
            v = scalar_int((int64_t)((uint64_t)scalar_to_int64(v) * (uint64_t)scalar_to_int64(beta)));
        tensor_set(t, idx, v);
        for (int d = t->ndim - 1; d >= 0; d--) {
            if (++idx[d] < t->sizes[d])
                break;
            idx[d] = 0;
        }
    }
}

static bool scalar_is_zero(Scalar s) { return scalar_to_double(s) == 0; }

static int64_t tensor_numel_of(int ndim, const int64_t *sizes) {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= sizes[d];
    return n;
}

/*
 * out = beta * addend + alpha * (a @ b), shaped `sizes`. a: (..., m, k) or a
 * vector (a row); b: (..., k, n) or a vector (a column); batch dims
 * broadcast. The caller has validated shapes and dtypes: unless `trivial`,
 * a and b share the result dtype dt. addend (may be NULL) broadcasts to the
 * output and is not read when beta is 0.
 */
static Tensor *product(const Tensor *a, const Tensor *b, int ndim, const int64_t *sizes, DType dt,
                       bool trivial, const Tensor *addend, Scalar beta, Scalar alpha, Err *err) {
    Tensor *out = tensor_empty(dt, ndim, sizes, err);
    Tensor *ra = NULL, *rb = NULL, *o32 = NULL;
    if (!out)
        return NULL;
    bool use_addend = addend && !scalar_is_zero(beta);
    if (use_addend && tensor_copy_(out, addend, err))
        goto fail;
    if (tensor_numel(out) == 0)
        return out;
    int64_t m, k, n, ars, acs, brs, bcs, k2;
    mat_dims(a, true, &m, &k, &ars, &acs);
    mat_dims(b, false, &k2, &n, &brs, &bcs);
    (void)k2;
    if (trivial || k == 0 || scalar_is_zero(alpha)) {
        if (use_addend && scalar_to_double(beta) != 1)
            scale_inplace(out, beta);
        return out;
    }
    bool is_float = dt == TSI_DTYPE_FLOAT32 || dt == TSI_DTYPE_FLOAT64;
    Tensor *c = out;
    if (dt == TSI_DTYPE_BFLOAT16) {
        /* compute in float32 and round once, like torch's bfloat16 GEMM */
        ra = tensor_to(a, TSI_DTYPE_FLOAT32, false, err);
        rb = ra ? tensor_to(b, TSI_DTYPE_FLOAT32, false, err) : NULL;
        o32 = rb ? tensor_to(out, TSI_DTYPE_FLOAT32, false, err) : NULL;
        if (!o32)
            goto fail;
        a = ra;
        b = rb;
        c = o32;
        is_float = true;
    }
    if (is_float) {
        Tensor *na = blas_ready(a, true, err);
        if (!na)
            goto fail;
        tensor_release(ra);
        a = ra = na;
        Tensor *nb = blas_ready(b, false, err);
        if (!nb)
            goto fail;
        tensor_release(rb);
        b = rb = nb;
        mat_dims(a, true, &m, &k, &ars, &acs);
        mat_dims(b, false, &k2, &n, &brs, &bcs);
        if (m > INT_MAX || n > INT_MAX || k > INT_MAX) {
            err_set(err, TSI_ERR_LIMIT, "matrix dimensions too large for BLAS");
            goto fail;
        }
    }
    Gemm g;
    memset(&g, 0, sizeof g);
    g.dt = c->dtype;
    g.m = m;
    g.n = n;
    g.k = k;
    g.ars = ars;
    g.acs = acs;
    g.brs = brs;
    g.bcs = bcs;
    g.crs = n;
    g.a = tensor_data(a);
    g.b = tensor_data(b);
    g.c = tensor_data(c);
    g.alpha = scalar_to_double(alpha);
    g.beta = use_addend ? scalar_to_double(beta) : 0;
    g.ialpha = scalar_to_int64(alpha);
    g.ibeta = use_addend ? scalar_to_int64(beta) : 0;
    /* batch dims: the output's leading dims beyond the matrix ones */
    int mdims = (a->ndim > 1 ? 1 : 0) + (b->ndim > 1 ? 1 : 0);
    g.nb = ndim - mdims;
    int64_t cstride = m * n;
    for (int d = g.nb - 1; d >= 0; d--) {
        g.bsz[d] = sizes[d];
        g.sc[d] = cstride;
        cstride *= sizes[d];
        int da = d - (g.nb - (a->ndim - 2)), db = d - (g.nb - (b->ndim - 2));
        g.sa[d] = a->ndim > 2 && da >= 0 && a->sizes[da] == sizes[d] ? a->strides[da] : 0;
        g.sb[d] = b->ndim > 2 && db >= 0 && b->sizes[db] == sizes[d] ? b->strides[db] : 0;
    }
    gemm_run(&g);
    if (o32 && tensor_copy_(out, o32, err))
        goto fail;
    tensor_release(ra);
    tensor_release(rb);
    tensor_release(o32);
    return out;
fail:
    tensor_release(ra);
    tensor_release(rb);
    tensor_release(o32);
    tensor_release(out);
    return NULL;
}

static Scalar one(void) { return scalar_int(1); }

/* ------------------------------------------------------ the torch ops */

Tensor *kern_dot(const Tensor *a, const Tensor *b, Err *err) {
    if (a->ndim != 1 || b->ndim != 1) {
        err_set(err, TSI_ERR_RUNTIME, "1D tensors expected, but got %dD and %dD tensors", a->ndim,
                b->ndim);
        return NULL;
    }
    if (a->dtype != b->dtype) {
        err_set(err, TSI_ERR_RUNTIME,
                "dot : expected both vectors to have same dtype, but found %s and %s",
                dtype_prefix(a->dtype), dtype_prefix(b->dtype));
        return NULL;
    }
    if (a->sizes[0] != b->sizes[0]) {
        err_set(err, TSI_ERR_RUNTIME,
                "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have the same "
                "number of elements, but got %lld and %lld elements respectively",
                (long long)a->sizes[0], (long long)b->sizes[0], (long long)a->sizes[0],
                (long long)b->sizes[0]);
        return NULL;
    }
    if (!product_dtype_ok(a->dtype)) {
        not_implemented(err, "dot", a->dtype);
        return NULL;
    }
    int64_t none[1] = {0}; /* a 0-d result: no sizes */
    return product(a, b, 0, none, a->dtype, false, NULL, scalar_int(0), one(), err);
}

static int check_mv(const Tensor *a, const Tensor *v, DType *dt, bool *trivial, Err *err) {
    if (a->ndim != 2 || v->ndim != 1)
        return err_set(err, TSI_ERR_RUNTIME, "vector + matrix @ vector expected, got 1, %d, %d",
                       a->ndim, v->ndim);
    if (a->sizes[1] != v->sizes[0])
        return mv_shape_error(err, a->sizes[0], a->sizes[1], v->sizes[0]);
    *trivial = a->sizes[0] == 0 || a->sizes[1] == 0;
    return product_dtype(P_MV, a->dtype, v->dtype, *trivial, dt, err);
}

Tensor *kern_mv(const Tensor *a, const Tensor *v, Err *err) {
    DType dt;
    bool trivial;
    if (check_mv(a, v, &dt, &trivial, err))
        return NULL;
    return product(a, v, 1, a->sizes, dt, trivial, NULL, scalar_int(0), one(), err);
}

/* torch.mm's checks for (m x k1) @ (k2 x n); a and b need not be 2-d
 * tensors here (matmul checks folded shapes with them). */
static int check_mm(int64_t m, int64_t k1, int64_t k2, int64_t n, DType d1, DType d2, DType *dt,
                    bool *trivial, Err *err) {
    if (k1 != k2)
        return mm_shape_error(err, m, k1, k2, n);
    *trivial = m == 0 || n == 0 || k1 == 0;
    return product_dtype(P_MM, d1, d2, *trivial, dt, err);
}

Tensor *kern_mm(const Tensor *a, const Tensor *b, Err *err) {
    if (a->ndim != 2 || b->ndim != 2) {
        err_set(err, TSI_ERR_RUNTIME, a->ndim != 2 ? "self must be a matrix" : "mat2 must be a matrix");
        return NULL;
    }
    DType dt;
    bool trivial;
    if (check_mm(a->sizes[0], a->sizes[1], b->sizes[0], b->sizes[1], a->dtype, b->dtype, &dt,
                 &trivial, err))
        return NULL;
    int64_t sizes[2] = {a->sizes[0], b->sizes[1]};
    return product(a, b, 2, sizes, dt, trivial, NULL, scalar_int(0), one(), err);
}

static int check_bmm_shapes(const Tensor *a, const Tensor *b, Err *err) {
    if (a->ndim != 3)
        return err_set(err, TSI_ERR_RUNTIME, "batch1 must be a 3D tensor");
    if (b->ndim != 3)
        return err_set(err, TSI_ERR_RUNTIME, "batch2 must be a 3D tensor");
    if (b->sizes[0] != a->sizes[0] || b->sizes[1] != a->sizes[2])
        return bmm_shape_error(err, a->sizes[0], a->sizes[2], b->sizes[0], b->sizes[1]);
    return TSI_OK;
}

static bool bmm_trivial(const Tensor *a, const Tensor *b) {
    return a->sizes[0] == 0 || a->sizes[1] == 0 || b->sizes[2] == 0 || a->sizes[2] == 0;
}

static int check_bmm(const Tensor *a, const Tensor *b, DType *dt, bool *trivial, Err *err) {
    if (check_bmm_shapes(a, b, err))
        return ERRC(err);
    *trivial = bmm_trivial(a, b);
    return product_dtype(P_BMM, a->dtype, b->dtype, *trivial, dt, err);
}

Tensor *kern_bmm(const Tensor *a, const Tensor *b, Err *err) {
    DType dt;
    bool trivial;
    if (check_bmm(a, b, &dt, &trivial, err))
        return NULL;
    int64_t sizes[3] = {a->sizes[0], a->sizes[1], b->sizes[2]};
    return product(a, b, 3, sizes, dt, trivial, NULL, scalar_int(0), one(), err);
}

/* torch's t.size(d) errors, for d >= 0. */
static int size_index_check(const Tensor *t, int d, Err *err) {
    if (t->ndim == 0)
        return err_set(err, TSI_ERR_INDEX, "dimension specified as %d but tensor has no dimensions",
                       d);
    if (d >= t->ndim)
        return err_set(err, TSI_ERR_INDEX,
                       "Dimension out of range (expected to be in range of [%d, %d], but got %d)",
                       -t->ndim, t->ndim - 1, d);
    return TSI_OK;
}

/* Scalars of an integer product are truncated to integers, as torch does. */
static Tensor *addmm_like(const Tensor *self, const Tensor *a, const Tensor *b, Scalar beta,
                          Scalar alpha, bool batched, Err *err) {
    DType dt;
    bool trivial;
    int64_t sizes[3];
    int nd;
    if (!batched) {
        if (self->dtype != b->dtype || a->dtype != b->dtype) {
            err_set(err, TSI_ERR_RUNTIME, self->dtype != b->dtype
                                              ? "self and mat2 must have the same dtype"
                                              : "mat1 and mat2 must have the same dtype");
            return NULL;
        }
        if (a->ndim != 2 || b->ndim != 2) {
            err_set(err, TSI_ERR_RUNTIME, "%s must be a matrix, got %d-D tensor",
                    a->ndim != 2 ? "mat1" : "mat2", a->ndim != 2 ? a->ndim : b->ndim);
            return NULL;
        }
        if (a->sizes[1] != b->sizes[0]) {
            mm_shape_error(err, a->sizes[0], a->sizes[1], b->sizes[0], b->sizes[1]);
            return NULL;
        }
        nd = 2;
        sizes[0] = a->sizes[0];
        sizes[1] = b->sizes[1];
    } else {
        /* baddbmm expands self to (a.size(0), a.size(1), b.size(2)) before
         * any other check, so those size() calls fail first */
        if (size_index_check(a, 1, err) || size_index_check(b, 2, err))
            return NULL;
        nd = 3;
        sizes[0] = a->sizes[0];
        sizes[1] = a->sizes[1];
        sizes[2] = b->sizes[2];
        if (check_expand(self, nd, sizes, err) || check_bmm_shapes(a, b, err))
            return NULL;
    }
    if (!batched && check_expand(self, nd, sizes, err))
        return NULL;
    /* baddbmm converts self; its kernel checks the batches like bmm's */
    dt = a->dtype;
    trivial = batched ? bmm_trivial(a, b)
                      : sizes[0] == 0 || sizes[1] == 0 || a->sizes[1] == 0;
    if (!trivial && !product_dtype_ok(dt)) {
        not_implemented(err, batched ? "baddbmm" : "addmm_impl_cpu_", dt);
        return NULL;
    }
    if (!trivial && batched && a->dtype != b->dtype) {
        err_set(err, TSI_ERR_RUNTIME, "expected scalar type %s but found %s",
                dtype_prefix(a->dtype), dtype_prefix(b->dtype));
        return NULL;
    }
    if (a->sizes[a->ndim - 1] == 0 && tensor_numel_of(nd, sizes) > 0 && !scalar_is_zero(beta)) {
        /* torch returns self.mul_(beta): beta must not lift the dtype */
        Tensor probe_t, probe_s;
        memset(&probe_t, 0, sizeof probe_t);
        memset(&probe_s, 0, sizeof probe_s);
        probe_t.dtype = dt;
        probe_t.ndim = 1;
        probe_s.dtype = scalar_dtype(beta);
        probe_s.wrapped_number = true;
        const Tensor *ops[2] = {&probe_t, &probe_s};
        DType rt = result_type(2, ops);
        if (!dtype_can_cast(rt, dt)) {
            err_set(err, TSI_ERR_RUNTIME,
                    "result type %s can't be cast to the desired output type %s",
                    dtype_prefix(rt), dtype_prefix(dt));
            return NULL;
        }
    }
    if (dtype_is_integral(dt, true)) {
        beta = scalar_int(scalar_to_int64(beta));
        alpha = scalar_int(scalar_to_int64(alpha));
    }
    return product(a, b, nd, sizes, dt, trivial, self, beta, alpha, err);
}

Tensor *kern_addmm(const Tensor *self, const Tensor *a, const Tensor *b, Scalar beta,
                   Scalar alpha, Err *err) {
    return addmm_like(self, a, b, beta, alpha, false, err);
}

Tensor *kern_baddbmm(const Tensor *self, const Tensor *a, const Tensor *b, Scalar beta,
                     Scalar alpha, Err *err) {
    return addmm_like(self, a, b, beta, alpha, true, err);
}

/* torch's matmul folds (..., k) @ (k, n) into one mm (or mv) unless the 3-d
 * operand is a (0, 2, 1)-permuted tensor; the choice decides the messages. */
static bool should_fold(const Tensor *t, int other_dim) {
    if (t->ndim < 3 || (other_dim != 1 && other_dim != 2))
        return false;
    if (t->ndim == 3 && other_dim == 2 && t->strides[2] != 1 &&
        t->strides[0] == t->sizes[1] * t->sizes[2])
        return false;
    return true;
}

/*
 * Validate a @ b as torch.matmul does and compute its result shape and
 * dtype; `addend` (for linear) must then add into it in place.
 */
static int check_matmul(const Tensor *a, const Tensor *b, int *ndim, int64_t *sizes, DType *dt,
                        bool *trivial, Err *err) {
    int da = a->ndim, db = b->ndim;
    if (da == 0 || db == 0)
        return err_set(err, TSI_ERR_RUNTIME,
                       "both arguments to matmul need to be at least 1D, but they are %dD and %dD",
                       da, db);
    if (da == 1 && db == 1) {
        if (a->dtype != b->dtype)
            return err_set(err, TSI_ERR_RUNTIME,
                           "dot : expected both vectors to have same dtype, but found %s and %s",
                           dtype_prefix(a->dtype), dtype_prefix(b->dtype));
        if (a->sizes[0] != b->sizes[0])
            return err_set(err, TSI_ERR_RUNTIME,
                           "inconsistent tensor size, expected tensor [%lld] and src [%lld] to "
                           "have the same number of elements, but got %lld and %lld elements "
                           "respectively",
                           (long long)a->sizes[0], (long long)b->sizes[0],
                           (long long)a->sizes[0], (long long)b->sizes[0]);
        if (!product_dtype_ok(a->dtype))
            return not_implemented(err, "dot", a->dtype);
        *ndim = 0;
        *dt = a->dtype;
        *trivial = false;
        return TSI_OK;
    }
    if (da == 2 && db == 1) {
        *ndim = 1;
        sizes[0] = a->sizes[0];
        return check_mv(a, b, dt, trivial, err);
    }
    if (da <= 2 && db == 2) {
        int64_t m = da == 2 ? a->sizes[0] : 1;
        *ndim = da == 2 ? 2 : 1;
        sizes[0] = m;
        sizes[*ndim - 1] = b->sizes[1];
        return check_mm(m, a->sizes[da - 1], b->sizes[0], b->sizes[1], a->dtype, b->dtype, dt,
                        trivial, err);
    }
    if (should_fold(a, db) || should_fold(b, da)) {
        /* t1 (>= 3-d, folded to rows) @ t2 (1-d or 2-d); with the larger
         * operand second torch computes (b^T @ a^T)^T */
        bool transpose = db > da;
        const Tensor *t1 = transpose ? b : a, *t2 = transpose ? a : b;
        int n1 = t1->ndim;
        int64_t k1 = transpose ? t1->sizes[n1 - 2] : t1->sizes[n1 - 1];
        int64_t rows = 1;
        for (int d = 0; d < n1; d++)
            if (d != (transpose ? n1 - 2 : n1 - 1))
                rows *= t1->sizes[d];
        if (t2->ndim == 1) {
            int64_t k2 = t2->sizes[0];
            if (k1 != k2)
                return mv_shape_error(err, rows, k1, k2);
            *trivial = rows == 0 || k1 == 0;
            int rc = product_dtype(P_MV, t1->dtype, t2->dtype, *trivial, dt, err);
            if (rc)
                return rc;
        } else {
            /* t2 is a (k2, p) matrix, or a^T when transposed */
            int64_t k2 = transpose ? t2->sizes[1] : t2->sizes[0];
            int64_t p = transpose ? t2->sizes[0] : t2->sizes[1];
            if (k1 != k2)
                return mm_shape_error(err, rows, k1, k2, p);
            *trivial = rows == 0 || p == 0 || k1 == 0;
            int rc = product_dtype(P_MM, t1->dtype, t2->dtype, *trivial, dt, err);
            if (rc)
                return rc;
        }
        /* shape: batch dims of the big operand, then the matrix dims */
        int n = 0;
        if (!transpose) {
            for (int d = 0; d < da - 1; d++)
                sizes[n++] = a->sizes[d];
            if (db == 2)
                sizes[n++] = b->sizes[1];
        } else {
            for (int d = 0; d < db - 2; d++)
                sizes[n++] = b->sizes[d];
            if (da == 2)
                sizes[n++] = a->sizes[0];
            sizes[n++] = b->sizes[db - 1];
        }
        *ndim = n;
        return TSI_OK;
    }
    /* batched: broadcast the batch dims, then bmm */
    int64_t nrow = da > 1 ? a->sizes[da - 2] : 1, m1 = a->sizes[da - 1];
    int64_t m2 = db > 1 ? b->sizes[db - 2] : b->sizes[0], p = db > 1 ? b->sizes[db - 1] : 1;
    int nb;
    int64_t batch[TSI_MAX_DIM];
    int ba = da > 2 ? da - 2 : 0, bb = db > 2 ? db - 2 : 0;
    if (broadcast_shapes(ba, a->sizes, bb, b->sizes, &nb, batch, err))
        return ERRC(err);
    int64_t bprod = 1;
    for (int d = 0; d < nb; d++)
        bprod *= batch[d];
    if (m1 != m2)
        return bmm_shape_error(err, bprod, m1, bprod, m2);
    if (nb + 2 > TSI_MAX_DIM)
        return err_set(err, TSI_ERR_LIMIT, "matmul result has too many dims");
    int n = 0;
    for (int d = 0; d < nb; d++)
        sizes[n++] = batch[d];
    if (da > 1)
        sizes[n++] = nrow;
    if (db > 1)
        sizes[n++] = p;
    *ndim = n;
    *trivial = bprod == 0 || nrow == 0 || p == 0 || m1 == 0;
    return product_dtype(P_BMM, a->dtype, b->dtype, *trivial, dt, err);
}

Tensor *kern_matmul(const Tensor *a, const Tensor *b, Err *err) {
    int ndim;
    int64_t sizes[TSI_MAX_DIM];
    DType dt;
    bool trivial;
    if (check_matmul(a, b, &ndim, sizes, &dt, &trivial, err))
        return NULL;
    return product(a, b, ndim, sizes, dt, trivial, NULL, scalar_int(0), one(), err);
}

/* w^T for a weight of <= 2 dims (torch's t()). */
static Tensor *transposed(const Tensor *w, Err *err) {
    if (w->ndim < 2)
        return tensor_alias(w, err);
    int64_t sizes[2] = {w->sizes[1], w->sizes[0]}, strides[2] = {w->strides[1], w->strides[0]};
    return tensor_make_view(w, 2, sizes, strides, w->offset, err);
}

Tensor *kern_linear(const Tensor *x, const Tensor *w, const Tensor *bias, Err *err) {
    if (w->ndim > 2) {
        err_set(err, TSI_ERR_RUNTIME, "t() expects a tensor with <= 2 dimensions, but self is %dD",
                w->ndim);
        return NULL;
    }
    Tensor *wt = transposed(w, err), *xf = NULL, *res = NULL;
    if (!wt)
        return NULL;
    if (bias && x->ndim == 2) {
        res = kern_addmm(bias, x, wt, one(), one(), err);
    } else if (bias && x->ndim == 3 && tensor_is_contiguous(x)) {
        /* torch folds a contiguous 3-d input into one addmm */
        int64_t s2[2] = {x->sizes[0] * x->sizes[1], x->sizes[2]}, st[2] = {x->sizes[2], 1};
        xf = tensor_make_view(x, 2, s2, st, x->offset, err);
        Tensor *r = xf ? kern_addmm(bias, xf, wt, one(), one(), err) : NULL;
        if (r) {
            int64_t s3[3] = {x->sizes[0], x->sizes[1], r->sizes[1]}, c3[3];
            contiguous_strides(3, s3, c3);
            res = tensor_make_view(r, 3, s3, c3, r->offset, err);
            tensor_release(r);
        }
    } else {
        /* matmul, then bias added in place */
        int ndim;
        int64_t sizes[TSI_MAX_DIM];
        DType dt;
        bool trivial;
        if (!check_matmul(x, wt, &ndim, sizes, &dt, &trivial, err) &&
            (!bias || !check_add_into(ndim, sizes, dt, bias, err)))
            res = product(x, wt, ndim, sizes, dt, trivial, bias, one(), one(), err);
    }
    tensor_release(wt);
    tensor_release(xf);
    return res;
}
