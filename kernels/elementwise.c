/*
 * elementwise.c: binary elementwise ops (arithmetic, division family, pow,
 * comparisons, logical and bitwise ops), add/sub with alpha, where, clamp
 * with tensor bounds, and the machinery the unary ops share: the output
 * plan (allocate, in place, out=) with torch's checks, checked Scalar
 * conversion, and dtype dispatch errors.
 *
 * How a call runs: promote the operand dtypes (result_type), check the
 * computation dtype against torch's dispatch list for the op, plan the
 * output, convert inputs to the computation dtype (16-bit floats compute in
 * float32), then one typed loop per (op, dtype) over a TensorIter.
 */
#include "elementwise_impl.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ op tables */

typedef struct EwOpInfo {
    const char *name, *kernel;
    int kind;
    unsigned dtypes;
} EwOpInfo;

static const EwOpInfo binary_info[] = {
#define BINARY_OP(E, name, kind, kernel, dtypes) {name, kernel, kind, dtypes},
#include "elementwise_ops.def"
};
_Static_assert(TSI_ARRAY_LEN(binary_info) == TSI_BINARY_COUNT, "binary op table");

static const char *const unary_names[] = {
#define UNARY_OP(E, name, kind, kernel, dtypes) name,
#include "elementwise_ops.def"
};
_Static_assert(TSI_ARRAY_LEN(unary_names) == TSI_UNARY_COUNT, "unary op table");

const char *kern_binary_op_name(BinaryOp op) {
    return (unsigned)op < TSI_BINARY_COUNT ? binary_info[op].name : "invalid";
}

const char *kern_unary_op_name(UnaryOp op) {
    return (unsigned)op < TSI_UNARY_COUNT ? unary_names[op] : "invalid";
}

int kern_binary_op_from_name(const char *name) {
    for (int i = 0; i < TSI_BINARY_COUNT; i++)
        if (!strcmp(binary_info[i].name, name))
            return i;
    return -1;
}

int kern_unary_op_from_name(const char *name) {
    for (int i = 0; i < TSI_UNARY_COUNT; i++)
        if (!strcmp(unary_names[i], name))
            return i;
    return -1;
}

/* ------------------------------------------------------ shared helpers */

int ew_check_dtype(const char *kernel, unsigned mask, DType dt, Err *err) {
    if (dtype_valid(dt) && (mask & (1u << dt)))
        return TSI_OK;
    return err_set(err, TSI_ERR_TYPE, "\"%s\" not implemented for '%s'", kernel,
                   dtype_prefix(dt));
}

Tensor *ew_scalar_tensor(Scalar v, DType dt, bool wrapped, Err *err) {
    Tensor *t = tensor_scalar(v, dt, err);
    if (t)
        t->wrapped_number = wrapped;
    return t;
}

int ew_type_index(DType dt) {
    switch (dt) {
    case TSI_DTYPE_BOOL: return EW_B;
    case TSI_DTYPE_UINT8: return EW_U8;
    case TSI_DTYPE_INT8: return EW_I8;
    case TSI_DTYPE_INT16: return EW_I16;
    case TSI_DTYPE_INT32: return EW_I32;
    case TSI_DTYPE_INT64: return EW_I64;
    case TSI_DTYPE_FLOAT32: return EW_F32;
    case TSI_DTYPE_FLOAT64: return EW_F64;
    default: return -1;
    }
}

/* The C type names torch's checked conversion prints. */
static const char *checked_type_name(DType dt) {
    switch (dt) {
    case TSI_DTYPE_UINT8: return "uint8_t";
    case TSI_DTYPE_INT8: return "int8_t";
    case TSI_DTYPE_INT16: return "int16_t";
    case TSI_DTYPE_INT32: return "int";
    case TSI_DTYPE_INT64: return "int64_t";
    case TSI_DTYPE_FLOAT16: return "at::Half";
    case TSI_DTYPE_BFLOAT16: return "at::BFloat16";
    case TSI_DTYPE_FLOAT32: return "float";
    case TSI_DTYPE_FLOAT64: return "double";
    default: return "bool";
    }
}

/*
 * c10's overflow rules: integral targets reject nan, inf and out-of-range
 * values, except that an unsigned target accepts negative integers down to
 * -max (they wrap, so `x - 1` can be written as `x + 255`); floating
 * targets accept inf and nan and reject finite values beyond their range.
 */
int ew_scalar_to(Scalar s, DType dt, Scalar *res, Err *err) {
    bool overflow = false;
    if (dtype_is_integral(dt, false)) {
        int64_t lo, hi;
        switch (dt) {
        case TSI_DTYPE_UINT8: lo = 0, hi = UINT8_MAX; break;
        case TSI_DTYPE_INT8: lo = INT8_MIN, hi = INT8_MAX; break;
        case TSI_DTYPE_INT16: lo = INT16_MIN, hi = INT16_MAX; break;
        case TSI_DTYPE_INT32: lo = INT32_MIN, hi = INT32_MAX; break;
        default: lo = INT64_MIN, hi = INT64_MAX; break;
        }
        int64_t v = 0;
        if (s.kind == SCALAR_FLOAT) {
            /* 2^63 itself does not fit int64: compare with >= there */
            overflow = isnan(s.f) || s.f < (double)lo ||
                       (hi == INT64_MAX ? s.f >= 9.2233720368547758e18 : s.f > (double)hi);
            if (!overflow)
                v = (int64_t)s.f;
        } else {
            v = scalar_to_int64(s);
            if (dt == TSI_DTYPE_UINT8)
                overflow = v > hi || (v < 0 && -(uint64_t)v > (uint64_t)hi);
            else
                overflow = v < lo || v > hi;
        }
        if (!overflow) {
            switch (dt) { /* wrap negatives into the unsigned range */
            case TSI_DTYPE_UINT8: v = (uint8_t)v; break;
            default: break;
            }
            *res = scalar_int(v);
        }
    } else if (dt == TSI_DTYPE_BOOL) {
        *res = scalar_bool(s.kind == SCALAR_FLOAT ? s.f != 0 : scalar_to_int64(s) != 0);
    } else {
        double v = scalar_to_double(s), max;
        switch (dt) {
        case TSI_DTYPE_FLOAT16: max = 65504.0; break;
        case TSI_DTYPE_BFLOAT16: max = 3.38953138925153547590470800371487866880e+38; break;
        case TSI_DTYPE_FLOAT32: max = FLT_MAX; break;
        default: max = INFINITY; break;
        }
        overflow = isfinite(v) && (v > max || v < -max);
        if (!overflow)
            *res = scalar_float(v);
    }
    if (overflow)
        return err_set(err, TSI_ERR_VALUE, "value cannot be converted to type %s without overflow",
                       checked_type_name(dt));
    return TSI_OK;
}

/* A header-only view of t expanded to (ndim, sizes), for iterators and
 * layout questions. It borrows t's storage and is never retained/released. */
static void expand_view(Tensor *v, const Tensor *t, int ndim, const int64_t *sizes) {
    memcpy(v, t, sizeof *v);
    int lead = ndim - t->ndim;
    for (int d = ndim - 1; d >= 0; d--) {
        int sd = d - lead;
        int64_t st = 0;
        if (sd >= 0 && t->sizes[sd] == sizes[d])
            st = t->strides[sd];
        v->sizes[d] = sizes[d];
        v->strides[d] = st;
    }
    v->ndim = ndim;
}

/* The broadcast shape of the non-NULL tensors (torch's infer_size, pairwise). */
int ew_broadcast(int n, const Tensor *const *ts, int *ndim, int64_t *sizes, Err *err) {
    int nd = 0;
    for (int k = 0; k < n; k++)
        if (ts[k] && broadcast_shapes(nd, sizes, ts[k]->ndim, ts[k]->sizes, &nd, sizes, err))
            return err ? err->code : TSI_ERR_VALUE;
    *ndim = nd;
    return TSI_OK;
}

int ew_run(Tensor *dst, int nins, const Tensor *const *ins, IterLoop loop, void *ctx, Err *err) {
    if (tensor_numel(dst) == 0)
        return TSI_OK;
    Tensor views[TSI_ITER_MAX_OPERANDS - 1];
    const Tensor *ops[TSI_ITER_MAX_OPERANDS];
    ops[0] = dst;
    for (int k = 0; k < nins; k++) {
        expand_view(&views[k], ins[k], dst->ndim, dst->sizes);
        ops[k + 1] = &views[k];
    }
    TensorIter it;
    int rc = iter_init(&it, nins + 1, ops, err);
    if (rc)
        return rc;
    iter_run(&it, loop, ctx);
    return TSI_OK;
}

/* ------------------------------------------------------- output plans */

typedef enum { OVERLAP_NO, OVERLAP_FULL, OVERLAP_PARTIAL, OVERLAP_TOO_HARD } Overlap;

/* torch's get_overlap_status: exact answers only for dense tensors. */
static Overlap overlap_status(const Tensor *a, const Tensor *b) {
    if (a == b)
        return OVERLAP_FULL;
    if (tensor_numel(a) == 0 || tensor_numel(b) == 0 || a->storage != b->storage)
        return OVERLAP_NO;
    if (!tensor_is_non_overlapping_and_dense(a) || !tensor_is_non_overlapping_and_dense(b))
        return OVERLAP_TOO_HARD;
    const char *ab = tensor_data(a), *bb = tensor_data(b);
    const char *ae = ab + tensor_nbytes(a), *be = bb + tensor_nbytes(b);
    if (ab == bb && ae == be) {
        bool same = a->ndim == b->ndim &&
                    !memcmp(a->strides, b->strides, sizeof(int64_t) * (size_t)a->ndim);
        return same ? OVERLAP_FULL : OVERLAP_PARTIAL;
    }
    return ab < be && bb < ae ? OVERLAP_PARTIAL : OVERLAP_NO;
}

/* An expanded tensor writes several elements to one place. */
static bool has_internal_overlap(const Tensor *t) {
    if (tensor_is_non_overlapping_and_dense(t))
        return false;
    for (int d = 0; d < t->ndim; d++)
        if (t->sizes[d] > 1 && t->strides[d] == 0)
            return true;
    return false;
}

/* The layout torch gives a fresh output: follow the inputs' memory order. */
static void output_strides(int nins, const Tensor *const *ins, int ndim, const int64_t *sizes,
                           int64_t *strides) {
    Tensor views[TSI_ITER_MAX_OPERANDS];
    const Tensor *ptrs[TSI_ITER_MAX_OPERANDS];
    int n = 0;
    for (int k = 0; k < nins && n < TSI_ITER_MAX_OPERANDS; k++) {
        expand_view(&views[n], ins[k], ndim, sizes);
        ptrs[n] = &views[n];
        n++;
    }
    iter_output_strides(n, ptrs, ndim, sizes, strides);
}

/* clamp's structured kernel names dtypes by their C++ types. */
static const char *cpp_type_name(DType dt) {
    switch (dt) {
    case TSI_DTYPE_UINT8: return "unsigned char";
    case TSI_DTYPE_INT8: return "signed char";
    case TSI_DTYPE_INT16: return "short int";
    case TSI_DTYPE_INT32: return "int";
    case TSI_DTYPE_INT64: return "long int";
    case TSI_DTYPE_FLOAT16: return "c10::Half";
    case TSI_DTYPE_BFLOAT16: return "c10::BFloat16";
    case TSI_DTYPE_FLOAT32: return "float";
    case TSI_DTYPE_FLOAT64: return "double";
    default: return "bool";
    }
}

/* out= with a different shape: torch resizes out. Here out takes over the
 * storage and geometry of the computed result (laid out like an allocated
 * one), after the inputs, which may be out itself, have been read. */
static void resize_out(Tensor *out, Tensor *fresh) {
    storage_retain(fresh->storage);
    storage_release(out->storage);
    out->storage = fresh->storage;
    out->offset = 0;
    out->ndim = fresh->ndim;
    memcpy(out->sizes, fresh->sizes, sizeof(int64_t) * (size_t)fresh->ndim);
    memcpy(out->strides, fresh->strides, sizeof(int64_t) * (size_t)fresh->ndim);
}

/* Allocate result (result_dt) and, when the loop runs in another dtype, a
 * scratch dst with the same layout. */
static int dest_alloc(EwDest *d, DType result_dt, DType loop_dt, int ndim, const int64_t *sizes,
                      int nins, const Tensor *const *ins, Err *err) {
    int64_t strides[TSI_MAX_DIM];
    output_strides(nins, ins, ndim, sizes, strides);
    d->result = tensor_empty_strided(result_dt, ndim, sizes, strides, err);
    if (!d->result)
        return err->code;
    if (loop_dt == result_dt) {
        tensor_retain(d->result);
        d->dst = d->result;
        return TSI_OK;
    }
    d->dst = tensor_empty_strided(loop_dt, ndim, sizes, strides, err);
    if (!d->dst) {
        ew_dest_abandon(d);
        return err->code;
    }
    return TSI_OK;
}

int ew_dest_init(EwDest *d, Tensor *out, bool inplace, DType result_dt, DType loop_dt, int ndim,
                 const int64_t *sizes, int nins, const Tensor *const *ins, int flags, Err *err) {
    d->result = d->dst = d->resize = NULL;
    if (!out)
        return dest_alloc(d, result_dt, loop_dt, ndim, sizes, nins, ins, err);

    if (has_internal_overlap(out))
        return err_set(err, TSI_ERR_VALUE,
                       "unsupported operation: more than one element of the written-to tensor "
                       "refers to a single memory location. Please clone() the tensor before "
                       "performing the operation.");
    bool scratch = false;
    for (int k = 0; k < nins; k++) {
        Overlap ov = overlap_status(out, ins[k]);
        if (ov == OVERLAP_PARTIAL)
            return err_set(err, TSI_ERR_VALUE,
                           "unsupported operation: some elements of the input tensor and the "
                           "written-to tensor refer to a single memory location. Please clone() "
                           "the tensor before performing the operation.");
        if (ov == OVERLAP_TOO_HARD)
            scratch = true; /* unknown aliasing: never read what we wrote */
    }
    bool same_shape = out->ndim == ndim &&
                      !memcmp(out->sizes, sizes, sizeof(int64_t) * (size_t)ndim);
    if (!same_shape && inplace) {
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, "output with shape ");
        shape_format(&sb, out->ndim, out->sizes);
        sb_puts(&sb, " doesn't match the broadcast shape ");
        shape_format(&sb, ndim, sizes);
        err_set(err, TSI_ERR_VALUE, "%s", sb_cstr(&sb));
        sb_free(&sb);
        return err->code;
    }
    /* strict ops check only the dtype; clamp checks castability first */
    bool cast_check = !(flags & EW_OUT_STRICT) || (flags & EW_OUT_CPP_NAMES);
    if (cast_check && !dtype_can_cast(result_dt, out->dtype))
        return err_set(err, TSI_ERR_TYPE, "result type %s can't be cast to the desired output type %s",
                       dtype_prefix(result_dt),
                       flags & EW_OUT_CPP_NAMES ? cpp_type_name(out->dtype)
                                                : dtype_prefix(out->dtype));
    if ((flags & EW_OUT_STRICT) && out->dtype != result_dt)
        return err_set(err, TSI_ERR_TYPE, "Found dtype %s but expected %s", dtype_prefix(out->dtype),
                       dtype_prefix(result_dt));
    if (!same_shape) {
        if (dest_alloc(d, out->dtype, loop_dt, ndim, sizes, nins, ins, err))
            return err->code;
        tensor_retain(out);
        d->resize = out;
        return TSI_OK;
    }
    tensor_retain(out);
    d->result = out;
    if (out->dtype == loop_dt && !scratch) {
        tensor_retain(out);
        d->dst = out;
        return TSI_OK;
    }
    d->dst = tensor_empty_like(out, loop_dt, err);
    if (!d->dst) {
        ew_dest_abandon(d);
        return err->code;
    }
    return TSI_OK;
}

Tensor *ew_dest_finish(EwDest *d, Err *err) {
    if (d->dst != d->result && tensor_copy_(d->result, d->dst, err)) {
        ew_dest_abandon(d);
        return NULL;
    }
    tensor_release(d->dst);
    Tensor *r = d->result;
    if (d->resize) {
        resize_out(d->resize, r);
        tensor_release(r);
        r = d->resize;
    }
    d->dst = d->result = d->resize = NULL;
    return r;
}

void ew_dest_abandon(EwDest *d) {
    tensor_release(d->dst);
    tensor_release(d->result);
    tensor_release(d->resize);
    d->dst = d->result = d->resize = NULL;
}

/* ------------------------------------------------- binary op functions */

/*
 * One static inline function per (op, compute type). Integer arithmetic
 * runs in an unsigned type of at least int's width so overflow wraps as in
 * torch (two's complement) without undefined behaviour. Integer division
 * by zero never reaches these functions (checked first, torch raises
 * ZeroDivisionError); INT_MIN / -1 wraps instead of trapping.
 */
#define BOOL_RESULT_FUNCS(S, T)                                                              \
    static inline bool bop_eq_##S(T a, T b) { return a == b; }                              \
    static inline bool bop_ne_##S(T a, T b) { return a != b; }                              \
    static inline bool bop_lt_##S(T a, T b) { return a < b; }                               \
    static inline bool bop_le_##S(T a, T b) { return a <= b; }                              \
    static inline bool bop_gt_##S(T a, T b) { return a > b; }                               \
    static inline bool bop_ge_##S(T a, T b) { return a >= b; }                              \
    static inline bool bop_land_##S(T a, T b) { return (a != 0) & (b != 0); }               \
    static inline bool bop_lor_##S(T a, T b) { return (a != 0) | (b != 0); }                \
    static inline bool bop_lxor_##S(T a, T b) { return (a != 0) != (b != 0); }

#define INT_FUNCS(S, T, U)                                                                    \
    BOOL_RESULT_FUNCS(S, T)                                                                   \
    static inline T bop_add_##S(T a, T b) { return (T)((U)a + (U)b); }                       \
    static inline T bop_sub_##S(T a, T b) { return (T)((U)a - (U)b); }                       \
    static inline T bop_mul_##S(T a, T b) { return (T)((U)a * (U)b); }                       \
    static inline T bop_max_##S(T a, T b) { return a < b ? b : a; }                          \
    static inline T bop_min_##S(T a, T b) { return b < a ? b : a; }                          \
    static inline T bop_band_##S(T a, T b) { return (T)(a & b); }                            \
    static inline T bop_bor_##S(T a, T b) { return (T)(a | b); }                             \
    static inline T bop_bxor_##S(T a, T b) { return (T)(a ^ b); }

#define SIGNED_FUNCS(S, T, U)                                                                 \
    INT_FUNCS(S, T, U)                                                                        \
    static inline T bop_divtrunc_##S(T a, T b) {                                              \
        if (b == 0)                                                                           \
            return 0;                                                                         \
        return b == -1 ? (T)(0 - (U)a) : (T)(a / b);                                          \
    }                                                                                         \
    static inline T bop_divfloor_##S(T a, T b) {                                              \
        if (b == 0)                                                                           \
            return 0;                                                                         \
        if (b == -1)                                                                          \
            return (T)(0 - (U)a);                                                             \
        T q = (T)(a / b);                                                                     \
        if (a % b != 0 && ((a < 0) != (b < 0)))                                               \
            q--;                                                                              \
        return q;                                                                             \
    }                                                                                         \
    static inline T bop_fmod_##S(T a, T b) { return b == 0 || b == -1 ? 0 : (T)(a % b); }     \
    static inline T bop_rem_##S(T a, T b) {                                                   \
        T r = bop_fmod_##S(a, b);                                                             \
        if (r != 0 && ((r < 0) != (b < 0)))                                                   \
            r = (T)(r + b);                                                                   \
        return r;                                                                             \
    }                                                                                         \
    /* Negative exponents: 1 and -1 have exact powers, everything else is 0. */               \
    static inline T bop_pow_##S(T a, T b) {                                                   \
        if (b < 0) {                                                                          \
            if (a == 1)                                                                       \
                return 1;                                                                     \
            if (a == -1)                                                                      \
                return (b & 1) ? -1 : 1;                                                      \
            return 0;                                                                         \
        }                                                                                     \
        U r = 1, x = (U)a;                                                                    \
        for (uint64_t e = (uint64_t)b; e; e >>= 1) {                                          \
            if (e & 1)                                                                        \
                r *= x;                                                                       \
            x *= x;                                                                           \
        }                                                                                     \
        return (T)r;                                                                          \
    }

INT_FUNCS(u8, uint8_t, uint32_t)
SIGNED_FUNCS(i8, int8_t, uint32_t)
SIGNED_FUNCS(i16, int16_t, uint32_t)
SIGNED_FUNCS(i32, int32_t, uint32_t)
SIGNED_FUNCS(i64, int64_t, uint64_t)

/* uint8: floor division is truncation, remainder is %, no negative powers. */
static inline uint8_t bop_divtrunc_u8(uint8_t a, uint8_t b) { return b ? (uint8_t)(a / b) : 0; }
static inline uint8_t bop_divfloor_u8(uint8_t a, uint8_t b) { return b ? (uint8_t)(a / b) : 0; }
static inline uint8_t bop_fmod_u8(uint8_t a, uint8_t b) { return b ? (uint8_t)(a % b) : 0; }
static inline uint8_t bop_rem_u8(uint8_t a, uint8_t b) { return b ? (uint8_t)(a % b) : 0; }
static inline uint8_t bop_pow_u8(uint8_t a, uint8_t b) {
    uint32_t r = 1, x = a;
    for (unsigned e = b; e; e >>= 1) {
        if (e & 1)
            r *= x;
        x *= x;
    }
    return (uint8_t)r;
}

/* bool: + is or, * is and (torch computes them in bool). */
BOOL_RESULT_FUNCS(b, bool)
static inline bool bop_add_b(bool a, bool b) { return a | b; }
static inline bool bop_mul_b(bool a, bool b) { return a & b; }
static inline bool bop_max_b(bool a, bool b) { return a | b; }
static inline bool bop_min_b(bool a, bool b) { return a & b; }
static inline bool bop_band_b(bool a, bool b) { return a & b; }
static inline bool bop_bor_b(bool a, bool b) { return a | b; }
static inline bool bop_bxor_b(bool a, bool b) { return a != b; }

/* libm name for the compute type: LM_f32(exp) is expf. */
#define LM_f32(fn) fn##f
#define LM_f64(fn) fn

#define FLOAT_FUNCS(S, T)                                                                     \
    BOOL_RESULT_FUNCS(S, T)                                                                   \
    static inline T bop_add_##S(T a, T b) { return a + b; }                                  \
    static inline T bop_sub_##S(T a, T b) { return a - b; }                                  \
    static inline T bop_mul_##S(T a, T b) { return a * b; }                                  \
    static inline T bop_div_##S(T a, T b) { return a / b; }                                  \
    static inline T bop_divtrunc_##S(T a, T b) { return LM_##S(trunc)(a / b); }              \
    /* Python's floor division: (a - fmod(a, b)) / b, fixed up so that            */         \
    /* a == (a // b) * b + a % b holds; division by zero gives IEEE a / b.        */         \
    static inline T bop_divfloor_##S(T a, T b) {                                              \
        if (b == 0)                                                                           \
            return a / b;                                                                     \
        T mod = LM_##S(fmod)(a, b);                                                           \
        T div = (a - mod) / b;                                                                \
        if (mod != 0 && ((b < 0) != (mod < 0)))                                               \
            div -= 1;                                                                         \
        if (div == 0)                                                                         \
            return LM_##S(copysign)(0, a / b);                                                \
        T fl = LM_##S(floor)(div);                                                            \
        if (div - fl > (T)0.5)                                                                \
            fl += 1;                                                                          \
        return fl;                                                                            \
    }                                                                                         \
    static inline T bop_fmod_##S(T a, T b) { return LM_##S(fmod)(a, b); }                    \
    static inline T bop_rem_##S(T a, T b) {                                                   \
        T mod = LM_##S(fmod)(a, b);                                                           \
        if (mod != 0 && ((b < 0) != (mod < 0)))                                               \
            mod += b;                                                                         \
        return mod;                                                                           \
    }                                                                                         \
    static inline T bop_pow_##S(T a, T b) { return LM_##S(pow)(a, b); }                      \
    /* maximum/minimum propagate nan; ties (-0.0, 0.0) keep the first operand. */            \
    static inline T bop_max_##S(T a, T b) { return a != a ? a : b != b ? b : a < b ? b : a; } \
    static inline T bop_min_##S(T a, T b) { return a != a ? a : b != b ? b : b < a ? b : a; } \
    static inline T bop_atan2_##S(T a, T b) { return LM_##S(atan2)(a, b); }

FLOAT_FUNCS(f32, float)
FLOAT_FUNCS(f64, double)

/* ----------------------------------------------------------- loops */

#define LOOP_SAME(FN, S, T) EW_BINARY_LOOP(bloop_##FN##_##S, T, T, bop_##FN##_##S)
#define LOOP_BOOL(FN, S, T) EW_BINARY_LOOP(bloop_##FN##_##S, T, bool, bop_##FN##_##S)

/* Ops every compute type has. */
#define LOOPS_ALL(S, T)                                                                       \
    LOOP_SAME(add, S, T)                                                                      \
    LOOP_SAME(mul, S, T)                                                                      \
    LOOP_SAME(max, S, T)                                                                      \
    LOOP_SAME(min, S, T)                                                                      \
    LOOP_BOOL(eq, S, T)                                                                       \
    LOOP_BOOL(ne, S, T)                                                                       \
    LOOP_BOOL(lt, S, T)                                                                       \
    LOOP_BOOL(le, S, T)                                                                       \
    LOOP_BOOL(gt, S, T)                                                                       \
    LOOP_BOOL(ge, S, T)                                                                       \
    LOOP_BOOL(land, S, T)                                                                     \
    LOOP_BOOL(lor, S, T)                                                                      \
    LOOP_BOOL(lxor, S, T)
/* Ops of the numeric (non-bool) types. */
#define LOOPS_NUM(S, T)                                                                       \
    LOOPS_ALL(S, T)                                                                           \
    LOOP_SAME(sub, S, T)                                                                      \
    LOOP_SAME(divtrunc, S, T)                                                                 \
    LOOP_SAME(divfloor, S, T)                                                                 \
    LOOP_SAME(fmod, S, T)                                                                     \
    LOOP_SAME(rem, S, T)                                                                      \
    LOOP_SAME(pow, S, T)
#define LOOPS_BITS(S, T)                                                                      \
    LOOP_SAME(band, S, T)                                                                     \
    LOOP_SAME(bor, S, T)                                                                      \
    LOOP_SAME(bxor, S, T)
#define LOOPS_INT(S, T) LOOPS_NUM(S, T) LOOPS_BITS(S, T)
#define LOOPS_FLOAT(S, T) LOOPS_NUM(S, T) LOOP_SAME(div, S, T) LOOP_SAME(atan2, S, T)

LOOPS_ALL(b, bool)
LOOPS_BITS(b, bool)
LOOPS_INT(u8, uint8_t)
LOOPS_INT(i8, int8_t)
LOOPS_INT(i16, int16_t)
LOOPS_INT(i32, int32_t)
LOOPS_INT(i64, int64_t)
LOOPS_FLOAT(f32, float)
LOOPS_FLOAT(f64, double)

#define ROW_ALL(FN)                                                                           \
    {[EW_B] = bloop_##FN##_b, [EW_U8] = bloop_##FN##_u8, [EW_I8] = bloop_##FN##_i8,           \
     [EW_I16] = bloop_##FN##_i16, [EW_I32] = bloop_##FN##_i32, [EW_I64] = bloop_##FN##_i64,   \
     [EW_F32] = bloop_##FN##_f32, [EW_F64] = bloop_##FN##_f64}
#define ROW_NUM(FN)                                                                           \
    {[EW_U8] = bloop_##FN##_u8, [EW_I8] = bloop_##FN##_i8, [EW_I16] = bloop_##FN##_i16,       \
     [EW_I32] = bloop_##FN##_i32, [EW_I64] = bloop_##FN##_i64, [EW_F32] = bloop_##FN##_f32,   \
     [EW_F64] = bloop_##FN##_f64}
#define ROW_INTBOOL(FN)                                                                       \
    {[EW_B] = bloop_##FN##_b, [EW_U8] = bloop_##FN##_u8, [EW_I8] = bloop_##FN##_i8,           \
     [EW_I16] = bloop_##FN##_i16, [EW_I32] = bloop_##FN##_i32, [EW_I64] = bloop_##FN##_i64}
#define ROW_FLOAT(FN) {[EW_F32] = bloop_##FN##_f32, [EW_F64] = bloop_##FN##_f64}

static const IterLoop binary_loops[TSI_BINARY_COUNT][EW_NTYPES] = {
    [TSI_BINARY_ADD] = ROW_ALL(add),
    [TSI_BINARY_SUB] = ROW_NUM(sub),
    [TSI_BINARY_MUL] = ROW_ALL(mul),
    [TSI_BINARY_DIV] = ROW_FLOAT(div),
    [TSI_BINARY_DIV_TRUNC] = ROW_NUM(divtrunc),
    [TSI_BINARY_DIV_FLOOR] = ROW_NUM(divfloor),
    [TSI_BINARY_FLOOR_DIVIDE] = ROW_NUM(divfloor),
    [TSI_BINARY_REMAINDER] = ROW_NUM(rem),
    [TSI_BINARY_FMOD] = ROW_NUM(fmod),
    [TSI_BINARY_POW] = ROW_NUM(pow),
    [TSI_BINARY_MAXIMUM] = ROW_ALL(max),
    [TSI_BINARY_MINIMUM] = ROW_ALL(min),
    [TSI_BINARY_ATAN2] = ROW_FLOAT(atan2),
    [TSI_BINARY_EQ] = ROW_ALL(eq),
    [TSI_BINARY_NE] = ROW_ALL(ne),
    [TSI_BINARY_LT] = ROW_ALL(lt),
    [TSI_BINARY_LE] = ROW_ALL(le),
    [TSI_BINARY_GT] = ROW_ALL(gt),
    [TSI_BINARY_GE] = ROW_ALL(ge),
    [TSI_BINARY_LOGICAL_AND] = ROW_ALL(land),
    [TSI_BINARY_LOGICAL_OR] = ROW_ALL(lor),
    [TSI_BINARY_LOGICAL_XOR] = ROW_ALL(lxor),
    [TSI_BINARY_BITWISE_AND] = ROW_INTBOOL(band),
    [TSI_BINARY_BITWISE_OR] = ROW_INTBOOL(bor),
    [TSI_BINARY_BITWISE_XOR] = ROW_INTBOOL(bxor),
};

/* -------------------------------------------------- division by zero */

static void zero_loop(char **data, const int64_t *st, int64_t n, void *ctx) {
    size_t es = *(size_t *)ctx;
    const char *p = data[0];
    static const char zeros[8];
    for (int64_t i = 0; i < n; i++, p += st[0])
        if (!memcmp(p, zeros, es)) {
            ((size_t *)ctx)[1] = 1;
            return;
        }
}

/* Does the integral tensor t hold a zero? (a zero is all-zero bytes) */
static bool has_zero(const Tensor *t) {
    if (tensor_numel(t) == 0)
        return false;
    TensorIter it;
    if (iter_init(&it, 1, &t, NULL))
        return false;
    size_t ctx[2] = {dtype_size(t->dtype), 0};
    iter_run_range(&it, 0, it.numel, zero_loop, ctx);
    return ctx[1] != 0;
}

static bool is_int_division(BinaryOp op) {
    return op == TSI_BINARY_DIV_TRUNC || op == TSI_BINARY_DIV_FLOOR ||
           op == TSI_BINARY_FLOOR_DIVIDE || op == TSI_BINARY_REMAINDER || op == TSI_BINARY_FMOD;
}

/* --------------------------------------------------------- binary ops */

static int sub_check(const Tensor *a, const Tensor *b, Err *err) {
    if (a->dtype == TSI_DTYPE_BOOL && b->dtype == TSI_DTYPE_BOOL)
        return err_set(err, TSI_ERR_TYPE,
                       "Subtraction, the `-` operator, with two bool tensors is not supported. "
                       "Use the `^` or `logical_xor()` operator instead.");
    if (a->dtype == TSI_DTYPE_BOOL || b->dtype == TSI_DTYPE_BOOL)
        return err_set(err, TSI_ERR_TYPE,
                       "Subtraction, the `-` operator, with a bool tensor is not supported. "
                       "If you are trying to invert a mask, use the `~` or `logical_not()` "
                       "operator instead.");
    return TSI_OK;
}

/* Run a binary loop over inputs already in the compute dtype. */
static int run_binary(BinaryOp op, Tensor *dst, const Tensor *a, const Tensor *b, Err *err) {
    int ti = ew_type_index(a->dtype);
    IterLoop loop = ti >= 0 ? binary_loops[op][ti] : NULL;
    if (!loop) /* the dtype masks and the loop rows disagree: a bug here */
        return err_set(err, TSI_ERR_UNSUPPORTED, "%s: no %s kernel", binary_info[op].name,
                       dtype_name(a->dtype));
    const Tensor *ins[2] = {a, b};
    return ew_run(dst, 2, ins, loop, NULL, err);
}

Tensor *kern_binary(BinaryOp op, const Tensor *a, const Tensor *b, Tensor *out, Err *err) {
    if ((unsigned)op >= TSI_BINARY_COUNT) {
        err_set(err, TSI_ERR_USAGE, "invalid binary op %d", (int)op);
        return NULL;
    }
    const EwOpInfo *info = &binary_info[op];
    if (op == TSI_BINARY_SUB && sub_check(a, b, err))
        return NULL;
    const Tensor *ins[2] = {a, b};
    int ndim = 0;
    int64_t sizes[TSI_MAX_DIM];
    if (ew_broadcast(2, ins, &ndim, sizes, err))
        return NULL;
    DType common = result_type(2, ins);
    if (info->kind == EW_FLOAT && dtype_is_integral(common, true))
        common = TSI_DTYPE_FLOAT32;
    DType result_dt = info->kind == EW_BOOL ? TSI_DTYPE_BOOL : common;
    DType cdt = ew_compute_dtype(common);
    DType loop_dt = info->kind == EW_BOOL ? TSI_DTYPE_BOOL : cdt;

    EwDest d;
    if (ew_dest_init(&d, out, out == a, result_dt, loop_dt, ndim, sizes, 2, ins, 0, err))
        return NULL;
    Tensor *ca = NULL, *cb = NULL;
    if (ew_check_dtype(info->kernel, info->dtypes, common, err))
        goto fail;
    ca = tensor_to(a, cdt, false, err);
    cb = ca ? tensor_to(b, cdt, false, err) : NULL;
    if (!cb)
        goto fail;
    if (is_int_division(op) && dtype_is_integral(cdt, false) && tensor_numel(d.dst) > 0 &&
        has_zero(cb)) {
        err_set(err, TSI_ERR_RUNTIME, "ZeroDivisionError");
        goto fail;
    }
    if (run_binary(op, d.dst, ca, cb, err))
        goto fail;
    tensor_release(ca);
    tensor_release(cb);
    return ew_dest_finish(&d, err);
fail:
    tensor_release(ca);
    tensor_release(cb);
    ew_dest_abandon(&d);
    return NULL;
}

static bool scalar_is_one(Scalar s) {
    return (s.kind == SCALAR_INT && s.i == 1) || (s.kind == SCALAR_FLOAT && s.f == 1.0);
}

/* pow(Tensor, Scalar): torch rejects negative integral exponents of
 * integral bases, and converts the exponent to integral and 16-bit float
 * result dtypes with an overflow check. */
static int pow_scalar_check(const Tensor *base, const Tensor *wexp, Scalar exp, Err *err) {
    if (dtype_is_integral(base->dtype, true) && exp.kind != SCALAR_FLOAT &&
        scalar_to_int64(exp) < 0)
        return err_set(err, TSI_ERR_VALUE, "Integers to negative integer powers are not allowed.");
    const Tensor *ins[2] = {base, wexp};
    DType dt = result_type(2, ins);
    if (dt == TSI_DTYPE_BOOL)
        return ew_check_dtype("pow", DTM_NOBOOL, dt, err);
    Scalar unused;
    if (dtype_is_integral(dt, false) || dt == TSI_DTYPE_FLOAT16 || dt == TSI_DTYPE_BFLOAT16)
        return ew_scalar_to(exp, dt, &unused, err);
    return TSI_OK;
}

Tensor *kern_binary_scalar(BinaryOp op, const Tensor *a, Scalar s, Tensor *out, Err *err) {
    Tensor *ws = ew_scalar_tensor(s, scalar_dtype(s), true, err);
    if (!ws)
        return NULL;
    Tensor *r = NULL;
    if (op != TSI_BINARY_POW || !pow_scalar_check(a, ws, s, err))
        r = kern_binary(op, a, ws, out, err);
    tensor_release(ws);
    return r;
}

Tensor *kern_binary_rscalar(BinaryOp op, Scalar s, const Tensor *t, Tensor *out, Err *err) {
    Tensor *ws = ew_scalar_tensor(s, scalar_dtype(s), true, err);
    if (!ws)
        return NULL;
    Tensor *r = NULL;
    if (op == TSI_BINARY_POW && scalar_is_one(s)) {
        /* torch: 1 ** t is all ones, whatever t holds */
        const Tensor *ins[2] = {ws, t};
        DType dt = result_type(2, ins);
        EwDest d; /* contiguous, whatever t's layout (torch's full_like here) */
        if (!ew_dest_init(&d, out, false, dt, dt, t->ndim, t->sizes, 0, NULL, 0, err)) {
            Tensor *one = ew_scalar_tensor(scalar_int(1), dt, false, err);
            if (one && !tensor_copy_(d.dst, one, err))
                r = ew_dest_finish(&d, err);
            else
                ew_dest_abandon(&d);
            tensor_release(one);
        }
    } else {
        r = kern_binary(op, ws, t, out, err);
    }
    tensor_release(ws);
    return r;
}

Tensor *kern_add(const Tensor *a, const Tensor *b, Scalar alpha, Tensor *out, Err *err) {
    const Tensor *ins[2] = {a, b};
    DType common = result_type(2, ins);
    /* torch checks the output before alpha: let the plain add report it */
    if (out && !dtype_can_cast(common, out->dtype))
        return kern_binary(TSI_BINARY_ADD, a, b, out, err);
    if (alpha.kind == SCALAR_BOOL && common != TSI_DTYPE_BOOL) {
        err_set(err, TSI_ERR_TYPE, "Boolean alpha only supported for Boolean results.");
        return NULL;
    }
    if (alpha.kind == SCALAR_FLOAT && dtype_is_integral(common, true)) {
        err_set(err, TSI_ERR_TYPE,
                "For integral input tensors, argument alpha must not be a floating point number.");
        return NULL;
    }
    if (common == TSI_DTYPE_BOOL) /* bool arithmetic: alpha acts as a bool */
        alpha = scalar_bool(scalar_to_int64(alpha) != 0);
    if ((alpha.kind == SCALAR_BOOL && alpha.b) || scalar_is_one(alpha))
        return kern_binary(TSI_BINARY_ADD, a, b, out, err);
    /* a + (alpha * b), with b first brought to the common dtype so the
     * product is computed where torch computes it. */
    Tensor *b2 = tensor_to(b, common, false, err);
    Tensor *scaled = b2 ? kern_binary_scalar(TSI_BINARY_MUL, b2, alpha, NULL, err) : NULL;
    Tensor *r = scaled ? kern_binary(TSI_BINARY_ADD, a, scaled, out, err) : NULL;
    tensor_release(b2);
    tensor_release(scaled);
    return r;
}

Tensor *kern_sub(const Tensor *a, const Tensor *b, Scalar alpha, Tensor *out, Err *err) {
    if (sub_check(a, b, err))
        return NULL;
    if (alpha.kind == SCALAR_INT && alpha.i == 1) /* 1.0 goes through add's alpha checks */
        return kern_binary(TSI_BINARY_SUB, a, b, out, err);
    Scalar neg = alpha;
    if (alpha.kind == SCALAR_INT)
        neg.i = (int64_t)(0 - (uint64_t)alpha.i);
    else if (alpha.kind == SCALAR_FLOAT)
        neg.f = -alpha.f;
    return kern_add(a, b, neg, out, err);
}

/* -------------------------------------------------------------- where */

#define WHERE_LOOP(NAME, T)                                                                   \
    EW_CLONES static void NAME(char **data, const int64_t *st, int64_t n, void *ctx) {        \
        (void)ctx;                                                                            \
        const int64_t s = (int64_t)sizeof(T);                                                 \
        if (st[0] == s && st[1] == 1 && st[2] == s && st[3] == s) {                           \
            T *o = (T *)(void *)data[0];                                                      \
            const uint8_t *c = (const uint8_t *)data[1];                                      \
            const T *x = (const T *)(const void *)data[2], *y = (const T *)(const void *)data[3]; \
            EW_SIMD for (int64_t i = 0; i < n; i++)                                           \
                o[i] = c[i] ? x[i] : y[i];                                                    \
            return;                                                                           \
        }                                                                                     \
        char *o = data[0];                                                                    \
        const char *c = data[1], *x = data[2], *y = data[3];                                  \
        for (int64_t i = 0; i < n; i++, o += st[0], c += st[1], x += st[2], y += st[3])       \
            *(T *)(void *)o = *(const uint8_t *)c ? *(const T *)(const void *)x               \
                                                  : *(const T *)(const void *)y;              \
    }
/* where only moves elements, so it works on bytes of the element size. */
WHERE_LOOP(where_loop_1, uint8_t)
WHERE_LOOP(where_loop_2, uint16_t)
WHERE_LOOP(where_loop_4, uint32_t)
WHERE_LOOP(where_loop_8, uint64_t)

Tensor *kern_where(const Tensor *cond, const Tensor *a, const Tensor *b, Err *err) {
    if (cond->dtype != TSI_DTYPE_BOOL && cond->dtype != TSI_DTYPE_UINT8) {
        err_set(err, TSI_ERR_TYPE,
                "where expected condition to be a boolean tensor, but got a tensor with dtype %s",
                dtype_prefix(cond->dtype));
        return NULL;
    }
    const Tensor *ins[3] = {cond, a, b};
    int ndim = 0;
    int64_t sizes[TSI_MAX_DIM];
    if (ew_broadcast(3, ins, &ndim, sizes, err))
        return NULL;
    DType dt = result_type(2, ins + 1);
    /* torch converts Python-number operands of where with an overflow check */
    for (int k = 1; k < 3; k++) {
        Scalar v, unused;
        if (ins[k]->wrapped_number &&
            (tensor_item(ins[k], &v, err) || ew_scalar_to(v, dt, &unused, err)))
            return NULL;
    }
    EwDest d;
    if (ew_dest_init(&d, NULL, false, dt, dt, ndim, sizes, 3, ins, 0, err))
        return NULL;
    Tensor *ca = tensor_to(a, dt, false, err);
    Tensor *cb = ca ? tensor_to(b, dt, false, err) : NULL;
    IterLoop loop;
    switch (dtype_size(dt)) {
    case 1: loop = where_loop_1; break;
    case 2: loop = where_loop_2; break;
    case 4: loop = where_loop_4; break;
    default: loop = where_loop_8; break;
    }
    const Tensor *run_ins[3] = {cond, ca, cb};
    if (!cb || ew_run(d.dst, 3, run_ins, loop, NULL, err)) {
        tensor_release(ca);
        tensor_release(cb);
        ew_dest_abandon(&d);
        return NULL;
    }
    tensor_release(ca);
    tensor_release(cb);
    return ew_dest_finish(&d, err);
}

/* ------------------------------------------------- clamp, tensor bounds */

Tensor *kern_clamp_tensor(const Tensor *t, const Tensor *min, const Tensor *max, Tensor *out,
                          Err *err) {
    if (!min && !max) {
        err_set(err, TSI_ERR_VALUE, "torch.clamp: At least one of 'min' or 'max' must not be None");
        return NULL;
    }
    /* One bound: torch's clamp_min/clamp_max are maximum/minimum. */
    if (!max)
        return kern_binary(TSI_BINARY_MAXIMUM, t, min, out, err);
    if (!min)
        return kern_binary(TSI_BINARY_MINIMUM, t, max, out, err);
    const Tensor *ins[3] = {t, min, max};
    int ndim = 0;
    int64_t sizes[TSI_MAX_DIM];
    if (ew_broadcast(3, ins, &ndim, sizes, err))
        return NULL;
    DType common = result_type(3, ins);
    DType cdt = ew_compute_dtype(common);
    EwDest d;
    if (ew_dest_init(&d, out, out == t, common, cdt, ndim, sizes, 3, ins, 0, err))
        return NULL;
    Tensor *c[3] = {NULL, NULL, NULL};
    if (ew_check_dtype("clamp_cpu", DTM_NOBOOL_NOHALF, common, err))
        goto fail;
    /* max is read in the second pass, after dst was written: copy it if
     * dst is its memory. */
    for (int k = 0; k < 3; k++)
        if (!(c[k] = tensor_to(ins[k], cdt, k == 2 && ins[k]->storage == d.dst->storage, err)))
            goto fail;
    /* min(max(t, lo), hi), both nan-propagating; the second pass reads and
     * writes dst element for element. */
    if (run_binary(TSI_BINARY_MAXIMUM, d.dst, c[0], c[1], err) ||
        run_binary(TSI_BINARY_MINIMUM, d.dst, d.dst, c[2], err))
        goto fail;
    for (int k = 0; k < 3; k++)
        tensor_release(c[k]);
    return ew_dest_finish(&d, err);
fail:
    for (int k = 0; k < 3; k++)
        tensor_release(c[k]);
    ew_dest_abandon(&d);
    return NULL;
}
