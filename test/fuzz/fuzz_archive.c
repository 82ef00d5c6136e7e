/*
 * fuzz_archive.c: bytes -> archive open (zip checks, version, byteorder)
 * -> full load (constants.pkl and data.pkl with storages), generic
 * classes, then the post-load walks.
 */
#include "../../serialize/serialize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ArchiveOptions opt;
    archive_default_options(&opt);
    opt.zip.max_record = 64u << 20;
    opt.max_alloc = 256u << 20;
    Err err = {0};
    Archive *a = NULL;
    if (archive_open_buffer(data, size, "fuzz.pt", &opt, &a, &err) == TSI_OK &&
        archive_load(a, NULL, &err) == TSI_OK) {
        archive_infer_container_types(a->root);
        if (a->root.tag == IV_OBJECT)
            archive_restore_accurate_type_tags(a->root, a->root.u.obj->cls);
    }
    archive_free(a);
    err_clear(&err);
    return 0;
}
