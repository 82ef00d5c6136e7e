/*
 * Unit tests for prim_sort (the libstdc++-compatible introsort behind the
 * list sorts): on many sizes and input patterns (random, sorted, reversed,
 * organ pipe, all equal, few distinct values, sawtooth) the result is
 * ordered and a permutation of the input; an always-true comparator (the
 * inconsistent NaN case) stays inside the array; a failing comparator
 * returns its error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter/ops_prim.h"

static int int_less(IValue a, IValue b, void *ctx, Err *err) {
    (void)err;
    if (ctx)
        ++*(long *)ctx;
    return a.u.i < b.u.i;
}

static int always_less(IValue a, IValue b, void *ctx, Err *err) {
    (void)a;
    (void)b;
    (void)ctx;
    (void)err;
    return 1;
}

static int failing_less(IValue a, IValue b, void *ctx, Err *err) {
    int *calls = ctx;
    if (++*calls == 5)
        return err_set(err, TSI_ERR_RUNTIME, "comparison failed"), -1;
    return a.u.i < b.u.i;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rng_state = 88172645463325252ULL;
static int64_t next_rand(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (int64_t)(rng_state >> 1);
}

static int64_t pattern(int kind, size_t i, size_t n) {
    switch (kind) {
    case 0: return next_rand() % 1000;
    case 1: return (int64_t)i;
    case 2: return (int64_t)(n - i);
    case 3: return (int64_t)(i < n / 2 ? i : n - i);
    case 4: return 7;
    case 5: return next_rand() % 3;
    default: return (int64_t)(i % 17);
    }
}

static void check_sorts(void **state) {
    (void)state;
    for (int kind = 0; kind < 7; kind++) {
        for (size_t n = 0; n < 700; n += n < 40 ? 1 : 37) {
            IValue *v = calloc(n + 1, sizeof *v);
            int64_t *ref = calloc(n + 1, sizeof *ref);
            assert_non_null(v);
            assert_non_null(ref);
            for (size_t i = 0; i < n; i++) {
                v[i] = iv_int(pattern(kind, i, n));
                ref[i] = v[i].u.i;
            }
            long calls = 0;
            Err err = {0};
            assert_int_equal(prim_sort(v, n, int_less, &calls, &err), TSI_OK);
            qsort(ref, n, sizeof *ref, cmp_i64);
            for (size_t i = 0; i < n; i++)
                assert_int_equal(v[i].u.i, ref[i]);
            /* introsort: O(n log n) comparisons even on bad patterns */
            assert_true(calls <= (long)(4 * n * 11 + 64));
            free(v);
            free(ref);
        }
    }
}

static void inconsistent_comparator_stays_in_bounds(void **state) {
    (void)state;
    for (size_t n = 0; n < 200; n += 7) {
        IValue *v = calloc(n + 1, sizeof *v);
        assert_non_null(v);
        for (size_t i = 0; i < n; i++)
            v[i] = iv_int((int64_t)i);
        Err err = {0};
        assert_int_equal(prim_sort(v, n, always_less, NULL, &err), TSI_OK);
        /* still a permutation of 0..n-1 */
        char *seen = calloc(n + 1, 1);
        assert_non_null(seen);
        for (size_t i = 0; i < n; i++) {
            assert_true(v[i].u.i >= 0 && (size_t)v[i].u.i < n);
            assert_false(seen[v[i].u.i]);
            seen[v[i].u.i] = 1;
        }
        free(seen);
        free(v);
    }
}

static void comparator_error_propagates(void **state) {
    (void)state;
    IValue v[50];
    for (int i = 0; i < 50; i++)
        v[i] = iv_int(50 - i);
    int calls = 0;
    Err err = {0};
    assert_int_equal(prim_sort(v, 50, failing_less, &calls, &err), TSI_ERR_RUNTIME);
    assert_string_equal(err.msg, "comparison failed");
    err_clear(&err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_sorts),
        cmocka_unit_test(inconsistent_comparator_stays_in_bounds),
        cmocka_unit_test(comparator_error_propagates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
