/*
 * unary.c: unary elementwise ops (math, rounding, activations) and the
 * ones with Python-number parameters: clamp with scalar bounds, hardtanh,
 * threshold, leaky_relu, elu, softplus.
 *
 * dtype rules follow torch: "float ops" (exp, sin, ...) compute integral
 * and bool inputs in float32; neg/abs/relu/sign and the rounding ops keep
 * the dtype (rounding an integer is a copy); logical_not and isnan give
 * bool. Parameters are converted to the computation dtype with torch's
 * overflow check before the loop runs.
 */
#include "elementwise_impl.h"

#include <math.h>
#include <string.h>

static const struct {
    const char *kernel;
    int kind;
    unsigned dtypes;
} unary_info[] = {
#define UNARY_OP(E, name, kind, kernel, dtypes) {kernel, kind, dtypes},
#include "elementwise_ops.def"
};
_Static_assert(TSI_ARRAY_LEN(unary_info) == TSI_UNARY_COUNT, "unary op table");

/* ------------------------------------------------- unary op functions */

#define INT_UNARY_FUNCS(S, T, U)                                                              \
    static inline T uop_floor_##S(T a) { return a; }                                         \
    static inline T uop_ceil_##S(T a) { return a; }                                          \
    static inline T uop_round_##S(T a) { return a; }                                         \
    static inline T uop_trunc_##S(T a) { return a; }                                         \
    static inline T uop_neg_##S(T a) { return (T)(0 - (U)a); }                               \
    static inline T uop_bnot_##S(T a) { return (T)~a; }                                      \
    static inline bool uop_lnot_##S(T a) { return a == 0; }                                  \
    static inline bool uop_isnan_##S(T a) { return (void)a, false; }

#define SIGNED_UNARY_FUNCS(S, T, U)                                                           \
    INT_UNARY_FUNCS(S, T, U)                                                                  \
    static inline T uop_abs_##S(T a) { return a < 0 ? (T)(0 - (U)a) : a; }                  \
    static inline T uop_relu_##S(T a) { return a < 0 ? 0 : a; }                              \
    static inline T uop_sign_##S(T a) { return (T)((a > 0) - (a < 0)); }

INT_UNARY_FUNCS(u8, uint8_t, uint32_t)
static inline uint8_t uop_abs_u8(uint8_t a) { return a; }
static inline uint8_t uop_relu_u8(uint8_t a) { return a; }
static inline uint8_t uop_sign_u8(uint8_t a) { return a > 0; }
SIGNED_UNARY_FUNCS(i8, int8_t, uint32_t)
SIGNED_UNARY_FUNCS(i16, int16_t, uint32_t)
SIGNED_UNARY_FUNCS(i32, int32_t, uint32_t)
SIGNED_UNARY_FUNCS(i64, int64_t, uint64_t)

static inline bool uop_sign_b(bool a) { return a; }
static inline bool uop_bnot_b(bool a) { return !a; }
static inline bool uop_lnot_b(bool a) { return !a; }
static inline bool uop_isnan_b(bool a) { return (void)a, false; }

#define LM_f32(fn) fn##f
#define LM_f64(fn) fn

/* Formulas as torch's CPU kernels write them (same operation order). */
#define FLOAT_UNARY_FUNCS(S, T)                                                               \
    static inline T uop_neg_##S(T a) { return -a; }                                          \
    static inline T uop_abs_##S(T a) { return LM_##S(fabs)(a); }                            \
    static inline T uop_exp_##S(T a) { return LM_##S(exp)(a); }                              \
    static inline T uop_log_##S(T a) { return LM_##S(log)(a); }                              \
    static inline T uop_log2_##S(T a) { return LM_##S(log2)(a); }                            \
    static inline T uop_log10_##S(T a) { return LM_##S(log10)(a); }                          \
    static inline T uop_log1p_##S(T a) { return LM_##S(log1p)(a); }                          \
    static inline T uop_expm1_##S(T a) { return LM_##S(expm1)(a); }                          \
    static inline T uop_sqrt_##S(T a) { return LM_##S(sqrt)(a); }                            \
    static inline T uop_rsqrt_##S(T a) { return 1 / LM_##S(sqrt)(a); }                       \
    static inline T uop_sin_##S(T a) { return LM_##S(sin)(a); }                              \
    static inline T uop_cos_##S(T a) { return LM_##S(cos)(a); }                              \
    static inline T uop_tan_##S(T a) { return LM_##S(tan)(a); }                              \
    static inline T uop_tanh_##S(T a) { return LM_##S(tanh)(a); }                            \
    static inline T uop_sigmoid_##S(T a) { return 1 / (1 + LM_##S(exp)(-a)); }               \
    static inline T uop_erf_##S(T a) { return LM_##S(erf)(a); }                              \
    /* relu is clamp_min(x, 0): nan and -0.0 pass through */                                  \
    static inline T uop_relu_##S(T a) { return a < 0 ? 0 : a; }                              \
    static inline T uop_floor_##S(T a) { return LM_##S(floor)(a); }                          \
    static inline T uop_ceil_##S(T a) { return LM_##S(ceil)(a); }                            \
    /* half to even, like torch's nearbyint */                                                \
    static inline T uop_round_##S(T a) { return LM_##S(nearbyint)(a); }                      \
    static inline T uop_trunc_##S(T a) { return LM_##S(trunc)(a); }                          \
    /* sign of nan and of -0.0 is 0 */                                                        \
    static inline T uop_sign_##S(T a) { return (T)((0 < a) - (a < 0)); }                     \
    static inline T uop_reciprocal_##S(T a) { return 1 / a; }                                \
    static inline bool uop_lnot_##S(T a) { return a == 0; }                                  \
    static inline bool uop_isnan_##S(T a) { return a != a; }                                 \
    static inline T uop_silu_##S(T a) { return a / (1 + LM_##S(exp)(-a)); }                  \
    static inline T uop_gelu_##S(T a) {                                                       \
        return a * (T)0.5 * (1 + LM_##S(erf)(a * (T)M_SQRT1_2));                              \
    }                                                                                         \
    static inline T uop_gelu_tanh_##S(T a) {                                                  \
        const T beta = (T)(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = (T)0.044715;                  \
        T inner = beta * (a + kappa * (a * a * a));                                           \
        return (T)0.5 * a * (1 + LM_##S(tanh)(inner));                                        \
    }                                                                                         \
    static inline T uop_hardsigmoid_##S(T a) {                                                \
        T r = a + 3;                                                                          \
        r = r < 0 ? 0 : r;                                                                    \
        r = r > 6 ? 6 : r;                                                                    \
        return r / 6;                                                                         \
    }                                                                                         \
    static inline T uop_hardswish_##S(T a) {                                                  \
        T r = a + 3;                                                                          \
        r = r < 0 ? 0 : r;                                                                    \
        r = r > 6 ? 6 : r;                                                                    \
        return a * r / 6;                                                                     \
    }                                                                                         \
    static inline T uop_mish_##S(T a) { return a * LM_##S(tanh)(LM_##S(log1p)(LM_##S(exp)(a))); }

FLOAT_UNARY_FUNCS(f32, float)
FLOAT_UNARY_FUNCS(f64, double)

/* ------------------------------------------------------------- loops */

#define ULOOP(FN, S, T) EW_UNARY_LOOP(uloop_##FN##_##S, T, T, uop_##FN##_##S)
#define ULOOP_BOOL(FN, S, T) EW_UNARY_LOOP(uloop_##FN##_##S, T, bool, uop_##FN##_##S)

#define ULOOPS_COMMON(S, T)                                                                   \
    ULOOP(sign, S, T)                                                                         \
    ULOOP_BOOL(lnot, S, T)                                                                    \
    ULOOP_BOOL(isnan, S, T)
#define ULOOPS_NUM(S, T)                                                                      \
    ULOOPS_COMMON(S, T)                                                                       \
    ULOOP(neg, S, T)                                                                          \
    ULOOP(abs, S, T)                                                                          \
    ULOOP(relu, S, T)                                                                         \
    ULOOP(floor, S, T)                                                                        \
    ULOOP(ceil, S, T)                                                                         \
    ULOOP(round, S, T)                                                                        \
    ULOOP(trunc, S, T)
#define ULOOPS_INT(S, T) ULOOPS_NUM(S, T) ULOOP(bnot, S, T)
#define ULOOPS_FLOAT(S, T)                                                                    \
    ULOOPS_NUM(S, T)                                                                          \
    ULOOP(exp, S, T)                                                                          \
    ULOOP(log, S, T)                                                                          \
    ULOOP(log2, S, T)                                                                         \
    ULOOP(log10, S, T)                                                                        \
    ULOOP(log1p, S, T)                                                                        \
    ULOOP(expm1, S, T)                                                                        \
    ULOOP(sqrt, S, T)                                                                         \
    ULOOP(rsqrt, S, T)                                                                        \
    ULOOP(sin, S, T)                                                                          \
    ULOOP(cos, S, T)                                                                          \
    ULOOP(tan, S, T)                                                                          \
    ULOOP(tanh, S, T)                                                                         \
    ULOOP(sigmoid, S, T)                                                                      \
    ULOOP(erf, S, T)                                                                          \
    ULOOP(reciprocal, S, T)                                                                   \
    ULOOP(silu, S, T)                                                                         \
    ULOOP(gelu, S, T)                                                                         \
    ULOOP(gelu_tanh, S, T)                                                                    \
    ULOOP(hardsigmoid, S, T)                                                                  \
    ULOOP(hardswish, S, T)                                                                    \
    ULOOP(mish, S, T)

ULOOPS_COMMON(b, bool)
ULOOP(bnot, b, bool)
ULOOPS_INT(u8, uint8_t)
ULOOPS_INT(i8, int8_t)
ULOOPS_INT(i16, int16_t)
ULOOPS_INT(i32, int32_t)
ULOOPS_INT(i64, int64_t)
ULOOPS_FLOAT(f32, float)
ULOOPS_FLOAT(f64, double)

#define UROW_ALL(FN)                                                                          \
    {[EW_B] = uloop_##FN##_b, [EW_U8] = uloop_##FN##_u8, [EW_I8] = uloop_##FN##_i8,           \
     [EW_I16] = uloop_##FN##_i16, [EW_I32] = uloop_##FN##_i32, [EW_I64] = uloop_##FN##_i64,   \
     [EW_F32] = uloop_##FN##_f32, [EW_F64] = uloop_##FN##_f64}
#define UROW_NUM(FN)                                                                          \
    {[EW_U8] = uloop_##FN##_u8, [EW_I8] = uloop_##FN##_i8, [EW_I16] = uloop_##FN##_i16,       \
     [EW_I32] = uloop_##FN##_i32, [EW_I64] = uloop_##FN##_i64, [EW_F32] = uloop_##FN##_f32,   \
     [EW_F64] = uloop_##FN##_f64}
#define UROW_INTBOOL(FN)                                                                      \
    {[EW_B] = uloop_##FN##_b, [EW_U8] = uloop_##FN##_u8, [EW_I8] = uloop_##FN##_i8,           \
     [EW_I16] = uloop_##FN##_i16, [EW_I32] = uloop_##FN##_i32, [EW_I64] = uloop_##FN##_i64}
#define UROW_FLOAT(FN) {[EW_F32] = uloop_##FN##_f32, [EW_F64] = uloop_##FN##_f64}

static const IterLoop unary_loops[TSI_UNARY_COUNT][EW_NTYPES] = {
    [TSI_UNARY_NEG] = UROW_NUM(neg),
    [TSI_UNARY_ABS] = UROW_NUM(abs),
    [TSI_UNARY_EXP] = UROW_FLOAT(exp),
    [TSI_UNARY_LOG] = UROW_FLOAT(log),
    [TSI_UNARY_LOG2] = UROW_FLOAT(log2),
    [TSI_UNARY_LOG10] = UROW_FLOAT(log10),
    [TSI_UNARY_LOG1P] = UROW_FLOAT(log1p),
    [TSI_UNARY_EXPM1] = UROW_FLOAT(expm1),
    [TSI_UNARY_SQRT] = UROW_FLOAT(sqrt),
    [TSI_UNARY_RSQRT] = UROW_FLOAT(rsqrt),
    [TSI_UNARY_SIN] = UROW_FLOAT(sin),
    [TSI_UNARY_COS] = UROW_FLOAT(cos),
    [TSI_UNARY_TAN] = UROW_FLOAT(tan),
    [TSI_UNARY_TANH] = UROW_FLOAT(tanh),
    [TSI_UNARY_SIGMOID] = UROW_FLOAT(sigmoid),
    [TSI_UNARY_ERF] = UROW_FLOAT(erf),
    [TSI_UNARY_RELU] = UROW_NUM(relu),
    [TSI_UNARY_FLOOR] = UROW_NUM(floor),
    [TSI_UNARY_CEIL] = UROW_NUM(ceil),
    [TSI_UNARY_ROUND] = UROW_NUM(round),
    [TSI_UNARY_TRUNC] = UROW_NUM(trunc),
    [TSI_UNARY_SIGN] = UROW_ALL(sign),
    [TSI_UNARY_RECIPROCAL] = UROW_FLOAT(reciprocal),
    [TSI_UNARY_LOGICAL_NOT] = UROW_ALL(lnot),
    [TSI_UNARY_BITWISE_NOT] = UROW_INTBOOL(bnot),
    [TSI_UNARY_ISNAN] = UROW_ALL(isnan),
    [TSI_UNARY_SILU] = UROW_FLOAT(silu),
    [TSI_UNARY_GELU] = UROW_FLOAT(gelu),
    [TSI_UNARY_GELU_TANH] = UROW_FLOAT(gelu_tanh),
    [TSI_UNARY_HARDSIGMOID] = UROW_FLOAT(hardsigmoid),
    [TSI_UNARY_HARDSWISH] = UROW_FLOAT(hardswish),
    [TSI_UNARY_MISH] = UROW_FLOAT(mish),
};

Tensor *kern_unary(UnaryOp op, const Tensor *t, Tensor *out, Err *err) {
    if ((unsigned)op >= TSI_UNARY_COUNT) {
        err_set(err, TSI_ERR_USAGE, "invalid unary op %d", (int)op);
        return NULL;
    }
    if (t->dtype == TSI_DTYPE_BOOL && op == TSI_UNARY_NEG) {
        err_set(err, TSI_ERR_TYPE,
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        return NULL;
    }
    if (t->dtype == TSI_DTYPE_BOOL && op == TSI_UNARY_RELU) {
        err_set(err, TSI_ERR_TYPE, "Boolean inputs not supported for relu");
        return NULL;
    }
    int kind = unary_info[op].kind;
    DType common = t->dtype;
    if (kind == EW_FLOAT && dtype_is_integral(common, true))
        common = TSI_DTYPE_FLOAT32;
    DType result_dt = kind == EW_BOOL ? TSI_DTYPE_BOOL : common;
    DType cdt = ew_compute_dtype(common);
    DType loop_dt = kind == EW_BOOL ? TSI_DTYPE_BOOL : cdt;
    EwDest d; /* ops that keep the dtype take only an out of that dtype */
    int flags = kind == EW_SAME ? EW_OUT_STRICT : 0;
    if (ew_dest_init(&d, out, out == t, result_dt, loop_dt, t->ndim, t->sizes, 1, &t, flags, err))
        return NULL;
    Tensor *ct = NULL;
    if (ew_check_dtype(unary_info[op].kernel, unary_info[op].dtypes, common, err))
        goto fail;
    int ti = ew_type_index(cdt);
    IterLoop loop = ti >= 0 ? unary_loops[op][ti] : NULL;
    if (!loop) { /* the dtype masks and the loop rows disagree: a bug here */
        err_set(err, TSI_ERR_UNSUPPORTED, "%s: no %s kernel", kern_unary_op_name(op),
                dtype_name(cdt));
        goto fail;
    }
    ct = tensor_to(t, cdt, false, err);
    const Tensor *ins[1] = {ct};
    if (!ct || ew_run(d.dst, 1, ins, loop, NULL, err))
        goto fail;
    tensor_release(ct);
    return ew_dest_finish(&d, err);
fail:
    tensor_release(ct);
    ew_dest_abandon(&d);
    return NULL;
}

/* ------------------------------------------------ ops with parameters */

typedef enum { P_CLAMP, P_CLAMP_MIN, P_CLAMP_MAX, P_THRESHOLD, P_LEAKY, P_ELU, P_SOFTPLUS,
               P_COUNT } ParamOp;

/* p0..p2 are the op's parameters in the compute type. Comparisons are
 * written so nan inputs pass through and nan bounds are ignored, as torch's
 * scalar clamp does. */
#define PARAM_COMMON_FUNCS(S, T)                                                              \
    static inline T pop_clamp_##S(T x, T lo, T hi, T u) {                                     \
        (void)u;                                                                              \
        T y = x < lo ? lo : x;                                                                \
        return hi < y ? hi : y;                                                               \
    }                                                                                         \
    static inline T pop_clamp_min_##S(T x, T lo, T u1, T u2) {                                \
        (void)u1, (void)u2;                                                                   \
        return x < lo ? lo : x;                                                               \
    }                                                                                         \
    static inline T pop_clamp_max_##S(T x, T hi, T u1, T u2) {                                \
        (void)u1, (void)u2;                                                                   \
        return hi < x ? hi : x;                                                               \
    }                                                                                         \
    static inline T pop_threshold_##S(T x, T th, T v, T u) {                                  \
        (void)u;                                                                              \
        return x <= th ? v : x;                                                               \
    }

#define PARAM_FLOAT_FUNCS(S, T)                                                               \
    PARAM_COMMON_FUNCS(S, T)                                                                  \
    static inline T pop_leaky_##S(T x, T slope, T u1, T u2) {                                 \
        (void)u1, (void)u2;                                                                   \
        return x > 0 ? x : x * slope;                                                         \
    }                                                                                         \
    static inline T pop_elu_##S(T x, T negcoef, T poscoef, T negiptcoef) {                    \
        return x <= 0 ? LM_##S(expm1)(x * negiptcoef) * negcoef : x * poscoef;                \
    }                                                                                         \
    static inline T pop_softplus_##S(T x, T beta, T threshold, T u) {                         \
        (void)u;                                                                              \
        return x * beta > threshold ? x : LM_##S(log1p)(LM_##S(exp)(x * beta)) / beta;        \
    }

PARAM_COMMON_FUNCS(u8, uint8_t)
PARAM_COMMON_FUNCS(i8, int8_t)
PARAM_COMMON_FUNCS(i16, int16_t)
PARAM_COMMON_FUNCS(i32, int32_t)
PARAM_COMMON_FUNCS(i64, int64_t)
PARAM_FLOAT_FUNCS(f32, float)
PARAM_FLOAT_FUNCS(f64, double)

#define PLOOP(FN, S, T, FIELD) EW_PARAM_LOOP(ploop_##FN##_##S, T, FIELD, pop_##FN##_##S)
#define PLOOPS_COMMON(S, T, FIELD)                                                            \
    PLOOP(clamp, S, T, FIELD)                                                                 \
    PLOOP(clamp_min, S, T, FIELD)                                                             \
    PLOOP(clamp_max, S, T, FIELD)                                                             \
    PLOOP(threshold, S, T, FIELD)
#define PLOOPS_FLOAT(S, T)                                                                    \
    PLOOPS_COMMON(S, T, f)                                                                    \
    PLOOP(leaky, S, T, f)                                                                     \
    PLOOP(elu, S, T, f)                                                                       \
    PLOOP(softplus, S, T, f)

PLOOPS_COMMON(u8, uint8_t, i)
PLOOPS_COMMON(i8, int8_t, i)
PLOOPS_COMMON(i16, int16_t, i)
PLOOPS_COMMON(i32, int32_t, i)
PLOOPS_COMMON(i64, int64_t, i)
PLOOPS_FLOAT(f32, float)
PLOOPS_FLOAT(f64, double)

#define PROW_NUM(FN)                                                                          \
    {[EW_U8] = ploop_##FN##_u8, [EW_I8] = ploop_##FN##_i8, [EW_I16] = ploop_##FN##_i16,       \
     [EW_I32] = ploop_##FN##_i32, [EW_I64] = ploop_##FN##_i64, [EW_F32] = ploop_##FN##_f32,   \
     [EW_F64] = ploop_##FN##_f64}
#define PROW_FLOAT(FN) {[EW_F32] = ploop_##FN##_f32, [EW_F64] = ploop_##FN##_f64}

static const IterLoop param_loops[P_COUNT][EW_NTYPES] = {
    [P_CLAMP] = PROW_NUM(clamp),
    [P_CLAMP_MIN] = PROW_NUM(clamp_min),
    [P_CLAMP_MAX] = PROW_NUM(clamp_max),
    [P_THRESHOLD] = PROW_NUM(threshold),
    [P_LEAKY] = PROW_FLOAT(leaky),
    [P_ELU] = PROW_FLOAT(elu),
    [P_SOFTPLUS] = PROW_FLOAT(softplus),
};

/*
 * Run a parameterised op on t computing in dtype dt (the result dtype).
 * torch's order: output checks, dtype dispatch, then parameter conversion.
 */
static Tensor *param_unary(ParamOp pop, const Tensor *t, DType dt, const char *kernel,
                           unsigned mask, const Scalar *params, int np, Tensor *out, int flags,
                           Err *err) {
    DType cdt = ew_compute_dtype(dt);
    EwDest d;
    if (ew_dest_init(&d, out, out == t, dt, cdt, t->ndim, t->sizes, 1, &t, flags, err))
        return NULL;
    Tensor *ct = NULL;
    EwParams p;
    memset(&p, 0, sizeof p);
    if (ew_check_dtype(kernel, mask, dt, err))
        goto fail;
    for (int k = 0; k < np; k++) {
        Scalar v;
        if (ew_scalar_to(params[k], dt, &v, err))
            goto fail;
        p.f[k] = scalar_to_double(v);
        p.i[k] = scalar_to_int64(v);
    }
    if (pop == P_ELU) { /* (alpha, scale, input_scale) -> the kernel's coefficients */
        double alpha = p.f[0], scale = p.f[1], input_scale = p.f[2];
        if (cdt == TSI_DTYPE_FLOAT32) /* torch multiplies the converted values */
            alpha = (float)alpha, scale = (float)scale, input_scale = (float)input_scale;
        p.f[0] = alpha * scale;
        p.f[1] = scale;
        p.f[2] = input_scale;
    }
    int ti = ew_type_index(cdt);
    IterLoop loop = ti >= 0 ? param_loops[pop][ti] : NULL;
    if (!loop) {
        err_set(err, TSI_ERR_UNSUPPORTED, "%s: no %s kernel", kernel, dtype_name(cdt));
        goto fail;
    }
    ct = tensor_to(t, cdt, false, err);
    const Tensor *ins[1] = {ct};
    if (!ct || ew_run(d.dst, 1, ins, loop, &p, err))
        goto fail;
    tensor_release(ct);
    return ew_dest_finish(&d, err);
fail:
    tensor_release(ct);
    ew_dest_abandon(&d);
    return NULL;
}

enum { CLAMP_FLAGS = EW_OUT_STRICT | EW_OUT_CPP_NAMES };

Tensor *kern_clamp(const Tensor *t, const Scalar *min, const Scalar *max, Tensor *out,
                   Err *err) {
    if (!min && !max) {
        err_set(err, TSI_ERR_VALUE, "torch.clamp: At least one of 'min' or 'max' must not be None");
        return NULL;
    }
    /* The bounds take part in promotion as wrapped numbers. */
    Tensor *wmin = min ? ew_scalar_tensor(*min, scalar_dtype(*min), true, err) : NULL;
    Tensor *wmax = max ? ew_scalar_tensor(*max, scalar_dtype(*max), true, err) : NULL;
    Tensor *r = NULL;
    if ((!min || wmin) && (!max || wmax)) {
        const Tensor *ins[3] = {t, wmin, wmax};
        DType dt = result_type(3, ins);
        Scalar params[2];
        if (min && max) {
            params[0] = *min, params[1] = *max;
            r = param_unary(P_CLAMP, t, dt, "clamp_scalar_cpu", DTM_NOBOOL_NOHALF, params, 2, out,
                            CLAMP_FLAGS, err);
        } else if (min) {
            params[0] = *min;
            r = param_unary(P_CLAMP_MIN, t, dt, "clamp_min_cpu", DTM_NOBOOL_NOHALF, params, 1,
                            out, CLAMP_FLAGS, err);
        } else {
            params[0] = *max;
            r = param_unary(P_CLAMP_MAX, t, dt, "clamp_max_scalar_cpu", DTM_NOBOOL_NOHALF, params,
                            1, out, CLAMP_FLAGS, err);
        }
    }
    tensor_release(wmin);
    tensor_release(wmax);
    /* torch: a nan bound (both bounds given) makes everything nan */
    if (r && min && max &&
        ((min->kind == SCALAR_FLOAT && isnan(min->f)) || (max->kind == SCALAR_FLOAT && isnan(max->f)))) {
        Tensor *nan = ew_scalar_tensor(scalar_float(NAN), r->dtype, false, err);
        if (!nan || tensor_copy_(r, nan, err)) {
            tensor_release(r);
            r = NULL;
        }
        tensor_release(nan);
    }
    return r;
}

Tensor *kern_hardtanh(const Tensor *t, Scalar min, Scalar max, Tensor *out, Err *err) {
    if (t->dtype == TSI_DTYPE_BOOL) {
        err_set(err, TSI_ERR_TYPE, "Bool inputs not supported for hardtanh");
        return NULL;
    }
    if (dtype_is_integral(t->dtype, false)) {
        /* torch truncates the bounds to integers so they never promote */
        if (ew_scalar_to(min, TSI_DTYPE_INT64, &min, err) ||
            ew_scalar_to(max, TSI_DTYPE_INT64, &max, err))
            return NULL;
        if (t->dtype == TSI_DTYPE_UINT8 && (min.i < 0 || max.i < 0)) {
            err_set(err, TSI_ERR_VALUE, "cannot do hardtanh on an unsigned type with negative limits");
            return NULL;
        }
    }
    return kern_clamp(t, &min, &max, out, err);
}

Tensor *kern_threshold(const Tensor *t, Scalar threshold, Scalar value, Tensor *out, Err *err) {
    Scalar params[2] = {threshold, value};
    return param_unary(P_THRESHOLD, t, t->dtype, "threshold_cpu", DTM_NOBOOL_NOHALF, params, 2,
                       out, 0, err);
}

Tensor *kern_leaky_relu(const Tensor *t, Scalar slope, Tensor *out, Err *err) {
    return param_unary(P_LEAKY, t, t->dtype, "leaky_relu_cpu", DTM_FLOAT_NOHALF, &slope, 1, out,
                       EW_OUT_STRICT, err);
}

Tensor *kern_elu(const Tensor *t, Scalar alpha, Scalar scale, Scalar input_scale, Tensor *out,
                 Err *err) {
    Scalar params[3] = {alpha, scale, input_scale};
    return param_unary(P_ELU, t, t->dtype, "elu_cpu", DTM_FLOAT_NOHALF, params, 3, out,
                       EW_OUT_STRICT, err);
}

Tensor *kern_softplus(const Tensor *t, Scalar beta, Scalar threshold, Tensor *out, Err *err) {
    Scalar params[2] = {beta, threshold};
    return param_unary(P_SOFTPLUS, t, t->dtype, "softplus_cpu", DTM_FLOAT_NOHALF, params, 2, out,
                       EW_OUT_STRICT, err);
}
