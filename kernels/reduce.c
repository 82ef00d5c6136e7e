/*
 * reduce.c: reductions (sum, mean, prod, amax/amin, max/min with indices,
 * argmax/argmin, var/std, any/all, logsumexp, norm), the cumsum scan and
 * softmax / log_softmax, with torch 1.13's dtype rules and error messages.
 *
 * Reductions run on the shared TensorIter with three operands: the input,
 * an accumulator buffer shaped like the output but viewed with stride 0
 * along the reduced dims, and optionally a second buffer (argmax indices,
 * or a per-output value such as the mean for var's second pass). The input
 * goes first so the iterator orders dims by the input's memory layout; each
 * inner run is then either "fold a strided run into one accumulator" (the
 * innermost dim is reduced) or "update a row of accumulators" (it is kept),
 * and no loop does per-element index arithmetic. Threads split a kept dim
 * (disjoint outputs) or, when there are too few outputs, a reduced dim into
 * private partial accumulators merged in order afterwards.
 *
 * Accumulators are double for floating inputs and 64-bit integers (with
 * wrap-around arithmetic) for integer and bool inputs.
 */
/*
 * Floating-point compares may raise FP exception flags, so under GCC's
 * default -ftrapping-math a select like `x > m ? x : m` cannot be
 * vectorized. Nothing in tsi reads the exception flags (torch builds with
 * the same option), so the reduction and softmax loops here drop it.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include "kernels.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { GRAIN = 32768 };

/* The status of a failed call that set err (err may be NULL). */
#define ERRC(err) ((err) && (err)->code ? (err)->code : TSI_ERR_RUNTIME)

/* --------------------------------------------------------------- dims */

/* torch's maybe_wrap_dim with a 0-d tensor treated as 1-d */
static int wrap_dim(int64_t d, int ndim, int64_t *out, Err *err) {
    return kern_wrap_dim(d, ndim, true, out, err);
}

/* mask[d] marks the reduced dims; ndims == 0 means all of them. */
static int dims_mask(const Tensor *t, const int64_t *dims, int ndims, bool *mask, Err *err) {
    memset(mask, 0, sizeof(bool) * TSI_MAX_DIM);
    if (ndims == 0) {
        for (int d = 0; d < t->ndim; d++)
            mask[d] = true;
        return TSI_OK;
    }
    bool seen[TSI_MAX_DIM] = {false};
    for (int i = 0; i < ndims; i++) {
        int64_t d = 0;
        if (wrap_dim(dims[i], t->ndim, &d, err))
            return ERRC(err);
        if (seen[d])
            return err_set(err, TSI_ERR_RUNTIME, "dim %lld appears multiple times in the list of dims",
                           (long long)d);
        seen[d] = true;
        if (t->ndim > 0)
            mask[d] = true;
    }
    return TSI_OK;
}

/* Elements folded into each output. */
static int64_t reduced_count(const Tensor *t, const bool *mask) {
    int64_t n = 1;
    for (int d = 0; d < t->ndim; d++)
        if (mask[d])
            n *= t->sizes[d];
    return n;
}

/* A new contiguous tensor with the reduction's output shape. */
static Tensor *out_new(const Tensor *in, const bool *mask, bool keepdim, DType dt, Err *err) {
    int64_t sizes[TSI_MAX_DIM];
    int n = 0;
    for (int d = 0; d < in->ndim; d++) {
        if (!mask[d])
            sizes[n++] = in->sizes[d];
        else if (keepdim)
            sizes[n++] = 1;
    }
    return tensor_empty(dt, n, sizes, err);
}

static void fill_f64(Tensor *t, double v) {
    double *p = tensor_data(t);
    for (int64_t i = 0, n = tensor_numel(t); i < n; i++)
        p[i] = v;
}

static void fill_i64(Tensor *t, int64_t v) {
    int64_t *p = tensor_data(t);
    for (int64_t i = 0, n = tensor_numel(t); i < n; i++)
        p[i] = v;
}

static bool is_int_or_bool(DType dt) { return dtype_is_integral(dt, true); }

/* ----------------------------------------------------------- loops */

typedef struct RCtx {
    double p; /* norm order */
} RCtx;

/*
 * A 2-d block of the iteration: n2 rows of n elements. d[0]: input,
 * d[1]: accumulator, d[2]: indices or per-output values; st / st2: their
 * byte strides along a row / from row to row. ri: index along the reduced
 * dim of the first element (arg ops), advancing by ri_step per row.
 */
typedef void (*RLoop)(char **d, const int64_t *st, const int64_t *st2, int64_t n, int64_t n2,
                      int64_t ri, int64_t ri_step, const RCtx *c);

static inline float bf16f(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/*
 * exp for float that vectorizes: e^x = 2^n * e^r with |r| <= ln2/2 and a
 * degree-7 polynomial (the classic Cephes expf scheme); within 1.5 ulp of
 * expf. Results below e^-86.5 (~3e-38) flush to 0; nan and inf propagate.
 */
static inline float vexpf(float x) {
    const float hi = 88.7228390f, lo = -86.5f;
    float xc = x > hi ? hi : x;
    xc = xc < lo ? lo : xc;
    float fx = xc * 1.44269504088896341f;
    fx = (fx + 12582912.0f) - 12582912.0f; /* round to nearest integer */
    float r = xc - fx * 0.693359375f;       /* ln 2 in two parts */
    r = r - fx * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * r * r + r + 1.0f;
    float fn = fx == fx ? fx : 0.0f; /* nan: any exponent, y is nan */
    /* 2^(n-1) * 2 keeps the exponent field in range for n = 128 */
    union {
        uint32_t u;
        float f;
    } scale = {(uint32_t)((int32_t)fn + 126) << 23}; /* a union, not memcpy: vectorizes */
    float res = y * scale.f * 2.0f;
    res = x > hi ? INFINITY : res;
    return x < lo ? 0.0f : res;
}

/* Per input type: the C element type and its value as double (floating)
 * or int64 (integers, bool). */
#define CT_f32 float
#define CT_f64 double
#define CT_f16 uint16_t
#define CT_bf16 uint16_t
#define CT_u8 uint8_t
#define CT_i8 int8_t
#define CT_i16 int16_t
#define CT_i32 int32_t
#define CT_i64 int64_t
#define CT_b uint8_t
#define LV_f32(v) ((double)(v))
#define LV_f64(v) (v)
#define LV_f16(v) ((double)half_to_float(v))
#define LV_bf16(v) ((double)bf16f(v))
#define LV_u8(v) ((int64_t)(v))
#define LV_i8(v) ((int64_t)(v))
#define LV_i16(v) ((int64_t)(v))
#define LV_i32(v) ((int64_t)(v))
#define LV_i64(v) ((int64_t)(v))
#define LV_b(v) ((int64_t)((v) != 0))
/* Lane values: floating types in float (exact) or double. */
#define LVL_f32(v) (v)
#define LVL_f64(v) (v)
#define LVL_f16(v) half_to_float(v)
#define LVL_bf16(v) bf16f(v)
#define LVL_u8 LV_u8
#define LVL_i8 LV_i8
#define LVL_i16 LV_i16
#define LVL_i32 LV_i32
#define LVL_i64 LV_i64
#define LVL_b LV_b
#define LT_f32 float
#define LT_f64 double
#define LT_f16 float
#define LT_bf16 float

/* Terms of additive reductions. Norm and exp terms are computed in the
 * precision torch uses (float for 32- and 16-bit inputs), so overflow to
 * inf and underflow to 0 match; the sums themselves are double. */
#define TM_ID(v, m, c) (v)
#define TM_ABS(v, m, c) fabs(v)
#define TM_NZ(v, m, c) ((v) != 0 ? 1.0 : 0.0)
#define TM_DEV(v, m, c) (((v) - (m)) * ((v) - (m)))
#define TM_SQ_f32(v, m, c) ((double)((float)(v) * (float)(v)))
#define TM_SQ_f16 TM_SQ_f32
#define TM_SQ_bf16 TM_SQ_f32
#define TM_SQ_f64(v, m, c) ((v) * (v))
#define TM_POW_f32(v, m, c) ((double)powf(fabsf((float)(v)), (float)(c)->p))
#define TM_POW_f16 TM_POW_f32
#define TM_POW_bf16 TM_POW_f32
#define TM_POW_f64(v, m, c) pow(fabs(v), (c)->p)
#define TM_EXP_f32(v, m, c) ((double)vexpf((float)(v) - (float)(m)))
#define TM_EXP_f16 TM_EXP_f32
#define TM_EXP_bf16 TM_EXP_f32
#define TM_EXP_f64(v, m, c) exp((v) - (m))

/* The 2-d loop around a 1-d one (name##_1). */
#define DEF_2D(name, NOPS3, ARG)                                                             \
    static void name(char **d, const int64_t *st, const int64_t *st2, int64_t n, int64_t n2, \
                     int64_t ri, int64_t ri_step, const RCtx *c) {                           \
        char *p[3] = {d[0], d[1], d[2]};                                                     \
        for (int64_t o = 0; o < n2; o++, ri += ri_step) {                                    \
            name##_1(p, st, n, ri, c);                                                       \
            p[0] += st2[0];                                                                  \
            p[1] += st2[1];                                                                  \
            if (NOPS3)                                                                       \
                p[2] += st2[2];                                                              \
        }                                                                                    \
    }

/*
 * acc += TERM(x). A contiguous run folds with an OpenMP simd reduction
 * (several partial sums: vector speed and a smaller rounding error), a
 * strided one with four partial sums; a row of accumulators is updated
 * elementwise. AUX: TERM uses the per-output value in d[2].
 */
#define DEF_ADD(name, T, ACC, TERM, AUX)                                                     \
    static inline void name##_1(char **d, const int64_t *st, int64_t n, int64_t ri,         \
                                const RCtx *c) {                                             \
        (void)ri;                                                                            \
        (void)c;                                                                             \
        const char *x = d[0];                                                                \
        const int64_t sx = st[0];                                                            \
        if (st[1] == 0) {                                                                    \
            const double m = AUX ? *(const double *)d[2] : 0.0;                              \
            (void)m;                                                                         \
            ACC s = 0;                                                                       \
            if (sx == (int64_t)sizeof(CT_##T)) {                                             \
                const CT_##T *xv = (const CT_##T *)x;                                        \
                _Pragma("omp simd reduction(+ : s)") for (int64_t i = 0; i < n; i++) s +=    \
                    TERM(LV_##T(xv[i]), m, c);                                               \
            } else {                                                                         \
                ACC s1 = 0, s2 = 0, s3 = 0;                                                  \
                int64_t i = 0;                                                               \
                for (; i + 4 <= n; i += 4, x += 4 * sx) {                                    \
                    s += TERM(LV_##T(*(const CT_##T *)x), m, c);                             \
                    s1 += TERM(LV_##T(*(const CT_##T *)(x + sx)), m, c);                     \
                    s2 += TERM(LV_##T(*(const CT_##T *)(x + 2 * sx)), m, c);                 \
                    s3 += TERM(LV_##T(*(const CT_##T *)(x + 3 * sx)), m, c);                 \
                }                                                                            \
                for (; i < n; i++, x += sx)                                                  \
                    s += TERM(LV_##T(*(const CT_##T *)x), m, c);                             \
                s = (s + s1) + (s2 + s3);                                                    \
            }                                                                                \
            *(ACC *)d[1] += s;                                                               \
        } else if (sx == (int64_t)sizeof(CT_##T) && st[1] == (int64_t)sizeof(ACC) &&        \
                   (!AUX || st[2] == (int64_t)sizeof(double))) {                             \
            const CT_##T *xv = (const CT_##T *)x;                                            \
            ACC *av = (ACC *)d[1];                                                           \
            const double *mv = AUX ? (const double *)d[2] : NULL;                            \
            (void)mv;                                                                        \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) av[i] +=                     \
                TERM(LV_##T(xv[i]), AUX ? mv[i] : 0.0, c);                                   \
        } else {                                                                             \
            char *a = d[1];                                                                  \
            for (int64_t i = 0; i < n; i++, x += sx, a += st[1]) {                           \
                const double m = AUX ? *(const double *)(d[2] + i * st[2]) : 0.0;            \
                (void)m;                                                                     \
                *(ACC *)a += TERM(LV_##T(*(const CT_##T *)x), m, c);                         \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    DEF_2D(name, AUX, 0)

#define DO_PRAGMA(x) _Pragma(#x)

/*
 * acc = STEP(acc, x) for the other folds. LANES: the op is associative and
 * commutative (max, min, any, all), so a contiguous run folds as an OpenMP
 * simd reduction with operator LOP over values of type LT (the input's own
 * precision: exact for these ops) using LSTEP, which ignores NaN; NANS:
 * a NaN seen on the way makes the result NaN, as torch's max does.
 */
#define DEF_FOLD(name, T, ACC, STEP, LANES, LT, LOP, LSTEP, NANS)                            \
    static inline void name##_1(char **d, const int64_t *st, int64_t n, int64_t ri,         \
                                const RCtx *c) {                                             \
        (void)ri;                                                                            \
        (void)c;                                                                             \
        const char *x = d[0];                                                                \
        const bool contig = st[0] == (int64_t)sizeof(CT_##T);                                \
        if (st[1] == 0) {                                                                    \
            ACC a = *(ACC *)d[1];                                                            \
            if (LANES && contig) {                                                           \
                const CT_##T *xv = (const CT_##T *)x;                                        \
                LT m = (LT)a;                                                                \
                int nan = 0;                                                                 \
                DO_PRAGMA(omp simd reduction(LOP : m) reduction(| : nan))                    \
                for (int64_t i = 0; i < n; i++) {                                            \
                    LT v = LVL_##T(xv[i]);                                                   \
                    LSTEP(m, v);                                                             \
                    if (NANS)                                                                \
                        nan |= v != v;                                                       \
                }                                                                            \
                if (NANS && nan)                                                             \
                    a = (ACC)NAN;                                                            \
                else                                                                         \
                    STEP(a, m);                                                              \
            } else {                                                                         \
                for (int64_t i = 0; i < n; i++, x += st[0])                                  \
                    STEP(a, LV_##T(*(const CT_##T *)x));                                     \
            }                                                                                \
            *(ACC *)d[1] = a;                                                                \
        } else if (contig && st[1] == (int64_t)sizeof(ACC)) {                               \
            const CT_##T *xv = (const CT_##T *)x;                                            \
            ACC *av = (ACC *)d[1];                                                           \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) STEP(av[i], LV_##T(xv[i]));  \
        } else {                                                                             \
            char *o = d[1];                                                                  \
            for (int64_t i = 0; i < n; i++, x += st[0], o += st[1]) {                        \
                ACC a = *(ACC *)o;                                                           \
                STEP(a, LV_##T(*(const CT_##T *)x));                                         \
                *(ACC *)o = a;                                                               \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    DEF_2D(name, 0, 0)

/* Value and index: a run with accumulator stride 0 walks the reduced dim
 * (index ri + i); otherwise every element of the run has index ri. Kept
 * sequential: ties must resolve to the first index. */
#define DEF_ARG(name, T, ACC, BETTER)                                                        \
    static inline void name##_1(char **d, const int64_t *st, int64_t n, int64_t ri,         \
                                const RCtx *c) {                                             \
        (void)c;                                                                             \
        const char *x = d[0];                                                                \
        if (st[1] == 0) {                                                                    \
            ACC a = *(ACC *)d[1];                                                            \
            int64_t ai = *(int64_t *)d[2];                                                   \
            for (int64_t i = 0; i < n; i++, x += st[0]) {                                    \
                ACC v = LV_##T(*(const CT_##T *)x);                                          \
                if (BETTER(v, a)) {                                                          \
                    a = v;                                                                   \
                    ai = ri + i;                                                             \
                }                                                                            \
            }                                                                                \
            *(ACC *)d[1] = a;                                                                \
            *(int64_t *)d[2] = ai;                                                           \
        } else {                                                                             \
            char *o = d[1], *oi = d[2];                                                      \
            for (int64_t i = 0; i < n; i++, x += st[0], o += st[1], oi += st[2]) {           \
                ACC v = LV_##T(*(const CT_##T *)x);                                          \
                if (BETTER(v, *(ACC *)o)) {                                                  \
                    *(ACC *)o = v;                                                           \
                    *(int64_t *)oi = ri;                                                     \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    DEF_2D(name, 1, 1)

/* NaN wins a max/min and then stays: "v is better" is "v > a or v is NaN",
 * unless a already is NaN. */
#define GT_F(v, a) (!isnan(a) && !((v) <= (a)))
#define LT_F(v, a) (!isnan(a) && !((v) >= (a)))
#define GT_I(v, a) ((v) > (a))
#define LT_I(v, a) ((v) < (a))

#define ST_MAXF(a, e)                                                                        \
    do {                                                                                     \
        double v_ = (e);                                                                     \
        if (GT_F(v_, a))                                                                     \
            (a) = v_;                                                                        \
    } while (0)
#define ST_MINF(a, e)                                                                        \
    do {                                                                                     \
        double v_ = (e);                                                                     \
        if (LT_F(v_, a))                                                                     \
            (a) = v_;                                                                        \
    } while (0)
#define ST_MAXABS(a, e) ST_MAXF(a, fabs(e))
#define ST_MINABS(a, e) ST_MINF(a, fabs(e))
#define ST_MAXI(a, e)                                                                        \
    do {                                                                                     \
        int64_t v_ = (e);                                                                    \
        if (v_ > (a))                                                                        \
            (a) = v_;                                                                        \
    } while (0)
#define ST_MINI(a, e)                                                                        \
    do {                                                                                     \
        int64_t v_ = (e);                                                                    \
        if (v_ < (a))                                                                        \
            (a) = v_;                                                                        \
    } while (0)
/* simd lane steps (NaN is tracked separately; e has no side effects) */
#define LS_MAX(a, e) ((a) = (e) > (a) ? (e) : (a))
#define LS_MIN(a, e) ((a) = (e) < (a) ? (e) : (a))
#define LS_MAXABS(a, e) LS_MAX(a, ((e) < 0 ? -(e) : (e)))
#define LS_MINABS(a, e) LS_MIN(a, ((e) < 0 ? -(e) : (e)))
#define ST_ANY(a, e) ((a) |= (uint8_t)((e) != 0))
#define ST_ALL(a, e) ((a) &= (uint8_t)((e) != 0))
/* torch multiplies float32 in float: round each partial product. */
#define ST_PROD_f32(a, e) ((a) = (double)(float)((a) * (e)))
#define ST_PROD_f64(a, e) ((a) *= (e))
#define ST_PROD_f16 ST_PROD_f32
#define ST_PROD_bf16 ST_PROD_f32
#define ST_PRODI(a, e) ((a) *= (uint64_t)(e))

typedef enum ROp {
    R_SUM,
    R_PROD,
    R_MAX,
    R_MIN,
    R_ARGMAX,
    R_ARGMIN,
    R_ANY,
    R_ALL,
    R_ABSSUM, /* norm 1 */
    R_SQSUM,  /* norm 2 */
    R_POWSUM, /* norm p */
    R_NZSUM,  /* norm 0 */
    R_ABSMAX, /* norm inf */
    R_ABSMIN, /* norm -inf */
    R_DEVSUM, /* var: sum (x - mean)^2 */
    R_EXPSUM, /* logsumexp: sum exp(x - max) */
    R_NOPS,
} ROp;

#define FLOAT_LOOPS(T)                                                                       \
    DEF_ADD(sum_##T, T, double, TM_ID, 0)                                                    \
    DEF_FOLD(prod_##T, T, double, ST_PROD_##T, 0, double, +, ST_PROD_##T, 0)                 \
    DEF_FOLD(max_##T, T, double, ST_MAXF, 1, LT_##T, max, LS_MAX, 1)                         \
    DEF_FOLD(min_##T, T, double, ST_MINF, 1, LT_##T, min, LS_MIN, 1)                         \
    DEF_ARG(argmax_##T, T, double, GT_F)                                                     \
    DEF_ARG(argmin_##T, T, double, LT_F)                                                     \
    DEF_FOLD(any_##T, T, uint8_t, ST_ANY, 1, uint8_t, |, ST_ANY, 0)                          \
    DEF_FOLD(all_##T, T, uint8_t, ST_ALL, 1, uint8_t, &, ST_ALL, 0)                          \
    DEF_ADD(abssum_##T, T, double, TM_ABS, 0)                                                \
    DEF_ADD(sqsum_##T, T, double, TM_SQ_##T, 0)                                              \
    DEF_ADD(powsum_##T, T, double, TM_POW_##T, 0)                                            \
    DEF_ADD(nzsum_##T, T, double, TM_NZ, 0)                                                  \
    DEF_FOLD(absmax_##T, T, double, ST_MAXABS, 1, LT_##T, max, LS_MAXABS, 1)                 \
    DEF_FOLD(absmin_##T, T, double, ST_MINABS, 1, LT_##T, min, LS_MINABS, 1)                 \
    DEF_ADD(devsum_##T, T, double, TM_DEV, 1)                                                \
    DEF_ADD(expsum_##T, T, double, TM_EXP_##T, 1)                                            \
    static const RLoop loops_##T[R_NOPS] = {                                                 \
        [R_SUM] = sum_##T,       [R_PROD] = prod_##T,     [R_MAX] = max_##T,                 \
        [R_MIN] = min_##T,       [R_ARGMAX] = argmax_##T, [R_ARGMIN] = argmin_##T,           \
        [R_ANY] = any_##T,       [R_ALL] = all_##T,       [R_ABSSUM] = abssum_##T,           \
        [R_SQSUM] = sqsum_##T,   [R_POWSUM] = powsum_##T, [R_NZSUM] = nzsum_##T,             \
        [R_ABSMAX] = absmax_##T, [R_ABSMIN] = absmin_##T, [R_DEVSUM] = devsum_##T,           \
        [R_EXPSUM] = expsum_##T,                                                             \
    };

#define INT_LOOPS(T)                                                                         \
    DEF_ADD(sum_##T, T, uint64_t, TM_ID, 0)                                                  \
    DEF_FOLD(prod_##T, T, uint64_t, ST_PRODI, 0, uint64_t, +, ST_PRODI, 0)                   \
    DEF_FOLD(max_##T, T, int64_t, ST_MAXI, 1, int64_t, max, LS_MAX, 0)                       \
    DEF_FOLD(min_##T, T, int64_t, ST_MINI, 1, int64_t, min, LS_MIN, 0)                       \
    DEF_ARG(argmax_##T, T, int64_t, GT_I)                                                    \
    DEF_ARG(argmin_##T, T, int64_t, LT_I)                                                    \
    DEF_FOLD(any_##T, T, uint8_t, ST_ANY, 1, uint8_t, |, ST_ANY, 0)                          \
    DEF_FOLD(all_##T, T, uint8_t, ST_ALL, 1, uint8_t, &, ST_ALL, 0)                          \
    static const RLoop loops_##T[R_NOPS] = {                                                 \
        [R_SUM] = sum_##T,       [R_PROD] = prod_##T,     [R_MAX] = max_##T,                 \
        [R_MIN] = min_##T,       [R_ARGMAX] = argmax_##T, [R_ARGMIN] = argmin_##T,           \
        [R_ANY] = any_##T,       [R_ALL] = all_##T,                                          \
    };

FLOAT_LOOPS(f32)
FLOAT_LOOPS(f64)
FLOAT_LOOPS(f16)
FLOAT_LOOPS(bf16)
INT_LOOPS(u8)
INT_LOOPS(i8)
INT_LOOPS(i16)
INT_LOOPS(i32)
INT_LOOPS(i64)
INT_LOOPS(b)

static RLoop pick_loop(ROp op, DType dt) {
    switch (dt) {
    case TSI_DTYPE_FLOAT32: return loops_f32[op];
    case TSI_DTYPE_FLOAT64: return loops_f64[op];
    case TSI_DTYPE_FLOAT16: return loops_f16[op];
    case TSI_DTYPE_BFLOAT16: return loops_bf16[op];
    case TSI_DTYPE_UINT8: return loops_u8[op];
    case TSI_DTYPE_INT8: return loops_i8[op];
    case TSI_DTYPE_INT16: return loops_i16[op];
    case TSI_DTYPE_INT32: return loops_i32[op];
    case TSI_DTYPE_INT64: return loops_i64[op];
    case TSI_DTYPE_BOOL: return loops_b[op];
    default: return NULL;
    }
}

/* ------------------------------------------------------------ driver */

typedef struct RedRun {
    TensorIter it;
    RLoop loop;
    RCtx ctx;
    ROp op;
    int rdim;       /* iterator dim of the reduced dim (arg ops), -1 if none */
    bool fl;        /* double accumulators (else int64 / uint8) */
    bool round_f32; /* products rounded to float */
    bool extra_acc; /* operand 2 is an accumulator too (indices) */
    size_t es1;     /* accumulator element size */
    int64_t out_numel;
} RedRun;

/* Run the whole iteration space of `it` in 2-d blocks (its two innermost
 * dims); rbase offsets reduced indices. */
static void run_box(const TensorIter *it, int rdim, int64_t rbase, RLoop loop, const RCtx *c) {
    int nd = it->ndim, nops = it->nops;
    for (int d = 0; d < nd; d++)
        if (it->shape[d] == 0)
            return;
    char *p[3] = {NULL, NULL, NULL};
    int64_t inner[3] = {0, 0, 0}, outer[3] = {0, 0, 0};
    int64_t idx[TSI_MAX_DIM] = {0};
    for (int k = 0; k < nops; k++) {
        p[k] = it->data[k];
        inner[k] = it->strides[k][0];
        outer[k] = nd > 1 ? it->strides[k][1] : 0;
    }
    int64_t n2 = nd > 1 ? it->shape[1] : 1;
    for (;;) {
        loop(p, inner, outer, it->shape[0], n2, rbase + (rdim >= 2 ? idx[rdim] : 0),
             rdim == 1 ? 1 : 0, c);
        int d = 2;
        for (; d < nd; d++) {
            for (int k = 0; k < nops; k++)
                p[k] += it->strides[k][d];
            if (++idx[d] < it->shape[d])
                break;
            for (int k = 0; k < nops; k++)
                p[k] -= it->strides[k][d] * it->shape[d];
            idx[d] = 0;
        }
        if (d >= nd)
            break;
    }
}

/* `it` restricted to [lo, hi) along dim d. */
static void sub_iter(const TensorIter *it, int d, int64_t lo, int64_t hi, TensorIter *out) {
    *out = *it;
    out->shape[d] = hi - lo;
    for (int k = 0; k < it->nops; k++)
        out->data[k] += lo * it->strides[k][d];
}

/* dst = merge(dst, src) for n accumulators; src comes from later indices. */
static void merge_acc(const RedRun *r, char *dst, char *dsti, const char *src, const char *srci,
                      int64_t n) {
    switch (r->op) {
    case R_ANY:
    case R_ALL:
        for (int64_t i = 0; i < n; i++) {
            if (r->op == R_ANY)
                dst[i] |= src[i];
            else
                dst[i] &= src[i];
        }
        return;
    case R_ARGMAX:
    case R_ARGMIN:
        for (int64_t i = 0; i < n; i++) {
            bool better;
            if (r->fl) {
                double a = ((double *)dst)[i], v = ((const double *)src)[i];
                better = r->op == R_ARGMAX ? GT_F(v, a) : LT_F(v, a);
                if (better)
                    ((double *)dst)[i] = v;
            } else {
                int64_t a = ((int64_t *)dst)[i], v = ((const int64_t *)src)[i];
                better = r->op == R_ARGMAX ? v > a : v < a;
                if (better)
                    ((int64_t *)dst)[i] = v;
            }
            if (better)
                ((int64_t *)dsti)[i] = ((const int64_t *)srci)[i];
        }
        return;
    default: break;
    }
    for (int64_t i = 0; i < n; i++) {
        if (r->fl) {
            double *a = (double *)dst + i, v = ((const double *)src)[i];
            switch (r->op) {
            case R_PROD: *a = r->round_f32 ? (double)(float)(*a * v) : *a * v; break;
            case R_MAX:
            case R_ABSMAX: ST_MAXF(*a, v); break;
            case R_MIN:
            case R_ABSMIN: ST_MINF(*a, v); break;
            default: *a += v; break;
            }
        } else {
            uint64_t *a = (uint64_t *)dst + i, v = ((const uint64_t *)src)[i];
            switch (r->op) {
            case R_PROD: *a *= v; break;
            case R_MAX: ST_MAXI(*(int64_t *)a, (int64_t)v); break;
            case R_MIN: ST_MINI(*(int64_t *)a, (int64_t)v); break;
            default: *a += v; break;
            }
        }
    }
}

/* Split a reduced dim: each thread folds its range into private copies of
 * the accumulators, merged in range order so ties keep the first index. */
static int run_split_reduced(const RedRun *r, int dr, int nchunks, Err *err) {
    const TensorIter *it = &r->it;
    size_t bytes = (size_t)r->out_numel * r->es1;
    size_t ibytes = r->extra_acc ? (size_t)r->out_numel * sizeof(int64_t) : 0;
    char *part = malloc((bytes + ibytes) * (size_t)nchunks + 1);
    if (!part)
        return err_nomem(err);
    char *acc = it->data[1], *iacc = r->extra_acc ? it->data[2] : NULL;
    for (int c = 0; c < nchunks; c++) {
        memcpy(part + (size_t)c * (bytes + ibytes), acc, bytes);
        if (ibytes)
            memcpy(part + (size_t)c * (bytes + ibytes) + bytes, iacc, ibytes);
    }
    int64_t size = it->shape[dr];
#pragma omp parallel for num_threads(nchunks) schedule(static)
    for (int c = 0; c < nchunks; c++) {
        int64_t lo = size * c / nchunks, hi = size * (c + 1) / nchunks;
        TensorIter sub;
        sub_iter(it, dr, lo, hi, &sub);
        sub.data[1] = part + (size_t)c * (bytes + ibytes);
        if (ibytes)
            sub.data[2] = part + (size_t)c * (bytes + ibytes) + bytes;
        run_box(&sub, r->rdim, dr == r->rdim ? lo : 0, r->loop, &r->ctx);
    }
    /* The accumulators hold the identity, so merging every part in order
     * gives the result. */
    for (int c = 0; c < nchunks; c++) {
        char *p = part + (size_t)c * (bytes + ibytes);
        merge_acc(r, acc, iacc, p, ibytes ? p + bytes : NULL, r->out_numel);
    }
    free(part);
    return TSI_OK;
}

static int red_execute(RedRun *r, Err *err) {
    TensorIter *it = &r->it;
    if (it->numel == 0)
        return TSI_OK;
    int nt = kern_get_num_threads();
    if (nt > 1 && it->numel >= 2 * GRAIN) {
        int dk = -1, dr = -1;
        for (int d = 0; d < it->ndim; d++) {
            if (it->strides[1][d] != 0) {
                if (dk < 0 || it->shape[d] >= it->shape[dk])
                    dk = d;
            } else if (dr < 0 || it->shape[d] >= it->shape[dr]) {
                dr = d;
            }
        }
        if (dk >= 0 && it->shape[dk] >= nt) {
            int64_t size = it->shape[dk];
#pragma omp parallel for num_threads(nt) schedule(static)
            for (int c = 0; c < nt; c++) {
                TensorIter sub;
                sub_iter(it, dk, size * c / nt, size * (c + 1) / nt, &sub);
                run_box(&sub, r->rdim, 0, r->loop, &r->ctx);
            }
            return TSI_OK;
        }
        if (dr >= 0 && it->shape[dr] >= nt)
            return run_split_reduced(r, dr, nt, err);
    }
    run_box(it, r->rdim, 0, r->loop, &r->ctx);
    return TSI_OK;
}

/*
 * Fold `in` over the dims in mask into acc (output-shaped, contiguous,
 * already holding the identity). extra: the index accumulator of arg ops,
 * or per-output values (float64) for the second passes of var/logsumexp.
 */
static int reduce_into(const Tensor *in, const bool *mask, Tensor *acc, Tensor *extra, ROp op,
                       double p, Err *err) {
    RLoop loop = pick_loop(op, in->dtype);
    if (!loop)
        return err_set(err, TSI_ERR_UNSUPPORTED, "reduction not supported for %s",
                       dtype_name(in->dtype));
    int nd = in->ndim;
    int64_t st[TSI_MAX_DIM];
    int64_t s = 1;
    for (int d = nd - 1; d >= 0; d--) {
        if (mask[d]) {
            st[d] = 0;
        } else {
            st[d] = s;
            s *= in->sizes[d];
        }
    }
    Tensor *av = tensor_make_view(acc, nd, in->sizes, st, 0, err);
    Tensor *ev = extra ? tensor_make_view(extra, nd, in->sizes, st, 0, err) : NULL;
    int rc = TSI_OK;
    if (!av || (extra && !ev)) {
        rc = ERRC(err);
        goto done;
    }
    RedRun r;
    memset(&r, 0, sizeof r);
    const Tensor *ops[3] = {in, av, ev};
    rc = iter_init(&r.it, extra ? 3 : 2, ops, err);
    if (rc)
        goto done;
    r.loop = loop;
    r.ctx.p = p;
    r.op = op;
    r.fl = acc->dtype == TSI_DTYPE_FLOAT64;
    r.round_f32 = in->dtype != TSI_DTYPE_FLOAT64;
    r.extra_acc = op == R_ARGMAX || op == R_ARGMIN;
    r.es1 = dtype_size(acc->dtype);
    r.out_numel = tensor_numel(acc);
    r.rdim = -1;
    for (int d = 0; d < r.it.ndim; d++)
        if (r.it.strides[1][d] == 0 && r.it.shape[d] > 1)
            r.rdim = d;
    rc = red_execute(&r, err);
done:
    tensor_release(av);
    tensor_release(ev);
    return rc;
}

/* ------------------------------------------------------ sum, mean, prod */

static DType default_sum_dtype(DType dt) { return is_int_or_bool(dt) ? TSI_DTYPE_INT64 : dt; }

/* Whether torch's "convert the input to the result dtype first" changes
 * anything our accumulators would not already reproduce. */
static bool needs_convert(DType in, DType out) {
    if (in == out)
        return false;
    if (dtype_is_floating(out)) {
        if (!dtype_is_floating(in) || out == TSI_DTYPE_FLOAT16 || out == TSI_DTYPE_BFLOAT16)
            return true;
        if (out == TSI_DTYPE_FLOAT32)
            return in == TSI_DTYPE_FLOAT64;
        return false;
    }
    if (out == TSI_DTYPE_BOOL)
        return true;
    /* integer results: wrap-around sums and products commute with the
     * narrowing cast, so only floating inputs need converting */
    return dtype_is_floating(in);
}

/* v rounded to dt's precision (values of a floating dtype). */
static double round_to(DType dt, double v) {
    switch (dt) {
    case TSI_DTYPE_FLOAT32: return (float)v;
    case TSI_DTYPE_FLOAT16: return half_to_float(float_to_half((float)v));
    case TSI_DTYPE_BFLOAT16: return bf16f(float_to_bf16((float)v));
    default: return v;
    }
}

static Tensor *sum_like(const Tensor *t, const bool *mask, bool keepdim, DType out, ROp op,
                        bool mean, Err *err) {
    Tensor *src = NULL, *acc = NULL, *res = NULL;
    if (needs_convert(t->dtype, out))
        src = tensor_to(t, out, false, err);
    else
        tensor_retain((Tensor *)(src = (Tensor *)t));
    if (!src)
        return NULL;
    bool fl = dtype_is_floating(out);
    acc = out_new(src, mask, keepdim, fl ? TSI_DTYPE_FLOAT64 : TSI_DTYPE_INT64, err);
    if (!acc)
        goto done;
    if (fl)
        fill_f64(acc, op == R_PROD ? 1.0 : 0.0);
    else
        fill_i64(acc, op == R_PROD ? 1 : 0);
    if (reduce_into(src, mask, acc, NULL, op, 0, err))
        goto done;
    if (mean) {
        /* torch's CPU mean is sum (rounded to the result dtype) / count */
        double cnt = (double)reduced_count(src, mask);
        double *a = tensor_data(acc);
        for (int64_t i = 0, n = tensor_numel(acc); i < n; i++)
            a[i] = round_to(out, a[i]) / cnt;
    }
    res = tensor_to(acc, out, false, err);
done:
    tensor_release(acc);
    tensor_release(src);
    return res;
}

Tensor *kern_sum(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, DType dtype,
                 Err *err) {
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    DType out = dtype != TSI_DTYPE_INVALID ? dtype : default_sum_dtype(t->dtype);
    return sum_like(t, mask, keepdim, out, R_SUM, false, err);
}

Tensor *kern_mean(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, DType dtype,
                  Err *err) {
    if (dtype != TSI_DTYPE_INVALID && !dtype_is_floating(dtype)) {
        err_set(err, TSI_ERR_RUNTIME,
                "mean(): could not infer output dtype. Optional dtype must be either a floating "
                "point or complex dtype. Got: %s",
                dtype_prefix(dtype));
        return NULL;
    }
    if (dtype == TSI_DTYPE_INVALID && !dtype_is_floating(t->dtype)) {
        err_set(err, TSI_ERR_RUNTIME,
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                "point or complex dtype. Got: %s",
                dtype_prefix(t->dtype));
        return NULL;
    }
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    DType out = dtype != TSI_DTYPE_INVALID ? dtype : t->dtype;
    return sum_like(t, mask, keepdim, out, R_SUM, true, err);
}

Tensor *kern_prod(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, DType dtype,
                  Err *err) {
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    DType out = dtype != TSI_DTYPE_INVALID ? dtype : default_sum_dtype(t->dtype);
    /* torch fills empty reductions with the identity without reaching the
     * kernel, so only non-empty inputs meet its dtype check */
    if ((out == TSI_DTYPE_FLOAT16 || out == TSI_DTYPE_BFLOAT16) && tensor_numel(t) > 0) {
        err_set(err, TSI_ERR_RUNTIME, "\"prod_cpu\" not implemented for '%s'", dtype_prefix(out));
        return NULL;
    }
    return sum_like(t, mask, keepdim, out, R_PROD, false, err);
}

/* --------------------------------------------------------- max, min */

/* torch's zero_numel_check_dims: the dims named in the message are as
 * given (unwrapped). */
static int check_zero_numel(const Tensor *t, const int64_t *dims, int ndims, const char *name,
                            Err *err) {
    if (tensor_numel(t) != 0)
        return TSI_OK;
    if (ndims == 0)
        return err_set(err, TSI_ERR_RUNTIME,
                       "%s(): Expected reduction dim to be specified for input.numel() == 0. "
                       "Specify the reduction dim with the 'dim' argument.",
                       name);
    for (int i = 0; i < ndims; i++) {
        int64_t d = 0;
        if (wrap_dim(dims[i], t->ndim, &d, err))
            return ERRC(err);
        if (t->sizes[d] == 0)
            return err_set(err, TSI_ERR_INDEX,
                           "%s(): Expected reduction dim %lld to have non-zero size.", name,
                           (long long)dims[i]);
    }
    return TSI_OK;
}

static void fill_extreme(Tensor *acc, bool fl, bool is_max) {
    if (fl)
        fill_f64(acc, is_max ? -INFINITY : INFINITY);
    else
        fill_i64(acc, is_max ? INT64_MIN : INT64_MAX);
}

static Tensor *minmax(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, bool is_max,
                      const char *name, Err *err) {
    if (check_zero_numel(t, dims, ndims, name, err))
        return NULL;
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    bool fl = dtype_is_floating(t->dtype);
    Tensor *acc = out_new(t, mask, keepdim, fl ? TSI_DTYPE_FLOAT64 : TSI_DTYPE_INT64, err);
    Tensor *res = NULL;
    if (!acc)
        return NULL;
    fill_extreme(acc, fl, is_max);
    if (!reduce_into(t, mask, acc, NULL, is_max ? R_MAX : R_MIN, 0, err))
        res = tensor_to(acc, t->dtype, false, err);
    tensor_release(acc);
    return res;
}

Tensor *kern_amax(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err) {
    return minmax(t, dims, ndims, keepdim, true, "amax", err);
}

Tensor *kern_amin(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err) {
    return minmax(t, dims, ndims, keepdim, false, "amin", err);
}

Tensor *kern_max_all(const Tensor *t, Err *err) {
    return minmax(t, NULL, 0, false, true, "max", err);
}

Tensor *kern_min_all(const Tensor *t, Err *err) {
    return minmax(t, NULL, 0, false, false, "min", err);
}

/*
 * Value and index along one dim (dim < 0: over the flattened tensor).
 * values may be NULL when only the indices are wanted.
 */
static int arg_reduce(const Tensor *t, int64_t dim, bool keepdim, bool is_max, Tensor **values,
                      Tensor **indices, Err *err) {
    Tensor *src = NULL, *acc = NULL, *idx = NULL;
    bool mask[TSI_MAX_DIM] = {false};
    int rc = TSI_OK;
    if (dim < 0) {
        /* torch reshapes to 1-d: the index counts in logical order */
        Tensor *c = tensor_contiguous(t, err);
        if (!c)
            return ERRC(err);
        int64_t n = tensor_numel(t), one = 1;
        src = tensor_make_view(c, 1, &n, &one, c->offset, err);
        tensor_release(c);
        if (!src)
            return ERRC(err);
        mask[0] = true;
    } else {
        tensor_retain((Tensor *)(src = (Tensor *)t));
        if (t->ndim > 0)
            mask[dim] = true;
    }
    bool fl = dtype_is_floating(t->dtype);
    acc = out_new(src, mask, keepdim && dim >= 0, fl ? TSI_DTYPE_FLOAT64 : TSI_DTYPE_INT64, err);
    idx = out_new(src, mask, keepdim && dim >= 0, TSI_DTYPE_INT64, err);
    if (!acc || !idx) {
        rc = ERRC(err);
        goto done;
    }
    fill_extreme(acc, fl, is_max);
    rc = reduce_into(src, mask, acc, idx, is_max ? R_ARGMAX : R_ARGMIN, 0, err);
    if (rc)
        goto done;
    if (dim < 0 && keepdim) {
        int64_t ones[TSI_MAX_DIM];
        for (int d = 0; d < t->ndim; d++)
            ones[d] = 1;
        Tensor *v = tensor_make_view(idx, t->ndim, ones, ones, 0, err);
        if (!v) {
            rc = ERRC(err);
            goto done;
        }
        tensor_release(idx);
        idx = v;
    }
    if (values) {
        *values = tensor_to(acc, t->dtype, false, err);
        if (!*values) {
            rc = ERRC(err);
            goto done;
        }
    }
    *indices = idx;
    idx = NULL;
done:
    tensor_release(src);
    tensor_release(acc);
    tensor_release(idx);
    return rc;
}

static int minmax_dim(const Tensor *t, int64_t dim, bool keepdim, bool is_max, Tensor **values,
                      Tensor **indices, Err *err) {
    *values = *indices = NULL;
    int64_t d = 0;
    if (wrap_dim(dim, t->ndim, &d, err))
        return ERRC(err);
    if (t->ndim > 0 && t->sizes[d] == 0)
        return err_set(err, TSI_ERR_INDEX, "%s(): Expected reduction dim %lld to have non-zero size.",
                       is_max ? "max" : "min", (long long)d);
    return arg_reduce(t, d, keepdim, is_max, values, indices, err);
}

int kern_max_dim(const Tensor *t, int64_t dim, bool keepdim, Tensor **values, Tensor **indices,
                 Err *err) {
    return minmax_dim(t, dim, keepdim, true, values, indices, err);
}

int kern_min_dim(const Tensor *t, int64_t dim, bool keepdim, Tensor **values, Tensor **indices,
                 Err *err) {
    return minmax_dim(t, dim, keepdim, false, values, indices, err);
}

static Tensor *argminmax(const Tensor *t, const int64_t *dim, bool keepdim, bool is_max,
                         Err *err) {
    const char *name = is_max ? "argmax" : "argmin";
    int64_t d = -1;
    if (dim) {
        if (wrap_dim(*dim, t->ndim, &d, err))
            return NULL;
        if (t->ndim > 0 && t->sizes[d] == 0) {
            err_set(err, TSI_ERR_INDEX, "%s(): Expected reduction dim %lld to have non-zero size.",
                    name, (long long)d);
            return NULL;
        }
    } else if (tensor_numel(t) == 0) {
        err_set(err, TSI_ERR_INDEX,
                "%s(): Expected reduction dim to be specified for input.numel() == 0.", name);
        return NULL;
    }
    /* torch answers a size-1 dim and an empty input without its kernel,
     * and so without the kernel's dtype check */
    bool trivial = dim && t->ndim > 0 && (t->sizes[d] == 1 || tensor_numel(t) == 0);
    if (t->dtype == TSI_DTYPE_BOOL && !trivial) {
        err_set(err, TSI_ERR_RUNTIME, "\"%s_cpu\" not implemented for 'Bool'", name);
        return NULL;
    }
    Tensor *idx = NULL;
    if (arg_reduce(t, d, keepdim, is_max, NULL, &idx, err))
        return NULL;
    return idx;
}

Tensor *kern_argmax(const Tensor *t, const int64_t *dim, bool keepdim, Err *err) {
    return argminmax(t, dim, keepdim, true, err);
}

Tensor *kern_argmin(const Tensor *t, const int64_t *dim, bool keepdim, Err *err) {
    return argminmax(t, dim, keepdim, false, err);
}

/* ------------------------------------------------------------ var, std */

static Tensor *var_std(const Tensor *t, const int64_t *dims, int ndims, double correction,
                       bool keepdim, bool take_sqrt, Err *err) {
    if (!dtype_is_floating(t->dtype)) {
        err_set(err, TSI_ERR_RUNTIME, "std and var only support floating point and complex dtypes");
        return NULL;
    }
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    Tensor *mean = out_new(t, mask, keepdim, TSI_DTYPE_FLOAT64, err);
    Tensor *ssd = mean ? out_new(t, mask, keepdim, TSI_DTYPE_FLOAT64, err) : NULL;
    Tensor *res = NULL;
    if (!ssd)
        goto done;
    /* two passes in double: the mean, then squared deviations from it */
    fill_f64(mean, 0);
    if (reduce_into(t, mask, mean, NULL, R_SUM, 0, err))
        goto done;
    double n = (double)reduced_count(t, mask);
    double *m = tensor_data(mean), *s = tensor_data(ssd);
    int64_t nout = tensor_numel(mean);
    for (int64_t i = 0; i < nout; i++)
        m[i] /= n;
    fill_f64(ssd, 0);
    if (reduce_into(t, mask, ssd, mean, R_DEVSUM, 0, err))
        goto done;
    double div = n - correction > 0 ? n - correction : 0;
    for (int64_t i = 0; i < nout; i++) {
        s[i] /= div;
        if (take_sqrt)
            s[i] = sqrt(s[i]);
    }
    res = tensor_to(ssd, t->dtype, false, err);
done:
    tensor_release(mean);
    tensor_release(ssd);
    return res;
}

Tensor *kern_var(const Tensor *t, const int64_t *dims, int ndims, double correction,
                 bool keepdim, Err *err) {
    return var_std(t, dims, ndims, correction, keepdim, false, err);
}

Tensor *kern_std(const Tensor *t, const int64_t *dims, int ndims, double correction,
                 bool keepdim, Err *err) {
    return var_std(t, dims, ndims, correction, keepdim, true, err);
}

/* ------------------------------------------------------------- any, all */

static Tensor *any_all(const Tensor *t, const int64_t *dims, int ndims, bool keepdim,
                       bool is_all, Err *err) {
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    DType out = t->dtype == TSI_DTYPE_UINT8 ? TSI_DTYPE_UINT8 : TSI_DTYPE_BOOL;
    Tensor *acc = out_new(t, mask, keepdim, out, err);
    if (!acc)
        return NULL;
    memset(tensor_data(acc), is_all ? 1 : 0, (size_t)tensor_numel(acc));
    if (reduce_into(t, mask, acc, NULL, is_all ? R_ALL : R_ANY, 0, err)) {
        tensor_release(acc);
        return NULL;
    }
    return acc;
}

Tensor *kern_any(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err) {
    return any_all(t, dims, ndims, keepdim, false, err);
}

Tensor *kern_all(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err) {
    return any_all(t, dims, ndims, keepdim, true, err);
}

/* ------------------------------------------------------------ logsumexp */

Tensor *kern_logsumexp(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err) {
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    DType out = is_int_or_bool(t->dtype) ? TSI_DTYPE_FLOAT32 : t->dtype;
    if (out == TSI_DTYPE_FLOAT16) {
        err_set(err, TSI_ERR_RUNTIME, "\"exp_vml_cpu\" not implemented for 'Half'");
        return NULL;
    }
    if (ndims == 0 && !keepdim && t->ndim > 0 && tensor_numel(t) > 0) {
        /* torch 1.13 reduces everything with keepdim, then fails to add the
         * kept-dim maxima back into the 0-d result */
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, "output with shape [] doesn't match the broadcast shape [");
        for (int d = 0; d < t->ndim; d++)
            sb_puts(&sb, d ? ", 1" : "1");
        sb_puts(&sb, "]");
        err_set(err, TSI_ERR_RUNTIME, "%s", sb_cstr(&sb));
        sb_free(&sb);
        return NULL;
    }
    Tensor *src = tensor_to(t, out, false, err);
    if (!src)
        return NULL;
    Tensor *mx = out_new(src, mask, keepdim, TSI_DTYPE_FLOAT64, err);
    Tensor *s = mx ? out_new(src, mask, keepdim, TSI_DTYPE_FLOAT64, err) : NULL;
    Tensor *res = NULL;
    if (!s)
        goto done;
    fill_f64(mx, -INFINITY);
    if (reduce_into(src, mask, mx, NULL, R_MAX, 0, err))
        goto done;
    /* as torch: infinite maxima are replaced by 0 so inf - inf does not
     * turn an all -inf (or +inf) slice into nan */
    double *m = tensor_data(mx), *a = tensor_data(s);
    int64_t nout = tensor_numel(mx);
    for (int64_t i = 0; i < nout; i++)
        if (isinf(m[i]))
            m[i] = 0;
    fill_f64(s, 0);
    if (reduce_into(src, mask, s, mx, R_EXPSUM, 0, err))
        goto done;
    for (int64_t i = 0; i < nout; i++)
        a[i] = log(a[i]) + m[i];
    res = tensor_to(s, out, false, err);
done:
    tensor_release(src);
    tensor_release(mx);
    tensor_release(s);
    return res;
}

/* ---------------------------------------------------------------- norm */

Tensor *kern_norm(const Tensor *t, double p, const int64_t *dims, int ndims, bool keepdim,
                  DType dtype, Err *err) {
    if (!dtype_is_floating(t->dtype)) {
        err_set(err, TSI_ERR_RUNTIME,
                "norm(): input dtype should be either floating point or complex. Got %s instead.",
                dtype_prefix(t->dtype));
        return NULL;
    }
    if (dtype != TSI_DTYPE_INVALID && !dtype_is_floating(dtype)) {
        err_set(err, TSI_ERR_RUNTIME,
                "norm(): the desired output dtype should be either floating point or complex. "
                "Got %s instead.",
                dtype_prefix(dtype));
        return NULL;
    }
    bool mask[TSI_MAX_DIM];
    if (dims_mask(t, dims, ndims, mask, err))
        return NULL;
    DType out = dtype != TSI_DTYPE_INVALID ? dtype : t->dtype;
    Tensor *src = tensor_to(t, out, false, err);
    if (!src)
        return NULL;
    ROp op = p == 0 ? R_NZSUM
             : p == 1 ? R_ABSSUM
             : p == 2 ? R_SQSUM
             : p == INFINITY ? R_ABSMAX
             : p == -INFINITY ? R_ABSMIN
                              : R_POWSUM;
    Tensor *acc = out_new(src, mask, keepdim, TSI_DTYPE_FLOAT64, err);
    Tensor *res = NULL;
    if (!acc)
        goto done;
    fill_f64(acc, op == R_ABSMIN ? INFINITY : 0);
    if (reduce_into(src, mask, acc, NULL, op, p, err))
        goto done;
    bool empty = reduced_count(src, mask) == 0;
    double *a = tensor_data(acc);
    for (int64_t i = 0, n = tensor_numel(acc); i < n; i++) {
        if (empty)
            a[i] = 0; /* torch gives 0 for every order, even -inf */
        else if (op == R_SQSUM)
            a[i] = sqrt(a[i]);
        else if (op == R_POWSUM)
            a[i] = pow(a[i], 1.0 / p);
    }
    res = tensor_to(acc, out, false, err);
done:
    tensor_release(src);
    tensor_release(acc);
    return res;
}

/* ------------------------------------------------- scans and softmax */

/* A contiguous tensor seen as (outer, n, inner) around dim. */
typedef struct Lines {
    int64_t outer, n, inner;
} Lines;

static Lines lines_of(const Tensor *t, int64_t dim) {
    Lines l = {1, 1, 1};
    for (int d = 0; d < t->ndim; d++) {
        if (d < dim)
            l.outer *= t->sizes[d];
        else if (d == dim)
            l.n = t->sizes[d];
        else
            l.inner *= t->sizes[d];
    }
    return l;
}

/* Columns processed together when the dim is not innermost: a block of
 * accumulators that stays in registers/L1 while rows stream past. */
enum { COLS = 64 };

#define ST_bf16(v) float_to_bf16((float)(v))
#define LDV_bf16(v) bf16f(v)
#define ID(v) (v)

/* One job: line block (o, column chunk j0); a whole line when the dim is
 * innermost. */
#define DEF_SCAN(name, CT, ACC, LOAD, STORE)                                                 \
    static void name(const char *xv, char *yv, Lines l, int64_t job) {                      \
        int64_t chunks = (l.inner + COLS - 1) / COLS;                                        \
        int64_t o = job / chunks, j0 = job % chunks * COLS;                                  \
        int64_t w = l.inner - j0 < COLS ? l.inner - j0 : COLS;                               \
        const CT *x = (const CT *)xv + o * l.n * l.inner + j0;                               \
        CT *y = (CT *)yv + o * l.n * l.inner + j0;                                           \
        if (l.inner == 1) {                                                                  \
            ACC a = 0;                                                                       \
            for (int64_t i = 0; i < l.n; i++) {                                              \
                a += (ACC)LOAD(x[i]);                                                        \
                y[i] = (CT)STORE(a);                                                         \
            }                                                                                \
            return;                                                                          \
        }                                                                                    \
        ACC acc[COLS];                                                                       \
        for (int64_t j = 0; j < w; j++)                                                      \
            acc[j] = 0;                                                                      \
        for (int64_t i = 0; i < l.n; i++, x += l.inner, y += l.inner)                        \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                            \
                acc[j] += (ACC)LOAD(x[j]);                                                   \
                y[j] = (CT)STORE(acc[j]);                                                    \
            }                                                                                \
    }

/* torch accumulates cumsum in double for float and float32, int64 for
 * integers (wrapping), float for bfloat16 (double here). */
DEF_SCAN(scan_f32, float, double, ID, ID)
DEF_SCAN(scan_f64, double, double, ID, ID)
DEF_SCAN(scan_bf16, uint16_t, double, LDV_bf16, ST_bf16)
DEF_SCAN(scan_u8, uint8_t, uint64_t, ID, ID)
DEF_SCAN(scan_i8, int8_t, uint64_t, (int64_t)ID, ID)
DEF_SCAN(scan_i16, int16_t, uint64_t, (int64_t)ID, ID)
DEF_SCAN(scan_i32, int32_t, uint64_t, (int64_t)ID, ID)
DEF_SCAN(scan_i64, int64_t, uint64_t, ID, ID)

typedef void (*LineFn)(const char *x, char *y, Lines l, int64_t job);

/* Run fn over every (outer, column chunk) job, in parallel when large. */
static void run_lines(LineFn fn, const char *x, char *y, Lines l) {
    int64_t jobs = l.outer * ((l.inner + COLS - 1) / COLS);
    int64_t total = l.outer * l.n * l.inner;
    int nt = kern_get_num_threads();
    if (nt > 1 && jobs > 1 && total >= GRAIN) {
#pragma omp parallel for num_threads(nt) schedule(static)
        for (int64_t j = 0; j < jobs; j++)
            fn(x, y, l, j);
    } else {
        for (int64_t j = 0; j < jobs; j++)
            fn(x, y, l, j);
    }
}

Tensor *kern_cumsum(const Tensor *t, int64_t dim, DType dtype, Err *err) {
    int64_t d = 0;
    if (wrap_dim(dim, t->ndim, &d, err))
        return NULL;
    DType out = dtype != TSI_DTYPE_INVALID ? dtype : default_sum_dtype(t->dtype);
    if (t->ndim == 0 || tensor_numel(t) == 0) /* no kernel runs, no dtype check */
        return tensor_to(t, out, true, err);
    LineFn fn = NULL;
    switch (out) {
    case TSI_DTYPE_FLOAT32: fn = scan_f32; break;
    case TSI_DTYPE_FLOAT64: fn = scan_f64; break;
    case TSI_DTYPE_BFLOAT16: fn = scan_bf16; break;
    case TSI_DTYPE_UINT8: fn = scan_u8; break;
    case TSI_DTYPE_INT8: fn = scan_i8; break;
    case TSI_DTYPE_INT16: fn = scan_i16; break;
    case TSI_DTYPE_INT32: fn = scan_i32; break;
    case TSI_DTYPE_INT64: fn = scan_i64; break;
    default:
        err_set(err, TSI_ERR_RUNTIME, "\"cumsum_out_cpu\" not implemented for '%s'",
                dtype_prefix(out));
        return NULL;
    }
    Tensor *conv = tensor_to(t, out, false, err);
    Tensor *src = conv ? tensor_contiguous(conv, err) : NULL;
    Tensor *res = src ? tensor_empty(out, t->ndim, t->sizes, err) : NULL;
    if (res && tensor_numel(res) > 0)
        run_lines(fn, tensor_data(src), tensor_data(res), lines_of(src, d));
    tensor_release(conv);
    tensor_release(src);
    return res;
}

/*
 * Softmax over one contiguous line (the dim is innermost), in the input's
 * own precision as torch computes it: the max, exp(x - max) stored while
 * summing (in double), then a scale by 1/sum; log_softmax subtracts
 * max + log(sum). A nan anywhere makes the sum nan, so the max may skip it.
 */
#define DEF_SOFTMAX_LINE(name, T, EXPF, LOG)                                                 \
    static void name(const T *x, T *y, int64_t n) {                                          \
        T m = -INFINITY;                                                                     \
        _Pragma("omp simd reduction(max : m)") for (int64_t i = 0; i < n; i++) m =           \
            x[i] > m ? x[i] : m;                                                             \
        double s = 0;                                                                        \
        if (LOG) {                                                                           \
            _Pragma("omp simd reduction(+ : s)") for (int64_t i = 0; i < n; i++) s +=        \
                EXPF(x[i] - m);                                                              \
            T ls = (T)log(s); /* (x - m) - ls, not x - (m + ls): exact for x near m */       \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) y[i] = (x[i] - m) - ls;      \
        } else {                                                                             \
            _Pragma("omp simd reduction(+ : s)") for (int64_t i = 0; i < n; i++) {           \
                T e = EXPF(x[i] - m);                                                        \
                y[i] = e;                                                                    \
                s += e;                                                                      \
            }                                                                                \
            T inv = (T)(1.0 / s);                                                            \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) y[i] *= inv;                 \
        }                                                                                    \
    }

DEF_SOFTMAX_LINE(softmax_line_f32, float, vexpf, 0)
DEF_SOFTMAX_LINE(softmax_line_f64, double, exp, 0)
DEF_SOFTMAX_LINE(logsoftmax_line_f32, float, vexpf, 1)
DEF_SOFTMAX_LINE(logsoftmax_line_f64, double, exp, 1)

/*
 * Softmax over a block of up to COLS columns when the dim is not innermost:
 * per-column max and sum of exp(x - max) (in double) while rows stream
 * past, then the outputs. CT: storage type; FT: compute type (float for
 * float32 and bfloat16, as torch computes them; double for float64).
 * LINE(x, y, n): runs the contiguous-line kernel and gives 1, or gives 0.
 */
#define DEF_SOFTMAX(name, CT, FT, LOAD, STORE, EXPF, LOG, LINE, KEEP)                        \
    static void name(const char *xv, char *yv, Lines l, int64_t job) {                      \
        int64_t chunks = (l.inner + COLS - 1) / COLS;                                        \
        int64_t o = job / chunks, j0 = job % chunks * COLS;                                  \
        int64_t w = l.inner - j0 < COLS ? l.inner - j0 : COLS;                               \
        const CT *x0 = (const CT *)xv + o * l.n * l.inner + j0;                              \
        CT *y0 = (CT *)yv + o * l.n * l.inner + j0;                                          \
        if (l.inner == 1 && LINE(x0, y0, l.n))                                               \
            return;                                                                          \
        FT mx[COLS];                                                                         \
        double sum[COLS];                                                                    \
        for (int64_t j = 0; j < w; j++) {                                                    \
            mx[j] = -INFINITY;                                                               \
            sum[j] = 0;                                                                      \
        }                                                                                    \
        const CT *x = x0;                                                                    \
        for (int64_t i = 0; i < l.n; i++, x += l.inner)                                      \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                            \
                FT v = LOAD(x[j]);                                                           \
                mx[j] = v > mx[j] ? v : mx[j];                                               \
            }                                                                                \
        x = x0;                                                                              \
        CT *y = y0;                                                                          \
        for (int64_t i = 0; i < l.n; i++, x += l.inner, y += l.inner)                        \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                            \
                FT e = EXPF(LOAD(x[j]) - mx[j]);                                             \
                sum[j] += e;                                                                 \
                if (KEEP && !LOG)                                                            \
                    y[j] = STORE(e);                                                         \
            }                                                                                \
        FT f[COLS];                                                                          \
        for (int64_t j = 0; j < w; j++)                                                      \
            f[j] = LOG ? (FT)log(sum[j]) : (FT)(1.0 / sum[j]);                               \
        x = x0;                                                                              \
        y = y0;                                                                              \
        for (int64_t i = 0; i < l.n; i++, x += l.inner, y += l.inner)                        \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                            \
                FT v = LOAD(x[j]);                                                           \
                if (LOG)                                                                     \
                    y[j] = STORE((v - mx[j]) - f[j]);                                        \
                else                                                                         \
                    y[j] = STORE((KEEP ? LOAD(y[j]) : EXPF(v - mx[j])) * f[j]);              \
            }                                                                                \
    }

#define LDF(v) ((float)(v))
#define LDD(v) ((double)(v))
#define STF(v) ((float)(v))
#define STD(v) ((double)(v))

#define LINE_SM32(x, y, n) (softmax_line_f32(x, y, n), 1)
#define LINE_SM64(x, y, n) (softmax_line_f64(x, y, n), 1)
#define LINE_LSM32(x, y, n) (logsoftmax_line_f32(x, y, n), 1)
#define LINE_LSM64(x, y, n) (logsoftmax_line_f64(x, y, n), 1)
#define NO_LINE(x, y, n) 0

/* KEEP: the output type holds exp(x - max) exactly, so it is stored in
 * the second pass and scaled in the third instead of recomputed */
DEF_SOFTMAX(softmax_f32, float, float, LDF, STF, vexpf, 0, LINE_SM32, 1)
DEF_SOFTMAX(softmax_f64, double, double, LDD, STD, exp, 0, LINE_SM64, 1)
DEF_SOFTMAX(softmax_bf16, uint16_t, float, LDV_bf16, ST_bf16, vexpf, 0, NO_LINE, 0)
DEF_SOFTMAX(logsoftmax_f32, float, float, LDF, STF, vexpf, 1, LINE_LSM32, 1)
DEF_SOFTMAX(logsoftmax_f64, double, double, LDD, STD, exp, 1, LINE_LSM64, 1)
DEF_SOFTMAX(logsoftmax_bf16, uint16_t, float, LDV_bf16, ST_bf16, vexpf, 1, NO_LINE, 0)

static Tensor *softmax_impl(const Tensor *t, int64_t dim, DType dtype, bool log, Err *err) {
    int64_t d = 0;
    if (wrap_dim(dim, t->ndim, &d, err))
        return NULL;
    Tensor *src = tensor_to(t, dtype != TSI_DTYPE_INVALID ? dtype : t->dtype, false, err);
    if (!src)
        return NULL;
    Tensor *c = NULL, *res = NULL;
    if (tensor_numel(src) == 0) {
        res = tensor_empty(src->dtype, src->ndim, src->sizes, err);
        goto done;
    }
    LineFn fn = NULL;
    switch (src->dtype) {
    case TSI_DTYPE_FLOAT32: fn = log ? logsoftmax_f32 : softmax_f32; break;
    case TSI_DTYPE_FLOAT64: fn = log ? logsoftmax_f64 : softmax_f64; break;
    case TSI_DTYPE_BFLOAT16: fn = log ? logsoftmax_bf16 : softmax_bf16; break;
    default: {
        /* torch names the kernel that refused the dtype */
        bool last = t->ndim == 0 || d == t->ndim - 1;
        const char *name = !last ? "softmax_kernel_impl"
                           : log ? "log_softmax_lastdim_kernel_impl"
                                 : "softmax_lastdim_kernel_impl";
        err_set(err, TSI_ERR_RUNTIME, "\"%s\" not implemented for '%s'", name,
                dtype_prefix(src->dtype));
        goto done;
    }
    }
    c = tensor_contiguous(src, err);
    res = c ? tensor_empty(src->dtype, src->ndim, src->sizes, err) : NULL;
    if (res)
        run_lines(fn, tensor_data(c), tensor_data(res), lines_of(c, d));
done:
    tensor_release(src);
    tensor_release(c);
    return res;
}

Tensor *kern_softmax(const Tensor *t, int64_t dim, DType dtype, Err *err) {
    return softmax_impl(t, dim, dtype, false, err);
}

Tensor *kern_log_softmax(const Tensor *t, int64_t dim, DType dtype, Err *err) {
    return softmax_impl(t, dim, dtype, true, err);
}
