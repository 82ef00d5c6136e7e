/*
 * copy.c: copy with broadcasting and dtype conversion (torch's copy_), and
 * the conversions built on it: contiguous, clone, to(dtype).
 *
 * Conversions follow C casts, as torch's static_cast does; float to integer
 * goes through a guarded conversion so out-of-range and nan values give the
 * x86 results instead of undefined behaviour.
 */
#include "kernels.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------- typed load/store */

typedef double (*LoadF)(const char *p);
typedef int64_t (*LoadI)(const char *p);
typedef void (*StoreF)(char *p, double v);
typedef void (*StoreI)(char *p, int64_t v);

/* float -> integer without UB: nan and out-of-range give INT64_MIN, which is
 * what x86's cvttsd2si produces and what torch returns there. */
static int64_t f2i(double v) {
    if (isnan(v) || v >= 9.2233720368547758e18 || v < -9.2233720368547758e18)
        return INT64_MIN;
    return (int64_t)v;
}

/* Narrowing float -> 32-bit-or-smaller integer: x86 converts to int32 first. */
static int64_t f2i32(double v) {
    if (isnan(v) || v >= 2147483648.0 || v <= -2147483649.0)
        return INT32_MIN;
    return (int64_t)v;
}

#define LOAD_F(E, ctype)                                                                  \
    static double load_f_##E(const char *p) {                                             \
        ctype v;                                                                          \
        memcpy(&v, p, sizeof v);                                                          \
        return (double)v;                                                                 \
    }
#define LOADERS(E, ctype)                                                                 \
    LOAD_F(E, ctype)                                                                      \
    static int64_t load_i_##E(const char *p) {                                            \
        ctype v;                                                                          \
        memcpy(&v, p, sizeof v);                                                          \
        return (int64_t)v;                                                                \
    }
LOADERS(UINT8, uint8_t)
LOADERS(INT8, int8_t)
LOADERS(INT16, int16_t)
LOADERS(INT32, int32_t)
LOADERS(INT64, int64_t)
LOADERS(BOOL, bool)
LOAD_F(FLOAT32, float)
LOAD_F(FLOAT64, double)
static double load_f_FLOAT16(const char *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return half_to_float(v);
}
static double load_f_BFLOAT16(const char *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return bf16_to_float(v);
}

#define STORE_INT(E, ctype, narrow)                                                       \
    static void store_f_##E(char *p, double v) {                                          \
        ctype x = (ctype)narrow(v);                                                       \
        memcpy(p, &x, sizeof x);                                                          \
    }                                                                                     \
    static void store_i_##E(char *p, int64_t v) {                                         \
        ctype x = (ctype)v;                                                               \
        memcpy(p, &x, sizeof x);                                                          \
    }
STORE_INT(UINT8, uint8_t, f2i32)
STORE_INT(INT8, int8_t, f2i32)
STORE_INT(INT16, int16_t, f2i32)
STORE_INT(INT32, int32_t, f2i32)
STORE_INT(INT64, int64_t, f2i)

static void store_f_BOOL(char *p, double v) { *(bool *)p = v != 0; }
static void store_i_BOOL(char *p, int64_t v) { *(bool *)p = v != 0; }
static void store_f_FLOAT32(char *p, double v) {
    float x = (float)v;
    memcpy(p, &x, 4);
}
static void store_i_FLOAT32(char *p, int64_t v) {
    float x = (float)v;
    memcpy(p, &x, 4);
}
static void store_f_FLOAT64(char *p, double v) { memcpy(p, &v, 8); }
static void store_i_FLOAT64(char *p, int64_t v) {
    double x = (double)v;
    memcpy(p, &x, 8);
}
static void store_f_FLOAT16(char *p, double v) {
    uint16_t x = float_to_half((float)v);
    memcpy(p, &x, 2);
}
static void store_i_FLOAT16(char *p, int64_t v) {
    uint16_t x = float_to_half((float)v);
    memcpy(p, &x, 2);
}
static void store_f_BFLOAT16(char *p, double v) {
    uint16_t x = float_to_bf16((float)v);
    memcpy(p, &x, 2);
}
static void store_i_BFLOAT16(char *p, int64_t v) {
    uint16_t x = float_to_bf16((float)v);
    memcpy(p, &x, 2);
}

typedef struct CastFns {
    LoadF load_f;
    LoadI load_i; /* NULL for floating sources */
    StoreF store_f;
    StoreI store_i;
} CastFns;

static const CastFns cast_table[TSI_DTYPE_CODE_LIMIT] = {
    [TSI_DTYPE_UINT8] = {load_f_UINT8, load_i_UINT8, store_f_UINT8, store_i_UINT8},
    [TSI_DTYPE_INT8] = {load_f_INT8, load_i_INT8, store_f_INT8, store_i_INT8},
    [TSI_DTYPE_INT16] = {load_f_INT16, load_i_INT16, store_f_INT16, store_i_INT16},
    [TSI_DTYPE_INT32] = {load_f_INT32, load_i_INT32, store_f_INT32, store_i_INT32},
    [TSI_DTYPE_INT64] = {load_f_INT64, load_i_INT64, store_f_INT64, store_i_INT64},
    [TSI_DTYPE_BOOL] = {load_f_BOOL, load_i_BOOL, store_f_BOOL, store_i_BOOL},
    [TSI_DTYPE_FLOAT16] = {load_f_FLOAT16, NULL, store_f_FLOAT16, store_i_FLOAT16},
    [TSI_DTYPE_BFLOAT16] = {load_f_BFLOAT16, NULL, store_f_BFLOAT16, store_i_BFLOAT16},
    [TSI_DTYPE_FLOAT32] = {load_f_FLOAT32, NULL, store_f_FLOAT32, store_i_FLOAT32},
    [TSI_DTYPE_FLOAT64] = {load_f_FLOAT64, NULL, store_f_FLOAT64, store_i_FLOAT64},
};

typedef struct CopyCtx {
    const CastFns *src, *dst;
    size_t esize;
} CopyCtx;

static void copy_same_loop(char **data, const int64_t *strides, int64_t n, void *vctx) {
    CopyCtx *c = vctx;
    size_t es = c->esize;
    char *d = data[0];
    const char *s = data[1];
    if (strides[0] == (int64_t)es && strides[1] == (int64_t)es) {
        memcpy(d, s, (size_t)n * es);
        return;
    }
    for (int64_t i = 0; i < n; i++, d += strides[0], s += strides[1])
        memcpy(d, s, es);
}

static void copy_cast_loop(char **data, const int64_t *strides, int64_t n, void *vctx) {
    CopyCtx *c = vctx;
    char *d = data[0];
    const char *s = data[1];
    if (c->src->load_i) {
        for (int64_t i = 0; i < n; i++, d += strides[0], s += strides[1])
            c->dst->store_i(d, c->src->load_i(s));
    } else {
        for (int64_t i = 0; i < n; i++, d += strides[0], s += strides[1])
            c->dst->store_f(d, c->src->load_f(s));
    }
}

/* A view of src expanded to dst's shape (leading dims added, size-1 dims
 * broadcast with stride 0). */
static Tensor *expand_to(const Tensor *src, int ndim, const int64_t *sizes, Err *err) {
    if (src->ndim > ndim) {
        err_set(err, TSI_ERR_VALUE, "cannot broadcast a %d-d tensor to %d dims", src->ndim, ndim);
        return NULL;
    }
    int64_t st[TSI_MAX_DIM];
    int lead = ndim - src->ndim;
    for (int d = 0; d < ndim; d++) {
        if (d < lead) {
            st[d] = 0;
            continue;
        }
        int64_t ss = src->sizes[d - lead];
        if (ss == sizes[d])
            st[d] = src->strides[d - lead];
        else if (ss == 1)
            st[d] = 0;
        else {
            StrBuf sb;
            sb_init(&sb);
            sb_puts(&sb, "The expanded size of the tensor (");
            sb_printf(&sb, "%lld) must match the existing size (%lld) at non-singleton dimension %d.  Target sizes: ",
                      (long long)sizes[d], (long long)ss, d);
            shape_format(&sb, ndim, sizes);
            sb_puts(&sb, ".  Tensor sizes: ");
            shape_format(&sb, src->ndim, src->sizes);
            err_set(err, TSI_ERR_VALUE, "%s", sb_cstr(&sb));
            sb_free(&sb);
            return NULL;
        }
    }
    return tensor_make_view(src, ndim, sizes, st, src->offset, err);
}

int tensor_copy_(Tensor *dst, const Tensor *src, Err *err) {
    if (tensor_numel(dst) == 0)
        return TSI_OK;
    Tensor *s = expand_to(src, dst->ndim, dst->sizes, err);
    if (!s)
        return err ? err->code : TSI_ERR_VALUE;
    TensorIter it;
    const Tensor *ops[2] = {dst, s};
    int rc = iter_init(&it, 2, ops, err);
    if (rc == TSI_OK) {
        CopyCtx c = {&cast_table[src->dtype], &cast_table[dst->dtype], dtype_size(dst->dtype)};
        iter_run(&it, dst->dtype == src->dtype ? copy_same_loop : copy_cast_loop, &c);
    }
    tensor_release(s);
    return rc;
}

Tensor *tensor_contiguous(const Tensor *t, Err *err) {
    if (tensor_is_contiguous(t)) {
        tensor_retain((Tensor *)t);
        return (Tensor *)t;
    }
    Tensor *r = tensor_empty(t->dtype, t->ndim, t->sizes, err);
    if (r && tensor_copy_(r, t, err)) {
        tensor_release(r);
        return NULL;
    }
    return r;
}

Tensor *tensor_clone(const Tensor *t, Err *err) {
    Tensor *r = tensor_empty_like(t, t->dtype, err);
    if (r && tensor_copy_(r, t, err)) {
        tensor_release(r);
        return NULL;
    }
    return r;
}

Tensor *tensor_to(const Tensor *t, DType dt, bool force_copy, Err *err) {
    if (t->dtype == dt && !force_copy) {
        tensor_retain((Tensor *)t);
        return (Tensor *)t;
    }
    Tensor *r = tensor_empty_like(t, dt, err);
    if (r && tensor_copy_(r, t, err)) {
        tensor_release(r);
        return NULL;
    }
    return r;
}
