/* Unit tests for ir/schema.c: parse errors and their positions, the alias
 * annotation structure, fake vs real types, defaults, the registry's
 * lookups, and that no truncated or corrupted schema text crashes the
 * parser. (Print-back against torch is the conformance suite's job.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

/* Parse `text` into `arena`, failing the test on error. */
static FunctionSchema *parse_ok(Arena *arena, const char *text) {
    Err err = {0};
    FunctionSchema *s = ir_schema_parse(arena, text, &err);
    if (!s)
        fail_msg("parse of %s failed: %s", text, err.msg);
    err_clear(&err);
    return s;
}

static char *print_schema(const FunctionSchema *s) {
    StrBuf sb;
    sb_init(&sb);
    ir_schema_print(&sb, s);
    return sb_finish(&sb);
}

static Symbol alias_sym(const char *name) { return ir_sym_intern2("alias", name); }

/* ----------------------------------------------------------- registry */

static void *count_registry(void *arg) {
    *(int *)arg = ir_schemas_count();
    return NULL;
}

/* First use from several threads at once: one build, the same answer. */
static void test_registry_concurrent_init(void **state) {
    (void)state;
    pthread_t th[4];
    int counts[4] = {0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, count_registry, &counts[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(counts[i], counts[0]);
    assert_true(counts[0] > 2500);
    Err err = {0};
    assert_int_equal(ir_schemas_init(&err), TSI_OK);
    assert_null(err.msg);
}

static void test_registry_lookup(void **state) {
    (void)state;
    const FunctionSchema *add = ir_schema_find("aten::add", "Tensor");
    assert_non_null(add);
    assert_string_equal(add->name, "aten::add");
    assert_string_equal(add->overload, "Tensor");
    Symbol k = ir_sym_intern("aten::add");
    assert_int_equal(add->kind, k);
    int n = 0;
    const FunctionSchema *const *all = ir_schemas_for(k, &n);
    assert_true(n >= 4);
    bool found = false;
    /* registration order: increasing registry index */
    int last = -1;
    for (int i = 0; i < n; i++) {
        assert_int_equal(all[i]->kind, k);
        found |= all[i] == add;
        int at = -1;
        for (int j = 0; j < ir_schemas_count(); j++)
            if (ir_schema_at(j) == all[i])
                at = j;
        assert_true(at > last);
        last = at;
    }
    assert_true(found);
    /* the default overload is "" */
    const FunctionSchema *relu = ir_schema_find("aten::relu", "");
    assert_non_null(relu);
    assert_string_equal(relu->overload, "");
    assert_null(ir_schema_find("aten::add", "NoSuchOverload"));
    assert_null(ir_schema_find("aten::no_such_op", ""));
    assert_null(ir_schema_at(-1));
    assert_null(ir_schema_at(ir_schemas_count()));
    ir_schemas_for(ir_sym_intern("tsi_test::never_registered"), &n);
    assert_int_equal(n, 0);
    /* every schema is found under its own name and kind */
    for (int i = 0; i < ir_schemas_count(); i++) {
        const FunctionSchema *s = ir_schema_at(i);
        assert_ptr_equal(ir_schema_find(s->name, s->overload), s);
        assert_int_equal(s->kind, ir_sym_intern(s->name));
    }
}

/* ------------------------------------------------------------- errors */

typedef struct BadCase {
    const char *text;
    size_t pos;          /* offset of the token the error is about */
    const char *message; /* start of the message */
} BadCase;

static void test_parse_errors(void **state) {
    (void)state;
    static const BadCase cases[] = {
        {"aten::foo(int if) -> int", 14, "expected ident but found 'if' here"},
        {"aten::foo(Tensor x -> Tensor", 19, "expected ) but found 'arrow' here"},
        {"aten::foo(Tensr x) -> Tensor", 10, "unknown type specifier"},
        {"aten::foo(Tensor x) Tensor", 20, "expected arrow but found 'ident' here"},
        {"aten::foo(int x) -> int ]", 24, "expected eof but found ']' here"},
        {"aten::foo(int x) $ -> int", 17, "expected a valid token"},
        {"aten::foo(Tensor(a x) -> Tensor", 19, "expected ) but found 'ident' here"},
        {"aten::foo(int x=[1]) -> int", 16, "expected number but found '[' here"},
        {"aten::foo(int x=nope) -> int", 16, "invalid numeric default value"},
        {"aten::foo(str s=\"\\x41\") -> int", 16, "unsupported hex specifier"},
        {"aten::foo(..., int x) -> int", 15, "... must be the last element of the argument list"},
        {"aten::foo(int x=1, ...) -> int", 24, "schemas with vararg"},
        {"aten::foo.default(int x) -> int", 10, "default is not a legal overload name"},
        {"aten::foo", 0, "Tried to parse a function schema but only the operator name"},
        {"", 0, "expected ident but found 'eof' here"},
        {"aten::foo(int x=1, int y) -> int", 19, "Non-default positional argument follows"},
        {"aten::foo(Tensor[] x=[]) -> int", 21, "lists are only supported"},
        {"aten::foo(int[] x=[1.5]) -> int", 18, "default list element 0"},
        {"aten::foo(int[99999999999] x) -> int", 14, "fixed list size"},
    };
    for (size_t i = 0; i < TSI_ARRAY_LEN(cases); i++) {
        Arena arena;
        arena_init(&arena);
        Err err = {0};
        size_t pos = 12345;
        FunctionSchema *s = ir_schema_parse_pos(&arena, cases[i].text, &pos, &err);
        if (s)
            fail_msg("%s parsed", cases[i].text);
        assert_int_equal(err.code, TSI_ERR_FORMAT);
        if (strncmp(err.msg, cases[i].message, strlen(cases[i].message)))
            fail_msg("%s: message %s", cases[i].text, err.msg);
        if (pos != cases[i].pos)
            fail_msg("%s: position %zu, want %zu", cases[i].text, pos, cases[i].pos);
        err_clear(&err);
        arena_free(&arena);
    }
}

static void test_error_highlight(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    Err err = {0};
    assert_null(ir_schema_parse(&arena, "aten::foo(int if) -> int", &err));
    assert_string_equal(err.msg, "expected ident but found 'if' here:\n"
                                 "aten::foo(int if) -> int\n"
                                 "              ~~ <--- HERE");
    err_clear(&err);
    arena_free(&arena);
}

/* --------------------------------------------------- alias structure */

static void test_alias_inplace_and_out(void **state) {
    (void)state;
    const FunctionSchema *s = ir_schema_find("aten::add_", "Tensor");
    assert_non_null(s);
    assert_int_equal(s->nargs, 3);
    const AliasInfo *a = s->args[0].alias;
    assert_non_null(a);
    assert_true(a->is_write);
    assert_int_equal(a->nbefore, 1);
    assert_int_equal(a->before[0], alias_sym("a"));
    assert_int_equal(a->nafter, 1);
    assert_int_equal(a->after[0], alias_sym("a"));
    assert_int_equal(a->ncontained, 0);
    assert_null(s->args[1].alias);
    assert_false(s->args[0].is_out);
    assert_true(s->args[2].kwarg_only);
    assert_int_equal(s->nrets, 1);
    assert_non_null(s->rets[0].alias);
    assert_int_equal(s->rets[0].alias->before[0], alias_sym("a"));
    assert_string_equal(s->rets[0].name, "");

    const FunctionSchema *o = ir_schema_find("aten::abs", "out");
    assert_non_null(o);
    const Argument *out = &o->args[o->nargs - 1];
    assert_string_equal(out->name, "out");
    assert_true(out->kwarg_only);
    assert_true(out->is_out);
    assert_true(out->alias->is_write);
    assert_false(o->args[0].is_out);
}

static void test_alias_list_container(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(
        &arena, "x::f(Tensor(a!)[] self, Tensor[](b) v, Tensor(a)[](c) w, Tensor(d)[2] u) -> ()");
    /* Tensor(a!)[]: an empty container that copies is_write, the element
     * annotation inside */
    const AliasInfo *a = s->args[0].alias;
    assert_non_null(a);
    assert_int_equal(a->nbefore, 0);
    assert_int_equal(a->nafter, 0);
    assert_true(a->is_write);
    assert_int_equal(a->ncontained, 1);
    assert_int_equal(a->contained[0].nbefore, 1);
    assert_int_equal(a->contained[0].before[0], alias_sym("a"));
    assert_true(a->contained[0].is_write);
    /* Tensor[](b): the container's own set, no element annotation */
    a = s->args[1].alias;
    assert_int_equal(a->nbefore, 1);
    assert_int_equal(a->before[0], alias_sym("b"));
    assert_int_equal(a->ncontained, 0);
    /* both */
    a = s->args[2].alias;
    assert_int_equal(a->before[0], alias_sym("c"));
    assert_false(a->is_write);
    assert_int_equal(a->ncontained, 1);
    assert_int_equal(a->contained[0].before[0], alias_sym("a"));
    /* fixed-size list: same wrapping */
    a = s->args[3].alias;
    assert_int_equal(a->nbefore, 0);
    assert_int_equal(a->ncontained, 1);
    assert_int_equal(a->contained[0].before[0], alias_sym("d"));
    assert_int_equal(s->args[3].N, 2);
    arena_free(&arena);
}

static void test_alias_arrows_wildcards(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(&arena, "x::f(Tensor(a -> *) x, Tensor(a|b) y, Tensor(*) z, "
                                         "Tensor(a|a) w, Tensor! v) -> Tensor!");
    const AliasInfo *a = s->args[0].alias;
    assert_int_equal(a->nbefore, 1);
    assert_int_equal(a->before[0], alias_sym("a"));
    assert_int_equal(a->nafter, 1);
    assert_int_equal(a->after[0], alias_sym("*"));
    assert_false(a->is_write);
    a = s->args[1].alias; /* in the order written */
    assert_int_equal(a->nbefore, 2);
    assert_int_equal(a->before[0], alias_sym("a"));
    assert_int_equal(a->before[1], alias_sym("b"));
    assert_int_equal(s->args[2].alias->before[0], alias_sym("*"));
    assert_int_equal(s->args[3].alias->nbefore, 1); /* a set: no duplicates */
    /* Tensor!: a fresh set per parse, written, nothing after */
    a = s->args[4].alias;
    assert_int_equal(a->nbefore, 1);
    assert_int_equal(a->before[0], alias_sym("$0"));
    assert_int_equal(a->nafter, 0);
    assert_true(a->is_write);
    assert_int_equal(s->rets[0].alias->before[0], alias_sym("$1"));
    /* torch prints hash-set order: reversed; Tensor! keeps its odd form */
    char *text = print_schema(s);
    assert_string_equal(text, "x::f(Tensor(a -> *) x, Tensor(b|a) y, Tensor(*) z, Tensor(a) w, "
                              "Tensor($0! -> ) v) -> Tensor($1! -> )");
    free(text);
    /* the registry keeps torch's source order, so it prints torch's text */
    const FunctionSchema *cpu = ir_schema_find("aten::cpu", "");
    assert_non_null(cpu);
    a = cpu->rets[0].alias;
    assert_int_equal(a->nbefore, 2);
    assert_int_equal(a->before[0], alias_sym("a"));
    assert_int_equal(a->before[1], alias_sym("b"));
    text = print_schema(cpu);
    assert_string_equal(text, "aten::cpu(Tensor(a) self) -> Tensor(b|a)");
    free(text);
    arena_free(&arena);
}

/* Tuples, Future and Dict members lose their annotations, as in torch. */
static void test_alias_dropped_in_containers(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(&arena, "x::f((Tensor(a), Tensor(b)) x, Dict(str, Tensor(a)) y, "
                                         "Future(Tensor(a)) z, Dict(str, Tensor)(a!) w) -> ()");
    assert_null(s->args[0].alias);
    assert_null(s->args[1].alias);
    assert_null(s->args[2].alias);
    assert_non_null(s->args[3].alias);
    assert_true(s->args[3].alias->is_write);
    arena_free(&arena);
}

/* ------------------------------------------------------- fake vs real */

static void test_fake_and_real_types(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(
        &arena, "x::f(SymInt[] size, ScalarType? dtype, Layout l, MemoryFormat[]? m, Dimname d, "
                "ConstQuantizerPtr q, (ScalarType, SymInt) t, Dict(str, SymInt) dd, SymInt[2] k, "
                "Scalar s, Storage st) -> ScalarType");
    Type *i = type_int();
    assert_ptr_equal(s->args[0].type, type_list(i));
    assert_ptr_equal(s->args[0].real_type, type_list(type_of_kind(TY_SYMINT)));
    assert_ptr_equal(s->args[1].type, type_optional(i));
    assert_ptr_equal(s->args[1].real_type, type_optional(type_of_kind(TY_SCALARTYPE)));
    assert_ptr_equal(s->args[2].type, i);
    assert_ptr_equal(s->args[2].real_type, type_of_kind(TY_LAYOUT));
    assert_ptr_equal(s->args[3].type, type_optional(type_list(i)));
    assert_ptr_equal(s->args[3].real_type,
                     type_optional(type_list(type_of_kind(TY_MEMORYFORMAT))));
    /* Dimname and ConstQuantizerPtr are str and int even as written */
    assert_ptr_equal(s->args[4].type, type_str());
    assert_ptr_equal(s->args[4].real_type, type_str());
    assert_ptr_equal(s->args[5].real_type, i);
    /* members of containers are fake on both sides */
    Type *ii[2] = {i, i};
    assert_ptr_equal(s->args[6].type, type_tuple(2, ii));
    assert_ptr_equal(s->args[6].real_type, type_tuple(2, ii));
    assert_ptr_equal(s->args[7].real_type, type_dict(type_str(), i));
    assert_ptr_equal(s->args[8].real_type, type_list(type_of_kind(TY_SYMINT)));
    assert_int_equal(s->args[8].N, 2);
    assert_ptr_equal(s->args[9].type, type_number());
    assert_ptr_equal(s->args[10].type, type_of_kind(TY_STORAGE));
    assert_ptr_equal(s->rets[0].type, i);
    assert_ptr_equal(s->rets[0].real_type, type_of_kind(TY_SCALARTYPE));
    char *text = print_schema(s);
    assert_string_equal(text, "x::f(SymInt[] size, ScalarType? dtype, Layout l, MemoryFormat[]? m, "
                              "str d, int q, (int, int) t, Dict(str, int) dd, SymInt[2] k, "
                              "Scalar s, Storage st) -> ScalarType");
    free(text);
    arena_free(&arena);
}

static void test_type_vars_and_classes(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(&arena, "x::f(t[] l, t1 a, Future(t) f, "
                                         "__torch__.torch.classes.my.Thing c) -> RRef(t)");
    assert_ptr_equal(s->args[0].type, type_list(type_var("t")));
    assert_int_equal(s->args[1].type->kind, TY_VAR);
    assert_string_equal(s->args[1].type->name, "t1");
    assert_ptr_equal(s->args[2].type, type_future(type_var("t")));
    Type *c = s->args[3].type;
    assert_int_equal(c->kind, TY_CLASS);
    assert_string_equal(c->name, "__torch__.torch.classes.my.Thing");
    /* the same placeholder every time */
    FunctionSchema *s2 = parse_ok(&arena, "x::g(__torch__.torch.classes.my.Thing c) -> ()");
    assert_ptr_equal(s2->args[0].type, c);
    assert_ptr_equal(s->rets[0].type, type_rref(type_var("t")));
    arena_free(&arena);
}

/* ------------------------------------------------------------ defaults */

static void test_defaults(void **state) {
    (void)state;
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(
        &arena, "x::f(Tensor self, int[2] stride=1, int[] dims=[], float eps=1e-05, "
                "str mode=\"a\\tb\", ScalarType? dtype=None, MemoryFormat fmt=contiguous_format, "
                "int r=Mean, bool b=True, complex c=2.5j, Scalar alpha=1, float[] w=[1, 2.5], "
                "Device dev=\"cuda:1\", int[1] one=[3]) -> Tensor");
    assert_int_equal(s->args[0].default_value.tag, IV_INVALID);
    IValue v = s->args[1].default_value;
    assert_int_equal(v.tag, IV_LIST);
    assert_int_equal(v.u.l->len, 2);
    assert_int_equal(v.u.l->items[1].u.i, 1);
    assert_ptr_equal(v.u.l->elem, type_int());
    assert_int_equal(s->args[2].default_value.u.l->len, 0);
    assert_int_equal(s->args[3].default_value.tag, IV_DOUBLE);
    assert_true(s->args[3].default_value.u.d == 1e-05);
    v = s->args[4].default_value;
    assert_int_equal(v.tag, IV_STR);
    assert_string_equal(v.u.s->data, "a\tb");
    assert_int_equal(s->args[5].default_value.tag, IV_NONE);
    assert_int_equal(s->args[6].default_value.u.i, 0);
    assert_int_equal(s->args[7].default_value.u.i, 1);
    assert_true(s->args[8].default_value.u.b);
    v = s->args[9].default_value;
    assert_int_equal(v.tag, IV_COMPLEX);
    assert_true(v.u.c->re == 0.0 && v.u.c->im == 2.5);
    assert_int_equal(s->args[10].default_value.tag, IV_INT);
    v = s->args[11].default_value;
    assert_int_equal(v.u.l->items[0].tag, IV_DOUBLE);
    assert_int_equal(s->args[12].default_value.tag, IV_DEVICE);
    assert_int_equal(s->args[12].default_value.u.dev.index, 1);
    /* pinned: retain/release do nothing harmful */
    iv_retain(s->args[4].default_value);
    iv_release(s->args[4].default_value);
    iv_release(s->args[4].default_value);
    char *text = print_schema(s);
    assert_string_equal(text,
                        "x::f(Tensor self, int[2] stride=1, int[] dims=[], "
                        "float eps=1.0000000000000001e-05, str mode=\"a\\tb\", "
                        "ScalarType? dtype=None, MemoryFormat fmt=0, int r=1, bool b=True, "
                        "complex c=0.+2.5j, Scalar alpha=1, float[] w=[1., 2.5], Device dev=cuda:1, "
                        "int[1] one=[3]) -> Tensor");
    free(text);
    arena_free(&arena);
}

static void test_returns_and_varargs(void **state) {
    (void)state;
    static const char *const texts[] = {
        "x::f(Tensor self, int dim) -> (Tensor values, Tensor indices)",
        "x::f(Tensor self) -> ()",
        "x::f(...) -> ...",
        "x::f(int a, ...) -> (int, ...)",
        "x::f(Dict(str, t) self) -> ((str, t)[])",
        "x::f(int x) -> ((int, int))",
        "x::f(int x) -> int y",
        "x::f(int x, *, int y, int z=2) -> int[]",
    };
    for (size_t i = 0; i < TSI_ARRAY_LEN(texts); i++) {
        Arena arena;
        arena_init(&arena);
        FunctionSchema *s = parse_ok(&arena, texts[i]);
        char *text = print_schema(s);
        assert_string_equal(text, texts[i]);
        free(text);
        arena_free(&arena);
    }
    Arena arena;
    arena_init(&arena);
    FunctionSchema *s = parse_ok(&arena, texts[0]);
    assert_int_equal(s->nrets, 2);
    assert_string_equal(s->rets[1].name, "indices");
    s = parse_ok(&arena, texts[3]);
    assert_true(s->is_vararg);
    assert_true(s->is_varret);
    assert_int_equal(s->nrets, 1);
    s = parse_ok(&arena, texts[4]);
    assert_int_equal(s->nrets, 1);
    assert_int_equal(s->rets[0].type->kind, TY_LIST);
    arena_free(&arena);
}

/* ----------------------------------------------------------- robustness */

/* Every prefix of a few hundred registry schemas, and single-character
 * corruptions of some: never a crash (the ASan build runs this too), and a
 * failure is always a FORMAT error at an offset inside the text. */
static void test_truncations_and_corruptions(void **state) {
    (void)state;
    int n = ir_schemas_count();
    int step = n / 400 > 0 ? n / 400 : 1;
    static const char junk[] = ")([]\"\\!|?*.,-=>x0";
    for (int i = 0; i < n; i += step) {
        char *text = print_schema(ir_schema_at(i));
        size_t len = strlen(text);
        char *buf = malloc(len + 1);
        assert_non_null(buf);
        for (size_t cut = 0; cut <= len; cut++) {
            memcpy(buf, text, cut);
            buf[cut] = 0;
            Arena arena;
            arena_init(&arena);
            Err err = {0};
            size_t pos = 0;
            FunctionSchema *s = ir_schema_parse_pos(&arena, buf, &pos, &err);
            if (!s) {
                assert_int_equal(err.code, TSI_ERR_FORMAT);
                assert_true(pos <= cut);
                assert_non_null(err.msg);
            }
            err_clear(&err);
            arena_free(&arena);
        }
        if (i % (step * 8) == 0) {
            for (size_t at = 0; at < len; at++) {
                for (size_t j = 0; j < sizeof junk - 1; j++) {
                    memcpy(buf, text, len + 1);
                    buf[at] = junk[j];
                    Arena arena;
                    arena_init(&arena);
                    Err err = {0};
                    if (!ir_schema_parse(&arena, buf, &err))
                        assert_true(err.code == TSI_ERR_FORMAT || err.code == TSI_ERR_LIMIT);
                    err_clear(&err);
                    arena_free(&arena);
                }
            }
        }
        free(buf);
        free(text);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_concurrent_init),
        cmocka_unit_test(test_registry_lookup),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_error_highlight),
        cmocka_unit_test(test_alias_inplace_and_out),
        cmocka_unit_test(test_alias_list_container),
        cmocka_unit_test(test_alias_arrows_wildcards),
        cmocka_unit_test(test_alias_dropped_in_containers),
        cmocka_unit_test(test_fake_and_real_types),
        cmocka_unit_test(test_type_vars_and_classes),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_returns_and_varargs),
        cmocka_unit_test(test_truncations_and_corruptions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
