/*
 * Unit tests for the tensor core: storage ownership, the geometry gate for
 * untrusted metadata, views, layout predicates, copy/convert and the
 * iterator. Numeric agreement with torch is the conformance suite's job
 * (test/conformance); these check invariants of our own structures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"

static int released;
static void count_release(void *ctx, void *data) {
    (void)ctx;
    (void)data;
    released++;
}

static void test_storage_ownership(void **state) {
    (void)state;
    static float buf[12];
    released = 0;
    Storage *s = storage_wrap(buf, sizeof buf, count_release, NULL, NULL);
    int64_t sz[2] = {3, 4}, st[2] = {4, 1};
    Tensor *t = tensor_from_storage(s, TSI_DTYPE_FLOAT32, 0, 2, sz, st, NULL);
    assert_non_null(t);
    storage_release(s);
    assert_int_equal(released, 0);
    Tensor *v = tensor_alias(t, NULL);
    tensor_release(t);
    assert_int_equal(released, 0);
    tensor_release(v);
    assert_int_equal(released, 1);
}

static void test_geometry_gate(void **state) {
    (void)state;
    Err e = {0};
    Storage *s = storage_new(6 * 4, &e);
    int64_t sz[2] = {2, 3}, st[2] = {3, 1};
    Tensor *t = tensor_from_storage(s, TSI_DTYPE_FLOAT32, 0, 2, sz, st, &e);
    assert_non_null(t);
    tensor_release(t);
    /* one element past the end */
    assert_null(tensor_from_storage(s, TSI_DTYPE_FLOAT32, 1, 2, sz, st, &e));
    assert_int_equal(e.code, TSI_ERR_FORMAT);
    /* element size larger than the storage allows */
    assert_null(tensor_from_storage(s, TSI_DTYPE_FLOAT64, 0, 2, sz, st, &e));
    /* negative size, negative stride, overflow */
    int64_t neg[2] = {-1, 3}, negst[2] = {-3, 1}, huge[2] = {INT64_MAX, 2};
    assert_null(tensor_from_storage(s, TSI_DTYPE_FLOAT32, 0, 2, neg, st, &e));
    assert_null(tensor_from_storage(s, TSI_DTYPE_FLOAT32, 0, 2, sz, negst, &e));
    assert_null(tensor_from_storage(s, TSI_DTYPE_FLOAT32, 0, 2, huge, st, &e));
    /* rank and dtype limits */
    int64_t many[TSI_MAX_DIM + 1] = {0};
    assert_null(tensor_from_storage(s, TSI_DTYPE_FLOAT32, 0, TSI_MAX_DIM + 1, many, many, &e));
    assert_null(tensor_from_storage(s, (DType)9, 0, 2, sz, st, &e));
    /* empty tensors may sit at the end of the storage */
    int64_t zsz[2] = {0, 3};
    t = tensor_from_storage(s, TSI_DTYPE_FLOAT32, 6, 2, zsz, st, &e);
    assert_non_null(t);
    tensor_release(t);
    storage_release(s);
    err_clear(&e);
}

static void test_layout(void **state) {
    (void)state;
    int64_t sz[3] = {2, 3, 4};
    Tensor *t = tensor_empty(TSI_DTYPE_FLOAT32, 3, sz, NULL);
    assert_true(tensor_is_contiguous(t));
    assert_int_equal(t->strides[0], 12);
    int64_t tsz[3] = {2, 4, 3}, tst[3] = {12, 1, 4};
    Tensor *tr = tensor_make_view(t, 3, tsz, tst, 0, NULL);
    assert_false(tensor_is_contiguous(tr));
    assert_true(tensor_is_non_overlapping_and_dense(tr));
    int64_t esz[3] = {2, 3, 4}, est[3] = {0, 4, 1};
    Tensor *ex = tensor_make_view(t, 3, esz, est, 0, NULL);
    assert_false(tensor_is_non_overlapping_and_dense(ex));
    /* clone keeps a dense permuted layout */
    Tensor *c = tensor_clone(tr, NULL);
    assert_memory_equal(c->strides, tst, sizeof tst);
    tensor_release(c);
    c = tensor_contiguous(tr, NULL);
    assert_true(tensor_is_contiguous(c));
    tensor_release(c);
    tensor_release(ex);
    tensor_release(tr);
    tensor_release(t);
}

static void test_copy_convert(void **state) {
    (void)state;
    int64_t sz[2] = {3, 5};
    Tensor *a = tensor_empty(TSI_DTYPE_INT64, 2, sz, NULL);
    int64_t idx[2];
    for (idx[0] = 0; idx[0] < 3; idx[0]++)
        for (idx[1] = 0; idx[1] < 5; idx[1]++)
            tensor_set(a, idx, scalar_int(idx[0] * 5 + idx[1] - 7));
    DType dts[] = {TSI_DTYPE_FLOAT32, TSI_DTYPE_FLOAT64, TSI_DTYPE_INT32, TSI_DTYPE_INT16,
                   TSI_DTYPE_INT8, TSI_DTYPE_FLOAT16, TSI_DTYPE_BFLOAT16};
    for (size_t k = 0; k < sizeof dts / sizeof dts[0]; k++) {
        Tensor *b = tensor_to(a, dts[k], false, NULL);
        Tensor *back = tensor_to(b, TSI_DTYPE_INT64, false, NULL);
        assert_true(tensor_equal(a, back));
        tensor_release(b);
        tensor_release(back);
    }
    /* broadcast a row into every row of a transposed destination */
    int64_t rsz[1] = {3};
    Tensor *row = tensor_empty(TSI_DTYPE_FLOAT32, 1, rsz, NULL);
    for (idx[0] = 0; idx[0] < 3; idx[0]++)
        tensor_set(row, idx, scalar_float((double)idx[0] + 0.5));
    int64_t dsz[2] = {5, 3};
    Tensor *base = tensor_empty(TSI_DTYPE_FLOAT64, 2, sz, NULL);
    int64_t tst[2] = {1, 5};
    Tensor *d = tensor_make_view(base, 2, dsz, tst, 0, NULL);
    assert_int_equal(tensor_copy_(d, row, NULL), TSI_OK);
    for (idx[0] = 0; idx[0] < 5; idx[0]++)
        for (idx[1] = 0; idx[1] < 3; idx[1]++)
            assert_true(tensor_get(d, idx).f == (double)idx[1] + 0.5);
    Err e = {0};
    int64_t bad[1] = {4};
    Tensor *wrong = tensor_empty(TSI_DTYPE_FLOAT32, 1, bad, NULL);
    assert_int_equal(tensor_copy_(d, wrong, &e), TSI_ERR_VALUE);
    err_clear(&e);
    tensor_release(wrong);
    tensor_release(d);
    tensor_release(base);
    tensor_release(row);
    tensor_release(a);
}

static void test_half_roundtrip(void **state) {
    (void)state;
    for (uint32_t h = 0; h < 65536; h++) {
        float f = half_to_float((uint16_t)h);
        if (isnan(f))
            continue;
        assert_int_equal(float_to_half(f), h);
        uint16_t b = (uint16_t)h;
        float g = bf16_to_float(b);
        if (!isnan(g))
            assert_int_equal(float_to_bf16(g), b);
    }
}

typedef struct { int64_t count; double sum; } SumCtx;
static void sum_loop(char **data, const int64_t *strides, int64_t n, void *vctx) {
    SumCtx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        c->sum += *(float *)(data[1] + i * strides[1]);
        c->count++;
    }
}

static void test_iterator(void **state) {
    (void)state;
    int64_t sz[3] = {4, 5, 6};
    Tensor *t = tensor_empty(TSI_DTYPE_FLOAT32, 3, sz, NULL);
    float *p = tensor_data(t);
    for (int i = 0; i < 120; i++)
        p[i] = (float)i;
    /* a permuted, sliced view: every other element along the last dim */
    int64_t vsz[3] = {6, 5, 2}, vst[3] = {1, 6, 60};
    Tensor *v = tensor_make_view(t, 3, vsz, vst, 0, NULL);
    Tensor *out = tensor_empty(TSI_DTYPE_FLOAT32, 3, vsz, NULL);
    TensorIter it;
    const Tensor *ops[2] = {out, v};
    assert_int_equal(iter_init(&it, 2, ops, NULL), TSI_OK);
    assert_int_equal(it.numel, 60);
    /* ranges split anywhere must cover every element once */
    for (int64_t split = 0; split <= 60; split += 7) {
        SumCtx c = {0, 0};
        iter_run_range(&it, 0, split, sum_loop, &c);
        iter_run_range(&it, split, 60, sum_loop, &c);
        assert_int_equal(c.count, 60);
        double expect = 0;
        for (int a = 0; a < 4; a += 2)
            for (int b = 0; b < 5; b++)
                for (int cc = 0; cc < 6; cc++)
                    expect += a * 30 + b * 6 + cc;
        assert_true(c.sum == expect);
    }
    tensor_release(out);
    tensor_release(v);
    tensor_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_storage_ownership), cmocka_unit_test(test_geometry_gate),
        cmocka_unit_test(test_layout),            cmocka_unit_test(test_copy_convert),
        cmocka_unit_test(test_half_roundtrip),    cmocka_unit_test(test_iterator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
