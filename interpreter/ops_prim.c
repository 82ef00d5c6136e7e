/*
 * ops_prim.c: operators on numbers with TorchScript's semantics — the int,
 * float, complex and Scalar overloads of arithmetic, comparison, the math
 * module, conversions (int(), float(), bool(), complex(), implicit tensor to
 * number), bit operations and hash().
 *
 * TorchScript evaluates these with C++ on int64_t/double, not with Python's
 * arbitrary precision: ints wrap on overflow, shifts take their count modulo
 * 64, float division by zero gives inf/nan, and the `.Scalar` overloads of
 * unary math return their result through a C++ cast to `float` or `int`
 * (so sqrt of a Scalar is rounded to float32 and floor of one to int32).
 * Every such quirk here is torch 1.13's observable behaviour, checked by
 * test/conformance/test_prim_ops.py against torch itself.
 */
#include "ops_prim.h"

#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ numbers */

typedef enum NumKind { NK_BOOL, NK_INT, NK_FLOAT, NK_COMPLEX } NumKind;

typedef struct Num {
    NumKind k;
    int64_t i;      /* NK_BOOL (0/1), NK_INT */
    double f;       /* NK_FLOAT */
    double re, im;  /* NK_COMPLEX */
} Num;

static Num n_int(int64_t i) { return (Num){.k = NK_INT, .i = i}; }
static Num n_flt(double f) { return (Num){.k = NK_FLOAT, .f = f}; }
static Num n_bool(bool b) { return (Num){.k = NK_BOOL, .i = b}; }
static Num n_cpx(double re, double im) { return (Num){.k = NK_COMPLEX, .re = re, .im = im}; }

static int get_num(const OpCall *c, int i, Num *n, Err *err) {
    IValue v = c->in[i];
    switch (v.tag) {
    case IV_BOOL: *n = n_bool(v.u.b); return TSI_OK;
    case IV_INT: *n = n_int(v.u.i); return TSI_OK;
    case IV_DOUBLE: *n = n_flt(v.u.d); return TSI_OK;
    case IV_COMPLEX: *n = n_cpx(v.u.c->re, v.u.c->im); return TSI_OK;
    default: return op_double(c, i, &n->f, err); /* reports the type error */
    }
}

static bool is_int(Num n) { return n.k == NK_INT || n.k == NK_BOOL; }
static double as_d(Num n) {
    return n.k == NK_FLOAT ? n.f : n.k == NK_COMPLEX ? n.re : (double)n.i;
}
static double complex as_c(Num n) {
    return n.k == NK_COMPLEX ? CMPLX(n.re, n.im) : CMPLX(as_d(n), 0.0);
}
static Num from_c(double complex z) { return n_cpx(creal(z), cimag(z)); }

static int ret_num(OpCall *c, int k, Num n, Err *err) {
    switch (n.k) {
    case NK_BOOL: op_ret(c, k, iv_bool(n.i != 0)); return TSI_OK;
    case NK_INT: op_ret(c, k, iv_int(n.i)); return TSI_OK;
    case NK_FLOAT: op_ret(c, k, iv_double(n.f)); return TSI_OK;
    default: {
        IValue z = iv_complex(n.re, n.im);
        if (z.tag == IV_INVALID)
            return err_nomem(err);
        op_ret(c, k, z);
        return TSI_OK;
    }
    }
}

/* int64 arithmetic wraps as torch's does (computed unsigned: no UB). */
static int64_t wadd(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wsub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wmul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t wneg(int64_t a) { return (int64_t)(0 - (uint64_t)a); }
/* C's a / b and a % b, defined for INT64_MIN / -1 the way it wraps. */
static int64_t tdiv(int64_t a, int64_t b) { return b == -1 ? wneg(a) : a / b; }
static int64_t tmod(int64_t a, int64_t b) { return b == -1 ? 0 : a % b; }

/* c10::complex arithmetic. A real operand combines component-wise (c10
 * converts it to the complex's value type and applies the scalar overload),
 * so 3 + (0-0j) keeps the -0.0 imaginary part; complex / complex is the
 * textbook formula without scaling. */
static Num c_add(Num a, Num b) {
    if (a.k == NK_COMPLEX && b.k == NK_COMPLEX)
        return n_cpx(a.re + b.re, a.im + b.im);
    if (a.k == NK_COMPLEX)
        return n_cpx(a.re + as_d(b), a.im);
    return n_cpx(as_d(a) + b.re, b.im);
}
static Num c_sub(Num a, Num b) {
    if (a.k == NK_COMPLEX && b.k == NK_COMPLEX)
        return n_cpx(a.re - b.re, a.im - b.im);
    if (a.k == NK_COMPLEX)
        return n_cpx(a.re - as_d(b), a.im);
    return n_cpx(as_d(a) - b.re, -b.im);
}
static Num c_mul(Num a, Num b) {
    if (a.k == NK_COMPLEX && b.k == NK_COMPLEX)
        return n_cpx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
    if (a.k == NK_COMPLEX)
        return n_cpx(a.re * as_d(b), a.im * as_d(b));
    return n_cpx(as_d(a) * b.re, as_d(a) * b.im);
}
static Num c_div(Num x, Num y) {
    if (y.k != NK_COMPLEX)
        return n_cpx(x.re / as_d(y), x.im / as_d(y));
    double a = x.k == NK_COMPLEX ? x.re : as_d(x), b = x.k == NK_COMPLEX ? x.im : 0.0;
    double c = y.re, d = y.im, den = c * c + d * d;
    return n_cpx((a * c + b * d) / den, (b * c - a * d) / den);
}

/* ------------------------------------------------------- binary cores */

typedef int (*BinCore)(Num a, Num b, Num *r, Err *err);

static int run_bin(OpCall *c, Err *err, BinCore f) {
    Num a = {0}, b = {0}, r = {0};
    int rc = get_num(c, 0, &a, err);
    if (!rc)
        rc = get_num(c, 1, &b, err);
    if (!rc)
        rc = f(a, b, &r, err);
    return rc ? rc : ret_num(c, 0, r, err);
}

#define BINOP(name, core)                                                                      \
    static int name(OpCall *c, Err *err) { return run_bin(c, err, core); }

static int zero_div_int(Err *err) {
    return err_set(err, TSI_ERR_RUNTIME, "ZeroDivisionError: integer division or modulo by zero");
}

static int core_add(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX)
        *r = c_add(a, b);
    else if (is_int(a) && is_int(b))
        *r = n_int(wadd(a.i, b.i));
    else
        *r = n_flt(as_d(a) + as_d(b));
    return TSI_OK;
}

static int core_sub(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX)
        *r = c_sub(a, b);
    else if (is_int(a) && is_int(b))
        *r = n_int(wsub(a.i, b.i));
    else
        *r = n_flt(as_d(a) - as_d(b));
    return TSI_OK;
}

static int core_mul(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX)
        *r = c_mul(a, b);
    else if (is_int(a) && is_int(b))
        *r = n_int(wmul(a.i, b.i));
    else
        *r = n_flt(as_d(a) * as_d(b));
    return TSI_OK;
}

/* true division: always float (complex for complex operands) */
static int core_div(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX)
        *r = c_div(a, b);
    else
        *r = n_flt(as_d(a) / as_d(b));
    return TSI_OK;
}

static int core_floordiv(Num a, Num b, Num *r, Err *err) {
    if (is_int(a) && is_int(b)) {
        if (b.i == 0)
            return err_set(err, TSI_ERR_RUNTIME, "division by 0");
        int64_t q = tdiv(a.i, b.i);
        if ((a.i > 0) != (b.i > 0) && tmod(a.i, b.i) != 0)
            q--;
        *r = n_int(q);
    } else {
        *r = n_flt(floor(as_d(a) / as_d(b)));
    }
    return TSI_OK;
}

/* torch's Python-style modulo: (b + a % b) % b, wrapping like its C++. */
static int core_remainder(Num a, Num b, Num *r, Err *err) {
    if (is_int(a) && is_int(b)) {
        if (b.i == 0) /* torch itself dies with SIGFPE here */
            return zero_div_int(err);
        *r = n_int(tmod(wadd(b.i, tmod(a.i, b.i)), b.i));
    } else {
        double x = as_d(a), y = as_d(b);
        *r = n_flt(fmod(y + fmod(x, y), y));
    }
    return TSI_OK;
}

static int pow_zero_check(Num a, Num b, Err *err) {
    if (as_d(a) == 0.0 && as_d(b) < 0.0)
        return err_set(err, TSI_ERR_RUNTIME, "0.0 cannot be raised to a negative power");
    return TSI_OK;
}

/* pow.int/.float/.int_float/.float_int and int_to_int: always a float
 * (int_to_int too: torch pushes the double that std::pow returns). */
static int core_pow_checked(Num a, Num b, Num *r, Err *err) {
    int rc = pow_zero_check(a, b, err);
    if (rc)
        return rc;
    *r = n_flt(pow(as_d(a), as_d(b)));
    return TSI_OK;
}

/* std::polar as libstdc++ computes it */
static Num polar_of(double rho, double theta) { return n_cpx(rho * cos(theta), rho * sin(theta)); }

/* c10's complex pow is std::pow, whose libstdc++ overloads treat a real
 * operand specially (a positive real base or a real exponent) */
static int core_pow_complex(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (a.k != NK_COMPLEX && b.k == NK_COMPLEX && as_d(a) > 0) {
        double x = as_d(a);
        *r = polar_of(pow(x, b.re), b.im * log(x));
    } else if (a.k == NK_COMPLEX && b.k != NK_COMPLEX) {
        double y = as_d(b);
        if (a.im == 0 && a.re > 0) {
            *r = n_cpx(pow(a.re, y), 0.0);
        } else {
            double complex t = clog(as_c(a));
            *r = polar_of(exp(y * creal(t)), y * cimag(t));
        }
    } else {
        *r = from_c(cpow(as_c(a), as_c(b)));
    }
    return TSI_OK;
}

/* pow.Scalar_Scalar: no zero check */
static int core_pow_scalar(Num a, Num b, Num *r, Err *err) {
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX)
        return core_pow_complex(a, b, r, err);
    *r = n_flt(pow(as_d(a), as_d(b)));
    return TSI_OK;
}

static int core_min(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (is_int(a) && is_int(b))
        *r = n_int(a.i < b.i ? a.i : b.i);
    else
        *r = n_flt(as_d(a) < as_d(b) ? as_d(a) : as_d(b));
    return TSI_OK;
}

static int core_max(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (is_int(a) && is_int(b))
        *r = n_int(a.i > b.i ? a.i : b.i);
    else
        *r = n_flt(as_d(a) > as_d(b) ? as_d(a) : as_d(b));
    return TSI_OK;
}

/* Comparisons: ints exactly, anything with a float as doubles (C++'s usual
 * conversions, so 2**53 + 1 == 2.0**53). */
typedef enum { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE } CmpOp;

static int compare(Num a, Num b, CmpOp op, Num *r, Err *err) {
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX) {
        if (op != CMP_EQ && op != CMP_NE)
            return err_set(err, TSI_ERR_TYPE, "complex numbers are not ordered");
        double complex x = as_c(a), y = as_c(b);
        bool eq = creal(x) == creal(y) && cimag(x) == cimag(y);
        *r = n_bool(op == CMP_EQ ? eq : !eq);
        return TSI_OK;
    }
    int s;
    if (is_int(a) && is_int(b)) {
        switch (op) {
        case CMP_LT: s = a.i < b.i; break;
        case CMP_LE: s = a.i <= b.i; break;
        case CMP_GT: s = a.i > b.i; break;
        case CMP_GE: s = a.i >= b.i; break;
        case CMP_EQ: s = a.i == b.i; break;
        default: s = a.i != b.i; break;
        }
    } else {
        double x = as_d(a), y = as_d(b);
        switch (op) {
        case CMP_LT: s = x < y; break;
        case CMP_LE: s = x <= y; break;
        case CMP_GT: s = x > y; break;
        case CMP_GE: s = x >= y; break;
        case CMP_EQ: s = x == y; break;
        default: s = x != y; break;
        }
    }
    *r = n_bool(s);
    return TSI_OK;
}

#define CMP_CORE(name, op)                                                                     \
    static int name(Num a, Num b, Num *r, Err *err) { return compare(a, b, op, r, err); }
CMP_CORE(core_lt, CMP_LT)
CMP_CORE(core_le, CMP_LE)
CMP_CORE(core_gt, CMP_GT)
CMP_CORE(core_ge, CMP_GE)
CMP_CORE(core_eq, CMP_EQ)
CMP_CORE(core_ne, CMP_NE)

/* Float-valued binary math (every overload returns float). */
#define FLOAT_CORE(name, expr)                                                                 \
    static int name(Num na, Num nb, Num *r, Err *err) {                                        \
        TSI_UNUSED(err);                                                                       \
        double a = as_d(na), b = as_d(nb);                                                     \
        *r = n_flt(expr);                                                                      \
        return TSI_OK;                                                                         \
    }
FLOAT_CORE(core_atan2, atan2(a, b))
FLOAT_CORE(core_copysign, copysign(a, b))
FLOAT_CORE(core_fmod, fmod(a, b))
FLOAT_CORE(core_mathremainder, remainder(a, b))

/* log(a, b) = log(a) / log(b), complex when either is */
static int core_log2arg(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    if (a.k == NK_COMPLEX || b.k == NK_COMPLEX) {
        Num la = a.k == NK_COMPLEX ? from_c(clog(as_c(a))) : n_flt(log(as_d(a)));
        Num lb = b.k == NK_COMPLEX ? from_c(clog(as_c(b))) : n_flt(log(as_d(b)));
        *r = c_div(la, lb);
    } else
        *r = n_flt(log(as_d(a)) / log(as_d(b)));
    return TSI_OK;
}

static int core_polar(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    *r = polar_of(as_d(a), as_d(b));
    return TSI_OK;
}

/* int-only and bool-or-int bit operations */
static int core_and(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    *r = a.k == NK_BOOL && b.k == NK_BOOL ? n_bool(a.i && b.i) : n_int(a.i & b.i);
    return TSI_OK;
}
static int core_or(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    *r = a.k == NK_BOOL && b.k == NK_BOOL ? n_bool(a.i || b.i) : n_int(a.i | b.i);
    return TSI_OK;
}
static int core_xor(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    *r = a.k == NK_BOOL && b.k == NK_BOOL ? n_bool(a.i != b.i) : n_int(a.i ^ b.i);
    return TSI_OK;
}
/* x86-64 shifts use the count modulo 64 (what torch's `a << b` does) */
static int core_lshift(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    *r = n_int((int64_t)((uint64_t)a.i << (b.i & 63)));
    return TSI_OK;
}
static int core_rshift(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    int s = (int)(b.i & 63);
    /* arithmetic shift without relying on implementation-defined >> */
    uint64_t u = (uint64_t)a.i >> s;
    if (a.i < 0 && s)
        u |= ~(~(uint64_t)0 >> s);
    *r = n_int((int64_t)u);
    return TSI_OK;
}
static int core_gcd(Num a, Num b, Num *r, Err *err) {
    TSI_UNUSED(err);
    int64_t x = a.i, y = b.i;
    while (y != 0) {
        int64_t t = tmod(x, y);
        x = y;
        y = t;
    }
    *r = n_int(x < 0 ? wneg(x) : x);
    return TSI_OK;
}
static int core_round_to_zero_floordiv(Num a, Num b, Num *r, Err *err) {
    if (b.i == 0)
        return zero_div_int(err);
    *r = n_int(tdiv(a.i, b.i));
    return TSI_OK;
}

BINOP(op_add, core_add)
BINOP(op_sub, core_sub)
BINOP(op_mul, core_mul)
BINOP(op_div, core_div)
BINOP(op_floordiv, core_floordiv)
BINOP(op_remainder, core_remainder)
BINOP(op_pow_checked, core_pow_checked)
BINOP(op_pow_complex, core_pow_complex)
BINOP(op_pow_scalar, core_pow_scalar)
BINOP(op_min2, core_min)
BINOP(op_max2, core_max)
BINOP(op_lt, core_lt)
BINOP(op_le, core_le)
BINOP(op_gt, core_gt)
BINOP(op_ge, core_ge)
BINOP(op_eq, core_eq)
BINOP(op_ne, core_ne)
BINOP(op_atan2, core_atan2)
BINOP(op_copysign, core_copysign)
BINOP(op_fmod, core_fmod)
BINOP(op_mathremainder, core_mathremainder)
BINOP(op_log2arg, core_log2arg)
BINOP(op_polar, core_polar)
BINOP(op_and, core_and)
BINOP(op_or, core_or)
BINOP(op_xor, core_xor)
BINOP(op_lshift, core_lshift)
BINOP(op_rshift, core_rshift)
BINOP(op_gcd, core_gcd)
BINOP(op_round_to_zero_floordiv, core_round_to_zero_floordiv)

/* torch's floor/ceil to int: range-checked, message as c10::to_string. */
static int checked_to_int(double a, int64_t *out, Err *err) {
    if (isnan(a) || isinf(a) || a > 9223372036854775807.0 || a < -9223372036854775808.0)
        return err_set(err, TSI_ERR_RUNTIME, "Cannot convert float %f to integer", a);
    *out = prim_double_to_i64(a);
    return TSI_OK;
}

static int op_divmod(OpCall *c, Err *err) {
    Num a = {0}, b = {0};
    int rc = get_num(c, 0, &a, err);
    if (!rc)
        rc = get_num(c, 1, &b, err);
    if (rc)
        return rc;
    Num q = {0}, m = {0};
    if (is_int(a) && is_int(b)) {
        if (b.i == 0)
            return zero_div_int(err);
        int64_t qi = tdiv(a.i, b.i), mi = tmod(a.i, b.i);
        if (mi && (a.i < 0) != (b.i < 0)) {
            qi -= 1;
            mi = wadd(mi, b.i);
        }
        q = n_int(qi);
        m = n_int(mi);
    } else if (a.k == NK_FLOAT && b.k == NK_FLOAT) {
        double x = a.f, y = b.f;
        if (y == 0)
            return err_set(err, TSI_ERR_RUNTIME, "ZeroDivisionError: float divmod()");
        double rem = fmod(x, y);
        if (rem != 0 && (x < 0) != (y < 0))
            rem += y;
        q = n_flt((x - rem) / y);
        m = n_flt(rem);
    } else {
        /* torch declares the mixed operands as C `int` and `float`: both
         * narrow (int64 -> int32 wraps, double -> float rounds), the
         * quotient is computed in float and floored through torch's
         * range-checked floor-to-int64 */
        bool int_first = is_int(a);
        double x, y;
        float fq;
        if (int_first) {
            int32_t ai = (int32_t)(uint32_t)(uint64_t)a.i;
            float bf = (float)as_d(b);
            if (bf == 0)
                return err_set(err, TSI_ERR_RUNTIME, "ZeroDivisionError: float divmod()");
            fq = (float)ai / bf;
            x = ai;
            y = bf;
        } else {
            float af = (float)as_d(a);
            int32_t bi = (int32_t)(uint32_t)(uint64_t)b.i;
            if (bi == 0)
                return err_set(err, TSI_ERR_RUNTIME, "ZeroDivisionError: float divmod()");
            fq = af / (float)bi;
            x = af;
            y = bi;
        }
        int64_t qi = 0;
        int rc2 = checked_to_int(floor((double)fq), &qi, err);
        if (rc2)
            return rc2;
        double quot = (double)qi;
        q = n_flt(quot);
        m = n_flt(x - quot * y);
    }
    op_ret(c, 0, q.k == NK_INT ? iv_int(q.i) : iv_double(q.f));
    op_ret(c, 1, m.k == NK_INT ? iv_int(m.i) : iv_double(m.f));
    return TSI_OK;
}

/* ---------------------------------------------------------- unary math */

/* How a `.Scalar` overload converts its result (C++ static_cast target). */
typedef enum { CAST_NONE, CAST_F32, CAST_I32 } Cast;

/* c10::round_to_even */
static double round_even(double a) {
    return a - floor(a) == 0.5 ? round(a * 0.5) * 2.0 : round(a);
}
static double degrees_of(double x) { return x * (180.0 / acos(-1.0)); }
static double radians_of(double x) { return x * (acos(-1.0) / 180.0); }
/* libstdc++'s std::arg of a real: pi for a set sign bit (NaN included) */
static double arg_of(double x) { return signbit(x) ? acos(-1.0) : 0.0; }

typedef struct UnarySpec {
    double (*fd)(double);                 /* real function */
    double complex (*fc)(double complex); /* complex function or NULL */
    double (*fcr)(double complex);        /* complex -> real (abs, angle) or NULL */
    Cast int_cast, float_cast;            /* `.Scalar` result casts */
    bool cplx_cast_f32;                   /* `.Scalar` of a complex: to complex<float> */
} UnarySpec;

static double complex c_exp(double complex z) { return cexp(z); }
static double complex c_log(double complex z) { return clog(z); }
static double complex c_log10(double complex z) { return clog(z) / log(10.0); }
static double complex c_sqrt(double complex z) { return csqrt(z); }
static double complex c_acos(double complex z) { return cacos(z); }
static double complex c_asin(double complex z) { return casin(z); }
static double complex c_atan(double complex z) { return catan(z); }
static double complex c_cos(double complex z) { return ccos(z); }
static double complex c_sin(double complex z) { return csin(z); }
static double complex c_tan(double complex z) { return ctan(z); }
static double complex c_cosh(double complex z) { return ccosh(z); }
static double complex c_sinh(double complex z) { return csinh(z); }
static double complex c_tanh(double complex z) { return ctanh(z); }
static double complex c_acosh(double complex z) { return cacosh(z); }
static double complex c_asinh(double complex z) { return casinh(z); }
static double complex c_atanh(double complex z) { return catanh(z); }
static double complex c_neg(double complex z) { return CMPLX(-creal(z), -cimag(z)); }
static double cr_abs(double complex z) { return cabs(z); }
static double cr_arg(double complex z) { return carg(z); }
static double d_neg(double x) { return -x; }

static const UnarySpec U_EXP = {exp, c_exp, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_LOG = {log, c_log, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_LOG10 = {log10, c_log10, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_SQRT = {sqrt, c_sqrt, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ACOS = {acos, c_acos, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ASIN = {asin, c_asin, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ATAN = {atan, c_atan, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_COS = {cos, c_cos, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_SIN = {sin, c_sin, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_TAN = {tan, c_tan, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_COSH = {cosh, c_cosh, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_SINH = {sinh, c_sinh, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_TANH = {tanh, c_tanh, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ACOSH = {acosh, c_acosh, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ASINH = {asinh, c_asinh, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ATANH = {atanh, c_atanh, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_LOG1P = {log1p, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_EXPM1 = {expm1, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ERF = {erf, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ERFC = {erfc, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_GAMMA = {tgamma, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_LGAMMA = {lgamma, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_FABS = {fabs, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_DEGREES = {degrees_of, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_RADIANS = {radians_of, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ROUND = {round_even, NULL, NULL, CAST_F32, CAST_F32, false};
static const UnarySpec U_ANGLE = {arg_of, NULL, cr_arg, CAST_F32, CAST_F32, true};
static const UnarySpec U_NEG = {d_neg, c_neg, NULL, CAST_I32, CAST_F32, false};
static const UnarySpec U_ABS = {fabs, NULL, cr_abs, CAST_I32, CAST_F32, true};

static double cast_f(double v, Cast how) { return how == CAST_F32 ? (double)(float)v : v; }

/* The `.int` overload of a float-valued function (the int converts to double). */
static int unary_int_to_float(OpCall *c, const UnarySpec *u, Err *err) {
    int64_t a;
    int rc = op_int(c, 0, &a, err);
    if (rc)
        return rc;
    op_ret(c, 0, iv_double(u->fd((double)a)));
    return TSI_OK;
}

static int unary_float(OpCall *c, const UnarySpec *u, Err *err) {
    double a;
    int rc = op_double(c, 0, &a, err);
    if (rc)
        return rc;
    op_ret(c, 0, iv_double(u->fd(a)));
    return TSI_OK;
}

static int unary_complex(OpCall *c, const UnarySpec *u, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (rc)
        return rc;
    if (u->fcr)
        return ret_num(c, 0, n_flt(u->fcr(as_c(a))), err);
    return ret_num(c, 0, from_c(u->fc(as_c(a))), err);
}

/* The int-result functions (neg, abs, floor, ceil) on an int64. */
static int64_t int_fn(const UnarySpec *u, int64_t a) {
    if (u == &U_NEG)
        return wneg(a);
    return a < 0 ? wneg(a) : a; /* abs */
}

static int unary_scalar(OpCall *c, const UnarySpec *u, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (rc)
        return rc;
    if (a.k == NK_COMPLEX) {
        if (u->fcr)
            return ret_num(c, 0, n_flt(cast_f(u->fcr(as_c(a)), CAST_F32)), err);
        if (!u->fc)
            return err_set(err, TSI_ERR_TYPE, "complex argument is not supported here");
        double complex z = u->fc(as_c(a));
        if (u->cplx_cast_f32)
            z = CMPLX((double)(float)creal(z), (double)(float)cimag(z));
        return ret_num(c, 0, from_c(z), err);
    }
    if (a.k == NK_FLOAT)
        return ret_num(c, 0, n_flt(cast_f(u->fd(a.f), u->float_cast)), err);
    if (u->int_cast == CAST_I32) /* static_cast<int> of an int64 result: wraps */
        return ret_num(c, 0, n_int((int32_t)(uint32_t)(uint64_t)int_fn(u, a.i)), err);
    return ret_num(c, 0, n_flt(cast_f(u->fd((double)a.i), u->int_cast)), err);
}

#define UNARY_FAMILY(base, spec)                                                               \
    static int op_##base##_int(OpCall *c, Err *err) { return unary_int_to_float(c, &spec, err); } \
    static int op_##base##_float(OpCall *c, Err *err) { return unary_float(c, &spec, err); }   \
    static int op_##base##_scalar(OpCall *c, Err *err) { return unary_scalar(c, &spec, err); }
#define UNARY_COMPLEX(base, spec)                                                              \
    static int op_##base##_complex(OpCall *c, Err *err) { return unary_complex(c, &spec, err); }

UNARY_FAMILY(exp, U_EXP)
UNARY_COMPLEX(exp, U_EXP)
UNARY_FAMILY(log, U_LOG)
UNARY_COMPLEX(log, U_LOG)
UNARY_FAMILY(log10, U_LOG10)
UNARY_COMPLEX(log10, U_LOG10)
UNARY_FAMILY(sqrt, U_SQRT)
UNARY_COMPLEX(sqrt, U_SQRT)
UNARY_FAMILY(acos, U_ACOS)
UNARY_COMPLEX(acos, U_ACOS)
UNARY_FAMILY(asin, U_ASIN)
UNARY_COMPLEX(asin, U_ASIN)
UNARY_FAMILY(atan, U_ATAN)
UNARY_COMPLEX(atan, U_ATAN)
UNARY_FAMILY(cos, U_COS)
UNARY_COMPLEX(cos, U_COS)
UNARY_FAMILY(sin, U_SIN)
UNARY_COMPLEX(sin, U_SIN)
UNARY_FAMILY(tan, U_TAN)
UNARY_COMPLEX(tan, U_TAN)
UNARY_FAMILY(cosh, U_COSH)
UNARY_COMPLEX(cosh, U_COSH)
UNARY_FAMILY(sinh, U_SINH)
UNARY_COMPLEX(sinh, U_SINH)
UNARY_FAMILY(tanh, U_TANH)
UNARY_COMPLEX(tanh, U_TANH)
UNARY_FAMILY(acosh, U_ACOSH)
UNARY_COMPLEX(acosh, U_ACOSH)
UNARY_FAMILY(asinh, U_ASINH)
UNARY_COMPLEX(asinh, U_ASINH)
UNARY_FAMILY(atanh, U_ATANH)
UNARY_COMPLEX(atanh, U_ATANH)
UNARY_FAMILY(log1p, U_LOG1P)
UNARY_FAMILY(expm1, U_EXPM1)
UNARY_FAMILY(erf, U_ERF)
UNARY_FAMILY(erfc, U_ERFC)
UNARY_FAMILY(gamma, U_GAMMA)
UNARY_FAMILY(lgamma, U_LGAMMA)
UNARY_FAMILY(fabs, U_FABS)
UNARY_FAMILY(degrees, U_DEGREES)
UNARY_FAMILY(radians, U_RADIANS)
UNARY_FAMILY(round, U_ROUND)
UNARY_FAMILY(angle, U_ANGLE)
UNARY_COMPLEX(angle, U_ANGLE)

/* neg and abs keep ints as ints */
static int op_neg_int(OpCall *c, Err *err) {
    int64_t a;
    int rc = op_int(c, 0, &a, err);
    if (!rc)
        op_ret(c, 0, iv_int(wneg(a)));
    return rc;
}
static int op_neg_float(OpCall *c, Err *err) { return unary_float(c, &U_NEG, err); }
static int op_neg_complex(OpCall *c, Err *err) { return unary_complex(c, &U_NEG, err); }
static int op_neg_scalar(OpCall *c, Err *err) { return unary_scalar(c, &U_NEG, err); }
static int op_abs_int(OpCall *c, Err *err) {
    int64_t a;
    int rc = op_int(c, 0, &a, err);
    if (!rc)
        op_ret(c, 0, iv_int(a < 0 ? wneg(a) : a));
    return rc;
}
static int op_abs_float(OpCall *c, Err *err) { return unary_float(c, &U_ABS, err); }
static int op_abs_complex(OpCall *c, Err *err) { return unary_complex(c, &U_ABS, err); }
static int op_abs_scalar(OpCall *c, Err *err) { return unary_scalar(c, &U_ABS, err); }

/* floor/ceil: ints unchanged (through the range check of their double),
 * floats range-checked to int; the Scalar overload then casts to int32. */
static int floor_ceil(OpCall *c, bool is_ceil, bool scalar, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (rc)
        return rc;
    double x = as_d(a);
    int64_t r = 0;
    if ((rc = checked_to_int(is_ceil ? ceil(x) : floor(x), &r, err)))
        return rc;
    if (scalar)
        r = (int32_t)(uint32_t)(uint64_t)r;
    op_ret(c, 0, iv_int(r));
    return TSI_OK;
}
static int op_floor(OpCall *c, Err *err) { return floor_ceil(c, false, false, err); }
static int op_ceil(OpCall *c, Err *err) { return floor_ceil(c, true, false, err); }
static int op_floor_scalar(OpCall *c, Err *err) { return floor_ceil(c, false, true, err); }
static int op_ceil_scalar(OpCall *c, Err *err) { return floor_ceil(c, true, true, err); }

typedef enum { TEST_NAN, TEST_INF, TEST_FINITE } FloatTest;
static int float_test(OpCall *c, FloatTest t, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (rc)
        return rc;
    double re = a.k == NK_COMPLEX ? a.re : as_d(a), im = a.k == NK_COMPLEX ? a.im : 0;
    bool r;
    switch (t) {
    case TEST_NAN: r = isnan(re) || isnan(im); break;
    case TEST_INF: r = isinf(re) || isinf(im); break;
    default: r = isfinite(re) && isfinite(im); break;
    }
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}
static int op_isnan(OpCall *c, Err *err) { return float_test(c, TEST_NAN, err); }
static int op_isinf(OpCall *c, Err *err) { return float_test(c, TEST_INF, err); }
static int op_isfinite(OpCall *c, Err *err) { return float_test(c, TEST_FINITE, err); }

/* torch's factorial: a binary-split product of odd factors (wrapping),
 * shifted left by n - popcount(n) with x86's count masking. The argument
 * is narrowed to a C int first. */
static int64_t part_product(int n, int m) {
    if (m <= n + 1)
        return n;
    if (m == n + 2)
        return wmul(n, m);
    int k = n + (m - n) / 2;
    if ((k & 1) != 1)
        k = k - 1;
    return wmul(part_product(n, k), part_product(k + 2, m));
}
static void fact_loop(int n, int64_t *p, int64_t *r) {
    if (n <= 2)
        return;
    fact_loop(n / 2, p, r);
    *p = wmul(*p, part_product(n / 2 + 1 + ((n / 2) & 1), n - 1 + (n & 1)));
    *r = wmul(*r, *p);
}
static int op_factorial(OpCall *c, Err *err) {
    int64_t a;
    int rc = op_int(c, 0, &a, err);
    if (rc)
        return rc;
    int n = (int32_t)(uint32_t)(uint64_t)a;
    if (n < 0)
        return err_set(err, TSI_ERR_RUNTIME, "factorial() not defined for negative values");
    int64_t p = 1, r = 1;
    fact_loop(n, &p, &r);
    int bits = 0;
    for (unsigned v = (unsigned)n; v; v &= v - 1)
        bits++;
    int shift = (n - bits) & 63;
    op_ret(c, 0, iv_int((int64_t)((uint64_t)r << shift)));
    return TSI_OK;
}

static int op_modf(OpCall *c, Err *err) {
    double a, ip;
    int rc = op_double(c, 0, &a, err);
    if (rc)
        return rc;
    double fp = modf(a, &ip);
    op_ret(c, 0, iv_double(fp));
    op_ret(c, 1, iv_double(ip));
    return TSI_OK;
}

static int op_frexp(OpCall *c, Err *err) {
    double a;
    int e = 0;
    int rc = op_double(c, 0, &a, err);
    if (rc)
        return rc;
    double m = frexp(a, &e);
    op_ret(c, 0, iv_double(m));
    op_ret(c, 1, iv_int(e));
    return TSI_OK;
}

static int op_ldexp(OpCall *c, Err *err) {
    double a;
    int64_t e;
    int rc = op_double(c, 0, &a, err);
    if (!rc)
        rc = op_int(c, 1, &e, err);
    if (rc)
        return rc;
    /* std::ldexp(double, int64) converts the exponent to int */
    op_ret(c, 0, iv_double(ldexp(a, (int32_t)(uint32_t)(uint64_t)e)));
    return TSI_OK;
}

/* ---------------------------------------------------------- conversions */

/* c10's checked conversion of a double to a C int (Scalar::toInt). */
static int checked_double_to_i32(double d, int64_t *out, Err *err) {
    if (isnan(d) || d < -2147483648.0 || d > 2147483647.0)
        return err_set(err, TSI_ERR_RUNTIME, "value cannot be converted to type int without overflow");
    *out = (int32_t)d;
    return TSI_OK;
}

static int checked_double_to_i64(double d, int64_t *out, Err *err) {
    if (isnan(d) || d < -9223372036854775808.0 || d > 9223372036854775807.0)
        return err_set(err, TSI_ERR_RUNTIME,
                       "value cannot be converted to type int64_t without overflow");
    *out = prim_double_to_i64(d);
    return TSI_OK;
}

static int op_int_of_bool(OpCall *c, Err *err) {
    bool b;
    int rc = op_bool(c, 0, &b, err);
    if (!rc)
        op_ret(c, 0, iv_int(b));
    return rc;
}

static int op_int_of_float(OpCall *c, Err *err) {
    double d;
    int rc = op_double(c, 0, &d, err);
    if (!rc)
        op_ret(c, 0, iv_int(prim_double_to_i64(d)));
    return rc;
}

static int op_int_of_scalar(OpCall *c, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (rc)
        return rc;
    if (is_int(a)) {
        op_ret(c, 0, iv_int(a.i));
        return TSI_OK;
    }
    int64_t r = 0;
    if ((rc = checked_double_to_i32(as_d(a), &r, err)))
        return rc;
    op_ret(c, 0, iv_int(r));
    return TSI_OK;
}

/* std::stoll / std::stod parse a prefix (leading white space, sign); the
 * op then requires the whole string to have been used. */
static int op_int_of_str(OpCall *c, Err *err) {
    const char *s;
    size_t len;
    int rc = op_str(c, 0, &s, &len, err);
    if (rc)
        return rc;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s)
        return err_set(err, TSI_ERR_VALUE, "stoll");
    if (errno == ERANGE)
        return err_set(err, TSI_ERR_INDEX, "stoll");
    if ((size_t)(end - s) != len)
        return err_set(err, TSI_ERR_RUNTIME, "invalid literal for int() with base 10: '%s'", s);
    op_ret(c, 0, iv_int(v));
    return TSI_OK;
}

static int op_float_of_str(OpCall *c, Err *err) {
    const char *s;
    size_t len;
    int rc = op_str(c, 0, &s, &len, err);
    if (rc)
        return rc;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s)
        return err_set(err, TSI_ERR_VALUE, "stod");
    if (errno == ERANGE)
        return err_set(err, TSI_ERR_INDEX, "stod");
    if ((size_t)(end - s) != len)
        return err_set(err, TSI_ERR_RUNTIME, "could not convert string to float: '%s'", s);
    op_ret(c, 0, iv_double(v));
    return TSI_OK;
}

/* float(int) and float(bool) go through a C++ `(float)` cast */
static int op_float_of_int(OpCall *c, Err *err) {
    int64_t i;
    int rc = op_int(c, 0, &i, err);
    if (!rc)
        op_ret(c, 0, iv_double((double)(float)i));
    return rc;
}

static int op_float_of_scalar(OpCall *c, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (!rc)
        op_ret(c, 0, iv_double(as_d(a)));
    return rc;
}

static int op_bool_of_num(OpCall *c, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    if (!rc)
        op_ret(c, 0, iv_bool(is_int(a) ? a.i != 0 : as_d(a) != 0));
    return rc;
}

static int op_complex_of_scalar(OpCall *c, Err *err) {
    Num a = {0};
    int rc = get_num(c, 0, &a, err);
    return rc ? rc : ret_num(c, 0, from_c(as_c(a)), err);
}

/* A number from a tensor argument (item()) for the mixed Complex overloads. */
static int num_or_item(const OpCall *c, int i, double *d, Err *err) {
    if (c->in[i].tag == IV_TENSOR) {
        Scalar s;
        if (!c->in[i].u.t)
            return err_set(err, TSI_ERR_VALUE, "expected a defined tensor");
        int rc = tensor_item(c->in[i].u.t, &s, err);
        if (!rc)
            *d = scalar_to_double(s);
        return rc;
    }
    return op_double(c, i, d, err);
}

static int op_complex_of_pair(OpCall *c, Err *err) {
    double re, im;
    int rc = num_or_item(c, 0, &re, err);
    if (!rc)
        rc = num_or_item(c, 1, &im, err);
    return rc ? rc : ret_num(c, 0, n_cpx(re, im), err);
}

/* ---------------------------------------------------- tensor to number */

static int item_of(const OpCall *c, Scalar *s, Err *err) {
    Tensor *t;
    int rc = op_tensor(c, 0, &t, err);
    if (rc)
        return rc;
    if (!t)
        return err_set(err, TSI_ERR_VALUE, "expected a defined tensor");
    int64_t n = tensor_numel(t);
    if (n != 1)
        return err_set(err, TSI_ERR_VALUE, "a Tensor with %lld elements cannot be converted to Scalar",
                       (long long)n);
    return tensor_item(t, s, err);
}

/* the checks of TorchScript's implicit tensor -> number conversion */
static int implicit_check(const OpCall *c, bool to_int, Err *err) {
    Tensor *t;
    int rc = op_tensor(c, 0, &t, err);
    if (rc)
        return rc;
    if (!t)
        return err_set(err, TSI_ERR_VALUE, "expected a defined tensor");
    if (t->requires_grad)
        return err_set(err, TSI_ERR_RUNTIME,
                       "Cannot input a tensor that requires grad as a scalar argument");
    if (t->ndim != 0)
        return err_set(err, TSI_ERR_RUNTIME,
                       "Cannot input a tensor of dimension other than 0 as a scalar argument");
    if (to_int && !dtype_is_integral(t->dtype, false))
        return err_set(err, TSI_ERR_RUNTIME, "Cannot input a tensor of type %s as an integral argument",
                       dtype_prefix(t->dtype));
    return TSI_OK;
}

static int ret_item_int(OpCall *c, Scalar s, Err *err) {
    int64_t r = 0;
    if (s.kind == SCALAR_FLOAT) {
        int rc = checked_double_to_i64(s.f, &r, err);
        if (rc)
            return rc;
    } else {
        r = scalar_to_int64(s);
    }
    op_ret(c, 0, iv_int(r));
    return TSI_OK;
}

static int op_int_of_tensor(OpCall *c, Err *err) {
    Scalar s;
    int rc = item_of(c, &s, err);
    return rc ? rc : ret_item_int(c, s, err);
}

static int op_float_of_tensor(OpCall *c, Err *err) {
    Scalar s;
    int rc = item_of(c, &s, err);
    if (!rc)
        op_ret(c, 0, iv_double(scalar_to_double(s)));
    return rc;
}

static int op_bool_of_tensor(OpCall *c, Err *err) {
    Tensor *t;
    int rc = op_tensor(c, 0, &t, err);
    if (rc)
        return rc;
    int64_t n = t ? tensor_numel(t) : 0;
    if (n == 0)
        return err_set(err, TSI_ERR_RUNTIME, "Boolean value of Tensor with no values is ambiguous");
    if (n > 1)
        return err_set(err, TSI_ERR_RUNTIME,
                       "Boolean value of Tensor with more than one value is ambiguous");
    Scalar s;
    if ((rc = tensor_item(t, &s, err)))
        return rc;
    op_ret(c, 0, iv_bool(s.kind == SCALAR_FLOAT ? s.f != 0 : scalar_to_int64(s) != 0));
    return TSI_OK;
}

static int op_int_implicit(OpCall *c, Err *err) {
    Scalar s;
    int rc = implicit_check(c, true, err);
    if (!rc)
        rc = item_of(c, &s, err);
    return rc ? rc : ret_item_int(c, s, err);
}

static int op_float_implicit(OpCall *c, Err *err) {
    int rc = implicit_check(c, false, err);
    return rc ? rc : op_float_of_tensor(c, err);
}

static int op_scalar_implicit(OpCall *c, Err *err) {
    Scalar s;
    int rc = implicit_check(c, false, err);
    if (!rc)
        rc = item_of(c, &s, err);
    if (rc)
        return rc;
    op_ret(c, 0, s.kind == SCALAR_INT ? iv_int(s.i) : s.kind == SCALAR_BOOL ? iv_bool(s.b)
                                                                             : iv_double(s.f));
    return TSI_OK;
}

static int op_complex_implicit(OpCall *c, Err *err) {
    Scalar s;
    int rc = implicit_check(c, false, err);
    if (!rc)
        rc = item_of(c, &s, err);
    return rc ? rc : ret_num(c, 0, n_cpx(scalar_to_double(s), 0), err);
}

/* --------------------------------------------------------------- hash */

/* libstdc++'s std::_Hash_bytes (64-bit), which std::hash<string> and
 * std::hash<double> use with seed 0xc70f6907. */
static uint64_t shift_mix(uint64_t v) { return v ^ (v >> 47); }
static uint64_t hash_bytes_std(const void *ptr, size_t len) {
    const uint64_t mul = ((uint64_t)0xc6a4a793UL << 32) + 0x5bd1e995UL;
    const unsigned char *buf = ptr;
    size_t aligned = len & ~(size_t)7;
    uint64_t h = 0xc70f6907UL ^ ((uint64_t)len * mul);
    for (size_t i = 0; i < aligned; i += 8) {
        uint64_t d;
        memcpy(&d, buf + i, 8);
        h ^= shift_mix(d * mul) * mul;
        h *= mul;
    }
    if (len & 7) {
        uint64_t d = 0;
        for (size_t n = len & 7; n-- > 0;)
            d = (d << 8) + buf[aligned + n];
        h ^= d;
        h *= mul;
    }
    h = shift_mix(h) * mul;
    return shift_mix(h);
}

/* torch's IValue::hash */
static int torch_hash(IValue v, uint64_t *h, Err *err) {
    switch (v.tag) {
    case IV_NONE: *h = 0; return TSI_OK;
    case IV_BOOL: *h = v.u.b; return TSI_OK;
    case IV_INT: *h = (uint64_t)v.u.i; return TSI_OK;
    case IV_DOUBLE: *h = v.u.d == 0.0 ? 0 : hash_bytes_std(&v.u.d, sizeof v.u.d); return TSI_OK;
    case IV_STR: *h = hash_bytes_std(v.u.s->data, v.u.s->len); return TSI_OK;
    case IV_TENSOR: *h = (uint64_t)(uintptr_t)v.u.t; return TSI_OK;
    case IV_TUPLE: {
        uint64_t seed = 0;
        for (size_t i = 0; i < v.u.tup->n; i++) {
            uint64_t e;
            int rc = torch_hash(v.u.tup->items[i], &e, err);
            if (rc)
                return rc;
            seed ^= e + 0x9e3779b9 + (seed << 6) + (seed >> 2);
        }
        *h = seed;
        return TSI_OK;
    }
    case IV_DEVICE: {
        /* c10's hash<Device>: the type and index packed into one word */
        uint32_t bits = (uint32_t)(uint8_t)v.u.dev.type << 16 | (uint32_t)(uint8_t)v.u.dev.index;
        *h = bits;
        return TSI_OK;
    }
    default: {
        static const char *const names[IV_TAG_COUNT] = {
            [IV_LIST] = "GenericList", [IV_DICT] = "GenericDict", [IV_OBJECT] = "Object",
            [IV_FUTURE] = "Future", [IV_COMPLEX] = "ComplexDouble", [IV_ENUM] = "Enum"};
        const char *n = v.tag < IV_TAG_COUNT && names[v.tag] ? names[v.tag] : "value";
        return err_set(err, TSI_ERR_TYPE, "Can't hash IValues with tag '%s'", n);
    }
    }
}

static int op_hash(OpCall *c, Err *err) {
    uint64_t h;
    int rc = torch_hash(c->in[0], &h, err);
    if (!rc)
        op_ret(c, 0, iv_int((int64_t)h));
    return rc;
}

/* ------------------------------------------------------------- ranges */

static int op_range_length(OpCall *c, Err *err) {
    int64_t lo, hi, step;
    int rc = op_int(c, 0, &lo, err);
    if (!rc)
        rc = op_int(c, 1, &hi, err);
    if (!rc)
        rc = op_int(c, 2, &step, err);
    if (rc)
        return rc;
    if (step == 0)
        return err_set(err, TSI_ERR_RUNTIME, "range() arg 3 must not be zero");
    int64_t n = 0;
    if (step > 0 && lo < hi)
        n = wadd(1, tdiv(wsub(wsub(hi, 1), lo), step));
    else if (step < 0 && lo > hi)
        n = wadd(1, tdiv(wsub(wsub(lo, 1), hi), wneg(step)));
    op_ret(c, 0, iv_int(n));
    return TSI_OK;
}

static int op_derive_index(OpCall *c, Err *err) {
    int64_t index, start, step;
    int rc = op_int(c, 0, &index, err);
    if (!rc)
        rc = op_int(c, 1, &start, err);
    if (!rc)
        rc = op_int(c, 2, &step, err);
    if (!rc)
        op_ret(c, 0, iv_int(wadd(start, wmul(index, step))));
    return rc;
}

/* -------------------------------------------------- other comparisons */

/* eq/ne on bools, devices and enums: value equality */
static int op_eq_value(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_bool(iv_equal(c->in[0], c->in[1])));
    return TSI_OK;
}
static int op_ne_value(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_bool(!iv_equal(c->in[0], c->in[1])));
    return TSI_OK;
}

static int op_true(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_bool(true));
    return TSI_OK;
}

/* is_autocast_enabled() and friends: tsi never autocasts or traces */
static int op_false(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_bool(false));
    return TSI_OK;
}

/* prim::id: the object's address, 0 for None */
static int op_id(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    IValue v = c->in[0];
    op_ret(c, 0, iv_int(v.tag == IV_NONE ? 0 : iv_is_heap(v) ? (int64_t)(intptr_t)v.u.h : 0));
    return TSI_OK;
}

/* prim::IfThenElse(cond, x, y) */
static int op_if_then_else(OpCall *c, Err *err) {
    bool b;
    int rc = op_bool(c, 0, &b, err);
    if (!rc)
        op_ret(c, 0, iv_dup(c->in[b ? 1 : 2]));
    return rc;
}

static int ret_int_list(OpCall *c, const int64_t *v, int n, Err *err) {
    IValue l = iv_list_new(type_int(), (size_t)n);
    if (l.tag == IV_INVALID)
        return err_nomem(err);
    for (int i = 0; i < n; i++)
        if (!iv_list_push(l.u.l, iv_int(v[i]))) {
            iv_release(l);
            return err_nomem(err);
        }
    op_ret(c, 0, l);
    return TSI_OK;
}

/* the broadcast of two shapes */
static int op_infer_size(OpCall *c, Err *err) {
    int64_t a[TSI_MAX_DIM], b[TSI_MAX_DIM], r[TSI_MAX_DIM];
    int na, nb, nr;
    int rc = op_intlist(c, 0, a, TSI_MAX_DIM, &na, 0, err);
    if (!rc)
        rc = op_intlist(c, 1, b, TSI_MAX_DIM, &nb, 0, err);
    if (!rc)
        rc = broadcast_shapes(nb, b, na, a, &nr, r, err); /* torch names b "a" */
    return rc ? rc : ret_int_list(c, r, nr, err);
}

/* _size_if_not_equal(a, b): None when equal, else a itself */
static int op_size_if_not_equal(OpCall *c, Err *err) {
    IvList *a, *b;
    int rc = op_list(c, 0, &a, err);
    if (!rc)
        rc = op_list(c, 1, &b, err);
    if (!rc)
        op_ret(c, 0, iv_equal(c->in[0], c->in[1]) ? iv_none() : iv_dup(c->in[0]));
    return rc;
}

static int dtype_arg(const OpCall *c, int i, DType *dt, Err *err) {
    int64_t v;
    int rc = op_int(c, i, &v, err);
    if (rc)
        return rc;
    if (v < 0 || v > INT32_MAX || !dtype_valid((int)v))
        return err_set(err, TSI_ERR_UNSUPPORTED, "dtype code %lld is not supported", (long long)v);
    *dt = (DType)v;
    return TSI_OK;
}

static int op_promote_types(OpCall *c, Err *err) {
    DType a, b;
    int rc = dtype_arg(c, 0, &a, err);
    if (!rc)
        rc = dtype_arg(c, 1, &b, err);
    if (!rc)
        op_ret(c, 0, iv_int(dtype_promote(a, b)));
    return rc;
}

static int op_can_cast(OpCall *c, Err *err) {
    DType a, b;
    int rc = dtype_arg(c, 0, &a, err);
    if (!rc)
        rc = dtype_arg(c, 1, &b, err);
    if (!rc)
        op_ret(c, 0, iv_bool(dtype_can_cast(a, b)));
    return rc;
}

/* result_type of two Python numbers: the higher category's default dtype
 * (bool, int64, the default float32, complex64) */
static int op_result_type_scalars(OpCall *c, Err *err) {
    Num a, b;
    int rc = get_num(c, 0, &a, err);
    if (!rc)
        rc = get_num(c, 1, &b, err);
    if (rc)
        return rc;
    NumKind k = a.k > b.k ? a.k : b.k;
    int code = k == NK_BOOL ? TSI_DTYPE_BOOL : k == NK_INT ? TSI_DTYPE_INT64
             : k == NK_FLOAT ? TSI_DTYPE_FLOAT32 : 9 /* ComplexFloat */;
    op_ret(c, 0, iv_int(code));
    return TSI_OK;
}

/* ------------------------------------------------------------ registry */

/* The ten arithmetic overloads plus Scalar of a binary op. */
#define ARITH(base, fn)                                                                        \
    {"aten::" base ".int", fn}, {"aten::" base ".float", fn}, {"aten::" base ".int_float", fn}, \
        {"aten::" base ".float_int", fn}, {"aten::" base, fn}
#define ARITH_COMPLEX(base, fn)                                                                \
    {"aten::" base ".complex", fn}, {"aten::" base ".int_complex", fn},                        \
        {"aten::" base ".complex_int", fn}, {"aten::" base ".float_complex", fn},              \
        {"aten::" base ".complex_float", fn}
#define UNARY_ENTRIES(base, cname)                                                             \
    {"aten::" base ".int", op_##cname##_int}, {"aten::" base ".float", op_##cname##_float},    \
        {"aten::" base ".Scalar", op_##cname##_scalar}
#define CMP_ENTRIES(base, fn)                                                                  \
    {"aten::" base ".int", fn}, {"aten::" base ".float", fn}, {"aten::" base ".int_float", fn}, \
        {"aten::" base ".float_int", fn}, {"aten::" base, fn}

const OpDef interp_ops_prim[] = {
    ARITH("add", op_add),
    ARITH_COMPLEX("add", op_add),
    ARITH("sub", op_sub),
    ARITH_COMPLEX("sub", op_sub),
    ARITH("mul", op_mul),
    ARITH_COMPLEX("mul", op_mul),
    {"aten::div.int", op_div},
    {"aten::div.float", op_div},
    {"aten::div.complex", op_div},
    {"aten::div", op_div},
    ARITH("floordiv", op_floordiv),
    ARITH("remainder", op_remainder),
    {"aten::pow.int", op_pow_checked},
    {"aten::pow.float", op_pow_checked},
    {"aten::pow.int_float", op_pow_checked},
    {"aten::pow.float_int", op_pow_checked},
    {"aten::pow.int_to_int", op_pow_checked},
    {"aten::pow.complex", op_pow_complex},
    {"aten::pow.float_complex", op_pow_complex},
    {"aten::pow.complex_float", op_pow_complex},
    {"aten::pow.Scalar_Scalar", op_pow_scalar},
    {"prim::min.int", op_min2},
    {"prim::min.float", op_min2},
    {"prim::min.int_float", op_min2},
    {"prim::min.float_int", op_min2},
    {"prim::min", op_min2},
    {"prim::max.int", op_max2},
    {"prim::max.float", op_max2},
    {"prim::max.int_float", op_max2},
    {"prim::max.float_int", op_max2},
    {"prim::max", op_max2},
    CMP_ENTRIES("lt", op_lt),
    CMP_ENTRIES("le", op_le),
    CMP_ENTRIES("gt", op_gt),
    CMP_ENTRIES("ge", op_ge),
    CMP_ENTRIES("eq", op_eq),
    {"aten::eq.complex", op_eq},
    {"aten::eq.float_complex", op_eq},
    {"aten::eq.complex_float", op_eq},
    CMP_ENTRIES("ne", op_ne),
    {"aten::ne.complex", op_ne},
    {"aten::ne.float_complex", op_ne},
    {"aten::ne.complex_float", op_ne},
    {"aten::eq.bool", op_eq_value},
    {"aten::ne.bool", op_ne_value},
    {"aten::eq.device", op_eq_value},
    {"aten::ne.device", op_ne_value},
    {"aten::eq.enum", op_eq_value},
    {"aten::ne.enum", op_ne_value},
    CMP_ENTRIES("atan2", op_atan2),
    {"aten::atan2.Scalar_Scalar", op_atan2},
    CMP_ENTRIES("copysign", op_copysign),
    CMP_ENTRIES("fmod", op_fmod),
    CMP_ENTRIES("mathremainder", op_mathremainder),
    {"aten::log.int_int", op_log2arg},
    {"aten::log.float_float", op_log2arg},
    {"aten::log.complex_complex", op_log2arg},
    {"aten::log.int_float", op_log2arg},
    {"aten::log.float_int", op_log2arg},
    {"aten::log.int_complex", op_log2arg},
    {"aten::log.complex_int", op_log2arg},
    {"aten::log.float_complex", op_log2arg},
    {"aten::log.complex_float", op_log2arg},
    {"aten::log.Scalar_Scalar", op_log2arg},
    {"aten::polar.int", op_polar},
    {"aten::polar.float", op_polar},
    {"aten::polar.int_float", op_polar},
    {"aten::polar.float_int", op_polar},
    {"aten::polar.Scalar_Scalar", op_polar},
    {"aten::__and__.int", op_and},
    {"aten::__and__.bool", op_and},
    {"aten::__or__.int", op_or},
    {"aten::__or__.bool", op_or},
    {"aten::__xor__.int", op_xor},
    {"aten::__xor__.bool", op_xor},
    {"aten::__lshift__.int", op_lshift},
    {"aten::__rshift__.int", op_rshift},
    {"aten::gcd.int", op_gcd},
    {"aten::__round_to_zero_floordiv.int", op_round_to_zero_floordiv},
    {"aten::divmod.int", op_divmod},
    {"aten::divmod.float", op_divmod},
    {"aten::divmod.int_float", op_divmod},
    {"aten::divmod.float_int", op_divmod},
    UNARY_ENTRIES("exp", exp),
    {"aten::exp.complex", op_exp_complex},
    UNARY_ENTRIES("log", log),
    {"aten::log.complex", op_log_complex},
    UNARY_ENTRIES("log10", log10),
    {"aten::log10.complex", op_log10_complex},
    UNARY_ENTRIES("sqrt", sqrt),
    {"aten::sqrt.complex", op_sqrt_complex},
    UNARY_ENTRIES("acos", acos),
    {"aten::acos.complex", op_acos_complex},
    UNARY_ENTRIES("asin", asin),
    {"aten::asin.complex", op_asin_complex},
    UNARY_ENTRIES("atan", atan),
    {"aten::atan.complex", op_atan_complex},
    UNARY_ENTRIES("cos", cos),
    {"aten::cos.complex", op_cos_complex},
    UNARY_ENTRIES("sin", sin),
    {"aten::sin.complex", op_sin_complex},
    UNARY_ENTRIES("tan", tan),
    {"aten::tan.complex", op_tan_complex},
    UNARY_ENTRIES("cosh", cosh),
    {"aten::cosh.complex", op_cosh_complex},
    UNARY_ENTRIES("sinh", sinh),
    {"aten::sinh.complex", op_sinh_complex},
    UNARY_ENTRIES("tanh", tanh),
    {"aten::tanh.complex", op_tanh_complex},
    UNARY_ENTRIES("acosh", acosh),
    {"aten::acosh.complex", op_acosh_complex},
    UNARY_ENTRIES("asinh", asinh),
    {"aten::asinh.complex", op_asinh_complex},
    UNARY_ENTRIES("atanh", atanh),
    {"aten::atanh.complex", op_atanh_complex},
    UNARY_ENTRIES("log1p", log1p),
    UNARY_ENTRIES("expm1", expm1),
    UNARY_ENTRIES("erf", erf),
    UNARY_ENTRIES("erfc", erfc),
    UNARY_ENTRIES("gamma", gamma),
    UNARY_ENTRIES("lgamma", lgamma),
    UNARY_ENTRIES("fabs", fabs),
    UNARY_ENTRIES("degrees", degrees),
    UNARY_ENTRIES("radians", radians),
    UNARY_ENTRIES("round", round),
    UNARY_ENTRIES("angle", angle),
    {"aten::angle.complex", op_angle_complex},
    {"aten::neg.int", op_neg_int},
    {"aten::neg.float", op_neg_float},
    {"aten::neg.complex", op_neg_complex},
    {"aten::neg.Scalar", op_neg_scalar},
    {"prim::abs.int", op_abs_int},
    {"prim::abs.float", op_abs_float},
    {"prim::abs.complex", op_abs_complex},
    {"prim::abs.Scalar", op_abs_scalar},
    {"aten::floor.int", op_floor},
    {"aten::floor.float", op_floor},
    {"aten::floor.Scalar", op_floor_scalar},
    {"aten::ceil.int", op_ceil},
    {"aten::ceil.float", op_ceil},
    {"aten::ceil.Scalar", op_ceil_scalar},
    {"aten::isnan.float", op_isnan},
    {"aten::isnan.complex", op_isnan},
    {"aten::isinf.float", op_isinf},
    {"aten::isinf.complex", op_isinf},
    {"aten::isfinite.float", op_isfinite},
    {"aten::isfinite.complex", op_isfinite},
    {"aten::factorial.int", op_factorial},
    {"aten::modf", op_modf},
    {"aten::frexp", op_frexp},
    {"aten::ldexp", op_ldexp},
    {"aten::Int.bool", op_int_of_bool},
    {"aten::Int.float", op_int_of_float},
    {"aten::Int.Scalar", op_int_of_scalar},
    {"aten::Int.str", op_int_of_str},
    {"aten::Int.Tensor", op_int_of_tensor},
    {"aten::Float.int", op_float_of_int},
    {"aten::Float.bool", op_float_of_int},
    {"aten::Float.Scalar", op_float_of_scalar},
    {"aten::Float.str", op_float_of_str},
    {"aten::Float.Tensor", op_float_of_tensor},
    {"aten::Bool.int", op_bool_of_num},
    {"aten::Bool.float", op_bool_of_num},
    {"aten::Bool.Tensor", op_bool_of_tensor},
    {"aten::Complex.Scalar", op_complex_of_scalar},
    {"aten::Complex.int_bool", op_complex_of_pair},
    {"aten::Complex.bool_int", op_complex_of_pair},
    {"aten::Complex.float_bool", op_complex_of_pair},
    {"aten::Complex.bool_float", op_complex_of_pair},
    {"aten::Complex.float_int", op_complex_of_pair},
    {"aten::Complex.int_float", op_complex_of_pair},
    {"aten::Complex.int_int", op_complex_of_pair},
    {"aten::Complex.bool_bool", op_complex_of_pair},
    {"aten::Complex.float_float", op_complex_of_pair},
    {"aten::Complex.Tensor_Tensor", op_complex_of_pair},
    {"aten::Complex.Tensor_float", op_complex_of_pair},
    {"aten::Complex.float_Tensor", op_complex_of_pair},
    {"aten::Complex.Tensor_int", op_complex_of_pair},
    {"aten::Complex.int_Tensor", op_complex_of_pair},
    {"aten::Complex.Tensor_bool", op_complex_of_pair},
    {"aten::Complex.bool_Tensor", op_complex_of_pair},
    {"aten::IntImplicit", op_int_implicit},
    {"aten::FloatImplicit", op_float_implicit},
    {"aten::ScalarImplicit", op_scalar_implicit},
    {"aten::ComplexImplicit", op_complex_implicit},
    {"aten::hash.generic", op_hash},
    {"aten::__range_length", op_range_length},
    {"aten::__derive_index", op_derive_index},
    {"aten::is_scripting", op_true},
    {"aten::is_autocast_enabled", op_false},
    {"aten::is_autocast_cpu_enabled", op_false},
    {"aten::_get_tracing_state", op_false},
    {"aten::has_torch_function", op_false},
    {"prim::id", op_id},
    {"prim::IfThenElse", op_if_then_else},
    {"aten::_infer_size", op_infer_size},
    {"aten::_size_if_not_equal", op_size_if_not_equal},
    {"aten::promote_types", op_promote_types},
    {"aten::can_cast", op_can_cast},
    {"aten::result_type.Scalar_Scalar", op_result_type_scalars},
    {NULL, NULL},
};
