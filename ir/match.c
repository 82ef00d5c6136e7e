/*
 * match.c: matching nodes to operator schemas as torch's Node::matches and
 * Node::maybeOperator do: type variables bound left to right
 * (matchTypeVariables), the formal type evaluated with the bindings
 * (tryEvalTypeVariables), each actual a subtype of its formal, arity exact
 * unless the schema is vararg. The first matching overload in registration
 * order wins.
 */
#include "ir.h"

#include <string.h>

enum { MAX_VARS = 8 };

typedef struct TypeEnv {
    const char *names[MAX_VARS];
    Type *types[MAX_VARS];
    int n;
} TypeEnv;

static Type **env_find(TypeEnv *env, const char *name) {
    for (int i = 0; i < env->n; i++)
        if (!strcmp(env->names[i], name))
            return &env->types[i];
    return NULL;
}

static bool match_vars(Type *formal, Type *actual, TypeEnv *env) {
    if (!type_has_free_vars(formal))
        return true;
    switch (formal->kind) {
    case TY_VAR: {
        Type **bound = env_find(env, formal->name);
        if (!bound) {
            if (env->n == MAX_VARS)
                return false;
            env->names[env->n] = formal->name;
            env->types[env->n++] = actual;
            return true;
        }
        return type_unify(*bound, actual, false) != NULL;
    }
    case TY_LIST:
        if (actual->kind == TY_LIST)
            return match_vars(formal->elems[0], actual->elems[0], env);
        if (actual->kind == TY_TUPLE) {
            Type *u = actual->n ? actual->elems[0] : NULL;
            for (int i = 1; u && i < actual->n; i++)
                u = type_unify(u, actual->elems[i], false);
            return u && match_vars(formal->elems[0], u, env);
        }
        return false;
    case TY_TUPLE:
        if (actual->kind != TY_TUPLE || actual->n != formal->n)
            return false;
        for (int i = 0; i < formal->n; i++)
            if (!match_vars(formal->elems[i], actual->elems[i], env))
                return false;
        return true;
    case TY_FUTURE:
    case TY_RREF:
    case TY_AWAIT:
        return actual->kind == formal->kind && match_vars(formal->elems[0], actual->elems[0], env);
    case TY_OPTIONAL:
        if (actual->kind == TY_OPTIONAL)
            return match_vars(formal->elems[0], actual->elems[0], env);
        if (!type_is_subtype(actual, type_none()))
            return match_vars(formal->elems[0], actual, env);
        return true;
    case TY_DICT:
        return actual->kind == TY_DICT && match_vars(formal->elems[0], actual->elems[0], env) &&
               match_vars(formal->elems[1], actual->elems[1], env);
    default: return false;
    }
}

/* The formal type with variables replaced; NULL if some variable is unbound. */
static Type *eval_vars(Type *t, TypeEnv *env) {
    if (!type_has_free_vars(t))
        return t;
    if (t->kind == TY_VAR) {
        Type **b = env_find(env, t->name);
        return b ? *b : NULL;
    }
    Type *elems[16];
    if (t->n > 16)
        return NULL;
    for (int i = 0; i < t->n; i++)
        if (!(elems[i] = eval_vars(t->elems[i], env)))
            return NULL;
    switch (t->kind) {
    case TY_LIST: return type_list(elems[0]);
    case TY_OPTIONAL: return type_optional(elems[0]);
    case TY_FUTURE: return type_future(elems[0]);
    case TY_RREF: return type_rref(elems[0]);
    case TY_AWAIT: return type_await(elems[0]);
    case TY_DICT: return type_dict(elems[0], elems[1]);
    case TY_TUPLE: return type_tuple(t->n, elems);
    case TY_UNION: return type_union(t->n, elems);
    default: return t;
    }
}

static bool blocklisted(const FunctionSchema *s) {
    return (!strcmp(s->name, "aten::view") && !strcmp(s->overload, "dtype")) ||
           ((!strcmp(s->name, "aten::max") || !strcmp(s->name, "aten::min")) &&
            !strcmp(s->overload, "unary_out"));
}

bool ir_node_matches_schema(const Node *n, const FunctionSchema *s) {
    if (blocklisted(s))
        return false;
    if (n->inputs.len < (size_t)s->nargs)
        return false;
    TypeEnv env = {0};
    for (int i = 0; i < s->nargs; i++) {
        Type *formal = s->args[i].type;
        Type *actual = n->inputs.data[i]->type;
        if (!match_vars(formal, actual, &env))
            return false;
        Type *resolved = eval_vars(formal, &env);
        if (resolved)
            formal = resolved;
        if (!type_is_subtype(actual, formal))
            return false;
    }
    return s->is_vararg || n->inputs.len == (size_t)s->nargs;
}

const FunctionSchema *ir_node_match_schema(const Node *n) {
    int count = 0;
    const FunctionSchema *const *cands = ir_schemas_for(n->kind, &count);
    for (int i = 0; i < count; i++)
        if (ir_node_matches_schema(n, cands[i]))
            return cands[i];
    return NULL;
}

static void resolve_block(Block *b) {
    for (Node *n = ir_block_first(b); n != ir_block_end(b); n = n->next) {
        if (!n->schema)
            n->schema = ir_node_match_schema(n);
        for (size_t k = 0; k < n->blocks.len; k++)
            resolve_block(n->blocks.data[k]);
    }
}

void ir_graph_resolve_schemas(Graph *g) { resolve_block(g->block); }
