/* Unit tests for serialize/: the annotation type parser and invariants of
 * the unpickler (memo identity, storage sharing and bounds, integer and
 * float decoding, byte order, depth limit, cycle refusal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serialize/serialize.h"

/* ------------------------------------------------------------ types */

static void test_type_roundtrip(void **state) {
    (void)state;
    const char *cases[] = {
        "List[str]", "Dict[str, Tensor]", "Optional[int]", "Tuple[int, str]", "Tuple[()]",
        "List[List[Optional[float]]]", "Dict[int, Tuple[Tensor, bool]]", "Future[int]",
        "Device", "Any", "NoneType", "complex", "List[Dict[str, List[int]]]",
        "Optional[Tuple[int, int]]",
    };
    for (size_t i = 0; i < TSI_ARRAY_LEN(cases); i++) {
        Err err = {0};
        Type *t = pkl_parse_type_annotation(cases[i], strlen(cases[i]), NULL, NULL, &err);
        assert_non_null(t);
        StrBuf sb;
        sb_init(&sb);
        type_annotation(&sb, t);
        assert_string_equal(sb_cstr(&sb), cases[i]);
        sb_free(&sb);
    }
    /* interned: the same text gives the same type */
    Err err = {0};
    assert_ptr_equal(pkl_parse_type_annotation("List[int]", 9, NULL, NULL, &err),
                     type_list(type_int()));
    assert_ptr_equal(pkl_parse_type_annotation(" Dict[ str ,int ] ", 18, NULL, NULL, &err),
                     type_dict(type_str(), type_int()));
}

static void test_type_errors(void **state) {
    (void)state;
    const char *bad[] = {"List[", "List[int", "Dict[int]", "List[int]]", "", "List[]",
                         "__torch__.Foo", "int[", "Optional[int, str]", "1nt"};
    for (size_t i = 0; i < TSI_ARRAY_LEN(bad); i++) {
        Err err = {0};
        assert_null(pkl_parse_type_annotation(bad[i], strlen(bad[i]), NULL, NULL, &err));
        assert_int_not_equal(err.code, TSI_OK);
        assert_non_null(err.msg);
        err_clear(&err);
    }
    /* nesting is bounded */
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < 1000; i++)
        sb_puts(&sb, "List[");
    sb_puts(&sb, "int");
    for (int i = 0; i < 1000; i++)
        sb_putc(&sb, ']');
    Err err = {0};
    assert_null(pkl_parse_type_annotation(sb.data, sb.len, NULL, NULL, &err));
    assert_non_null(strstr(err.msg, "too deeply"));
    err_clear(&err);
    sb_free(&sb);
}

static Type *resolve_name(void *ctx, const char *q, Err *err) {
    (void)err;
    return ir_cu_find_type(ctx, q) ? ir_cu_find_type(ctx, q) : ir_cu_new_class(ctx, q, false);
}

static void test_type_classes(void **state) {
    (void)state;
    CompilationUnit *cu = ir_cu_new();
    Err err = {0};
    const char *s = "Dict[str, __torch__.a.B]";
    Type *t = pkl_parse_type_annotation(s, strlen(s), resolve_name, cu, &err);
    assert_non_null(t);
    assert_int_equal(t->elems[1]->kind, TY_CLASS);
    assert_string_equal(t->elems[1]->name, "__torch__.a.B");
    ir_cu_release(cu);
}

/* ------------------------------------------------------------ pickles */

/* Append a byte-string literal (NULs included). */
#define APPEND(sb, lit) sb_putn((sb), (lit), sizeof(lit) - 1)

typedef struct Records {
    uint8_t data[64];
    int reads;
} Records;

static Storage *read_rec(void *ctx, const char *name, Err *err) {
    Records *r = ctx;
    if (strcmp(name, "data/0") && strcmp(name, "data/1")) {
        err_set(err, TSI_ERR_FORMAT, "missing record '%s'", name);
        return NULL;
    }
    r->reads++;
    return storage_wrap(r->data, sizeof r->data, storage_release_none, NULL, err);
}


static void put_str(StrBuf *sb, const char *s) {
    uint32_t n = (uint32_t)strlen(s);
    sb_putc(sb, 'X');
    for (int i = 0; i < 4; i++)
        sb_putc(sb, (char)((n >> (8 * i)) & 0xff));
    sb_puts(sb, s);
}

/* ('storage', <dtype>, key, 'cpu', numel) BINPERSID */
static void put_pid(StrBuf *sb, const char *storage_type, const char *key, int numel) {
    sb_puts(sb, "(");
    put_str(sb, "storage");
    sb_printf(sb, "ctorch\n%s\n", storage_type);
    put_str(sb, key);
    put_str(sb, "cpu");
    sb_putc(sb, 'K');
    sb_putc(sb, (char)numel);
    sb_puts(sb, "tQ");
}

/* _rebuild_tensor_v2(storage, offset, (size,), (1,), False, OrderedDict()) */
static void put_tensor(StrBuf *sb, const char *stype, const char *key, int numel, int offset,
                       int size) {
    sb_puts(sb, "ctorch._utils\n_rebuild_tensor_v2\n(");
    put_pid(sb, stype, key, numel);
    sb_putc(sb, 'K');
    sb_putc(sb, (char)offset);
    APPEND(sb, "K");
    sb_putc(sb, (char)size);
    APPEND(sb, "\x85" "K\x01\x85" "\x89" "ccollections\nOrderedDict\n)Rt" "R");
}

static int load(StrBuf *sb, Records *recs, PklOptions *o, IValue *out, Err *err) {
    PklOptions d;
    if (!o) {
        pkl_default_options(&d);
        o = &d;
    }
    o->read_record = read_rec;
    o->record_ctx = recs;
    o->name = "t.pkl";
    return pkl_load(sb->data, sb->len, o, out, err);
}

static void test_ints_and_floats(void **state) {
    (void)state;
    StrBuf sb;
    sb_init(&sb);
    APPEND(&sb, "\x80\x02(");
    APPEND(&sb, "K\xff");                                     /* 255 */
    APPEND(&sb, "M\x00\x01");                                 /* 256 */
    APPEND(&sb, "J\xff\xff\xff\xff");                         /* -1 */
    APPEND(&sb, "\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80"); /* INT64_MIN */
    APPEND(&sb, "\x8a\x03\x00\x00\x80");                      /* -8388608 */
    APPEND(&sb, "\x8a\x00");                                  /* 0 */
    APPEND(&sb, "G\xc0\x04\x00\x00\x00\x00\x00\x00");         /* -2.5 */
    APPEND(&sb, "\x8d\x03\x00\x00\x00\x00\x00\x00\x00" "abc");  /* BINUNICODE8 */
    APPEND(&sb, "t.");
    IValue v;
    Err err = {0};
    assert_int_equal(load(&sb, NULL, NULL, &v, &err), TSI_OK);
    assert_int_equal(v.tag, IV_TUPLE);
    IValue *it = v.u.tup->items;
    assert_int_equal(it[0].u.i, 255);
    assert_int_equal(it[1].u.i, 256);
    assert_int_equal(it[2].u.i, -1);
    assert_true(it[3].u.i == INT64_MIN);
    assert_int_equal(it[4].u.i, -8388608);
    assert_int_equal(it[5].u.i, 0);
    assert_true(it[6].u.d == -2.5);
    assert_string_equal(it[7].u.s->data, "abc");
    iv_release(v);
    sb_free(&sb);
}

static void test_memo_identity(void **state) {
    (void)state;
    StrBuf sb;
    sb_init(&sb);
    /* l = []; (l, l) with the list memoized */
    APPEND(&sb, "\x80\x02](K\x01" "eq\x00h\x00\x86.");
    IValue v;
    Err err = {0};
    assert_int_equal(load(&sb, NULL, NULL, &v, &err), TSI_OK);
    assert_ptr_equal(v.u.tup->items[0].u.l, v.u.tup->items[1].u.l);
    assert_int_equal(atomic_load(&v.u.tup->items[0].u.l->h.refs), 2);
    iv_release(v);
    sb_free(&sb);
}

static void test_storages_shared_and_bounded(void **state) {
    (void)state;
    Records recs = {0};
    for (int i = 0; i < 64; i++)
        recs.data[i] = (uint8_t)i;
    StrBuf sb;
    sb_init(&sb);
    APPEND(&sb, "\x80\x02(");
    put_tensor(&sb, "FloatStorage", "0", 4, 0, 4);
    put_tensor(&sb, "FloatStorage", "0", 4, 1, 2); /* same key: same storage */
    put_tensor(&sb, "FloatStorage", "1", 0, 0, 0); /* empty: no record read */
    APPEND(&sb, "t.");
    IValue v;
    Err err = {0};
    int rc = load(&sb, &recs, NULL, &v, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, TSI_OK);
    assert_int_equal(recs.reads, 1);
    Tensor *a = v.u.tup->items[0].u.t, *b = v.u.tup->items[1].u.t, *c = v.u.tup->items[2].u.t;
    assert_ptr_equal(a->storage, b->storage);
    /* the storage is exactly numel elements long, sharing the record */
    assert_int_equal(a->storage->nbytes, 16);
    assert_ptr_equal(a->storage->data, recs.data);
    assert_int_equal(b->offset, 1);
    assert_int_equal(c->storage->nbytes, 0);
    iv_release(v);

    /* a view past numel is refused even though the record is longer */
    sb_truncate(&sb, 0);
    APPEND(&sb, "\x80\x02");
    put_tensor(&sb, "FloatStorage", "0", 4, 2, 4);
    APPEND(&sb, ".");
    assert_int_not_equal(load(&sb, &recs, NULL, &v, &err), TSI_OK);
    assert_non_null(strstr(err.msg, "storage has 16 bytes"));
    err_clear(&err);

    /* numel beyond the record */
    sb_truncate(&sb, 0);
    APPEND(&sb, "\x80\x02");
    put_tensor(&sb, "DoubleStorage", "0", 9, 0, 1);
    APPEND(&sb, ".");
    assert_int_not_equal(load(&sb, &recs, NULL, &v, &err), TSI_OK);
    assert_non_null(strstr(err.msg, "declares 9 elements"));
    err_clear(&err);
    sb_free(&sb);
}

static void test_big_endian(void **state) {
    (void)state;
    Records recs = {0};
    recs.data[0] = 0x01;
    recs.data[1] = 0x02;
    StrBuf sb;
    sb_init(&sb);
    APPEND(&sb, "\x80\x02");
    put_tensor(&sb, "ShortStorage", "0", 1, 0, 1);
    APPEND(&sb, ".");
    PklOptions o;
    pkl_default_options(&o);
    o.big_endian = true;
    IValue v;
    Err err = {0};
    assert_int_equal(load(&sb, &recs, &o, &v, &err), TSI_OK);
    int16_t x;
    memcpy(&x, tensor_data(v.u.t), 2);
    assert_int_equal(x, 0x0102);
    assert_int_equal(recs.data[0], 0x01); /* the record itself is untouched */
    iv_release(v);
    sb_free(&sb);
}

static void test_depth_and_cycles(void **state) {
    (void)state;
    StrBuf sb;
    sb_init(&sb);
    APPEND(&sb, "\x80\x02)");
    for (int i = 0; i < 20; i++)
        sb_putc(&sb, '\x85');
    sb_putc(&sb, '.');
    PklOptions o;
    pkl_default_options(&o);
    o.max_depth = 10;
    IValue v;
    Err err = {0};
    assert_int_equal(load(&sb, NULL, &o, &v, &err), TSI_ERR_LIMIT);
    err_clear(&err);
    o.max_depth = 21;
    assert_int_equal(load(&sb, NULL, &o, &v, &err), TSI_OK);
    iv_release(v);

    /* d = {}; l = [d]; d['k'] = l  -- refused: d is already nested */
    sb_truncate(&sb, 0);
    APPEND(&sb, "\x80\x02}q\x00](h\x00" "eq\x01h\x00");
    put_str(&sb, "k");
    APPEND(&sb, "h\x01" "s.");
    assert_int_not_equal(load(&sb, NULL, NULL, &v, &err), TSI_OK);
    assert_non_null(strstr(err.msg, "cycles"));
    err_clear(&err);
    sb_free(&sb);
}

static void test_classes_need_hooks(void **state) {
    (void)state;
    StrBuf sb;
    sb_init(&sb);
    APPEND(&sb, "\x80\x02" "c__torch__\nM\n)\x81" "}b.");
    IValue v;
    Err err = {0};
    assert_int_not_equal(load(&sb, NULL, NULL, &v, &err), TSI_OK);
    err_clear(&err);
    CompilationUnit *cu = ir_cu_new();
    PklGenericClasses g;
    pkl_generic_classes_init(&g, cu);
    PklClassHooks h;
    pkl_generic_class_hooks(&g, &h);
    PklOptions o;
    pkl_default_options(&o);
    o.classes = &h;
    assert_int_equal(load(&sb, NULL, &o, &v, &err), TSI_OK);
    assert_int_equal(v.tag, IV_OBJECT);
    assert_string_equal(v.u.obj->cls->name, "__torch__.M");
    iv_release(v);
    pkl_generic_classes_free(&g);
    ir_cu_release(cu);
    sb_free(&sb);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_roundtrip),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_type_classes),
        cmocka_unit_test(test_ints_and_floats),
        cmocka_unit_test(test_memo_identity),
        cmocka_unit_test(test_storages_shared_and_bounded),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_depth_and_cycles),
        cmocka_unit_test(test_classes_need_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
