/*
 * npy.c: NumPy .npy reading and writing.
 *
 * Layout: magic "\x93NUMPY", major and minor version bytes, a header length
 * (u16 for v1, u32 for v2/v3, little endian), then a Python dict literal
 * such as {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces and a newline, then the raw array bytes. Every read
 * goes through bounds checks; sizes from the file are validated against the
 * bytes actually present before anything is allocated.
 */
#include "serialize.h"

#include <stdlib.h>
#include <string.h>

enum { NPY_MAX_HEADER = 1 << 20 };

typedef struct NpyHeader {
    char order;     /* '<', '>' or '|' */
    char kind;      /* 'b', 'u', 'i', 'f' */
    int itemsize;
    bool fortran;
    int ndim;
    int64_t shape[TSI_MAX_DIM];
    bool have_descr, have_order, have_shape;
} NpyHeader;

/* A cursor over the header text. */
typedef struct HCur {
    const char *s, *end;
    size_t base; /* byte offset of s's start within the file */
    const char *start;
    const char *name;
    Err *err;
} HCur;

static int hfail(HCur *c, const char *what) {
    return err_set(c->err, TSI_ERR_FORMAT, "%s: malformed .npy header at byte %zu: %s", c->name,
                   c->base + (size_t)(c->s - c->start), what);
}

static void hskip(HCur *c) {
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
        c->s++;
}

static bool hpeek(HCur *c, char ch) {
    hskip(c);
    return c->s < c->end && *c->s == ch;
}

static bool haccept(HCur *c, char ch) {
    if (!hpeek(c, ch))
        return false;
    c->s++;
    return true;
}

/* A quoted Python string ('...' or "...", no escapes needed for npy keys). */
static int hstring(HCur *c, char *out, size_t cap) {
    hskip(c);
    if (c->s >= c->end || (*c->s != '\'' && *c->s != '"'))
        return hfail(c, "expected a quoted string");
    char q = *c->s++;
    size_t n = 0;
    while (c->s < c->end && *c->s != q) {
        if (n + 1 >= cap)
            return hfail(c, "string too long");
        out[n++] = *c->s++;
    }
    if (c->s >= c->end)
        return hfail(c, "unterminated string");
    c->s++;
    out[n] = 0;
    return TSI_OK;
}

static int hint(HCur *c, int64_t *v) {
    hskip(c);
    int64_t x = 0;
    const char *p = c->s;
    while (c->s < c->end && *c->s >= '0' && *c->s <= '9') {
        if (mul_i64_overflows(x, 10, &x) || add_i64_overflows(x, *c->s - '0', &x))
            return hfail(c, "shape entry too large");
        c->s++;
    }
    if (c->s == p)
        return hfail(c, "expected a non-negative integer");
    if (c->s < c->end && *c->s == 'L') /* Python 2 longs */
        c->s++;
    *v = x;
    return TSI_OK;
}

static int hdescr(HCur *c, NpyHeader *h) {
    char d[32];
    int rc = hstring(c, d, sizeof d);
    if (rc)
        return rc;
    size_t n = strlen(d);
    if (n < 3 || !strchr("<>|=", d[0]))
        return hfail(c, "unsupported descr (expected e.g. '<f4')");
    char *endp;
    long size = strtol(d + 2, &endp, 10);
    if (*endp || size <= 0)
        return hfail(c, "unsupported descr (bad item size)");
    h->order = d[0] == '=' ? '<' : d[0];
    h->kind = d[1];
    h->itemsize = (int)size;
    h->have_descr = true;
    return TSI_OK;
}

static int hshape(HCur *c, NpyHeader *h) {
    if (!haccept(c, '('))
        return hfail(c, "expected '(' to open the shape");
    h->ndim = 0;
    while (!haccept(c, ')')) {
        if (h->ndim >= TSI_MAX_DIM)
            return hfail(c, "too many dimensions");
        int rc = hint(c, &h->shape[h->ndim++]);
        if (rc)
            return rc;
        if (!haccept(c, ',') && !hpeek(c, ')'))
            return hfail(c, "expected ',' or ')' in the shape");
    }
    h->have_shape = true;
    return TSI_OK;
}

static int parse_header(HCur *c, NpyHeader *h) {
    if (!haccept(c, '{'))
        return hfail(c, "expected '{'");
    while (!haccept(c, '}')) {
        char key[32];
        int rc = hstring(c, key, sizeof key);
        if (rc)
            return rc;
        if (!haccept(c, ':'))
            return hfail(c, "expected ':'");
        if (!strcmp(key, "descr")) {
            rc = hdescr(c, h);
        } else if (!strcmp(key, "fortran_order")) {
            hskip(c);
            if ((size_t)(c->end - c->s) >= 4 && !memcmp(c->s, "True", 4)) {
                h->fortran = true;
                c->s += 4;
            } else if ((size_t)(c->end - c->s) >= 5 && !memcmp(c->s, "False", 5)) {
                h->fortran = false;
                c->s += 5;
            } else {
                rc = hfail(c, "fortran_order must be True or False");
            }
            h->have_order = true;
        } else if (!strcmp(key, "shape")) {
            rc = hshape(c, h);
        } else {
            rc = hfail(c, "unknown key");
        }
        if (rc)
            return rc;
        if (!haccept(c, ',') && !hpeek(c, '}'))
            return hfail(c, "expected ',' or '}'");
    }
    if (!h->have_descr || !h->have_order || !h->have_shape)
        return hfail(c, "missing descr, fortran_order or shape");
    return TSI_OK;
}

static DType npy_dtype(char kind, int size) {
    switch (kind) {
    case 'b': return size == 1 ? TSI_DTYPE_BOOL : TSI_DTYPE_INVALID;
    case 'u': return size == 1 ? TSI_DTYPE_UINT8 : TSI_DTYPE_INVALID;
    case 'i':
        switch (size) {
        case 1: return TSI_DTYPE_INT8;
        case 2: return TSI_DTYPE_INT16;
        case 4: return TSI_DTYPE_INT32;
        case 8: return TSI_DTYPE_INT64;
        }
        return TSI_DTYPE_INVALID;
    case 'f':
        switch (size) {
        case 2: return TSI_DTYPE_FLOAT16;
        case 4: return TSI_DTYPE_FLOAT32;
        case 8: return TSI_DTYPE_FLOAT64;
        }
        return TSI_DTYPE_INVALID;
    }
    return TSI_DTYPE_INVALID;
}

static void byteswap(unsigned char *p, size_t count, size_t size) {
    for (size_t i = 0; i < count; i++, p += size)
        for (size_t a = 0, b = size - 1; a < b; a++, b--) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

int npy_read_buffer(const void *data, size_t len, const char *name, Tensor **out, Err *err) {
    *out = NULL;
    const unsigned char *b = data;
    if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
        return err_set(err, TSI_ERR_FORMAT, "%s: not a .npy file (bad magic)", name);
    int major = b[6];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)b[8] | (size_t)b[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return err_set(err, TSI_ERR_FORMAT, "%s: truncated .npy preamble", name);
        hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        hstart = 12;
    } else {
        return err_set(err, TSI_ERR_FORMAT, "%s: unsupported .npy format version %d.%d", name,
                       major, b[7]);
    }
    if (hlen > NPY_MAX_HEADER)
        return err_set(err, TSI_ERR_LIMIT, "%s: .npy header of %zu bytes exceeds the limit", name,
                       hlen);
    if (hlen > len - hstart)
        return err_set(err, TSI_ERR_FORMAT,
                       "%s: truncated .npy header (declares %zu bytes, %zu present)", name, hlen,
                       len - hstart);
    const char *htext = (const char *)b + hstart;
    NpyHeader h = {0};
    HCur c = {htext, htext + hlen, hstart, htext, name, err};
    int rc = parse_header(&c, &h);
    if (rc)
        return rc;
    DType dt = npy_dtype(h.kind, h.itemsize);
    if (dt == TSI_DTYPE_INVALID)
        return err_set(err, TSI_ERR_UNSUPPORTED, "%s: unsupported .npy dtype '%c%d'", name, h.kind,
                       h.itemsize);
    int64_t numel = 1;
    for (int i = 0; i < h.ndim; i++)
        if (mul_i64_overflows(numel, h.shape[i], &numel))
            return err_set(err, TSI_ERR_FORMAT, "%s: .npy shape overflows", name);
    size_t nbytes, dstart = hstart + hlen;
    if (mul_overflows((size_t)numel, (size_t)h.itemsize, &nbytes))
        return err_set(err, TSI_ERR_FORMAT, "%s: .npy shape overflows", name);
    if (nbytes > len - dstart)
        return err_set(err, TSI_ERR_FORMAT,
                       "%s: .npy data truncated: header says %zu bytes, file has %zu", name,
                       nbytes, len - dstart);
    Storage *s = storage_new(nbytes, err);
    if (!s)
        return err ? err->code : TSI_ERR_NOMEM;
    memcpy(s->data, b + dstart, nbytes);
    if (h.order == '>' && h.itemsize > 1)
        byteswap(s->data, (size_t)numel, (size_t)h.itemsize);
    int64_t strides[TSI_MAX_DIM];
    if (h.fortran) {
        int64_t st = 1;
        for (int i = 0; i < h.ndim; i++) {
            strides[i] = st;
            st *= h.shape[i] > 1 ? h.shape[i] : 1;
        }
    } else {
        contiguous_strides(h.ndim, h.shape, strides);
    }
    *out = tensor_from_storage(s, dt, 0, h.ndim, h.shape, strides, err);
    storage_release(s);
    if (!*out)
        return err_prefix(err, "%s", name);
    return TSI_OK;
}

int npy_read_file(const char *path, Tensor **out, Err *err) {
    char *data;
    size_t len;
    *out = NULL;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = npy_read_buffer(data, len, path, out, err);
    free(data);
    return rc;
}

static const char *npy_descr(DType dt) {
    switch (dt) {
    case TSI_DTYPE_BOOL: return "|b1";
    case TSI_DTYPE_UINT8: return "|u1";
    case TSI_DTYPE_INT8: return "|i1";
    case TSI_DTYPE_INT16: return "<i2";
    case TSI_DTYPE_INT32: return "<i4";
    case TSI_DTYPE_INT64: return "<i8";
    case TSI_DTYPE_FLOAT16: return "<f2";
    case TSI_DTYPE_FLOAT32: return "<f4";
    case TSI_DTYPE_FLOAT64: return "<f8";
    default: return NULL;
    }
}

int npy_write_buffer(const Tensor *t, char **data, size_t *len, Err *err) {
    *data = NULL;
    *len = 0;
    const char *descr = npy_descr(t->dtype);
    if (!descr)
        return err_set(err, TSI_ERR_UNSUPPORTED, ".npy has no dtype for %s", dtype_name(t->dtype));
    StrBuf h;
    sb_init(&h);
    sb_printf(&h, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < t->ndim; i++)
        sb_printf(&h, "%lld%s", (long long)t->sizes[i], t->ndim == 1 ? "," : (i + 1 < t->ndim ? ", " : ""));
    sb_puts(&h, "), }");
    /* Pad with spaces so the data starts on a 64-byte boundary; end with \n. */
    size_t pre = 10;
    if (h.len + 1 + pre > 65535)
        pre = 12;
    while ((pre + h.len + 1) % 64)
        sb_putc(&h, ' ');
    sb_putc(&h, '\n');
    Tensor *c = tensor_contiguous(t, err);
    if (!c || h.oom) {
        sb_free(&h);
        tensor_release(c);
        return c ? err_nomem(err) : (err ? err->code : TSI_ERR_NOMEM);
    }
    size_t nbytes = tensor_nbytes(c), total = pre + h.len + nbytes;
    char *buf = xmalloc(total);
    if (!buf) {
        sb_free(&h);
        tensor_release(c);
        return err_nomem(err);
    }
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = pre == 10 ? 1 : 2;
    buf[7] = 0;
    size_t hl = h.len;
    buf[8] = (char)(hl & 0xff);
    buf[9] = (char)((hl >> 8) & 0xff);
    if (pre == 12) {
        buf[10] = (char)((hl >> 16) & 0xff);
        buf[11] = (char)((hl >> 24) & 0xff);
    }
    memcpy(buf + pre, h.data, h.len);
    if (nbytes)
        memcpy(buf + pre + h.len, tensor_data(c), nbytes);
    sb_free(&h);
    tensor_release(c);
    *data = buf;
    *len = total;
    return TSI_OK;
}

int npy_write_file(const char *path, const Tensor *t, Err *err) {
    char *data;
    size_t len;
    int rc = npy_write_buffer(t, &data, &len, err);
    if (rc)
        return err_prefix(err, "%s", path);
    rc = write_file(path, data, len, err);
    free(data);
    return rc;
}
