/*
 * fuzz_archive.c: bytes -> archive open (zip checks, version, byteorder)
 * -> full load (constants.pkl and data.pkl with storages), generic
 * classes, then the post-load walks.
 *
 * Two input forms, so mutations reach past the zip layer (whose CRCs
 * reject almost every mutated record):
 *   - raw archive bytes (anything not starting with 'R');
 *   - 'R' then records "name\n" + 2-byte little-endian length + bytes,
 *     which are packed here into a valid stored zip under the prefix "f/".
 */
#include "../../serialize/serialize.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc32_of(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void put16(StrBuf *sb, unsigned v) {
    sb_putc(sb, (char)(v & 0xff));
    sb_putc(sb, (char)((v >> 8) & 0xff));
}

static void put32(StrBuf *sb, uint32_t v) {
    put16(sb, v & 0xffff);
    put16(sb, v >> 16);
}

/* Pack 'R'-form records into a stored zip. */
static char *pack(const uint8_t *data, size_t size, size_t *out_len) {
    StrBuf zip, cd;
    sb_init(&zip);
    sb_init(&cd);
    size_t pos = 1;
    unsigned count = 0;
    while (pos < size && count < 64) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        if (!nl)
            break;
        size_t nlen = (size_t)(nl - (data + pos));
        char name[300];
        if (nlen > 250)
            break;
        memcpy(name, "f/", 2);
        memcpy(name + 2, data + pos, nlen);
        nlen += 2;
        name[nlen] = 0;
        pos += nlen - 2 + 1;
        if (size - pos < 2)
            break;
        size_t dlen = data[pos] | (size_t)data[pos + 1] << 8;
        pos += 2;
        if (dlen > size - pos)
            dlen = size - pos;
        const uint8_t *d = data + pos;
        pos += dlen;
        uint32_t crc = crc32_of(d, dlen), off = (uint32_t)zip.len;
        put32(&zip, 0x04034b50);
        put16(&zip, 20), put16(&zip, 0), put16(&zip, 0), put16(&zip, 0), put16(&zip, 0);
        put32(&zip, crc), put32(&zip, (uint32_t)dlen), put32(&zip, (uint32_t)dlen);
        put16(&zip, (unsigned)nlen), put16(&zip, 0);
        sb_putn(&zip, name, nlen);
        sb_putn(&zip, (const char *)d, dlen);
        put32(&cd, 0x02014b50);
        put16(&cd, 20), put16(&cd, 20), put16(&cd, 0), put16(&cd, 0), put16(&cd, 0);
        put16(&cd, 0);
        put32(&cd, crc), put32(&cd, (uint32_t)dlen), put32(&cd, (uint32_t)dlen);
        put16(&cd, (unsigned)nlen), put16(&cd, 0), put16(&cd, 0), put16(&cd, 0), put16(&cd, 0);
        put32(&cd, 0), put32(&cd, off);
        sb_putn(&cd, name, nlen);
        count++;
    }
    uint32_t cd_off = (uint32_t)zip.len, cd_len = (uint32_t)cd.len;
    sb_putn(&zip, cd.data ? cd.data : "", cd.len);
    put32(&zip, 0x06054b50);
    put16(&zip, 0), put16(&zip, 0), put16(&zip, count), put16(&zip, count);
    put32(&zip, cd_len), put32(&zip, cd_off), put16(&zip, 0);
    sb_free(&cd);
    *out_len = zip.len;
    return sb_finish(&zip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *packed = NULL;
    if (size > 0 && data[0] == 'R') {
        size_t n;
        if (!(packed = pack(data, size, &n)))
            return 0;
        data = (const uint8_t *)packed;
        size = n;
    }
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
    free(packed);
    return 0;
}
