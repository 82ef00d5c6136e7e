/*
 * zip.c: read-only access to the zip container of a .pt archive, over
 * libzip.
 *
 * Everything is checked when the archive is opened: entry names (no
 * absolute paths, no "." or ".." components, no control characters or
 * backslashes, no duplicates), compression methods (stored or deflated),
 * encryption (refused) and declared sizes (a per-record cap, and for
 * compressed entries a cap relative to the archive size, against zip
 * bombs). The record prefix is the directory of the first central-directory
 * entry, as torch's reader defines it; records are looked up relative to
 * it. Reads always go through libzip, which checks each record's CRC-32 at
 * its end, and every record is copied into memory owned by tsi (zero-copy
 * views of stored entries would need the local header offsets, which
 * libzip does not expose).
 */
#include "serialize.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

struct ZipReader {
    zip_t *za;
    char *name;   /* the file name (or caller's label) for messages */
    char *prefix; /* archive name without the slash ("m") */
    size_t prefix_len;
    uint64_t archive_size;
    ZipLimits lim;
    VEC(ZipRecord) records;
    HMap by_rel; /* relative name -> record index + 1 */
};

void zipr_default_limits(ZipLimits *lim) {
    lim->max_record = (uint64_t)16 << 30;
    lim->max_ratio = 1000;
    lim->max_entries = 1u << 20;
}

static void release_free(void *ctx, void *data) {
    TSI_UNUSED(ctx);
    free(data);
}

/* Why a name may not be used; NULL when it is fine. */
static const char *bad_name_reason(const char *name) {
    if (!*name)
        return "empty name";
    if (name[0] == '/')
        return "absolute path";
    const char *comp = name;
    for (const char *p = name;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == 0) {
            size_t n = (size_t)(p - comp);
            if (n == 0 && c == '/')
                return "empty path component";
            if ((n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
                return "'.' or '..' path component";
            if (c == 0)
                break;
            comp = p + 1;
        } else if (c < 0x20 || c == 0x7f) {
            return "control character";
        } else if (c == '\\') {
            return "backslash";
        }
    }
    return NULL;
}

static int libzip_error(Err *err, const char *name, zip_error_t *ze, const char *what) {
    int code = zip_error_code_zip(ze) == ZIP_ER_MEMORY ? TSI_ERR_NOMEM
               : zip_error_code_zip(ze) == ZIP_ER_OPEN || zip_error_code_zip(ze) == ZIP_ER_READ
                   ? TSI_ERR_IO
                   : TSI_ERR_FORMAT;
    return err_set(err, code, "%s: %s: %s", name, what, zip_error_strerror(ze));
}

void zipr_close(ZipReader *z) {
    if (!z)
        return;
    if (z->za)
        zip_discard(z->za);
    for (size_t i = 0; i < z->records.len; i++)
        free(z->records.data[i].name);
    vec_free(&z->records);
    hmap_free(&z->by_rel);
    free(z->name);
    free(z->prefix);
    free(z);
}

/* Read the central directory into z->records and check it. */
static int scan_entries(ZipReader *z, Err *err) {
    zip_int64_t n = zip_get_num_entries(z->za, 0);
    if (n < 0)
        return err_set(err, TSI_ERR_FORMAT, "%s: cannot count zip entries", z->name);
    if (n == 0)
        return err_set(err, TSI_ERR_FORMAT, "%s: the zip archive is empty (no records)", z->name);
    if ((uint64_t)n > z->lim.max_entries)
        return err_set(err, TSI_ERR_LIMIT, "%s: the zip archive has %lld entries (limit %llu)",
                       z->name, (long long)n, (unsigned long long)z->lim.max_entries);
    HMap seen;
    hmap_init_str(&seen);
    int rc = TSI_OK;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW, &st) != 0) {
            rc = libzip_error(err, z->name, zip_get_error(z->za), "cannot read zip entry");
            goto done;
        }
        const char *name = (st.valid & ZIP_STAT_NAME) ? st.name : NULL;
        if (!name) {
            rc = err_set(err, TSI_ERR_FORMAT, "%s: zip entry %lld has no name", z->name,
                         (long long)i);
            goto done;
        }
        const char *why = bad_name_reason(name);
        if (why) {
            rc = err_set(err, TSI_ERR_FORMAT, "%s: refusing zip entry %lld with an unsafe name (%s)",
                         z->name, (long long)i, why);
            goto done;
        }
        if (hmap_has(&seen, name)) {
            rc = err_set(err, TSI_ERR_FORMAT, "%s: duplicate zip entry name '%s'", z->name, name);
            goto done;
        }
        if (!hmap_put(&seen, name, NULL)) {
            rc = err_nomem(err);
            goto done;
        }
        if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE) ||
            !(st.valid & ZIP_STAT_COMP_METHOD)) {
            rc = err_set(err, TSI_ERR_FORMAT, "%s: zip entry '%s' lacks size information",
                         z->name, name);
            goto done;
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            rc = err_set(err, TSI_ERR_UNSUPPORTED, "%s: zip entry '%s' is encrypted", z->name,
                         name);
            goto done;
        }
        if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE) {
            rc = err_set(err, TSI_ERR_UNSUPPORTED,
                         "%s: zip entry '%s' uses compression method %d (only stored and "
                         "deflated entries are supported)",
                         z->name, name, (int)st.comp_method);
            goto done;
        }
        if (st.size > z->lim.max_record) {
            rc = err_set(err, TSI_ERR_LIMIT,
                         "%s: zip entry '%s' declares %llu bytes, more than the limit of %llu",
                         z->name, name, (unsigned long long)st.size,
                         (unsigned long long)z->lim.max_record);
            goto done;
        }
        if (st.comp_size > z->archive_size) {
            rc = err_set(err, TSI_ERR_FORMAT,
                         "%s: zip entry '%s' declares %llu compressed bytes but the archive has "
                         "only %llu (truncated?)",
                         z->name, name, (unsigned long long)st.comp_size,
                         (unsigned long long)z->archive_size);
            goto done;
        }
        if (st.comp_method == ZIP_CM_STORE && st.size != st.comp_size) {
            rc = err_set(err, TSI_ERR_FORMAT,
                         "%s: stored zip entry '%s' declares %llu bytes but %llu compressed",
                         z->name, name, (unsigned long long)st.size,
                         (unsigned long long)st.comp_size);
            goto done;
        }
        if (st.comp_method != ZIP_CM_STORE && z->lim.max_ratio &&
            st.size / z->lim.max_ratio > z->archive_size) {
            rc = err_set(err, TSI_ERR_LIMIT,
                         "%s: zip entry '%s' declares %llu uncompressed bytes, more than %llu "
                         "times the archive size (zip bomb?)",
                         z->name, name, (unsigned long long)st.size,
                         (unsigned long long)z->lim.max_ratio);
            goto done;
        }
        ZipRecord r = {0};
        r.name = xstrdup(name);
        r.size = st.size;
        r.comp_size = st.comp_size;
        r.deflated = st.comp_method == ZIP_CM_DEFLATE;
        r.index = (uint64_t)i;
        if (!r.name || !vec_push(&z->records, r)) {
            free(r.name);
            rc = err_nomem(err);
            goto done;
        }
    }
    /* The prefix: everything before the first '/' of the first entry. */
    const char *first = z->records.data[0].name;
    const char *slash = strchr(first, '/');
    if (!slash) {
        rc = err_set(err, TSI_ERR_FORMAT,
                     "%s: first zip entry '%s' is not inside a directory, so this is not a "
                     "PyTorch archive",
                     z->name, first);
        goto done;
    }
    z->prefix_len = (size_t)(slash - first);
    if (!(z->prefix = xstrndup(first, z->prefix_len))) {
        rc = err_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < z->records.len; i++) {
        ZipRecord *r = &z->records.data[i];
        if (strncmp(r->name, z->prefix, z->prefix_len) != 0 || r->name[z->prefix_len] != '/')
            continue; /* outside the archive directory: listed, never looked up */
        r->rel = r->name + z->prefix_len + 1;
        if (!hmap_put(&z->by_rel, r->rel, (void *)(uintptr_t)(i + 1))) {
            rc = err_nomem(err);
            goto done;
        }
    }
done:
    hmap_free(&seen);
    return rc;
}

static int open_source(ZipReader *z, zip_source_t *src, Err *err) {
    zip_error_t ze;
    zip_error_init(&ze);
    z->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z->za) {
        int rc = libzip_error(err, z->name, &ze, "not a readable zip archive");
        zip_error_fini(&ze);
        zip_source_free(src);
        return rc;
    }
    zip_error_fini(&ze);
    return scan_entries(z, err);
}

static ZipReader *reader_new(const char *name, const ZipLimits *lim, Err *err) {
    ZipReader *z = xcalloc(1, sizeof *z);
    if (!z || !(z->name = xstrdup(name ? name : "<buffer>"))) {
        free(z);
        err_nomem(err);
        return NULL;
    }
    if (lim)
        z->lim = *lim;
    else
        zipr_default_limits(&z->lim);
    hmap_init_str(&z->by_rel);
    return z;
}

int zipr_open_buffer(const void *data, size_t len, const char *name, const ZipLimits *lim,
                     ZipReader **out, Err *err) {
    *out = NULL;
    ZipReader *z = reader_new(name, lim, err);
    if (!z)
        return TSI_ERR_NOMEM;
    z->archive_size = len;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    if (!src) {
        int rc = libzip_error(err, z->name, &ze, "cannot open buffer");
        zip_error_fini(&ze);
        zipr_close(z);
        return rc;
    }
    zip_error_fini(&ze);
    int rc = open_source(z, src, err);
    if (rc) {
        zipr_close(z);
        return rc;
    }
    *out = z;
    return TSI_OK;
}

int zipr_open_file(const char *path, const ZipLimits *lim, ZipReader **out, Err *err) {
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return err_set(err, TSI_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return err_set(err, TSI_ERR_IO, "%s: not a regular file", path);
    ZipReader *z = reader_new(path, lim, err);
    if (!z)
        return TSI_ERR_NOMEM;
    z->archive_size = (uint64_t)sb.st_size;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_file_create(path, 0, -1, &ze);
    if (!src) {
        int rc = libzip_error(err, path, &ze, "cannot open");
        zip_error_fini(&ze);
        zipr_close(z);
        return rc;
    }
    zip_error_fini(&ze);
    int rc = open_source(z, src, err);
    if (rc) {
        zipr_close(z);
        return rc;
    }
    *out = z;
    return TSI_OK;
}

const char *zipr_name(const ZipReader *z) { return z->name; }
const char *zipr_prefix(const ZipReader *z) { return z->prefix; }
size_t zipr_count(const ZipReader *z) { return z->records.len; }
const ZipRecord *zipr_record(const ZipReader *z, size_t i) {
    return i < z->records.len ? &z->records.data[i] : NULL;
}

const ZipRecord *zipr_find(const ZipReader *z, const char *rel) {
    uintptr_t i = (uintptr_t)hmap_get(&z->by_rel, rel);
    return i ? &z->records.data[i - 1] : NULL;
}

int zipr_read(ZipReader *z, const ZipRecord *r, uint64_t max, char **data, size_t *len,
              Err *err) {
    *data = NULL;
    *len = 0;
    const char *rel = r->rel ? r->rel : r->name;
    if (max && r->size > max)
        return err_set(err, TSI_ERR_LIMIT, "%s: record '%s' has %llu bytes (limit %llu)", z->name,
                       rel, (unsigned long long)r->size, (unsigned long long)max);
    if (r->size >= SIZE_MAX)
        return err_set(err, TSI_ERR_LIMIT, "%s: record '%s' is too large", z->name, rel);
    size_t n = (size_t)r->size;
    char *buf = xmalloc(n + 1);
    if (!buf)
        return err_set(err, TSI_ERR_NOMEM, "%s: out of memory reading record '%s' (%zu bytes)",
                       z->name, rel, n);
    zip_file_t *f = zip_fopen_index(z->za, r->index, 0);
    if (!f) {
        free(buf);
        return libzip_error(err, z->name, zip_get_error(z->za), "cannot open record");
    }
    size_t got = 0;
    int rc = TSI_OK;
    while (got < n) {
        zip_int64_t k = zip_fread(f, buf + got, n - got);
        if (k < 0) {
            rc = err_set(err, TSI_ERR_FORMAT, "%s: record '%s': %s", z->name, rel,
                         zip_error_strerror(zip_file_get_error(f)));
            goto out;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    if (got < n) {
        rc = err_set(err, TSI_ERR_FORMAT,
                     "%s: record '%s' is truncated: %zu of %zu declared bytes present", z->name,
                     rel, got, n);
        goto out;
    }
    /* Read once more so libzip reaches the end and checks the CRC, and so a
     * deflate stream longer than its declared size is caught. */
    char extra;
    zip_int64_t k = zip_fread(f, &extra, 1);
    if (k < 0)
        rc = err_set(err, TSI_ERR_FORMAT, "%s: record '%s': %s", z->name, rel,
                     zip_error_strerror(zip_file_get_error(f)));
    else if (k > 0)
        rc = err_set(err, TSI_ERR_FORMAT, "%s: record '%s' is longer than its declared %zu bytes",
                     z->name, rel, n);
out:
    zip_fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return TSI_OK;
}

Storage *zipr_read_storage(ZipReader *z, const ZipRecord *r, Err *err) {
    char *data;
    size_t len;
    if (zipr_read(z, r, 0, &data, &len, err))
        return NULL;
    Storage *s = storage_wrap(data, len, release_free, NULL, err);
    if (!s)
        free(data);
    return s;
}
