/*
 * archive.c: a .pt archive as a whole — torch.jit.save modules and
 * torch.save pickles in the zip format.
 *
 * Opening detects the formats tsi refuses (the PYTORCH1 preview format,
 * legacy non-zip torch.save pickles, pre-1.4 model.json archives), reads
 * the format version (".data/version", then "version"; 1-10 accepted) and
 * the optional "byteorder" record. Loading unpickles constants.pkl (a
 * tuple) and then data.pkl, with storages from constants/ and data/.
 *
 * Classes: until the code importer (#5) supplies real class types, the
 * generic class hooks here create one class per qualified name in the
 * archive's CompilationUnit, with attributes named after the keys of the
 * BUILD dict in pickle order. #5 replaces this with the class body order
 * from code/ (and runs __setstate__ where a class defines it).
 */
#include "serialize.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VERSION_MIN = 1, VERSION_MAX = 10, MAX_GENERIC_CLASSES = 1 << 16 };

void archive_default_options(ArchiveOptions *o) {
    memset(o, 0, sizeof *o);
    zipr_default_limits(&o->zip);
    o->max_depth = 10000;
    o->max_alloc = (uint64_t)64 << 30;
}

/* Add "<file>: " unless the message already names the file. */
static int prefix_file(Err *err, const char *name, int rc) {
    if (!err || !err->msg)
        return rc;
    size_t n = strlen(name);
    if (strncmp(err->msg, name, n) != 0 || err->msg[n] != ':')
        err_prefix(err, "%s", name);
    return rc;
}

/* Formats recognisable from the first bytes. */
static int check_magic(const uint8_t *p, size_t n, const char *name, Err *err) {
    if (n >= 8 && !memcmp(p, "PYTORCH1", 8))
        return err_set(err, TSI_ERR_UNSUPPORTED,
                       "%s: the PYTORCH1 preview archive format is not supported", name);
    if (n >= 2 && p[0] == 0x80 && p[1] <= 5) {
        /* torch.save's legacy format begins with a pickled magic number
         * (LONG1 of 0x1950a86a20f9469cfc6c). */
        static const uint8_t legacy[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c,
                                         0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
        if (n >= sizeof legacy && !memcmp(p, legacy, sizeof legacy))
            return err_set(err, TSI_ERR_UNSUPPORTED,
                           "%s: legacy torch.save file (a pickle stream, not a zip archive) is "
                           "not supported; re-save it with a current torch.save",
                           name);
        return err_set(err, TSI_ERR_UNSUPPORTED,
                       "%s: this is a bare pickle, not a zip archive; tsi reads the zip format "
                       "of torch.jit.save and torch.save",
                       name);
    }
    if (n < 4 || memcmp(p, "PK", 2) != 0)
        return err_set(err, TSI_ERR_FORMAT, "%s: not a PyTorch archive (no zip signature)", name);
    return TSI_OK;
}

static int read_small_record(Archive *a, const char *rel, char **data, size_t *len, Err *err) {
    const ZipRecord *r = zipr_find(a->zip, rel);
    if (!r)
        return TSI_ERR_INDEX;
    return zipr_read(a->zip, r, 4096, data, len, err);
}

static int read_version(Archive *a, Err *err) {
    const char *which = ".data/version";
    char *data = NULL;
    size_t len = 0;
    int rc = read_small_record(a, which, &data, &len, err);
    if (rc == TSI_ERR_INDEX) {
        which = "version";
        rc = read_small_record(a, which, &data, &len, err);
    }
    if (rc == TSI_ERR_INDEX)
        return err_set(err, TSI_ERR_FORMAT, "%s: the archive has no version record", a->name);
    if (rc)
        return rc;
    size_t i = 0;
    long long v = 0;
    bool digits = false;
    while (i < len && data[i] >= '0' && data[i] <= '9') {
        if (v < 1000000)
            v = v * 10 + (data[i] - '0');
        digits = true;
        i++;
    }
    while (i < len && (data[i] == '\n' || data[i] == '\r' || data[i] == ' '))
        i++;
    bool ok = digits && i == len;
    free(data);
    if (!ok)
        return err_set(err, TSI_ERR_FORMAT, "%s: the %s record is not a decimal number", a->name,
                       which);
    if (v > VERSION_MAX)
        return err_set(err, TSI_ERR_UNSUPPORTED,
                       "%s: archive format version %lld is newer than this tsi supports (max %d)",
                       a->name, v, VERSION_MAX);
    if (v < VERSION_MIN)
        return err_set(err, TSI_ERR_FORMAT, "%s: archive format version %lld is invalid (min %d)",
                       a->name, v, VERSION_MIN);
    a->version = (int)v;
    return TSI_OK;
}

static int read_byteorder(Archive *a, Err *err) {
    char *data = NULL;
    size_t len = 0;
    int rc = read_small_record(a, "byteorder", &data, &len, err);
    if (rc == TSI_ERR_INDEX)
        return TSI_OK; /* written since PyTorch 2.1 only; little-endian before */
    if (rc)
        return rc;
    while (len && (data[len - 1] == '\n' || data[len - 1] == ' ' || data[len - 1] == '\r'))
        len--;
    if (len == 6 && !memcmp(data, "little", 6))
        a->big_endian = false;
    else if (len == 3 && !memcmp(data, "big", 3))
        a->big_endian = true;
    else
        rc = err_set(err, TSI_ERR_FORMAT, "%s: the byteorder record is neither 'little' nor 'big'",
                     a->name);
    free(data);
    return rc;
}

static int finish_open(Archive *a, Err *err) {
    if (zipr_find(a->zip, "model.json"))
        return err_set(err, TSI_ERR_UNSUPPORTED,
                       "%s: legacy model.json archive (the pre-1.4 TorchScript format) is not "
                       "supported",
                       a->name);
    int rc = read_version(a, err);
    if (rc || (rc = read_byteorder(a, err)))
        return prefix_file(err, a->name, rc);
    if (!zipr_find(a->zip, "data.pkl"))
        return err_set(err, TSI_ERR_FORMAT, "%s: the archive has no data.pkl record", a->name);
    for (size_t i = 0; i < zipr_count(a->zip); i++) {
        const ZipRecord *r = zipr_record(a->zip, i);
        if (r->rel && !strncmp(r->rel, "code/", 5))
            a->has_code = true;
    }
    return TSI_OK;
}

static Archive *archive_new(const char *name, const ArchiveOptions *opt, Err *err) {
    Archive *a = xcalloc(1, sizeof *a);
    if (!a || !(a->name = xstrdup(name)) || !(a->cu = ir_cu_new())) {
        if (a)
            free(a->name);
        free(a);
        err_nomem(err);
        return NULL;
    }
    if (opt)
        a->opt = *opt;
    else
        archive_default_options(&a->opt);
    pkl_generic_classes_init(&a->generic, a->cu);
    a->constants = iv_invalid();
    a->root = iv_invalid();
    return a;
}

int archive_open_buffer(const void *data, size_t len, const char *name, const ArchiveOptions *opt,
                        Archive **out, Err *err) {
    *out = NULL;
    if (!name)
        name = "<buffer>";
    int rc = check_magic(data, len, name, err);
    if (rc)
        return rc;
    Archive *a = archive_new(name, opt, err);
    if (!a)
        return TSI_ERR_NOMEM;
    if ((rc = zipr_open_buffer(data, len, name, &a->opt.zip, &a->zip, err)) ||
        (rc = finish_open(a, err))) {
        archive_free(a);
        return rc;
    }
    *out = a;
    return TSI_OK;
}

int archive_open_file(const char *path, const ArchiveOptions *opt, Archive **out, Err *err) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(err, TSI_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t head[16];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    int rc = check_magic(head, n, path, err);
    if (rc)
        return rc;
    Archive *a = archive_new(path, opt, err);
    if (!a)
        return TSI_ERR_NOMEM;
    if ((rc = zipr_open_file(path, &a->opt.zip, &a->zip, err)) || (rc = finish_open(a, err))) {
        archive_free(a);
        return rc;
    }
    *out = a;
    return TSI_OK;
}

void archive_free(Archive *a) {
    if (!a)
        return;
    iv_release(a->root);
    iv_release(a->constants);
    zipr_close(a->zip);
    pkl_generic_classes_free(&a->generic);
    ir_cu_release(a->cu);
    free(a->name);
    free(a);
}


/*
 * The dynamic type of a value, like iv_type_of, but each tuple is typed
 * once: memoized tuples can share sub-tuples (a DAG whose tree is
 * exponentially large), so typing them naively could take forever. The
 * cache lives for one call, while every value in it is alive.
 */
static Type *value_type_rec(IValue v, HMap *cache, int depth) {
    if (v.tag != IV_TUPLE)
        return iv_type_of(v, false);
    if (v.u.tup->type)
        return v.u.tup->type;
    Type *t = hmap_get(cache, v.u.h);
    if (t)
        return t;
    if (depth > 20000)
        return type_of_kind(TY_ANY_TUPLE);
    size_t n = v.u.tup->n;
    Type **elems = xcalloc(n ? n : 1, sizeof *elems);
    if (!elems)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(elems[i] = value_type_rec(v.u.tup->items[i], cache, depth + 1))) {
            free(elems);
            return NULL;
        }
    t = n <= INT32_MAX ? type_tuple((int)n, elems) : NULL;
    free(elems);
    if (t && !hmap_put(cache, v.u.h, t))
        return NULL;
    return t;
}

static Type *value_type(IValue v, HMap *cache) { return value_type_rec(v, cache, 0); }

/* ------------------------------------------------------ generic classes */

static bool torch_qualname(const char *q) { return !strncmp(q, "__torch__.", 10); }

static Type *generic_resolve(void *ctx, const char *qualname, PklClassUse use, Err *err) {
    PklGenericClasses *a = ctx;
    if (!torch_qualname(qualname)) {
        err_set(err, TSI_ERR_FORMAT, "class '%s' is not allowed (only __torch__ classes)",
                qualname);
        return NULL;
    }
    Type *t = ir_cu_find_type(a->cu, qualname);
    if (t) {
        /* A name first seen inside a type tag was created as a class; its
         * first real use decides what it is. */
        if (hmap_has(&a->tentative, t)) {
            if (use == PKL_USE_CALL) {
                t->kind = TY_ENUM;
                hmap_remove(&a->tentative, t);
            } else if (use == PKL_USE_NEWOBJ) {
                hmap_remove(&a->tentative, t);
            }
        }
        return t;
    }
    if (a->cu->types_owned.len >= MAX_GENERIC_CLASSES) {
        err_set(err, TSI_ERR_LIMIT, "too many classes (limit %d)", MAX_GENERIC_CLASSES);
        return NULL;
    }
    t = use == PKL_USE_CALL ? ir_cu_new_enum(a->cu, qualname, NULL)
                            : ir_cu_new_class(a->cu, qualname, false);
    if (!t) {
        err_nomem(err);
        return NULL;
    }
    if (use == PKL_USE_TYPE && !hmap_put(&a->tentative, t, t)) {
        err_nomem(err);
        return NULL;
    }
    return t;
}

static int generic_set_state(void *ctx, IvObject *obj, IValue state, Err *err) {
    TSI_UNUSED(ctx);
    Type *cls = obj->cls;
    if (state.tag != IV_DICT) {
        /* A __getstate__ result: kept whole until #5 can run __setstate__. */
        int slot = ir_class_find_attr(cls, "__getstate__");
        if (slot < 0) {
            HMap cache;
            hmap_init_ptr(&cache);
            Type *ty = value_type(state, &cache);
            hmap_free(&cache);
            if (!ty || (slot = ir_class_add_attr(cls, "__getstate__", ty, false, false)) < 0)
                return err_nomem(err);
        }
        if (obj->nslots <= (size_t)slot && !iv_object_resize(obj, (size_t)slot + 1))
            return err_nomem(err);
        iv_object_set(obj, (size_t)slot, iv_dup(state));
        return TSI_OK;
    }
    IValue k, v;
    HMap cache;
    hmap_init_ptr(&cache);
    int rc = TSI_OK;
    for (size_t it = 0; iv_dict_next(state.u.dict, &it, &k, &v);) {
        if (k.tag != IV_STR || strlen(k.u.s->data) != k.u.s->len) {
            rc = err_set(err, TSI_ERR_FORMAT, "an attribute name of '%s' is not a string",
                         cls->name);
            break;
        }
        int slot = ir_class_find_attr(cls, k.u.s->data);
        if (slot < 0) {
            if (cls->cls->attrs.len >= 1u << 20) {
                rc = err_set(err, TSI_ERR_LIMIT, "class '%s' has too many attributes", cls->name);
                break;
            }
            Type *ty = value_type(v, &cache);
            if (!ty || (slot = ir_class_add_attr(cls, k.u.s->data, ty, false, false)) < 0) {
                rc = err_nomem(err);
                break;
            }
            /* nn.Module state always carries `training`. */
            if (!strcmp(k.u.s->data, "training") && v.tag == IV_BOOL)
                cls->cls->is_module = true;
        }
        if (obj->nslots <= (size_t)slot && !iv_object_resize(obj, cls->cls->attrs.len)) {
            rc = err_nomem(err);
            break;
        }
        iv_object_set(obj, (size_t)slot, iv_dup(v));
    }
    hmap_free(&cache);
    return rc;
}

static int generic_enum_member(void *ctx, Type *et, IValue value, IValue *out, Err *err) {
    TSI_UNUSED(ctx);
    ClassInfo *c = et->cls;
    for (size_t i = 0; i < c->enum_members.len; i++)
        if (iv_equal(c->enum_members.data[i].value, value)) {
            *out = iv_enum_new(et, c->enum_members.data[i].name, iv_dup(value));
            return out->tag == IV_INVALID ? err_nomem(err) : TSI_OK;
        }
    if (c->enum_members.len >= 4096)
        return err_set(err, TSI_ERR_LIMIT, "enum '%s' has too many members", et->name);
    /* Member names live in code/ (#5); until then members are unnamed. */
    EnumMember m = {"", iv_dup(value)};
    if (!vec_push(&c->enum_members, m)) {
        iv_release(value);
        return err_nomem(err);
    }
    if (!c->enum_value_type)
        c->enum_value_type = iv_type_of(value, false);
    *out = iv_enum_new(et, "", iv_dup(value));
    return out->tag == IV_INVALID ? err_nomem(err) : TSI_OK;
}

void pkl_generic_classes_init(PklGenericClasses *g, CompilationUnit *cu) {
    g->cu = cu;
    ir_cu_retain(cu);
    hmap_init_ptr(&g->tentative);
}

void pkl_generic_classes_free(PklGenericClasses *g) {
    hmap_free(&g->tentative);
    ir_cu_release(g->cu);
    g->cu = NULL;
}

void pkl_generic_class_hooks(PklGenericClasses *g, PklClassHooks *h) {
    h->resolve = generic_resolve;
    h->set_state = generic_set_state;
    h->enum_member = generic_enum_member;
    h->ctx = g;
}

/* ------------------------------------------------------------- loading */

static Storage *read_record_cb(void *ctx, const char *name, Err *err) {
    Archive *a = ctx;
    const ZipRecord *r = zipr_find(a->zip, name);
    if (!r) {
        err_set(err, TSI_ERR_FORMAT, "missing record '%s'", name);
        return NULL;
    }
    return zipr_read_storage(a->zip, r, err);
}

static int load_pickle(Archive *a, const char *rel, const char *tensor_dir,
                       const PklClassHooks *hooks, IValue *out, Err *err) {
    const ZipRecord *r = zipr_find(a->zip, rel);
    if (!r)
        return err_set(err, TSI_ERR_FORMAT, "%s: the archive has no %s record", a->name, rel);
    char *data;
    size_t len;
    int rc = zipr_read(a->zip, r, 0, &data, &len, err);
    if (rc)
        return rc;
    PklOptions o;
    pkl_default_options(&o);
    o.name = rel;
    o.tensor_dir = tensor_dir;
    o.read_record = read_record_cb;
    o.record_ctx = a;
    o.classes = hooks;
    o.big_endian = a->big_endian;
    o.max_depth = a->opt.max_depth;
    o.max_alloc = a->opt.max_alloc;
    rc = pkl_load(data, len, &o, out, err);
    free(data);
    return rc ? prefix_file(err, a->name, rc) : TSI_OK;
}

int archive_load(Archive *a, const PklClassHooks *hooks, Err *err) {
    PklClassHooks generic;
    if (!hooks) {
        pkl_generic_class_hooks(&a->generic, &generic);
        hooks = &generic;
    }
    int rc;
    iv_release(a->constants);
    iv_release(a->root);
    a->constants = a->root = iv_invalid();
    if (zipr_find(a->zip, "constants.pkl")) {
        if ((rc = load_pickle(a, "constants.pkl", "constants/", hooks, &a->constants, err)))
            return rc;
        if (a->constants.tag != IV_TUPLE)
            return err_set(err, TSI_ERR_FORMAT, "%s: constants.pkl holds a %s, not a tuple",
                           a->name, a->constants.tag == IV_LIST ? "list" : "non-tuple value");
    } else if (a->has_code) {
        return err_set(err, TSI_ERR_FORMAT, "%s: the archive has no constants.pkl record",
                       a->name);
    }
    if ((rc = load_pickle(a, "data.pkl", "data/", hooks, &a->root, err)))
        return rc;
    if (!a->has_code) {
        /* torch.save pickles carry no type tags: type containers from their
         * contents. */
        archive_infer_container_types(a->root);
    } else if (a->version <= 2 && a->root.tag == IV_OBJECT) {
        archive_restore_accurate_type_tags(a->root, a->root.u.obj->cls);
    }
    return TSI_OK;
}

/* ------------------------------------------------------------- type tags */

typedef struct Work {
    IValue v;  /* borrowed */
    Type *t;   /* static type */
} Work;

void archive_restore_accurate_type_tags(IValue root, Type *type) {
    VEC(Work) work = {0};
    HMap seen;
    hmap_init_ptr(&seen);
    if (!vec_push(&work, ((Work){root, type})))
        return;
    while (work.len) {
        Work w = work.data[--work.len];
        IValue v = w.v;
        Type *t = w.t;
        if (!t)
            continue;
        if (t->kind == TY_OPTIONAL) {
            if (v.tag == IV_NONE)
                continue;
            t = t->elems[0];
        }
        if (iv_is_heap(v)) {
            if (hmap_has(&seen, v.u.h))
                continue;
            if (!hmap_put(&seen, v.u.h, NULL))
                break;
        }
        switch (v.tag) {
        case IV_LIST:
            if (t->kind != TY_LIST)
                break;
            v.u.l->elem = t->elems[0];
            for (size_t i = 0; i < v.u.l->len; i++)
                if (!vec_push(&work, ((Work){v.u.l->items[i], t->elems[0]})))
                    goto out;
            break;
        case IV_DICT: {
            if (t->kind != TY_DICT)
                break;
            v.u.dict->key_type = t->elems[0];
            v.u.dict->value_type = t->elems[1];
            IValue k, x;
            for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);)
                if (!vec_push(&work, ((Work){x, t->elems[1]})))
                    goto out;
            break;
        }
        case IV_TUPLE:
            if (t->kind != TY_TUPLE || (size_t)t->n != v.u.tup->n)
                break;
            for (size_t i = 0; i < v.u.tup->n; i++)
                if (!vec_push(&work, ((Work){v.u.tup->items[i], t->elems[i]})))
                    goto out;
            break;
        case IV_OBJECT: {
            Type *cls = v.u.obj->cls;
            for (size_t i = 0; cls->cls && i < v.u.obj->nslots && i < cls->cls->attrs.len; i++)
                if (!vec_push(&work, ((Work){v.u.obj->slots[i], cls->cls->attrs.data[i].type})))
                    goto out;
            break;
        }
        default: break;
        }
    }
out:
    vec_free(&work);
    hmap_free(&seen);
}

/* The type of a value for inference: containers report what they hold. */
static Type *unify_all(Type *acc, Type *t, bool *ok) {
    if (!*ok || !t) {
        *ok = false;
        return acc;
    }
    if (!acc)
        return t;
    Type *u = type_unify(acc, t, false);
    if (!u)
        *ok = false;
    return u ? u : acc;
}

void archive_infer_container_types(IValue root) {
    /* Post-order without recursion: a container is typed after its
     * children. Each stack entry is visited twice (expand, then type). */
    typedef struct {
        IValue v;
        bool expanded;
    } Ent;
    VEC(Ent) st = {0};
    HMap seen, cache;
    hmap_init_ptr(&seen);
    hmap_init_ptr(&cache);
    if (!vec_push(&st, ((Ent){root, false})))
        return;
    while (st.len) {
        Ent *e = &vec_last(&st);
        IValue v = e->v;
        if (!e->expanded) {
            if (!iv_is_heap(v) || hmap_has(&seen, v.u.h)) {
                st.len--;
                continue;
            }
            if (!hmap_put(&seen, v.u.h, NULL))
                break;
            e->expanded = true;
            if (v.tag == IV_LIST) {
                for (size_t i = 0; i < v.u.l->len; i++)
                    if (!vec_push(&st, ((Ent){v.u.l->items[i], false})))
                        goto out;
            } else if (v.tag == IV_DICT) {
                IValue k, x;
                for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);)
                    if (!vec_push(&st, ((Ent){x, false})) || !vec_push(&st, ((Ent){k, false})))
                        goto out;
            } else if (v.tag == IV_TUPLE) {
                for (size_t i = 0; i < v.u.tup->n; i++)
                    if (!vec_push(&st, ((Ent){v.u.tup->items[i], false})))
                        goto out;
            } else if (v.tag == IV_OBJECT) {
                for (size_t i = 0; i < v.u.obj->nslots; i++)
                    if (!vec_push(&st, ((Ent){v.u.obj->slots[i], false})))
                        goto out;
            }
            continue;
        }
        st.len--;
        if (v.tag == IV_LIST && v.u.l->elem->kind == TY_ANY && v.u.l->len) {
            bool ok = true;
            Type *acc = NULL;
            for (size_t i = 0; i < v.u.l->len; i++)
                acc = unify_all(acc, value_type(v.u.l->items[i], &cache), &ok);
            if (ok && acc)
                v.u.l->elem = acc;
        } else if (v.tag == IV_DICT && v.u.dict->key_type->kind == TY_ANY &&
                   v.u.dict->value_type->kind == TY_ANY && v.u.dict->live) {
            bool kok = true, vok = true;
            Type *ka = NULL, *va = NULL;
            IValue k, x;
            for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);) {
                ka = unify_all(ka, value_type(k, &cache), &kok);
                va = unify_all(va, value_type(x, &cache), &vok);
            }
            if (kok && ka)
                v.u.dict->key_type = ka;
            if (vok && va)
                v.u.dict->value_type = va;
        }
    }
out:
    vec_free(&st);
    hmap_free(&seen);
    hmap_free(&cache);
}
