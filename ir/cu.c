/*
 * cu.c: compilation units — the nominal types (classes, interfaces, enums,
 * named tuples) and functions compiled together, with their lifetimes.
 */
#include "ir.h"

#include <stdlib.h>
#include <string.h>

CompilationUnit *ir_cu_new(void) {
    CompilationUnit *cu = xcalloc(1, sizeof *cu);
    if (!cu)
        return NULL;
    atomic_init(&cu->refs, 1);
    arena_init(&cu->arena);
    hmap_init_str(&cu->classes);
    hmap_init_str(&cu->functions);
    return cu;
}

void ir_cu_retain(CompilationUnit *cu) {
    atomic_fetch_add_explicit(&cu->refs, 1, memory_order_relaxed);
}

static void function_free(Function *f) {
    ir_graph_free(f->graph);
    ir_graph_free(f->optimized);
    if (f->code && f->free_code)
        f->free_code(f->code);
    free(f->qualname);
    free(f);
}

static void type_free(Type *t) {
    ClassInfo *c = t->cls;
    if (c) {
        for (size_t i = 0; i < c->constants.len; i++)
            iv_release(c->constants.data[i].value);
        for (size_t i = 0; i < c->enum_members.len; i++)
            iv_release(c->enum_members.data[i].value);
        vec_free(&c->attrs);
        vec_free(&c->constants);
        vec_free(&c->methods);
        vec_free(&c->forward_hooks);
        vec_free(&c->forward_pre_hooks);
        vec_free(&c->enum_members);
    }
    if (t->field_defaults)
        for (int i = 0; i < t->n; i++)
            iv_release(t->field_defaults[i]);
    free(t);
}

void ir_cu_release(CompilationUnit *cu) {
    if (!cu || atomic_fetch_sub_explicit(&cu->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < cu->constants.len; i++)
        iv_release(cu->constants.data[i]);
    vec_free(&cu->constants);
    for (size_t i = 0; i < cu->functions_owned.len; i++)
        function_free(cu->functions_owned.data[i]);
    vec_free(&cu->functions_owned);
    if (cu->frontend && cu->free_frontend)
        cu->free_frontend(cu->frontend);
    for (size_t i = 0; i < cu->types_owned.len; i++)
        type_free(cu->types_owned.data[i]);
    vec_free(&cu->types_owned);
    hmap_free(&cu->classes);
    hmap_free(&cu->functions);
    arena_free(&cu->arena);
    free(cu);
}

static Type *new_nominal(CompilationUnit *cu, TypeKind kind, const char *qualname) {
    Type *t = xcalloc(1, sizeof *t);
    ClassInfo *c = arena_alloc(&cu->arena, sizeof *c);
    const char *name = arena_strdup(&cu->arena, qualname);
    if (!t || !c || !name || !vec_push(&cu->types_owned, t)) {
        free(t);
        return NULL;
    }
    t->kind = kind;
    t->name = name;
    t->cls = c;
    c->cu = cu;
    if (!hmap_put(&cu->classes, qualname, t))
        return NULL;
    return t;
}

Type *ir_cu_new_class(CompilationUnit *cu, const char *qualname, bool is_module) {
    Type *t = new_nominal(cu, TY_CLASS, qualname);
    if (t)
        t->cls->is_module = is_module;
    return t;
}

Type *ir_cu_new_interface(CompilationUnit *cu, const char *qualname, bool is_module) {
    Type *t = new_nominal(cu, TY_INTERFACE, qualname);
    if (t)
        t->cls->is_module_interface = is_module;
    return t;
}

Type *ir_cu_new_enum(CompilationUnit *cu, const char *qualname, Type *value_type) {
    Type *t = new_nominal(cu, TY_ENUM, qualname);
    if (t)
        t->cls->enum_value_type = value_type;
    return t;
}

Type *ir_cu_new_named_tuple(CompilationUnit *cu, const char *qualname, int n,
                            const char *const *names, Type *const *types,
                            const IValue *defaults) {
    Type *t = new_nominal(cu, TY_TUPLE, qualname);
    if (!t)
        return NULL;
    size_t count = (size_t)(n ? n : 1);
    t->n = n;
    t->elems = arena_alloc_array(&cu->arena, count, sizeof(Type *));
    t->field_names = arena_alloc_array(&cu->arena, count, sizeof(char *));
    if (!t->elems || !t->field_names)
        return NULL;
    for (int i = 0; i < n; i++) {
        t->elems[i] = types[i];
        if (!(t->field_names[i] = arena_strdup(&cu->arena, names[i])))
            return NULL;
    }
    if (defaults) {
        t->field_defaults = arena_alloc_array(&cu->arena, count, sizeof(IValue));
        if (!t->field_defaults)
            return NULL;
        for (int i = 0; i < n; i++)
            t->field_defaults[i] = iv_dup(defaults[i]);
    }
    return t;
}

Type *ir_cu_find_type(CompilationUnit *cu, const char *qualname) {
    return hmap_get(&cu->classes, qualname);
}

Function *ir_cu_new_function(CompilationUnit *cu, const char *qualname, Type *owner) {
    Function *f = xcalloc(1, sizeof *f);
    char *q = xstrdup(qualname);
    if (!f || !q || !vec_push(&cu->functions_owned, f)) {
        free(f);
        free(q);
        return NULL;
    }
    f->qualname = q;
    const char *dot = strrchr(q, '.');
    f->name = dot ? dot + 1 : q;
    f->owner = owner;
    f->cu = cu;
    if (!owner && !hmap_put(&cu->functions, qualname, f))
        return NULL;
    return f;
}

Function *ir_cu_find_function(CompilationUnit *cu, const char *qualname) {
    return hmap_get(&cu->functions, qualname);
}

int ir_class_add_attr(Type *cls, const char *name, Type *type, bool is_param, bool is_buffer) {
    ClassInfo *c = cls->cls;
    const char *n = arena_strdup(&c->cu->arena, name);
    ClassAttribute a = {n, type, is_param, is_buffer};
    if (!n || !vec_push(&c->attrs, a))
        return -1;
    return (int)c->attrs.len - 1;
}

int ir_class_find_attr(const Type *cls, const char *name) {
    if (!cls->cls)
        return -1;
    for (size_t i = 0; i < cls->cls->attrs.len; i++)
        if (!strcmp(cls->cls->attrs.data[i].name, name))
            return (int)i;
    return -1;
}

int ir_class_add_constant(Type *cls, const char *name, IValue v) {
    ClassInfo *c = cls->cls;
    const char *n = arena_strdup(&c->cu->arena, name);
    ClassConstant k = {n, v};
    if (!n || !vec_push(&c->constants, k)) {
        iv_release(v);
        return -1;
    }
    return (int)c->constants.len - 1;
}

int ir_class_find_constant(const Type *cls, const char *name) {
    if (!cls->cls)
        return -1;
    for (size_t i = 0; i < cls->cls->constants.len; i++)
        if (!strcmp(cls->cls->constants.data[i].name, name))
            return (int)i;
    return -1;
}

Function *ir_class_find_method(const Type *cls, const char *name) {
    if (!cls->cls)
        return NULL;
    for (size_t i = 0; i < cls->cls->methods.len; i++)
        if (!strcmp(cls->cls->methods.data[i]->name, name))
            return cls->cls->methods.data[i];
    return NULL;
}

void ir_class_add_method(Type *cls, Function *f) { (void)vec_push(&cls->cls->methods, f); }
