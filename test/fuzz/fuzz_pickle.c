/*
 * fuzz_pickle.c: raw pickle bytes -> the unpickler, with generic classes
 * and an in-memory record source (records data/0 .. data/15 of 64, 128, ...
 * 1024 bytes; everything else is missing), then the post-load walks.
 */
#include "../../serialize/serialize.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t record_bytes[1024];

static Storage *read_record(void *ctx, const char *name, Err *err) {
    TSI_UNUSED(ctx);
    for (int i = 0; i < 16; i++) {
        char want[16];
        snprintf(want, sizeof want, "data/%d", i);
        if (!strcmp(name, want))
            return storage_wrap(record_bytes, (size_t)(i + 1) * 64, storage_release_none, NULL,
                                err);
    }
    err_set(err, TSI_ERR_FORMAT, "missing record '%s'", name);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (size_t i = 0; i < sizeof record_bytes; i++)
        record_bytes[i] = (uint8_t)(i * 37 + 11);
    CompilationUnit *cu = ir_cu_new();
    if (!cu)
        return 0;
    PklGenericClasses g;
    pkl_generic_classes_init(&g, cu);
    PklClassHooks hooks;
    pkl_generic_class_hooks(&g, &hooks);
    PklOptions o;
    pkl_default_options(&o);
    o.name = "fuzz.pkl";
    o.read_record = read_record;
    o.classes = &hooks;
    o.max_alloc = 256u << 20;
    o.big_endian = size > 0 && (data[size - 1] & 1);
    Err err = {0};
    IValue v;
    if (pkl_load(data, size, &o, &v, &err) == TSI_OK) {
        archive_infer_container_types(v);
        if (v.tag == IV_OBJECT)
            archive_restore_accurate_type_tags(v, v.u.obj->cls);
        iv_release(v);
    }
    err_clear(&err);
    pkl_generic_classes_free(&g);
    ir_cu_release(cu);
    return 0;
}
