/*
 * Unit tests for the graph verifier (ir/verify.c) on graphs built through
 * the C API: well-formed graphs pass; use before definition, uses outside
 * the defining block, bad If/Loop block structure, Constant inputs, schema
 * arity, duplicate unique numbers and dangling or stale uses after bad edits
 * are rejected with a message naming the node. Also the IR parser's output
 * verifies, and names and subgraph groups print as torch prints them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

static Node *add_node(Graph *g, Block *b, const char *kind, Value *a, Value *c, size_t nout) {
    Node *n = ir_node_create(g, ir_sym_intern(kind), nout);
    assert_non_null(n);
    if (a)
        ir_node_add_input(n, a);
    if (c)
        ir_node_add_input(n, c);
    ir_node_append(b, n);
    return n;
}

/* The verifier's verdict; on failure the message must contain `needle`. */
static void expect_invalid(Graph *g, const char *needle) {
    Err err = {0};
    int rc = ir_graph_verify(g, &err);
    assert_int_not_equal(rc, TSI_OK);
    assert_non_null(err.msg);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    err_clear(&err);
}

static void expect_valid(Graph *g) {
    Err err = {0};
    int rc = ir_graph_verify(g, &err);
    if (rc)
        fail_msg("unexpected verifier error: %s", err.msg);
    err_clear(&err);
}

/* graph(%x): %y = aten::add(%x, %x); return (%y) */
static Graph *simple_graph(Node **add) {
    Graph *g = ir_graph_new();
    Value *x = ir_block_add_input(g->block, "x");
    Node *n = add_node(g, g->block, "aten::add", x, x, 1);
    ir_block_add_output(g->block, n->outputs.data[0]);
    if (add)
        *add = n;
    return g;
}

static void test_valid_graph(void **state) {
    (void)state;
    Graph *g = simple_graph(NULL);
    expect_valid(g);
    ir_graph_free(g);
}

static void test_use_before_def(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    Value *x = ir_block_add_input(g->block, "x");
    Node *first = add_node(g, g->block, "aten::neg", x, NULL, 1);
    Node *second = add_node(g, g->block, "aten::relu", x, NULL, 1);
    ir_value_set_name(second->outputs.data[0], "late");
    /* first now reads a value defined after it */
    ir_node_replace_input(first, 0, second->outputs.data[0]);
    ir_block_add_output(g->block, first->outputs.data[0]);
    expect_invalid(g, "%late is used before its definition");
    expect_invalid(g, "in node: %");
    ir_graph_free(g);
}

static void test_use_outside_block(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    Value *c = ir_block_add_input(g->block, "c");
    Node *ifn = add_node(g, g->block, "prim::If", c, NULL, 1);
    Block *b0 = ir_node_add_block(ifn), *b1 = ir_node_add_block(ifn);
    Node *k = ir_constant_node(g, iv_int(1), NULL);
    ir_node_append(b0, k);
    ir_value_set_name(k->outputs.data[0], "inner");
    ir_block_add_output(b0, k->outputs.data[0]);
    ir_block_add_output(b1, c);
    ir_block_add_output(g->block, ifn->outputs.data[0]);
    expect_valid(g);
    /* a use of the block-local value after the If */
    Node *after = add_node(g, g->block, "aten::neg", k->outputs.data[0], NULL, 1);
    (void)after;
    expect_invalid(g, "%inner is used outside the block that defines it");
    ir_graph_free(g);
}

static void test_if_structure(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    Value *c = ir_block_add_input(g->block, "c");
    Node *ifn = add_node(g, g->block, "prim::If", c, NULL, 1);
    Block *b0 = ir_node_add_block(ifn);
    ir_block_add_output(b0, c);
    ir_block_add_output(g->block, ifn->outputs.data[0]);
    expect_invalid(g, "prim::If must have two blocks, has 1");
    Block *b1 = ir_node_add_block(ifn);
    expect_invalid(g, "block1 of prim::If has 0 outputs, the node 1");
    ir_block_add_output(b1, c);
    expect_valid(g);
    Value *bad = ir_block_add_input(b1, "oops");
    (void)bad;
    expect_invalid(g, "block1 of prim::If must not have inputs");
    ir_graph_free(g);
}

static void test_loop_structure(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    Value *n = ir_block_add_input(g->block, "n");
    Value *cond = ir_block_add_input(g->block, "cond");
    Value *init = ir_block_add_input(g->block, "init");
    Node *loop = add_node(g, g->block, "prim::Loop", n, cond, 1);
    ir_node_add_input(loop, init);
    Block *body = ir_node_add_block(loop);
    Value *i = ir_block_add_input(body, "i");
    Value *acc = ir_block_add_input(body, "acc");
    Node *step = add_node(g, body, "aten::add", acc, i, 1);
    ir_block_add_output(body, cond);
    ir_block_add_output(body, step->outputs.data[0]);
    ir_block_add_output(g->block, loop->outputs.data[0]);
    expect_valid(g);
    /* block outputs must be condition + carried */
    ir_block_erase_output(body, 0);
    expect_invalid(g, "must have 2 outputs (condition + carried), has 1");
    ir_block_add_output(body, cond);
    /* node outputs must match the carried inputs */
    ir_node_add_output(loop);
    expect_invalid(g, "carries 1 values but has 2 outputs");
    ir_node_erase_output(loop, 1);
    /* block inputs: iteration + carried */
    ir_block_add_input(body, "extra");
    expect_invalid(g, "must have 2 inputs (iteration + carried), has 3");
    ir_graph_free(g);
}

static void test_constant_inputs(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    Value *x = ir_block_add_input(g->block, "x");
    Node *k = ir_constant_node(g, iv_int(3), NULL);
    ir_node_append(g->block, k);
    ir_block_add_output(g->block, k->outputs.data[0]);
    expect_valid(g);
    ir_node_add_input(k, x);
    expect_invalid(g, "prim::Constant must not have inputs");
    ir_graph_free(g);
}

static void test_dangling_uses(void **state) {
    (void)state;
    /* a use record lost: the input is not in its value's use list */
    Node *add;
    Graph *g = simple_graph(&add);
    Value *x = g->block->param->outputs.data[0];
    assert_int_equal(x->uses.len, 2);
    x->uses.len--;
    expect_invalid(g, "missing from the value's use list");
    ir_graph_free(g);

    /* an input rewired behind the use lists' back: the old value keeps a
     * stale use and the new one lacks it */
    g = simple_graph(&add);
    Value *other = ir_block_add_input(g->block, "other");
    add->inputs.data[1] = other;
    expect_invalid(g, "stale use");
    ir_graph_free(g);

    /* a node destroyed while its output is still used */
    g = ir_graph_new();
    x = ir_block_add_input(g->block, "x");
    Node *a = add_node(g, g->block, "aten::neg", x, NULL, 1);
    Value *av = a->outputs.data[0];
    Node *b = add_node(g, g->block, "aten::relu", av, NULL, 1);
    ir_block_add_output(g->block, b->outputs.data[0]);
    expect_valid(g);
    ir_node_destroy(a);
    expect_invalid(g, "is used before its definition");
    ir_graph_free(g);

    /* a use by a node that was destroyed */
    g = simple_graph(&add);
    x = g->block->param->outputs.data[0];
    Node *user = add_node(g, g->block, "aten::neg", x, NULL, 1);
    Use keep = x->uses.data[x->uses.len - 1];
    ir_node_destroy(user);
    assert_true(vec_push(&x->uses, keep));
    expect_invalid(g, "use by a destroyed node");
    ir_graph_free(g);
}

static void test_duplicate_unique(void **state) {
    (void)state;
    Node *add;
    Graph *g = simple_graph(&add);
    add->outputs.data[0]->unique = g->block->param->outputs.data[0]->unique;
    expect_invalid(g, "same unique number");
    ir_graph_free(g);
}

static void test_schema_arity(void **state) {
    (void)state;
    Node *add;
    Graph *g = simple_graph(&add);
    Argument args[3] = {{.name = "self"}, {.name = "other"}, {.name = "alpha"}};
    Argument rets[1] = {{.name = ""}};
    FunctionSchema s = {.name = "aten::add", .overload = "Tensor", .args = args, .nargs = 3,
                        .rets = rets, .nrets = 1};
    add->schema = &s;
    expect_invalid(g, "2 inputs, but the schema of aten::add takes 3");
    s.nargs = 2;
    expect_valid(g);
    s.nrets = 2;
    expect_invalid(g, "1 outputs, but the schema of aten::add returns 2");
    add->schema = NULL;
    ir_graph_free(g);
}

static const char *const FORK_TEXT =
    "graph(%x.1 : Tensor):\n"
    "  %fut.1 : Future[Tensor] = prim::fork_0(%x.1)\n"
    "  %13 : Tensor = aten::wait(%fut.1)\n"
    "  %c : bool = prim::Constant[value=1]()\n"
    "  %r : Tensor = prim::If(%c)\n"
    "    block0():\n"
    "      %f2 : Future[Tensor] = prim::fork_1(%13)\n"
    "      %w : Tensor = aten::wait(%f2)\n"
    "      -> (%w)\n"
    "    block1():\n"
    "      -> (%13)\n"
    "  return (%r)\n"
    "with prim::fork_0 = graph(%x.1 : Tensor):\n"
    "  %y : Future[Tensor] = prim::fork_0(%x.1)\n"
    "  %z : Tensor = aten::wait(%y)\n"
    "  return (%z)\n"
    "with prim::fork_0 = graph(%a : Tensor):\n"
    "  %b : Tensor = aten::relu(%a)\n"
    "  return (%b)\n"
    "with prim::fork_1 = graph(%q : Tensor):\n"
    "  return (%q)\n";

static void test_parsed_graph_verifies(void **state) {
    (void)state;
    Err err = {0};
    CompilationUnit *cu = ir_cu_new();
    Graph *g = irp_parse(FORK_TEXT, strlen(FORK_TEXT), "fork.ir", cu, &err);
    if (!g)
        fail_msg("parse: %s", err.msg);
    expect_valid(g);
    char *text = ir_graph_to_string(g);
    assert_string_equal(text, FORK_TEXT);
    free(text);
    /* the subgraph is verified too */
    Node *fork = ir_block_first(g->block);
    Attr *a = ir_node_attr(fork, SYM_attr_Subgraph);
    assert_non_null(a);
    assert_int_equal(fork->kind, SYM_prim_fork);
    Graph *sub = a->g;
    Node *inner = ir_block_first(sub->block);
    ir_node_add_input(inner, ir_block_output(sub->block, 0));
    expect_invalid(g, "in the subgraph of prim::fork");
    ir_graph_free(g);
    ir_cu_release(cu);
}

static void test_names_and_copy(void **state) {
    (void)state;
    /* torch's uniquing: a later value taking a name renames the earlier one */
    Graph *g = ir_graph_new();
    Value *x = ir_block_add_input(g->block, "x");
    Value *y = ir_block_add_input(g->block, "x");
    assert_string_equal(x->name, "x.1");
    assert_string_equal(y->name, "x");
    Value *z = ir_block_add_input(g->block, "x.1");
    assert_string_equal(z->name, "x.1");
    assert_string_equal(x->name, "x.3"); /* torch skips .2: the suffix record is one ahead */
    ir_block_add_output(g->block, x);
    expect_valid(g);
    Graph *c = ir_graph_copy(g);
    expect_valid(c);
    char *t1 = ir_graph_to_string(g), *t2 = ir_graph_to_string(c);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    ir_graph_free(c);
    ir_graph_free(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_graph),       cmocka_unit_test(test_use_before_def),
        cmocka_unit_test(test_use_outside_block), cmocka_unit_test(test_if_structure),
        cmocka_unit_test(test_loop_structure),    cmocka_unit_test(test_constant_inputs),
        cmocka_unit_test(test_dangling_uses),     cmocka_unit_test(test_duplicate_unique),
        cmocka_unit_test(test_schema_arity),      cmocka_unit_test(test_parsed_graph_verifies),
        cmocka_unit_test(test_names_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
