/*
 * elementwise_impl.h: what elementwise.c and unary.c share and nobody else
 * needs: dtype masks for torch's dispatch tables, the output plan (allocate,
 * in place, out=), torch's checked Scalar conversion, broadcasting views,
 * and the macros that stamp out typed inner loops.
 */
#ifndef TSI_ELEMENTWISE_IMPL_H
#define TSI_ELEMENTWISE_IMPL_H

#include "kernels.h"

#include <math.h>

/*
 * Vector math: glibc's libmvec (which -lm links as needed) has SIMD
 * variants of the libm functions; declaring them `simd` lets the `omp simd`
 * loops below call them 4 (SSE) or 8 (AVX2) lanes at a time. glibc's own
 * headers declare them only under -ffast-math, which we do not want for
 * the rest of the arithmetic. The variants are accurate to 4 ulp.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(_OPENMP) &&  \
    defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define EW_VECMATH1(fn) __attribute__((simd("notinbranch"))) double fn(double); \
    __attribute__((simd("notinbranch"))) float fn##f(float);
#define EW_VECMATH2(fn) __attribute__((simd("notinbranch"))) double fn(double, double); \
    __attribute__((simd("notinbranch"))) float fn##f(float, float);
EW_VECMATH1(exp)
EW_VECMATH1(expm1)
EW_VECMATH1(log)
EW_VECMATH1(log2)
EW_VECMATH1(log10)
EW_VECMATH1(log1p)
EW_VECMATH1(sin)
EW_VECMATH1(cos)
EW_VECMATH1(tan)
EW_VECMATH1(tanh)
EW_VECMATH1(erf)
EW_VECMATH2(pow)
EW_VECMATH2(atan2)
#undef EW_VECMATH1
#undef EW_VECMATH2
#endif

/* How an op's result dtype follows from its promoted input dtype. */
enum { EW_SAME, EW_FLOAT, EW_BOOL };

/* Dtype masks: bit (1 << code) per dtype. */
#define DTM(E) (1u << TSI_DTYPE_##E)
#define DTM_INT (DTM(UINT8) | DTM(INT8) | DTM(INT16) | DTM(INT32) | DTM(INT64))
#define DTM_INTBOOL (DTM_INT | DTM(BOOL))
#define DTM_F32_F64 (DTM(FLOAT32) | DTM(FLOAT64))
#define DTM_FLOAT_NOHALF (DTM_F32_F64 | DTM(BFLOAT16))
#define DTM_FLOAT (DTM_FLOAT_NOHALF | DTM(FLOAT16))
#define DTM_ALL (DTM_INTBOOL | DTM_FLOAT)
#define DTM_NOBOOL (DTM_INT | DTM_FLOAT)
#define DTM_NOBOOL_NOHALF (DTM_INT | DTM_FLOAT_NOHALF)

/*
 * A 0-d tensor holding v in dt; wrapped marks it a wrapped number (then dt
 * should be scalar_dtype(v)). Used instead of tensor_scalar and
 * tensor_wrap_scalar, which pass NULL sizes to memcpy (undefined behaviour
 * that UBSan reports) until tensor.c is fixed.
 */
Tensor *ew_scalar_tensor(Scalar v, DType dt, bool wrapped, Err *err);

/* `"kernel" not implemented for 'Half'` unless dt is in mask. */
int ew_check_dtype(const char *kernel, unsigned mask, DType dt, Err *err);

/* The dtype a computation in dt runs in: 16-bit floats compute in float32. */
static inline DType ew_compute_dtype(DType dt) {
    return dt == TSI_DTYPE_FLOAT16 || dt == TSI_DTYPE_BFLOAT16 ? TSI_DTYPE_FLOAT32 : dt;
}

/* Index of a compute dtype in per-type loop tables, -1 for 16-bit floats. */
enum { EW_B, EW_U8, EW_I8, EW_I16, EW_I32, EW_I64, EW_F32, EW_F64, EW_NTYPES };
int ew_type_index(DType dt);

/*
 * torch's Scalar::to<T>() for a kernel parameter: the value converted to dt,
 * or the error "value cannot be converted to type int8_t without overflow".
 * The result is a Scalar of the kind dt stores (int for integral dtypes,
 * float for floating ones, bool for bool).
 */
int ew_scalar_to(Scalar s, DType dt, Scalar *res, Err *err);

/* Broadcast shape of n tensors (NULL entries skipped). */
int ew_broadcast(int n, const Tensor *const *ts, int *ndim, int64_t *sizes, Err *err);

/*
 * The output plan of one elementwise call. `result` is what the caller gets;
 * `dst` is where the loops write, in `loop_dt`: result itself when dtypes
 * match and no input overlaps it in a way a single pass could corrupt,
 * otherwise a scratch tensor copied into result by ew_dest_finish.
 */
typedef struct EwDest {
    Tensor *result;
    Tensor *dst;
    Tensor *resize; /* out= whose shape differs: gets result's storage at the end */
} EwDest;

/* ew_dest_init flags. */
enum {
    /* out must have exactly the result dtype (torch's ops built as plain
     * unary ops: "Found dtype Double but expected Float"); otherwise the
     * result is cast into out when torch's casting rules allow it. */
    EW_OUT_STRICT = 1,
    /* check castability first and word that error with C++ type names
     * ("long int"), as clamp's meta function does */
    EW_OUT_CPP_NAMES = 2,
};

/*
 * Checks `out` against torch's rules (overlap, shape, cast) or allocates a
 * result with the inputs' layout. `ins` are the op's tensor inputs as given
 * (not expanded); inplace says out is the op's self argument.
 */
int ew_dest_init(EwDest *d, Tensor *out, bool inplace, DType result_dt, DType loop_dt, int ndim,
                 const int64_t *sizes, int nins, const Tensor *const *ins, int flags, Err *err);
/* Copies scratch into result; returns result (new ref) or NULL. Releases
 * everything on failure. */
Tensor *ew_dest_finish(EwDest *d, Err *err);
void ew_dest_abandon(EwDest *d);

/* Run loop over dst and the inputs, each expanded to dst's shape. */
int ew_run(Tensor *dst, int nins, const Tensor *const *ins, IterLoop loop, void *ctx, Err *err);

/* ------------------------------------------------------- loop macros */

/*
 * Typed loop bodies. Each op provides a static inline function per compute
 * type; these macros wrap it into an IterLoop whose unit-stride and
 * broadcast-scalar cases are plain indexed loops the compiler vectorizes.
 * No per-element dispatch: one function pointer call per inner run.
 *
 * EW_SIMD marks those loops `omp simd`: at -O2 GCC's cheap cost model
 * leaves loops with an unknown trip count scalar, and the pragma also tells
 * it the iterations are independent (the output may be exactly an input,
 * never a shifted one: ew_dest_init rejects or copies partial overlaps).
 */
#define EW_SIMD _Pragma("omp simd")

/* Loop functions are compiled twice, for AVX2 (+FMA off: results must not
 * depend on the machine) and for the x86-64 baseline, and picked at load
 * time. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define EW_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EW_CLONES
#endif
#define EW_UNARY_LOOP(NAME, TI, TO, FN)                                                       \
    EW_CLONES static void NAME(char **data, const int64_t *st, int64_t n, void *ctx) {                  \
        (void)ctx;                                                                            \
        if (st[0] == (int64_t)sizeof(TO) && st[1] == (int64_t)sizeof(TI)) {                   \
            TO *o = (TO *)(void *)data[0];                                                    \
            const TI *x = (const TI *)(const void *)data[1];                                  \
            EW_SIMD for (int64_t i = 0; i < n; i++)                                           \
                o[i] = FN(x[i]);                                                              \
        } else {                                                                              \
            char *o = data[0];                                                                \
            const char *x = data[1];                                                          \
            for (int64_t i = 0; i < n; i++, o += st[0], x += st[1])                           \
                *(TO *)(void *)o = FN(*(const TI *)(const void *)x);                          \
        }                                                                                     \
    }

/* Unary with up to three parameters of the compute type, from a double[3]
 * (floating) or int64_t[3] (integral) in ctx, converted once per run. */
typedef struct EwParams {
    double f[3];
    int64_t i[3];
} EwParams;

#define EW_PARAM_LOOP(NAME, T, FIELD, FN)                                                     \
    EW_CLONES static void NAME(char **data, const int64_t *st, int64_t n, void *ctx) {                  \
        const EwParams *p = ctx;                                                              \
        const T p0 = (T)p->FIELD[0], p1 = (T)p->FIELD[1], p2 = (T)p->FIELD[2];                \
        if (st[0] == (int64_t)sizeof(T) && st[1] == (int64_t)sizeof(T)) {                     \
            T *o = (T *)(void *)data[0];                                                      \
            const T *x = (const T *)(const void *)data[1];                                    \
            EW_SIMD for (int64_t i = 0; i < n; i++)                                           \
                o[i] = FN(x[i], p0, p1, p2);                                                  \
        } else {                                                                              \
            char *o = data[0];                                                                \
            const char *x = data[1];                                                          \
            for (int64_t i = 0; i < n; i++, o += st[0], x += st[1])                           \
                *(T *)(void *)o = FN(*(const T *)(const void *)x, p0, p1, p2);                \
        }                                                                                     \
    }

#define EW_BINARY_LOOP(NAME, TI, TO, FN)                                                      \
    EW_CLONES static void NAME(char **data, const int64_t *st, int64_t n, void *ctx) {                  \
        (void)ctx;                                                                            \
        const int64_t si = (int64_t)sizeof(TI);                                               \
        if (st[0] == (int64_t)sizeof(TO) && st[1] == si && st[2] == si) {                     \
            TO *o = (TO *)(void *)data[0];                                                    \
            const TI *x = (const TI *)(const void *)data[1];                                  \
            const TI *y = (const TI *)(const void *)data[2];                                  \
            EW_SIMD for (int64_t i = 0; i < n; i++)                                           \
                o[i] = FN(x[i], y[i]);                                                        \
        } else if (st[0] == (int64_t)sizeof(TO) && st[1] == si && st[2] == 0) {               \
            TO *o = (TO *)(void *)data[0];                                                    \
            const TI *x = (const TI *)(const void *)data[1];                                  \
            const TI y = *(const TI *)(const void *)data[2];                                  \
            EW_SIMD for (int64_t i = 0; i < n; i++)                                           \
                o[i] = FN(x[i], y);                                                           \
        } else if (st[0] == (int64_t)sizeof(TO) && st[1] == 0 && st[2] == si) {               \
            TO *o = (TO *)(void *)data[0];                                                    \
            const TI x = *(const TI *)(const void *)data[1];                                  \
            const TI *y = (const TI *)(const void *)data[2];                                  \
            EW_SIMD for (int64_t i = 0; i < n; i++)                                           \
                o[i] = FN(x, y[i]);                                                           \
        } else {                                                                              \
            char *o = data[0];                                                                \
            const char *x = data[1], *y = data[2];                                            \
            for (int64_t i = 0; i < n; i++, o += st[0], x += st[1], y += st[2])               \
                *(TO *)(void *)o =                                                            \
                    FN(*(const TI *)(const void *)x, *(const TI *)(const void *)y);           \
        }                                                                                     \
    }

#endif
