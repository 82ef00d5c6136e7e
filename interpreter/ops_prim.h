/*
 * ops_prim.h: what the Python-semantics op files (ops_prim*.c) share:
 * torch's value printing (operator<< on IValues and tensors), the sort that
 * reproduces libstdc++'s std::sort exactly, and small argument helpers.
 * Only ops_prim*.c include this.
 */
#ifndef TSI_OPS_PRIM_H
#define TSI_OPS_PRIM_H

#include "interp_int.h"

/* Upper bound on elements/bytes an op may create from a repeat count or a
 * padding width: beyond it the op fails instead of allocating gigabytes. */
enum { PRIM_MAX_RESULT = 1 << 24 };

/* ------------------------------------------------------------ printing */

/* A value as torch's `std::ostream << IValue` prints it: what str(),
 * format() and print() show ("1.", "[a, b]" with strings unquoted, tensors
 * in ATen's table layout). */
void prim_str_of(StrBuf *sb, IValue v);
/* A double as `ostream << IValue(double)`: integral finite values as "2.",
 * others with 17 significant digits. */
void prim_format_double(StrBuf *sb, double d);
/* A tensor as ATen's printer shows it (NULL: undefined). The trailer names
 * the type "CPUFloatType" when printed through an IValue (str(), print())
 * and with the legacy "torch.FloatTensor" when streamed into an error
 * message (legacy_name). */
void prim_format_tensor(StrBuf *sb, const Tensor *t, bool legacy_name);
/* A value as a plain C++ stream prints the unboxed type (no IValue rules):
 * doubles with "%g", bools as 1/0, strings raw. Used where torch formats
 * an element of a typed list (e.g. "'3' is not in list"). */
void prim_stream_elem(StrBuf *sb, IValue v);
/* The C++ conversion static_cast<int64_t>(double) as x86-64 performs it:
 * NaN and out-of-range values give INT64_MIN. */
int64_t prim_double_to_i64(double d);

/* --------------------------------------------------------------- sort */

/* Strict "a < b" for the sort. Returns <0 on error (err set), else 0/1. */
typedef int (*PrimLess)(IValue a, IValue b, void *ctx, Err *err);
/* Sort items[0..n) with libstdc++'s introsort (same comparisons, same
 * result for inconsistent comparators such as NaN-aware ones). */
int prim_sort(IValue *items, size_t n, PrimLess less, void *ctx, Err *err);

/* ------------------------------------------------------------- helpers */

/* Argument i as an optional int: *has false when None. */
int prim_opt_int(const OpCall *c, int i, bool *has, int64_t *v, Err *err);
/* A new str result; TSI_ERR_NOMEM on failure. */
int prim_ret_str(OpCall *c, int k, const char *s, size_t len, Err *err);
/* The StrBuf as a str result (the buffer is freed). */
int prim_ret_sb(OpCall *c, int k, StrBuf *sb, Err *err);

#endif
