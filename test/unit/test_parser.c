/*
 * Unit tests for the frontend lexer/parser: the fields of AST nodes are
 * filled as ast.h documents, errors carry the right codes and positions.
 * (The tree shape against Python's ast is checked by
 * test/conformance/test_parser.py; error texts by test/parser/bad/.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/parse.h"

static AstModule *parse_ok(const char *src) {
    Err err = {0};
    AstModule *m = NULL;
    int rc = fe_parse(src, strlen(src), "t.py", 1, &m, &err);
    if (rc != TSI_OK)
        fail_msg("parse failed: %s", err.msg);
    assert_non_null(m);
    return m;
}

/* Parse src expecting failure; returns the owned message. */
static char *parse_err(const char *src, int code) {
    Err err = {0};
    AstModule *m = (AstModule *)1;
    int rc = fe_parse(src, strlen(src), "t.py", 1, &m, &err);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_null(m);
    assert_non_null(err.msg);
    char *msg = err.msg;
    err.msg = NULL;
    return msg;
}

static Ast *stmt(AstModule *m, int i) {
    assert_true(i < m->body.n);
    return m->body.items[i];
}

/* The value of `x = <expr>` statement i. */
static Ast *rhs(AstModule *m, int i) {
    Ast *s = stmt(m, i);
    assert_int_equal(s->kind, AST_ASSIGN);
    return s->a;
}

static void test_def_fields(void **state) {
    (void)state;
    AstModule *m = parse_ok("@torch.jit.export\n"
                            "def f(self, x: Tensor, n: int = 3, *, k: float = 1.5) -> Tensor:\n"
                            "    return x\n");
    Ast *d = stmt(m, 0);
    assert_int_equal(d->kind, AST_DEF);
    assert_string_equal(d->name, "f");
    assert_int_equal(d->list2.n, 1); /* decorators */
    assert_int_equal(d->list2.items[0]->kind, AST_ATTR);
    assert_string_equal(d->list2.items[0]->name, "export");
    assert_int_equal(d->nparams, 4);
    assert_string_equal(d->params[0].name, "self");
    assert_null(d->params[0].annotation);
    assert_string_equal(d->params[1].name, "x");
    assert_int_equal(d->params[1].annotation->kind, AST_IDENT);
    assert_string_equal(d->params[1].annotation->name, "Tensor");
    assert_int_equal(d->params[2].default_value->kind, AST_INT);
    assert_int_equal(d->params[2].default_value->ival, 3);
    assert_false(d->params[2].kwonly);
    assert_true(d->params[3].kwonly);
    assert_true(d->params[3].default_value->fval == 1.5);
    assert_int_equal(d->a->kind, AST_IDENT); /* return annotation */
    assert_int_equal(d->list.n, 1);
    assert_int_equal(d->list.items[0]->kind, AST_RETURN);
    /* ranges: the def starts at `def`, params span name..annotation */
    assert_int_equal(d->start, strlen("@torch.jit.export\n"));
    const char *src = m->source->text;
    assert_memory_equal(src + d->params[1].start, "x: Tensor", d->params[1].end - d->params[1].start);
    assert_int_equal(d->end, m->source->len - 1);
    fe_ast_free(m);
}

static void test_class_body(void **state) {
    (void)state;
    AstModule *m = parse_ok("@torch.jit.interface\n"
                            "class M(Module):\n"
                            "  __parameters__ = [\"w\", ]\n"
                            "  w : Tensor\n"
                            "  k : Final[int] = 3\n"
                            "  def forward(self: __torch__.M) -> int:\n"
                            "    pass\n");
    Ast *c = stmt(m, 0);
    assert_int_equal(c->kind, AST_CLASS);
    assert_string_equal(c->name, "M");
    assert_int_equal(c->list2.n, 1); /* bases */
    assert_string_equal(c->list2.items[0]->name, "Module");
    assert_int_equal(c->list3.n, 1); /* decorators */
    assert_int_equal(c->list.n, 4);
    Ast *params = c->list.items[0];
    assert_int_equal(params->kind, AST_ASSIGN);
    assert_int_equal(params->a->kind, AST_LIST);
    assert_int_equal(params->a->list.n, 1);
    assert_null(params->b);
    Ast *decl = c->list.items[1];
    assert_int_equal(decl->kind, AST_DECL);
    assert_string_equal(decl->name, "w");
    assert_string_equal(decl->b->name, "Tensor");
    Ast *k = c->list.items[2];
    assert_int_equal(k->kind, AST_ASSIGN);
    assert_int_equal(k->list.n, 1);
    assert_string_equal(k->list.items[0]->name, "k");
    assert_int_equal(k->b->kind, AST_SUBSCRIPT); /* Final[int] */
    assert_int_equal(k->a->ival, 3);
    assert_int_equal(c->list.items[3]->kind, AST_DEF);
    fe_ast_free(m);
}

static void test_numbers(void **state) {
    (void)state;
    AstModule *m = parse_ok("x = 2.\nx = 10000000000000000\nx = 1e+20\nx = 2.j\n"
                            "x = -9223372036854775808\nx = 0x7FFFFFFFFFFFFFFF\nx = 1_000\n"
                            "x = 1.0000000000000001e-05\n");
    Ast *e = rhs(m, 0);
    assert_int_equal(e->kind, AST_FLOAT);
    assert_string_equal(e->text, "2.");
    assert_true(e->fval == 2.0);
    e = rhs(m, 1);
    assert_int_equal(e->kind, AST_INT); /* the printer's int-looking float */
    assert_int_equal(e->ival, 10000000000000000LL);
    assert_true(rhs(m, 2)->fval == 1e20);
    e = rhs(m, 3);
    assert_int_equal(e->kind, AST_IMAG);
    assert_true(e->fval == 2.0);
    e = rhs(m, 4);
    assert_int_equal(e->kind, AST_INT);
    assert_true(e->ival == INT64_MIN);
    assert_string_equal(e->text, "-9223372036854775808");
    assert_int_equal(m->source->text[e->start], '-');
    assert_int_equal(rhs(m, 5)->ival, INT64_MAX);
    assert_int_equal(rhs(m, 6)->ival, 1000);
    assert_string_equal(rhs(m, 6)->text, "1_000");
    assert_true(rhs(m, 7)->fval == 1.0000000000000001e-05);
    fe_ast_free(m);
}

static void test_numbers_locale(void **state) {
    (void)state;
    /* a host program with a ',' decimal locale must not change literals */
    const char *locs[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", NULL};
    const char *got = NULL;
    for (int i = 0; locs[i] && !got; i++)
        got = setlocale(LC_NUMERIC, locs[i]);
    AstModule *m = parse_ok("x = 1.5\n");
    assert_true(rhs(m, 0)->fval == 1.5);
    fe_ast_free(m);
    setlocale(LC_NUMERIC, "C");
    if (!got)
        skip(); /* no such locale installed: checked the C locale only */
}

static void test_strings(void **state) {
    (void)state;
    AstModule *m = parse_ok("x = 'a\\x00b' \"c\\n\" r'\\n'\n"
                            "x = f\"v={v!r:>4} {{w}} {w}\"\n"
                            "x = \"\\u00e9\\101\"\n");
    Ast *s = rhs(m, 0);
    assert_int_equal(s->kind, AST_STRING);
    assert_int_equal(s->len, 7);
    assert_memory_equal(s->str, "a\0bc\n\\n", 7);
    assert_int_equal(s->str[7], 0);
    Ast *f = rhs(m, 1);
    assert_int_equal(f->kind, AST_FSTRING);
    assert_int_equal(f->list.n, 4);
    assert_int_equal(f->list.items[0]->kind, AST_STRING);
    assert_string_equal(f->list.items[0]->str, "v=");
    Ast *field = f->list.items[1];
    assert_int_equal(field->kind, AST_FORMAT_FIELD);
    assert_string_equal(field->a->name, "v");
    assert_string_equal(field->str, ">4");
    assert_int_equal((int)field->op, 'r');
    assert_string_equal(f->list.items[2]->str, " {w} ");
    assert_int_equal((int)f->list.items[3]->op, 0);
    assert_string_equal(f->list.items[3]->str, "");
    assert_string_equal(rhs(m, 2)->str, "\xc3\xa9" "A");
    fe_ast_free(m);
}

static void test_expressions(void **state) {
    (void)state;
    AstModule *m = parse_ok("x = a < b <= c is not d not in e\n"
                            "x = f(a, *b, k=1)\n"
                            "x = t[1:2, ::3, None]\n"
                            "x = {1: 2, 3: 4}\n"
                            "x = [i for i in r if i if j]\n"
                            "x = a if b else c\n"
                            "x = a and b and c\n"
                            "x = -a ** 2\n");
    Ast *c = rhs(m, 0);
    assert_int_equal(c->kind, AST_COMPARE);
    assert_int_equal(c->nops, 4);
    assert_int_equal(c->list.n, 4);
    assert_int_equal(c->ops[0], OP_LT);
    assert_int_equal(c->ops[1], OP_LE);
    assert_int_equal(c->ops[2], OP_ISNOT);
    assert_int_equal(c->ops[3], OP_NOTIN);
    assert_string_equal(c->a->name, "a");
    assert_string_equal(c->list.items[3]->name, "e");
    Ast *call = rhs(m, 1);
    assert_int_equal(call->kind, AST_CALL);
    assert_int_equal(call->list.n, 2);
    assert_int_equal(call->list.items[1]->kind, AST_STARRED);
    assert_int_equal(call->list2.n, 1);
    assert_int_equal(call->list2.items[0]->kind, AST_KEYWORD);
    assert_string_equal(call->list2.items[0]->name, "k");
    Ast *sub = rhs(m, 2);
    assert_int_equal(sub->kind, AST_SUBSCRIPT);
    assert_int_equal(sub->list.n, 3);
    Ast *sl = sub->list.items[0];
    assert_int_equal(sl->kind, AST_SLICE);
    assert_int_equal(sl->a->ival, 1);
    assert_int_equal(sl->b->ival, 2);
    assert_null(sl->c);
    assert_null(sub->list.items[1]->a);
    assert_int_equal(sub->list.items[1]->c->ival, 3);
    assert_int_equal(sub->list.items[2]->kind, AST_NONE);
    Ast *d = rhs(m, 3);
    assert_int_equal(d->list.n, 2);
    assert_int_equal(d->list2.n, 2);
    assert_int_equal(d->list.items[1]->ival, 3);
    assert_int_equal(d->list2.items[1]->ival, 4);
    Ast *lc = rhs(m, 4);
    assert_int_equal(lc->kind, AST_LISTCOMP);
    assert_string_equal(lc->a->name, "i");
    assert_string_equal(lc->b->name, "i");
    assert_string_equal(lc->c->name, "r");
    assert_int_equal(lc->list.n, 2);
    Ast *t = rhs(m, 5);
    assert_int_equal(t->kind, AST_TERNARY);
    assert_string_equal(t->a->name, "a");
    assert_string_equal(t->b->name, "b");
    assert_string_equal(t->c->name, "c");
    Ast *b = rhs(m, 6);
    assert_int_equal(b->kind, AST_BOOLOP);
    assert_int_equal(b->op, OP_AND);
    assert_int_equal(b->list.n, 3);
    Ast *u = rhs(m, 7); /* -(a ** 2) */
    assert_int_equal(u->kind, AST_UNOP);
    assert_int_equal(u->op, OP_NEG);
    assert_int_equal(u->a->op, OP_POW);
    fe_ast_free(m);
}

static void test_statements(void **state) {
    (void)state;
    AstModule *m = parse_ok("if a:\n  x = 1\nelif b:\n  x = 2\nelse:\n  x = 3\n"
                            "for i, v in enumerate(l):\n  pass\n"
                            "with a as b, c:\n  pass\n"
                            "a = b = c\n"
                            "x[0] += 1\n"
                            "a, b, = v\n"
                            "import torch\n");
    Ast *i = stmt(m, 0);
    assert_int_equal(i->kind, AST_IF);
    assert_int_equal(i->list2.n, 1);
    Ast *elif = i->list2.items[0];
    assert_int_equal(elif->kind, AST_IF);
    assert_string_equal(elif->a->name, "b");
    assert_int_equal(elif->list2.n, 1);
    assert_int_equal(elif->list2.items[0]->kind, AST_ASSIGN);
    assert_int_equal(i->end, elif->end);
    Ast *f = stmt(m, 1);
    assert_int_equal(f->kind, AST_FOR);
    assert_int_equal(f->list2.n, 2);
    assert_int_equal(f->a->kind, AST_CALL);
    Ast *w = stmt(m, 2);
    assert_int_equal(w->kind, AST_WITH);
    assert_int_equal(w->list3.n, 2);
    assert_int_equal(w->list3.items[0]->kind, AST_WITH_ITEM);
    assert_string_equal(w->list3.items[0]->b->name, "b");
    assert_null(w->list3.items[1]->b);
    Ast *a = stmt(m, 3);
    assert_int_equal(a->list.n, 2);
    assert_string_equal(a->a->name, "c");
    Ast *aug = stmt(m, 4);
    assert_int_equal(aug->kind, AST_AUGASSIGN);
    assert_int_equal(aug->op, OP_ADD);
    assert_int_equal(aug->list.n, 1);
    assert_int_equal(aug->list.items[0]->kind, AST_SUBSCRIPT);
    Ast *un = stmt(m, 5);
    assert_int_equal(un->list.items[0]->kind, AST_TUPLE);
    assert_int_equal(un->list.items[0]->list.n, 2);
    assert_int_equal(stmt(m, 6)->kind, AST_IMPORT);
    fe_ast_free(m);
}

static void test_type_comment(void **state) {
    (void)state;
    AstModule *m = parse_ok("class C:\n"
                            "    def m(self, a, b):\n"
                            "        # type: (int, List[int]) -> float\n"
                            "        return 1.0\n");
    Ast *d = stmt(m, 0)->list.items[0];
    assert_null(d->params[0].annotation);
    assert_string_equal(d->params[1].annotation->name, "int");
    assert_int_equal(d->params[2].annotation->kind, AST_SUBSCRIPT);
    assert_string_equal(d->a->name, "float");
    fe_ast_free(m);
}

static void test_indented_source(void **state) {
    (void)state;
    /* torch's lexer takes the first line's indentation as the base level */
    AstModule *m = parse_ok("\n    def f(x):\n        return x\n    y = 1\n");
    assert_int_equal(m->body.n, 2);
    fe_ast_free(m);
    char *msg = parse_err("    x = 1\n  y = 2\n", TSI_ERR_FORMAT);
    assert_non_null(strstr(msg, "unindent does not match"));
    free(msg);
}

static void test_errors(void **state) {
    (void)state;
    char *msg = parse_err("x = 1\nif x\n  pass\n", TSI_ERR_FORMAT);
    assert_string_equal(msg, "t.py:2:5: error: expected ':'\nif x\n    ^\n");
    free(msg);
    msg = parse_err("x = lambda: 1\n", TSI_ERR_FORMAT);
    assert_non_null(strstr(msg, "t.py:1:5: error: lambda expressions are not supported"));
    free(msg);
    msg = parse_err("x = 18446744073709551616\n", TSI_ERR_FORMAT);
    assert_non_null(strstr(msg, "integer literal too large"));
    free(msg);

    /* limits are TSI_ERR_LIMIT, and deep input never overflows the stack */
    size_t n = 100000;
    char *deep = malloc(n * 2 + 16);
    strcpy(deep, "x = ");
    memset(deep + 4, '(', n);
    strcpy(deep + 4 + n, "1\n");
    msg = parse_err(deep, TSI_ERR_LIMIT);
    free(msg);
    memset(deep + 4, '-', n);
    msg = parse_err(deep, TSI_ERR_LIMIT);
    free(msg);
    memset(deep + 4, '[', n);
    msg = parse_err(deep, TSI_ERR_LIMIT);
    free(msg);
    for (size_t k = 0; k < n; k++)
        memcpy(deep + 4 + 2 * k, "1+", 2);
    strcpy(deep + 4 + 2 * n, "1\n");
    msg = parse_err(deep, TSI_ERR_LIMIT);
    assert_non_null(strstr(msg, "nested too deeply"));
    free(msg);
    free(deep);

    /* err may be NULL; the code still comes back */
    AstModule *m = NULL;
    assert_int_equal(fe_parse("x = (", 5, NULL, 1, &m, NULL), TSI_ERR_FORMAT);
    assert_null(m);
}

static void test_starting_line(void **state) {
    (void)state;
    Err err = {0};
    AstModule *m = NULL;
    const char *src = "x = 1\ny = $\n";
    assert_int_equal(fe_parse(src, strlen(src), "code/m.py", 41, &m, &err), TSI_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "code/m.py:42:5: error: invalid character '$'"));
    err_clear(&err);
}

static void test_parse_expr(void **state) {
    (void)state;
    Err err = {0};
    AstModule *m = NULL;
    Ast *e = NULL;
    const char *src = "Dict[str, List[Tensor]]";
    assert_int_equal(fe_parse_expr(src, strlen(src), "<type>", 1, &m, &e, &err), TSI_OK);
    assert_non_null(e);
    assert_ptr_equal(m->body.items[0]->a, e);
    assert_int_equal(e->kind, AST_SUBSCRIPT);
    assert_int_equal(e->list.n, 2);
    assert_string_equal(e->list.items[1]->a->name, "List");
    fe_ast_free(m);
    src = "(1, 1)";
    assert_int_equal(fe_parse_expr(src, strlen(src), "<const>", 1, &m, &e, &err), TSI_OK);
    assert_int_equal(e->kind, AST_TUPLE);
    fe_ast_free(m);
    src = "List[int] x";
    assert_int_equal(fe_parse_expr(src, strlen(src), "<type>", 1, &m, &e, &err), TSI_ERR_FORMAT);
    assert_null(m);
    assert_null(e);
    err_clear(&err);
}

static void test_dump(void **state) {
    (void)state;
    AstModule *m = parse_ok("y = a + 1\n");
    StrBuf sb;
    sb_init(&sb);
    fe_module_dump(&sb, m, true);
    assert_string_equal(sb_cstr(&sb), "(module\n (assign@0:9 (targets (ident@0:1 y)) "
                                      "(binop@4:9 add (ident@4:5 a) (int@8:9 1)) _))\n");
    sb_free(&sb);
    assert_string_equal(fe_op_symbol(OP_NOTIN), "not in");
    assert_string_equal(fe_ast_kind_name(AST_FORMAT_FIELD), "field");
    fe_ast_free(m);
}

static void test_source_retained(void **state) {
    (void)state;
    char *src = strdup("x = 1\n");
    AstModule *m = parse_ok(src);
    free(src); /* the module keeps its own copy */
    assert_string_equal(m->source->text, "x = 1\n");
    assert_int_equal(atomic_load(&m->source->refs), 1);
    fe_ast_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_def_fields),     cmocka_unit_test(test_class_body),
        cmocka_unit_test(test_numbers),        cmocka_unit_test(test_numbers_locale),
        cmocka_unit_test(test_strings),        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_statements),     cmocka_unit_test(test_type_comment),
        cmocka_unit_test(test_indented_source), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_starting_line),  cmocka_unit_test(test_parse_expr),
        cmocka_unit_test(test_dump),           cmocka_unit_test(test_source_retained),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
