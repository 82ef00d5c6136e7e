/*
 * dtype.c: the dtype property table, torch's promotion and casting rules,
 * 16-bit float conversions and scalar helpers.
 */
#include "kernels.h"

#include <math.h>
#include <string.h>

enum { K_BOOL, K_UINT, K_INT, K_FLOAT, K_HALF };

typedef struct DTypeInfo {
    bool valid;
    const char *name, *prefix;
    unsigned char size, kind;
} DTypeInfo;

static const DTypeInfo dtype_table[TSI_DTYPE_CODE_LIMIT] = {
#define X(E, code, name, prefix, ctype, size, kind) [code] = {true, name, prefix, size, kind},
#include "dtype.def"
#undef X
};

#define X(E, code, name, prefix, ctype, size, kind)                                      \
    _Static_assert(sizeof(ctype) == size, "dtype size of " name);                       \
    _Static_assert(code < TSI_DTYPE_CODE_LIMIT, "dtype code of " name);
#include "dtype.def"
#undef X

bool dtype_valid(int code) {
    return code >= 0 && code < TSI_DTYPE_CODE_LIMIT && dtype_table[code].valid;
}

size_t dtype_size(DType dt) { return dtype_valid(dt) ? dtype_table[dt].size : 0; }
const char *dtype_name(DType dt) { return dtype_valid(dt) ? dtype_table[dt].name : "invalid"; }
const char *dtype_prefix(DType dt) { return dtype_valid(dt) ? dtype_table[dt].prefix : "Invalid"; }

bool dtype_is_floating(DType dt) {
    return dtype_valid(dt) && (dtype_table[dt].kind == K_FLOAT || dtype_table[dt].kind == K_HALF);
}

bool dtype_is_integral(DType dt, bool include_bool) {
    if (!dtype_valid(dt))
        return false;
    int k = dtype_table[dt].kind;
    return k == K_UINT || k == K_INT || (include_bool && k == K_BOOL);
}

DType dtype_from_name(const char *name) {
    for (int c = 0; c < TSI_DTYPE_CODE_LIMIT; c++)
        if (dtype_table[c].valid && strcmp(dtype_table[c].name, name) == 0)
            return (DType)c;
    return TSI_DTYPE_INVALID;
}

DType dtype_from_prefix(const char *prefix) {
    for (int c = 0; c < TSI_DTYPE_CODE_LIMIT; c++)
        if (dtype_table[c].valid && strcmp(dtype_table[c].prefix, prefix) == 0)
            return (DType)c;
    return TSI_DTYPE_INVALID;
}

/* Rank of a floating dtype by width; half and bfloat16 tie (they promote to
 * float32 together). */
static int float_rank(DType d) {
    switch (d) {
    case TSI_DTYPE_FLOAT16:
    case TSI_DTYPE_BFLOAT16: return 1;
    case TSI_DTYPE_FLOAT32: return 2;
    default: return 3;
    }
}

DType dtype_promote(DType a, DType b) {
    if (a == b)
        return a;
    if (a == TSI_DTYPE_BOOL)
        return b;
    if (b == TSI_DTYPE_BOOL)
        return a;
    bool fa = dtype_is_floating(a), fb = dtype_is_floating(b);
    if (fa && fb) {
        int ra = float_rank(a), rb = float_rank(b);
        if (ra == 1 && rb == 1)
            return TSI_DTYPE_FLOAT32; /* half with bfloat16 */
        return ra > rb ? a : b;
    }
    if (fa)
        return a;
    if (fb)
        return b;
    /* Both integral. uint8 with a signed type needs at least int16. */
    if (a == TSI_DTYPE_UINT8 || b == TSI_DTYPE_UINT8) {
        DType s = a == TSI_DTYPE_UINT8 ? b : a;
        return dtype_size(s) >= 2 ? s : TSI_DTYPE_INT16;
    }
    return dtype_size(a) >= dtype_size(b) ? a : b;
}

bool dtype_can_cast(DType from, DType to) {
    if (dtype_is_floating(from) && dtype_is_integral(to, false))
        return false;
    if (from != TSI_DTYPE_BOOL && to == TSI_DTYPE_BOOL)
        return false;
    return true;
}

/* Promotion categories: combine a higher-priority result with a lower one. */
static DType promote_skip_invalid(DType a, DType b) {
    if (a == TSI_DTYPE_INVALID)
        return b;
    if (b == TSI_DTYPE_INVALID)
        return a;
    return dtype_promote(a, b);
}

static DType combine_categories(DType higher, DType lower) {
    if (dtype_is_floating(higher))
        return higher;
    if (higher == TSI_DTYPE_BOOL || dtype_is_floating(lower))
        return promote_skip_invalid(higher, lower);
    if (higher != TSI_DTYPE_INVALID)
        return higher;
    return lower;
}

DType result_type(int n, const Tensor *const *ts) {
    DType dim_r = TSI_DTYPE_INVALID, zero_r = TSI_DTYPE_INVALID, wrap_r = TSI_DTYPE_INVALID;
    for (int i = 0; i < n; i++) {
        const Tensor *t = ts[i];
        if (!t)
            continue;
        DType cur = t->dtype;
        if (t->wrapped_number && dtype_is_floating(cur))
            cur = TSI_DTYPE_FLOAT32; /* torch's default dtype */
        if (t->ndim > 0)
            dim_r = promote_skip_invalid(dim_r, cur);
        else if (t->wrapped_number)
            wrap_r = promote_skip_invalid(wrap_r, cur);
        else
            zero_r = promote_skip_invalid(zero_r, cur);
    }
    return combine_categories(dim_r, combine_categories(zero_r, wrap_r));
}

/* ------------------------------------------------------- 16-bit floats */

static uint32_t f32_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bits_f32(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    if (exp == 0x1f) /* inf / nan */
        return bits_f32(sign | 0x7f800000u | (man << 13));
    if (exp == 0) {
        if (man == 0)
            return bits_f32(sign);
        /* subnormal: value = man * 2^-24 */
        float v = (float)man * 0x1p-24f;
        return sign ? -v : v;
    }
    return bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t float_to_half(float f) {
    uint32_t u = f32_bits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
    uint32_t abs = u & 0x7fffffffu;
    if (abs >= 0x7f800000u) /* inf or nan */
        return sign | 0x7c00 | (abs > 0x7f800000u ? 0x200 : 0);
    if (abs >= 0x477ff000u) /* rounds to >= 65520: overflow to inf */
        return sign | 0x7c00;
    if (abs < 0x38800000u) { /* below the smallest normal half: subnormal */
        float a = bits_f32(abs);
        /* round to nearest even in units of 2^-24 */
        float scaled = a * 0x1p24f;
        float r = nearbyintf(scaled);
        return sign | (uint16_t)r;
    }
    /* normal: round mantissa from 23 to 10 bits, nearest even */
    uint32_t mant_odd = (abs >> 13) & 1;
    abs += 0xfff + mant_odd;
    return sign | (uint16_t)((abs - 0x38000000u) >> 13);
}

float bf16_to_float(uint16_t h) { return bits_f32((uint32_t)h << 16); }

uint16_t float_to_bf16(float f) {
    uint32_t u = f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((u >> 16) | 0x40); /* quiet nan */
    uint32_t lsb = (u >> 16) & 1;
    u += 0x7fff + lsb;
    return (uint16_t)(u >> 16);
}

/* ------------------------------------------------------------ scalars */

double scalar_to_double(Scalar s) {
    switch (s.kind) {
    case SCALAR_BOOL: return s.b ? 1.0 : 0.0;
    case SCALAR_INT: return (double)s.i;
    default: return s.f;
    }
}

int64_t scalar_to_int64(Scalar s) {
    switch (s.kind) {
    case SCALAR_BOOL: return s.b;
    case SCALAR_INT: return s.i;
    default:
        /* C leaves out-of-range float->int undefined; saturate like x86 does
         * for the common cases and keep nan at the x86 value. */
        if (isnan(s.f) || s.f >= 9.2233720368547758e18 || s.f < -9.2233720368547758e18)
            return INT64_MIN;
        return (int64_t)s.f;
    }
}

DType scalar_dtype(Scalar s) {
    switch (s.kind) {
    case SCALAR_BOOL: return TSI_DTYPE_BOOL;
    case SCALAR_INT: return TSI_DTYPE_INT64;
    default: return TSI_DTYPE_FLOAT64;
    }
}
