/* Unit tests for base/: errors, arenas, vectors, strings, maps, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void test_err(void **state) {
    (void)state;
    Err e = {0};
    assert_int_equal(err_set(&e, TSI_ERR_FORMAT, "bad %s at %d", "byte", 7), TSI_ERR_FORMAT);
    assert_string_equal(e.msg, "bad byte at 7");
    err_prefix(&e, "m.pt: %s", "data.pkl");
    assert_string_equal(e.msg, "m.pt: data.pkl: bad byte at 7");
    err_append(&e, " (%d)", 3);
    assert_string_equal(e.msg, "m.pt: data.pkl: bad byte at 7 (3)");
    Err f = {0};
    err_move(&f, &e);
    assert_null(e.msg);
    assert_int_equal(f.code, TSI_ERR_FORMAT);
    err_clear(&f);
    assert_int_equal(f.code, 0);
    assert_int_equal(err_set(NULL, TSI_ERR_IO, "x"), TSI_ERR_IO);
}

static void test_arena(void **state) {
    (void)state;
    Arena a;
    arena_init(&a);
    for (int i = 0; i < 10000; i++) {
        int *p = arena_alloc(&a, sizeof(int) * 10);
        assert_non_null(p);
        assert_int_equal(((uintptr_t)p) % 16, 0);
        assert_int_equal(p[9], 0);
        p[9] = i;
    }
    char *big = arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    assert_string_equal(arena_sprintf(&a, "%s-%d", "x", 4), "x-4");
    assert_null(arena_alloc_array(&a, SIZE_MAX / 2, 4));
    arena_free(&a);
}

static void test_vec_sb(void **state) {
    (void)state;
    VEC(int) v = {0};
    for (int i = 0; i < 1000; i++)
        assert_true(vec_push(&v, i));
    assert_int_equal(v.len, 1000);
    assert_int_equal(vec_last(&v), 999);
    vec_free(&v);
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, "ab");
    sb_printf(&sb, "%d", 42);
    sb_indent(&sb, 2);
    sb_putc(&sb, '!');
    assert_string_equal(sb_cstr(&sb), "ab42  !");
    sb_truncate(&sb, 2);
    char *s = sb_finish(&sb);
    assert_string_equal(s, "ab");
    free(s);
}

static void test_hmap(void **state) {
    (void)state;
    HMap m;
    hmap_init_str(&m);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_true(hmap_put(&m, key, (void *)(intptr_t)(i + 1)));
    }
    for (int i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof key, "k%d", i);
        assert_true(hmap_remove(&m, key));
    }
    assert_int_equal(m.len, 2500);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        void *v = hmap_get(&m, key);
        if (i % 2)
            assert_int_equal((intptr_t)v, i + 1);
        else
            assert_null(v);
    }
    size_t it = 0, n = 0;
    while (hmap_next(&m, &it, NULL, NULL))
        n++;
    assert_int_equal(n, 2500);
    hmap_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err),      cmocka_unit_test(test_arena),
        cmocka_unit_test(test_vec_sb),   cmocka_unit_test(test_hmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
