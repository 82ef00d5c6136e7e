/*
 * Unit tests for the interpreter core: code generation and the run loop on
 * graphs built through the IR API (loops with carried values swapped each
 * iteration, ifs, lists, errors with tracebacks). Results are checked
 * against the same computation written directly in C.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "interpreter/interp.h"

static FunctionSchema schema_add = {.name = "aten::add", .overload = "int"};
static FunctionSchema schema_lt = {.name = "aten::lt", .overload = "int"};
static FunctionSchema schema_append = {.name = "aten::append", .overload = "t"};
static FunctionSchema schema_len = {.name = "aten::len", .overload = "t"};
static FunctionSchema schema_getitem = {.name = "aten::__getitem__", .overload = "t"};

static Node *op(Graph *g, Block *b, const char *kind, FunctionSchema *s, int nin, Value **in,
                Type *out) {
    Node *n = ir_node_create(g, ir_sym_intern(kind), out ? 1 : 0);
    for (int k = 0; k < nin; k++)
        ir_node_add_input(n, in[k]);
    if (out)
        n->outputs.data[0]->type = out;
    ir_node_append(b, n);
    n->schema = s;
    return n;
}

static Value *constant(Graph *g, IValue v) {
    Node *n = ir_constant_node(g, v, NULL);
    ir_node_prepend(g->block, n);
    return n->outputs.data[0];
}

/*
 * def f(n: int) -> int:
 *     total, prev = 0, 1
 *     l = []
 *     for i in range(n):
 *         if i < 3: t = total + i
 *         else:     t = total + prev
 *         l.append(t)
 *         total, prev = prev, t        # carried values swap
 *     return l[len(l) + -1] + total    # (n > 0)
 */
static Graph *build(void) {
    Graph *g = ir_graph_new();
    Value *n = ir_block_add_input(g->block, "n");
    n->type = type_int();
    Value *zero = constant(g, iv_int(0));
    Value *one = constant(g, iv_int(1));
    Value *three = constant(g, iv_int(3));
    Value *minus1 = constant(g, iv_int(-1));
    Value *yes = constant(g, iv_bool(true));
    Value *l = op(g, g->block, "prim::ListConstruct", NULL, 0, NULL, type_list(type_int()))
                   ->outputs.data[0];
    Node *loop = ir_node_create(g, SYM_prim_Loop, 2);
    Value *loop_in[4] = {n, yes, zero, one};
    for (int k = 0; k < 4; k++)
        ir_node_add_input(loop, loop_in[k]);
    loop->outputs.data[0]->type = loop->outputs.data[1]->type = type_int();
    ir_node_append(g->block, loop);
    Block *body = ir_node_add_block(loop);
    Value *i = ir_block_add_input(body, "i");
    Value *total = ir_block_add_input(body, "total");
    Value *prev = ir_block_add_input(body, "prev");
    i->type = total->type = prev->type = type_int();
    Value *lt_in[2] = {i, three};
    Value *c = op(g, body, "aten::lt", &schema_lt, 2, lt_in, type_bool())->outputs.data[0];
    Node *iff = ir_node_create(g, SYM_prim_If, 1);
    ir_node_add_input(iff, c);
    iff->outputs.data[0]->type = type_int();
    ir_node_append(body, iff);
    Block *then = ir_node_add_block(iff), *els = ir_node_add_block(iff);
    Value *a1[2] = {total, i}, *a2[2] = {total, prev};
    ir_block_add_output(then, op(g, then, "aten::add", &schema_add, 2, a1, type_int())->outputs.data[0]);
    ir_block_add_output(els, op(g, els, "aten::add", &schema_add, 2, a2, type_int())->outputs.data[0]);
    Value *t = iff->outputs.data[0];
    Value *app[2] = {l, t};
    op(g, body, "aten::append", &schema_append, 2, app, type_list(type_int()));
    ir_block_add_output(body, yes);
    ir_block_add_output(body, prev);
    ir_block_add_output(body, t);
    Value *len = op(g, g->block, "aten::len", &schema_len, 1, &l, type_int())->outputs.data[0];
    Value *idx_in[2] = {len, minus1};
    Value *idx = op(g, g->block, "aten::add", &schema_add, 2, idx_in, type_int())->outputs.data[0];
    Value *gi[2] = {l, idx};
    Value *last = op(g, g->block, "aten::__getitem__", &schema_getitem, 2, gi, type_int())->outputs.data[0];
    Value *sum_in[2] = {last, loop->outputs.data[0]};
    ir_block_add_output(g->block, op(g, g->block, "aten::add", &schema_add, 2, sum_in, type_int())->outputs.data[0]);
    return g;
}

static int64_t reference(int64_t n) {
    int64_t total = 0, prev = 1, last = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t t = i < 3 ? total + i : total + prev;
        last = t;
        total = prev;
        prev = t;
    }
    return last + total;
}

static void test_loop_if_list(void **state) {
    (void)state;
    Graph *g = build();
    Err e = {0};
    for (int64_t n = 1; n < 30; n++) {
        IValue arg = iv_int(n), out = iv_none();
        int rc = interp_run_graph(g, &arg, 1, &out, NULL, &e);
        if (rc)
            fail_msg("run failed: %s", e.msg);
        assert_int_equal(out.tag, IV_INT);
        assert_int_equal(out.u.i, reference(n));
    }
    /* n = 0: the list stays empty and indexing it fails with a traceback */
    IValue arg = iv_int(0), out = iv_none();
    assert_int_equal(interp_run_graph(g, &arg, 1, &out, NULL, &e), TSI_ERR_INDEX);
    assert_non_null(strstr(e.msg, "Traceback of TorchScript"));
    assert_non_null(strstr(e.msg, "RuntimeError: list index out of range"));
    err_clear(&e);
    ir_graph_free(g);
}

static void test_step_budget(void **state) {
    (void)state;
    Graph *g = build();
    Err e = {0};
    InterpOptions opt = {.max_steps = 50};
    IValue arg = iv_int(1000000), out = iv_none();
    assert_int_equal(interp_run_graph(g, &arg, 1, &out, &opt, &e), TSI_ERR_LIMIT);
    err_clear(&e);
    ir_graph_free(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_if_list),
        cmocka_unit_test(test_step_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
