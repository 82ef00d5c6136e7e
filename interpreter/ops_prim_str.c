/*
 * ops_prim_str.c: string operators with TorchScript's semantics, plus the
 * printing ops (str(), format(), "%" formatting, print()).
 *
 * TorchScript strings are std::string: every operation works on bytes.
 * len() counts bytes, indexing returns one byte, and the character classes
 * (isalpha, upper, ...) are the C locale's, so non-ASCII bytes are neither
 * letters nor spaces and are never case-mapped. The whitespace sets of
 * split() and splitlines() are byte sets that include the bytes of the
 * UTF-8 encodings of U+2028/U+2029 (0xE2 0x80 0xA8 0xA9) and 0x85, exactly
 * as torch's find_first_of uses them. Where torch would hang or abort
 * (empty patterns in replace()/count(), absurd widths) these ops return
 * Python's answer or a clean error instead.
 */
#include "ops_prim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

typedef struct Str {
    const char *p;
    size_t n;
} Str;

static int get_str(const OpCall *c, int i, Str *s, Err *err) {
    return op_str(c, i, &s->p, &s->n, err);
}

/* std::string::find(needle, from); (size_t)-1 when absent */
#define NPOS ((size_t)-1)
static size_t sfind(Str h, Str nd, size_t from) {
    if (from > h.n || nd.n > h.n - from)
        return NPOS;
    if (nd.n == 0)
        return from;
    for (size_t i = from; i + nd.n <= h.n; i++)
        if (h.p[i] == nd.p[0] && !memcmp(h.p + i, nd.p, nd.n))
            return i;
    return NPOS;
}

static bool in_set(Str set, unsigned char c) { return memchr(set.p, c, set.n) != NULL; }

/* C-locale character classes (bytes >= 0x80 are in none of them) */
static bool c_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static bool c_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool c_alnum(unsigned char c) { return c_alpha(c) || c_digit(c); }
static bool c_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static bool c_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static bool c_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static bool c_punct(unsigned char c) { return c > 0x20 && c < 0x7f && !c_alnum(c); }
static unsigned char c_toupper(unsigned char c) { return c_lower(c) ? (unsigned char)(c - 32) : c; }
static unsigned char c_tolower(unsigned char c) { return c_upper(c) ? (unsigned char)(c + 32) : c; }

static int push_str(IvList *l, const char *p, size_t n, Err *err) {
    IValue s = iv_str(p, n);
    if (s.tag == IV_INVALID || !iv_list_push(l, s))
        return err_nomem(err);
    return TSI_OK;
}

static int new_str_list(IValue *out, Err *err) {
    *out = iv_list_new(type_str(), 0);
    return out->tag == IV_INVALID ? err_nomem(err) : TSI_OK;
}

/* libstdc++'s out_of_range message for substr/at */
static int substr_range_error(size_t pos, size_t size, Err *err) {
    return err_set(err, TSI_ERR_INDEX,
                   "basic_string::substr: __pos (which is %zu) > this->size() (which is %zu)", pos,
                   size);
}

/* --------------------------------------------------- basic operators */

static int op_add_str(OpCall *c, Err *err) {
    Str a, b;
    int rc = get_str(c, 0, &a, err);
    if (!rc)
        rc = get_str(c, 1, &b, err);
    if (rc)
        return rc;
    StrBuf sb;
    sb_init(&sb);
    sb_putn(&sb, a.p, a.n);
    sb_putn(&sb, b.p, b.n);
    return prim_ret_sb(c, 0, &sb, err);
}

/* std::string comparison: bytes as unsigned, then length */
static int str_cmp(Str a, Str b) {
    size_t n = a.n < b.n ? a.n : b.n;
    int r = n ? memcmp(a.p, b.p, n) : 0;
    if (r)
        return r;
    return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
}

typedef enum { S_LT, S_LE, S_GT, S_GE, S_EQ, S_NE } StrCmp;
static int str_compare(OpCall *c, StrCmp op, Err *err) {
    Str a, b;
    int rc = get_str(c, 0, &a, err);
    if (!rc)
        rc = get_str(c, 1, &b, err);
    if (rc)
        return rc;
    int r = str_cmp(a, b);
    bool v;
    switch (op) {
    case S_LT: v = r < 0; break;
    case S_LE: v = r <= 0; break;
    case S_GT: v = r > 0; break;
    case S_GE: v = r >= 0; break;
    case S_EQ: v = r == 0; break;
    default: v = r != 0; break;
    }
    op_ret(c, 0, iv_bool(v));
    return TSI_OK;
}
static int op_lt_str(OpCall *c, Err *err) { return str_compare(c, S_LT, err); }
static int op_le_str(OpCall *c, Err *err) { return str_compare(c, S_LE, err); }
static int op_gt_str(OpCall *c, Err *err) { return str_compare(c, S_GT, err); }
static int op_ge_str(OpCall *c, Err *err) { return str_compare(c, S_GE, err); }
static int op_eq_str(OpCall *c, Err *err) { return str_compare(c, S_EQ, err); }
static int op_ne_str(OpCall *c, Err *err) { return str_compare(c, S_NE, err); }

static int op_len_str(OpCall *c, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        op_ret(c, 0, iv_int((int64_t)s.n));
    return rc;
}

/* s[i]: one byte; std::string::at's message when out of range */
static int op_str_index(OpCall *c, Err *err) {
    Str s;
    int64_t i;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = op_int(c, 1, &i, err);
    if (rc)
        return rc;
    if (i < 0)
        i += (int64_t)s.n;
    if (i < 0 || (uint64_t)i >= s.n)
        return err_set(err, TSI_ERR_INDEX,
                       "basic_string::at: __n (which is %llu) >= this->size() (which is %zu)",
                       (unsigned long long)(uint64_t)i, s.n);
    return prim_ret_str(c, 0, s.p + i, 1, err);
}

/* torch's slice_indices_adjust (CPython's PySlice_Unpack + AdjustIndices);
 * absent start/end come in as INT64_MAX. Returns the element count or -1
 * with err set. */
static int64_t slice_adjust(int64_t len, int64_t *start, int64_t *stop, int64_t step, Err *err) {
    if (step == 0) {
        err_set(err, TSI_ERR_RUNTIME, "List slice should have non-zero step");
        return -1;
    }
    if (step < -INT64_MAX) {
        err_set(err, TSI_ERR_RUNTIME, "List slice step is out of bounds");
        return -1;
    }
    if (*start == INT64_MAX)
        *start = step < 0 ? INT64_MAX : 0;
    if (*stop == INT64_MAX)
        *stop = step < 0 ? INT64_MIN : INT64_MAX;
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = step < 0 ? -1 : 0;
    } else if (*start >= len) {
        *start = step < 0 ? len - 1 : len;
    }
    if (*stop < 0) {
        *stop += len;
        if (*stop < 0)
            *stop = step < 0 ? -1 : 0;
    } else if (*stop >= len) {
        *stop = step < 0 ? len - 1 : len;
    }
    if (step < 0) {
        if (*stop < *start)
            return (*start - *stop - 1) / (-step) + 1;
    } else if (*start < *stop) {
        return (*stop - *start - 1) / step + 1;
    }
    return 0;
}

static int op_slice_str(OpCall *c, Err *err) {
    Str s;
    bool hs, he;
    int64_t start, end, step = 1;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = prim_opt_int(c, 1, &hs, &start, err);
    if (!rc)
        rc = prim_opt_int(c, 2, &he, &end, err);
    if (!rc && c->nin > 3)
        rc = op_int(c, 3, &step, err);
    if (rc)
        return rc;
    if (!hs)
        start = INT64_MAX;
    if (!he)
        end = INT64_MAX;
    int64_t n = slice_adjust((int64_t)s.n, &start, &end, step, err);
    if (n < 0)
        return err->code;
    StrBuf sb;
    sb_init(&sb);
    for (int64_t k = 0, i = start; k < n; k++, i += step)
        sb_putc(&sb, s.p[i]);
    return prim_ret_sb(c, 0, &sb, err);
}

/* list(s): one single-byte string per byte */
static int op_list_of_str(OpCall *c, Err *err) {
    Str s;
    IValue l;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = new_str_list(&l, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < s.n && !rc; i++)
        rc = push_str(l.u.l, s.p + i, 1, err);
    if (rc) {
        iv_release(l);
        return rc;
    }
    op_ret(c, 0, l);
    return TSI_OK;
}

/* ---------------------------------------------------- split and join */

static const Str WS_SPLIT = {" \t\n\r\v\f\x1c\x1d\x1e\x85\xe2\x80\xa8\xa9", 14};
static const Str WS_LINES = {"\n\r\v\f\x1c\x1d\x1e\x85\xe2\x80\xa8\xa9", 12};

static int op_split(OpCall *c, Err *err) {
    Str s, sep = {0};
    int64_t max = -1;
    IValue l;
    int rc = get_str(c, 0, &s, err);
    bool has_sep = c->nin > 1 && c->in[1].tag != IV_NONE;
    if (!rc && has_sep)
        rc = get_str(c, 1, &sep, err);
    if (!rc && c->nin > 2)
        rc = op_int(c, 2, &max, err);
    if (!rc && has_sep && sep.n == 0)
        rc = err_set(err, TSI_ERR_VALUE, "ValueError: empty separator");
    if (!rc)
        rc = new_str_list(&l, err);
    if (rc)
        return rc;
    if (!has_sep) {
        /* runs of whitespace bytes separate; no empty pieces; max ignored */
        size_t prev = 0;
        for (size_t i = 0; i < s.n && !rc; i++)
            if (in_set(WS_SPLIT, (unsigned char)s.p[i])) {
                if (i > prev)
                    rc = push_str(l.u.l, s.p + prev, i - prev, err);
                prev = i + 1;
            }
        if (!rc && prev != s.n)
            rc = push_str(l.u.l, s.p + prev, s.n - prev, err);
    } else {
        size_t prev = 0, pos = 0;
        int64_t count = 0;
        while (!rc && (pos = sfind(s, sep, pos)) != NPOS) {
            count++;
            if (max >= 0 && count > max)
                break;
            rc = push_str(l.u.l, s.p + prev, pos - prev, err);
            pos += sep.n;
            prev = pos;
        }
        if (!rc)
            rc = push_str(l.u.l, s.p + prev, s.n - prev, err);
    }
    if (rc) {
        iv_release(l);
        return rc;
    }
    op_ret(c, 0, l);
    return TSI_OK;
}

/* rsplit: torch splits the reversed string by the reversed separator */
static int op_rsplit(OpCall *c, Err *err) {
    Str s, sep = {" ", 1};
    int64_t max = -1;
    IValue l;
    int rc = get_str(c, 0, &s, err);
    if (!rc && c->nin > 1)
        rc = get_str(c, 1, &sep, err);
    if (!rc && c->nin > 2)
        rc = op_int(c, 2, &max, err);
    if (!rc)
        rc = new_str_list(&l, err);
    if (rc)
        return rc;
    if (sep.n == 0) {
        /* find("") matches without advancing: torch emits `max` empty
         * pieces before the rest, and never ends when max < 0 */
        if (max < 0) {
            iv_release(l);
            return err_set(err, TSI_ERR_VALUE, "ValueError: empty separator");
        }
        rc = push_str(l.u.l, s.p, s.n, err);
        for (int64_t k = 0; k < max && !rc; k++) {
            rc = push_str(l.u.l, "", 0, err);
            if (!rc && l.u.l->len > PRIM_MAX_RESULT)
                rc = err_set(err, TSI_ERR_LIMIT, "rsplit(): result too large");
        }
        if (rc) {
            iv_release(l);
            return rc;
        }
        op_ret(c, 0, l);
        return TSI_OK;
    }
    /* pieces are found right to left; collect their bounds, then emit */
    VEC(size_t) cuts = {0}; /* pairs (begin, end) */
    size_t prev = s.n;      /* end of the current piece */
    int64_t count = 0;
    /* search from the right for the separator, non-overlapping */
    size_t i = s.n;
    while (i >= sep.n) {
        size_t at = NPOS;
        for (size_t k = i - sep.n + 1; k-- > 0;)
            if (!memcmp(s.p + k, sep.p, sep.n)) {
                at = k;
                break;
            }
        if (at == NPOS)
            break;
        count++;
        if (max >= 0 && count > max)
            break;
        if (!vec_push(&cuts, at + sep.n) || !vec_push(&cuts, prev)) {
            rc = err_nomem(err);
            break;
        }
        prev = at;
        i = at;
    }
    if (!rc && (!vec_push(&cuts, (size_t)0) || !vec_push(&cuts, prev)))
        rc = err_nomem(err);
    for (size_t k = cuts.len; !rc && k >= 2; k -= 2)
        rc = push_str(l.u.l, s.p + cuts.data[k - 2], cuts.data[k - 1] - cuts.data[k - 2], err);
    vec_free(&cuts);
    if (rc) {
        iv_release(l);
        return rc;
    }
    op_ret(c, 0, l);
    return TSI_OK;
}

/* splitlines: each delimiter byte ends a line ("\r\n" makes an empty
 * line); with keepends torch emits the delimiter as its own element */
static int op_splitlines(OpCall *c, Err *err) {
    Str s;
    bool keep = false;
    IValue l;
    int rc = get_str(c, 0, &s, err);
    if (!rc && c->nin > 1)
        rc = op_bool(c, 1, &keep, err);
    if (!rc)
        rc = new_str_list(&l, err);
    if (rc)
        return rc;
    size_t prev = 0;
    for (size_t i = 0; i < s.n && !rc; i++)
        if (in_set(WS_LINES, (unsigned char)s.p[i])) {
            rc = push_str(l.u.l, s.p + prev, i - prev, err);
            if (!rc && keep)
                rc = push_str(l.u.l, s.p + i, 1, err);
            prev = i + 1;
        }
    if (!rc && prev != s.n)
        rc = push_str(l.u.l, s.p + prev, s.n - prev, err);
    if (rc) {
        iv_release(l);
        return rc;
    }
    op_ret(c, 0, l);
    return TSI_OK;
}

static int op_join(OpCall *c, Err *err) {
    Str sep;
    IvList *l;
    int rc = get_str(c, 0, &sep, err);
    if (!rc)
        rc = op_list(c, 1, &l, err);
    if (rc)
        return rc;
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < l->len; i++) {
        IValue v = l->items[i];
        if (v.tag != IV_STR) {
            sb_free(&sb);
            return err_set(err, TSI_ERR_TYPE, "join() expects a list of strings");
        }
        if (i)
            sb_putn(&sb, sep.p, sep.n);
        sb_putn(&sb, v.u.s->data, v.u.s->len);
    }
    return prim_ret_sb(c, 0, &sb, err);
}

/* ---------------------------------------------------------- stripping */

static const Str STRIP_DEFAULT = {" \n\t\f\v", 5};

static int strip(OpCall *c, bool left, bool right, Err *err) {
    Str s, chars = STRIP_DEFAULT;
    int rc = get_str(c, 0, &s, err);
    if (!rc && c->nin > 1)
        rc = get_str(c, 1, &chars, err);
    if (rc)
        return rc;
    size_t b = 0, e = s.n;
    if (right)
        while (e > 0 && in_set(chars, (unsigned char)s.p[e - 1]))
            e--;
    if (left)
        while (b < e && in_set(chars, (unsigned char)s.p[b]))
            b++;
    return prim_ret_str(c, 0, s.p + b, e - b, err);
}
static int op_strip(OpCall *c, Err *err) { return strip(c, true, true, err); }
static int op_lstrip(OpCall *c, Err *err) { return strip(c, true, false, err); }
static int op_rstrip(OpCall *c, Err *err) { return strip(c, false, true, err); }

/* ------------------------------------------------------------ search */

/* the (self, substr, start=0, end=-1) arguments, with torch's
 * normalisation of negative bounds (end=-1 means "to the end") */
typedef struct SearchArgs {
    Str s, sub;
    int64_t start, end;
} SearchArgs;

static int search_args(const OpCall *c, SearchArgs *a, Err *err) {
    a->start = 0;
    a->end = -1;
    int rc = get_str(c, 0, &a->s, err);
    if (!rc)
        rc = get_str(c, 1, &a->sub, err);
    if (!rc && c->nin > 2)
        rc = op_int(c, 2, &a->start, err);
    if (!rc && c->nin > 3)
        rc = op_int(c, 3, &a->end, err);
    return rc;
}

static void normalize_bounds(int64_t size, int64_t *start, int64_t *end) {
    if (*start < 0)
        *start = size + *start > 0 ? size + *start : 0;
    if (*end < 0)
        *end = size + *end + 1 > 0 ? size + *end + 1 : 0;
}

/* torch's stringFindImpl: search inside s[start:end], -1 when absent */
static int find_impl(SearchArgs *a, bool reverse, int64_t *out, Err *err) {
    int64_t size = (int64_t)a->s.n, start = a->start, end = a->end;
    normalize_bounds(size, &start, &end);
    Str h = {"", 0};
    if (end > start) {
        if (start > size)
            return substr_range_error((size_t)start, a->s.n, err);
        size_t cnt = (size_t)(end - start);
        h.p = a->s.p + start;
        h.n = cnt < (size_t)(size - start) ? cnt : (size_t)(size - start);
    }
    *out = -1;
    if (h.n >= a->sub.n) {
        size_t pos = sfind(h, a->sub, 0);
        if (reverse && pos != NPOS)
            for (size_t r = sfind(h, a->sub, pos + 1); r != NPOS; r = sfind(h, a->sub, pos + 1))
                pos = r;
        if (pos != NPOS)
            *out = (int64_t)pos + start;
    }
    return TSI_OK;
}

static int find_op(OpCall *c, bool reverse, bool raise, Err *err) {
    SearchArgs a;
    int64_t r = -1;
    int rc = search_args(c, &a, err);
    if (!rc)
        rc = find_impl(&a, reverse, &r, err);
    if (rc)
        return rc;
    if (raise && r < 0)
        return err_set(err, TSI_ERR_VALUE, "ValueError: substring not found");
    op_ret(c, 0, iv_int(r));
    return TSI_OK;
}
static int op_find(OpCall *c, Err *err) { return find_op(c, false, false, err); }
static int op_rfind(OpCall *c, Err *err) { return find_op(c, true, false, err); }
static int op_index_str(OpCall *c, Err *err) { return find_op(c, false, true, err); }
static int op_rindex(OpCall *c, Err *err) { return find_op(c, true, true, err); }

static int op_count_str(OpCall *c, Err *err) {
    SearchArgs a;
    int rc = search_args(c, &a, err);
    if (rc)
        return rc;
    int64_t size = (int64_t)a.s.n, start = a.start, end = a.end;
    if (start > size) {
        op_ret(c, 0, iv_int(0));
        return TSI_OK;
    }
    normalize_bounds(size, &start, &end);
    int64_t n = 0;
    if (a.sub.n == 0) {
        /* torch loops forever here; Python counts the empty matches */
        int64_t e = end < size ? end : size;
        n = e >= start ? e - start + 1 : 0;
    } else {
        size_t pos = (size_t)start;
        while ((pos = sfind(a.s, a.sub, pos)) != NPOS && pos < (size_t)end) {
            n++;
            pos += a.sub.n;
        }
    }
    op_ret(c, 0, iv_int(n));
    return TSI_OK;
}

/* startswith/endswith on s.substr(start, end - start) */
static int affix(OpCall *c, bool suffix, Err *err) {
    SearchArgs a;
    int rc = search_args(c, &a, err);
    if (rc)
        return rc;
    int64_t size = (int64_t)a.s.n, start = a.start, end = a.end;
    normalize_bounds(size, &start, &end);
    if (start > size)
        return substr_range_error((size_t)start, a.s.n, err);
    /* end < start: the count wraps to npos, i.e. "to the end" */
    size_t avail = (size_t)(size - start);
    size_t cnt = end >= start && (size_t)(end - start) < avail ? (size_t)(end - start) : avail;
    Str h = {a.s.p + start, cnt};
    bool r = false;
    if (h.n >= a.sub.n)
        r = !memcmp(suffix ? h.p + h.n - a.sub.n : h.p, a.sub.p, a.sub.n);
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}
static int op_startswith(OpCall *c, Err *err) { return affix(c, false, err); }
static int op_endswith(OpCall *c, Err *err) { return affix(c, true, err); }

static int op_replace(OpCall *c, Err *err) {
    Str s, old, new_;
    int64_t max = -1;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = get_str(c, 1, &old, err);
    if (!rc)
        rc = get_str(c, 2, &new_, err);
    if (!rc && c->nin > 3)
        rc = op_int(c, 3, &max, err);
    if (rc)
        return rc;
    StrBuf sb;
    sb_init(&sb);
    size_t i = 0;
    int64_t done = 0;
    if (old.n == 0) {
        /* The empty pattern matches where `new` was just inserted: with a
         * count torch puts `max` copies in front; without one it never
         * terminates, and Python's answer (`new` around every byte) is
         * returned instead. */
        if (max >= 0) {
            if (new_.n && (uint64_t)max > PRIM_MAX_RESULT / new_.n) {
                sb_free(&sb);
                return err_set(err, TSI_ERR_LIMIT, "replace(): result too large");
            }
            for (int64_t k = 0; k < max && new_.n; k++)
                sb_putn(&sb, new_.p, new_.n);
            sb_putn(&sb, s.p, s.n);
            return prim_ret_sb(c, 0, &sb, err);
        }
        for (; i <= s.n; i++) {
            sb_putn(&sb, new_.p, new_.n);
            if (i < s.n)
                sb_putc(&sb, s.p[i]);
            if (sb.len > PRIM_MAX_RESULT) {
                sb_free(&sb);
                return err_set(err, TSI_ERR_LIMIT, "replace(): result too large");
            }
        }
        return prim_ret_sb(c, 0, &sb, err);
    }
    size_t pos;
    while ((pos = sfind(s, old, i)) != NPOS && (max < 0 || done < max)) {
        sb_putn(&sb, s.p + i, pos - i);
        sb_putn(&sb, new_.p, new_.n);
        i = pos + old.n;
        done++;
        if (sb.len > PRIM_MAX_RESULT) {
            sb_free(&sb);
            return err_set(err, TSI_ERR_LIMIT, "replace(): result too large");
        }
    }
    sb_putn(&sb, s.p + i, s.n - i);
    return prim_ret_sb(c, 0, &sb, err);
}

/* the three results of partition()/rpartition() */
static int ret_triple(OpCall *c, Str a, Str b, Str d, Err *err) {
    Str parts[3] = {a, b, d};
    for (int k = 0; k < 3; k++) {
        IValue s = iv_str(parts[k].p, parts[k].n);
        if (s.tag == IV_INVALID) {
            for (int j = 0; j < k; j++)
                iv_release(c->out[j]);
            return err_nomem(err);
        }
        op_ret(c, k, s);
    }
    return TSI_OK;
}

static int op_partition(OpCall *c, Err *err) {
    Str s, sep;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = get_str(c, 1, &sep, err);
    if (rc)
        return rc;
    size_t pos = sfind(s, sep, 0);
    if (pos == NPOS) {
        pos = s.n;
        sep.n = 0;
    }
    Str pre = {s.p, pos}, post = {s.p + pos + sep.n, s.n - pos - sep.n};
    return ret_triple(c, pre, sep, post, err);
}

static int op_rpartition(OpCall *c, Err *err) {
    Str s, sep;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = get_str(c, 1, &sep, err);
    if (rc)
        return rc;
    size_t pos = sfind(s, sep, 0);
    if (pos != NPOS)
        for (size_t r = sfind(s, sep, pos + 1); r != NPOS; r = sfind(s, sep, pos + 1))
            pos = r;
    if (pos == NPOS) {
        pos = 0;
        sep.n = 0;
    }
    Str pre = {s.p, pos}, post = {s.p + pos + sep.n, s.n - pos - sep.n};
    return ret_triple(c, pre, sep, post, err);
}

/* --------------------------------------------------------- case maps */

typedef enum { MAP_UPPER, MAP_LOWER, MAP_SWAP, MAP_CAPITALIZE, MAP_TITLE } CaseMap;

static int case_map(OpCall *c, CaseMap m, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    IValue r = iv_str(s.p, s.n);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    unsigned char *d = (unsigned char *)r.u.s->data;
    bool prev_nonalpha = true;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char ch = d[i];
        switch (m) {
        case MAP_UPPER: d[i] = c_toupper(ch); break;
        case MAP_LOWER: d[i] = c_tolower(ch); break;
        case MAP_SWAP: d[i] = ch == c_toupper(ch) ? c_tolower(ch) : c_toupper(ch); break;
        case MAP_CAPITALIZE: d[i] = i == 0 ? c_toupper(ch) : c_tolower(ch); break;
        case MAP_TITLE:
            d[i] = prev_nonalpha ? c_toupper(ch) : c_tolower(ch);
            prev_nonalpha = !c_alpha(ch);
            break;
        }
    }
    op_ret(c, 0, r);
    return TSI_OK;
}
static int op_upper(OpCall *c, Err *err) { return case_map(c, MAP_UPPER, err); }
static int op_lower(OpCall *c, Err *err) { return case_map(c, MAP_LOWER, err); }
static int op_swapcase(OpCall *c, Err *err) { return case_map(c, MAP_SWAP, err); }
static int op_capitalize(OpCall *c, Err *err) { return case_map(c, MAP_CAPITALIZE, err); }
static int op_title(OpCall *c, Err *err) { return case_map(c, MAP_TITLE, err); }

/* ------------------------------------------------- character classes */

/* non-empty and every byte in the class */
static int all_bytes(OpCall *c, bool (*pred)(unsigned char), Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    bool r = s.n > 0;
    for (size_t i = 0; i < s.n && r; i++)
        r = pred((unsigned char)s.p[i]);
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}
static int op_isdigit(OpCall *c, Err *err) { return all_bytes(c, c_digit, err); }
static int op_isspace(OpCall *c, Err *err) { return all_bytes(c, c_space, err); }
static int op_isalnum(OpCall *c, Err *err) { return all_bytes(c, c_alnum, err); }
static int op_isalpha(OpCall *c, Err *err) { return all_bytes(c, c_alpha, err); }

/* isupper/islower: at least one letter, and every letter in the case */
static int cased(OpCall *c, bool upper, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    bool found = false, ok = true;
    for (size_t i = 0; i < s.n && ok; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        found |= c_alpha(ch);
        ok = !c_alpha(ch) || (upper ? c_upper(ch) : c_lower(ch));
    }
    op_ret(c, 0, iv_bool(found && ok));
    return TSI_OK;
}
static int op_isupper(OpCall *c, Err *err) { return cased(c, true, err); }
static int op_islower(OpCall *c, Err *err) { return cased(c, false, err); }

static int op_istitle(OpCall *c, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    bool result = false, prev_alpha = false;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        if (prev_alpha) {
            if (ch != c_tolower(ch)) {
                result = false;
                break;
            }
        } else {
            if (ch != c_toupper(ch)) {
                result = false;
                break;
            }
            if (c_alpha(ch))
                result = true;
        }
        prev_alpha = c_alpha(ch);
    }
    op_ret(c, 0, iv_bool(result));
    return TSI_OK;
}

static int op_isprintable(OpCall *c, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    bool r = true;
    for (size_t i = 0; i < s.n && r; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        r = c_alnum(ch) || c_punct(ch) || ch == ' ';
    }
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}

/* torch's (Python 2 style) isidentifier: no digit first, all alphanumeric */
static int op_isidentifier(OpCall *c, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    bool r = s.n > 0 && !c_digit((unsigned char)s.p[0]);
    for (size_t i = 0; i < s.n && r; i++)
        r = c_alnum((unsigned char)s.p[i]);
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}

/* ------------------------------------------------------------ padding */

static int fill_char(const OpCall *c, int i, char *fill, Err *err) {
    *fill = ' ';
    if (c->nin <= i)
        return TSI_OK;
    Str f;
    int rc = get_str(c, i, &f, err);
    if (rc)
        return rc;
    if (f.n != 1)
        return err_set(err, TSI_ERR_TYPE,
                       "TypeError: The fill character must be exactly one character long");
    *fill = f.p[0];
    return TSI_OK;
}

static int check_width(int64_t width, Err *err) {
    if (width > PRIM_MAX_RESULT)
        return err_set(err, TSI_ERR_LIMIT, "string width %lld is too large", (long long)width);
    return TSI_OK;
}

static void put_fill(StrBuf *sb, char fill, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        sb_putc(sb, fill);
}

static int op_center(OpCall *c, Err *err) {
    Str s;
    int64_t width;
    char fill;
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = op_int(c, 1, &width, err);
    if (!rc)
        rc = fill_char(c, 2, &fill, err);
    if (!rc)
        rc = check_width(width, err);
    if (rc)
        return rc;
    if (width < 0 || s.n > (size_t)width) /* torch compares against size_t(width) */
        return prim_ret_str(c, 0, s.p, s.n, err);
    size_t full = (size_t)width - s.n, l = full / 2, r = (full + 1) / 2;
    if (width % 2) {
        size_t t = l;
        l = r;
        r = t;
    }
    StrBuf sb;
    sb_init(&sb);
    put_fill(&sb, fill, (int64_t)l);
    sb_putn(&sb, s.p, s.n);
    put_fill(&sb, fill, (int64_t)r);
    return prim_ret_sb(c, 0, &sb, err);
}

static int justify(OpCall *c, bool left, bool zfill, Err *err) {
    Str s;
    int64_t width;
    char fill = '0';
    int rc = get_str(c, 0, &s, err);
    if (!rc)
        rc = op_int(c, 1, &width, err);
    if (!rc && !zfill)
        rc = fill_char(c, 2, &fill, err);
    if (!rc)
        rc = check_width(width, err);
    if (rc)
        return rc;
    int64_t pad = width - (int64_t)s.n > 0 ? width - (int64_t)s.n : 0;
    StrBuf sb;
    sb_init(&sb);
    if (!left)
        put_fill(&sb, fill, pad);
    sb_putn(&sb, s.p, s.n);
    if (left)
        put_fill(&sb, fill, pad);
    return prim_ret_sb(c, 0, &sb, err);
}
static int op_ljust(OpCall *c, Err *err) { return justify(c, true, false, err); }
static int op_rjust(OpCall *c, Err *err) { return justify(c, false, false, err); }
static int op_zfill(OpCall *c, Err *err) { return justify(c, false, true, err); }

/* tabs pad to the next multiple of tabsize, counting every byte written
 * since the start (torch does not reset the column at newlines) */
static int op_expandtabs(OpCall *c, Err *err) {
    Str s;
    int64_t tab = 8;
    int rc = get_str(c, 0, &s, err);
    if (!rc && c->nin > 1)
        rc = op_int(c, 1, &tab, err);
    if (!rc)
        rc = check_width(tab, err);
    if (rc)
        return rc;
    StrBuf sb;
    sb_init(&sb);
    uint64_t index = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] != '\t') {
            sb_putc(&sb, s.p[i]);
            index++;
        } else if (tab > 0) {
            do {
                sb_putc(&sb, ' ');
                index++;
            } while (index % (uint64_t)tab);
        }
        if (sb.len > PRIM_MAX_RESULT) {
            sb_free(&sb);
            return err_set(err, TSI_ERR_LIMIT, "expandtabs(): result too large");
        }
    }
    return prim_ret_sb(c, 0, &sb, err);
}

/* ------------------------------------------------------- conversions */

static int op_ord(OpCall *c, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    if (s.n != 1)
        return err_set(err, TSI_ERR_RUNTIME, "String for ord() must be 1 character, found %zu", s.n);
    op_ret(c, 0, iv_int((unsigned char)s.p[0]));
    return TSI_OK;
}

/* chr(): range-checked, then narrowed to one byte as torch's `char c = i` */
static int op_chr(OpCall *c, Err *err) {
    int64_t i;
    int rc = op_int(c, 0, &i, err);
    if (rc)
        return rc;
    if (i < 0 || i >= 1114111)
        return err_set(err, TSI_ERR_RUNTIME, "chr() arg not in range(0x110000), found %lld",
                       (long long)i);
    char ch = (char)(unsigned char)(i & 0xff);
    return prim_ret_str(c, 0, &ch, 1, err);
}

static int base_str(OpCall *c, char base, Err *err) {
    int64_t i;
    int rc = op_int(c, 0, &i, err);
    if (rc)
        return rc;
    StrBuf sb;
    sb_init(&sb);
    if (base == 'b' && i == 0) {
        sb_puts(&sb, "0b0");
        return prim_ret_sb(c, 0, &sb, err);
    }
    uint64_t u = (uint64_t)i;
    if (i < 0) {
        sb_putc(&sb, '-');
        u = 0 - u; /* INT64_MIN stays 2**63, printed unsigned */
    }
    if (base == 'x') {
        sb_printf(&sb, "0x%llx", (unsigned long long)u);
    } else if (base == 'o') {
        sb_printf(&sb, "0o%llo", (unsigned long long)u);
    } else {
        sb_puts(&sb, "0b");
        int top = 63;
        while (top > 0 && !((u >> top) & 1))
            top--;
        for (int b = top; b >= 0; b--)
            sb_putc(&sb, (u >> b) & 1 ? '1' : '0');
    }
    return prim_ret_sb(c, 0, &sb, err);
}
static int op_hex(OpCall *c, Err *err) { return base_str(c, 'x', err); }
static int op_oct(OpCall *c, Err *err) { return base_str(c, 'o', err); }
static int op_bin(OpCall *c, Err *err) { return base_str(c, 'b', err); }

static int op_str_of(OpCall *c, Err *err) {
    StrBuf sb;
    sb_init(&sb);
    prim_str_of(&sb, c->in[0]);
    return prim_ret_sb(c, 0, &sb, err);
}

/* ------------------------------------------------------------ format */

/* "{}" placeholders filled with the arguments as str() shows them; other
 * braces (and format specs) stay as written, extra arguments are ignored */
static int op_format(OpCall *c, Err *err) {
    Str f;
    int rc = get_str(c, 0, &f, err);
    if (rc)
        return rc;
    StrBuf sb;
    sb_init(&sb);
    size_t begin = 0;
    int used = 0;
    for (;;) {
        size_t loc = sfind(f, (Str){"{}", 2}, begin);
        if (loc == NPOS) {
            sb_putn(&sb, f.p + begin, f.n - begin);
            break;
        }
        sb_putn(&sb, f.p + begin, loc - begin);
        if (used + 1 >= c->nin) {
            sb_free(&sb);
            return err_set(err, TSI_ERR_RUNTIME, "Too few arguments for format string: %.*s",
                           (int)f.n, f.p);
        }
        prim_str_of(&sb, c->in[1 + used++]);
        begin = loc + 2;
    }
    return prim_ret_sb(c, 0, &sb, err);
}

static const char *tag_kind(IValue v) {
    switch (v.tag) {
    case IV_NONE: return "None";
    case IV_BOOL: return "Bool";
    case IV_INT: return "Int";
    case IV_DOUBLE: return "Double";
    case IV_COMPLEX: return "ComplexDouble";
    case IV_STR: return "String";
    case IV_TENSOR: return "Tensor";
    case IV_LIST: return "GenericList";
    case IV_TUPLE: return "Tuple";
    case IV_DICT: return "GenericDict";
    case IV_OBJECT: return "Object";
    case IV_DEVICE: return "Device";
    case IV_ENUM: return "Enum";
    case IV_FUTURE: return "Future";
    default: return "Uninitialized";
    }
}

/* one %-conversion of torch's percentFormat */
static int percent_arg(StrBuf *sb, char key, IValue v, Err *err) {
    bool scalar = v.tag == IV_INT || v.tag == IV_DOUBLE || v.tag == IV_BOOL || v.tag == IV_COMPLEX;
    switch (key) {
    case 'd':
    case 'i':
        if (!scalar)
            return err_set(err, TSI_ERR_RUNTIME, "%%%c requires a number for formatting, but got %s",
                           key, tag_kind(v));
        if (v.tag == IV_INT)
            sb_printf(sb, "%lld", (long long)v.u.i);
        else if (v.tag == IV_DOUBLE) {
            double d = v.u.d;
            /* static_cast<int>: x86 gives INT_MIN out of range */
            int x = (isnan(d) || d >= 2147483648.0 || d <= -2147483649.0) ? INT32_MIN : (int)d;
            sb_printf(sb, "%d", x);
        } else if (v.tag == IV_BOOL)
            sb_printf(sb, "%d", v.u.b);
        else
            return err_set(err, TSI_ERR_RUNTIME, "Expected Double but got ComplexDouble");
        return TSI_OK;
    case 'e':
    case 'E':
    case 'f':
    case 'F': {
        if (!scalar)
            return err_set(err, TSI_ERR_RUNTIME, "%%%c requires a number for formatting, but got %s",
                           key, tag_kind(v));
        double d = v.tag == IV_INT ? (double)v.u.i : v.tag == IV_DOUBLE ? v.u.d : v.tag == IV_BOOL ? v.u.b : v.u.c->re;
        float f = (float)d; /* torch formats through a C++ float */
        if (key == 'e')
            sb_printf(sb, "%.6e", (double)f);
        else if (key == 'E')
            sb_printf(sb, "%.6E", (double)f);
        else
            sb_printf(sb, "%.6f", (double)f);
        return TSI_OK;
    }
    case 'c':
        if (v.tag == IV_INT) {
            sb_putc(sb, (char)(unsigned char)(v.u.i & 0xff));
            return TSI_OK;
        }
        if (v.tag == IV_STR && v.u.s->len == 1) {
            sb_putn(sb, v.u.s->data, 1);
            return TSI_OK;
        }
        return err_set(err, TSI_ERR_RUNTIME,
                       "%%%c requires an int or char for formatting, but got %s", key, tag_kind(v));
    case 's': prim_str_of(sb, v); return TSI_OK;
    default:
        return err_set(err, TSI_ERR_RUNTIME,
                       "The specifier %%%c is not supported in TorchScript format strings", key);
    }
}

static int op_percent_format(OpCall *c, Err *err) {
    Str f;
    int rc = get_str(c, 0, &f, err);
    if (rc)
        return rc;
    IValue args = c->nin > 1 ? c->in[1] : iv_none();
    size_t nargs = args.tag == IV_TUPLE ? args.u.tup->n : 1;
    StrBuf sb;
    sb_init(&sb);
    size_t used = 0, begin = 0;
    for (;;) {
        const char *pct = begin < f.n ? memchr(f.p + begin, '%', f.n - begin) : NULL;
        if (!pct) {
            sb_putn(&sb, f.p + begin, f.n - begin);
            break;
        }
        size_t at = (size_t)(pct - f.p);
        if (at >= f.n - 1) {
            rc = err_set(err, TSI_ERR_RUNTIME, "Incomplete format specifier");
            break;
        }
        sb_putn(&sb, f.p + begin, at - begin);
        char key = f.p[at + 1];
        begin = at + 2;
        if (key == '%') {
            sb_putc(&sb, '%');
            continue;
        }
        if (used >= nargs) {
            rc = err_set(err, TSI_ERR_RUNTIME, "Too few arguments for format string");
            break;
        }
        IValue a = args.tag == IV_TUPLE ? args.u.tup->items[used] : args;
        if ((rc = percent_arg(&sb, key, a, err)))
            break;
        used++;
    }
    if (!rc && used != nargs)
        rc = err_set(err, TSI_ERR_RUNTIME, "Too many arguments for format string");
    if (rc) {
        sb_free(&sb);
        return rc;
    }
    return prim_ret_sb(c, 0, &sb, err);
}

/* print(a, b, ...): values as str() shows them, space-separated, a
 * newline at the end; the text goes to the run's print sink (never to the
 * process's stdout: the library does not print) */
static int op_print(OpCall *c, Err *err) {
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < c->nin; i++) {
        if (i)
            sb_putc(&sb, ' ');
        prim_str_of(&sb, c->in[i]);
    }
    sb_putc(&sb, '\n');
    if (sb.oom) {
        sb_free(&sb);
        return err_nomem(err);
    }
    if (c->interp && c->interp->opt.print)
        c->interp->opt.print(c->interp->opt.print_ctx, sb_cstr(&sb));
    sb_free(&sb);
    return TSI_OK;
}

/* warnings.warn(): torch routes these to Python's warnings machinery
 * (stderr, once per call site), not to print(). tsi has no warning
 * channel yet, so the message is dropped rather than mixed into the
 * program's printed output. */
static int op_warn(OpCall *c, Err *err) {
    TSI_UNUSED(c);
    TSI_UNUSED(err);
    return TSI_OK;
}

/* ------------------------------------------------------------ devices */

/* torch.device(str): "type" or "type:index" (index without leading zeros) */
static int op_device_of_str(OpCall *c, Err *err) {
    Str s;
    int rc = get_str(c, 0, &s, err);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < s.n && (c_alpha((unsigned char)s.p[i]) || s.p[i] == '_'))
        i++;
    bool well_formed = i > 0;
    if (well_formed && i < s.n) {
        size_t d = i + 1;
        well_formed = s.p[i] == ':' && d < s.n && (s.p[d] != '0' || d + 1 == s.n);
        for (size_t k = d; well_formed && k < s.n; k++)
            well_formed = c_digit((unsigned char)s.p[k]);
    }
    if (!well_formed || memchr(s.p, 0, s.n))
        return err_set(err, TSI_ERR_RUNTIME, "Invalid device string: '%s'", s.p);
    Device d;
    if (device_parse(s.p, &d)) {
        char *type = xstrndup(s.p, i);
        Device probe;
        bool known = type && !device_parse(type, &probe);
        free(type);
        if (known)
            return err_set(err, TSI_ERR_RUNTIME, "Invalid device string: '%s'", s.p);
        return err_set(err, TSI_ERR_RUNTIME,
                       "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, "
                       "ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone device "
                       "type at start of device string: %s",
                       s.p);
    }
    op_ret(c, 0, iv_device(d));
    return TSI_OK;
}

static int op_device_type(OpCall *c, Err *err) {
    if (c->in[0].tag != IV_DEVICE)
        return err_set(err, TSI_ERR_TYPE, "expected a Device");
    StrBuf sb;
    sb_init(&sb);
    Device d = c->in[0].u.dev;
    d.index = -1;
    device_format(&sb, d);
    return prim_ret_sb(c, 0, &sb, err);
}

static int op_device_index(OpCall *c, Err *err) {
    if (c->in[0].tag != IV_DEVICE)
        return err_set(err, TSI_ERR_TYPE, "expected a Device");
    int idx = c->in[0].u.dev.index;
    op_ret(c, 0, idx >= 0 ? iv_int(idx) : iv_none());
    return TSI_OK;
}

const OpDef interp_ops_prim_str[] = {
    {"aten::add.str", op_add_str},
    {"aten::lt.str", op_lt_str},
    {"aten::le.str", op_le_str},
    {"aten::gt.str", op_gt_str},
    {"aten::ge.str", op_ge_str},
    {"aten::eq.str", op_eq_str},
    {"aten::ne.str", op_ne_str},
    {"aten::len.str", op_len_str},
    {"aten::__getitem__.str", op_str_index},
    {"prim::StringIndex", op_str_index},
    {"aten::slice.str", op_slice_str},
    {"aten::list", op_list_of_str},
    {"aten::split.str", op_split},
    {"aten::rsplit", op_rsplit},
    {"aten::splitlines", op_splitlines},
    {"aten::join", op_join},
    {"aten::strip", op_strip},
    {"aten::lstrip", op_lstrip},
    {"aten::rstrip", op_rstrip},
    {"aten::find", op_find},
    {"aten::rfind", op_rfind},
    {"aten::index.str", op_index_str},
    {"aten::rindex", op_rindex},
    {"aten::count", op_count_str},
    {"aten::startswith", op_startswith},
    {"aten::endswith", op_endswith},
    {"aten::replace", op_replace},
    {"aten::partition", op_partition},
    {"aten::rpartition", op_rpartition},
    {"aten::upper", op_upper},
    {"aten::lower", op_lower},
    {"aten::swapcase", op_swapcase},
    {"aten::capitalize", op_capitalize},
    {"aten::title", op_title},
    {"aten::isdigit", op_isdigit},
    {"aten::isspace", op_isspace},
    {"aten::isalnum", op_isalnum},
    {"aten::isalpha", op_isalpha},
    {"aten::isdecimal", op_isdigit},
    {"aten::isnumeric", op_isdigit},
    {"aten::isupper", op_isupper},
    {"aten::islower", op_islower},
    {"aten::istitle", op_istitle},
    {"aten::isprintable", op_isprintable},
    {"aten::isidentifier", op_isidentifier},
    {"aten::center", op_center},
    {"aten::ljust", op_ljust},
    {"aten::rjust", op_rjust},
    {"aten::zfill", op_zfill},
    {"aten::expandtabs", op_expandtabs},
    {"aten::ord", op_ord},
    {"aten::chr", op_chr},
    {"aten::hex", op_hex},
    {"aten::oct", op_oct},
    {"aten::bin", op_bin},
    {"aten::str", op_str_of},
    {"aten::format", op_format},
    {"aten::percentFormat", op_percent_format},
    {"prim::Print", op_print},
    {"aten::warn", op_warn},
    {"aten::device", op_device_of_str},
    {"prim::type", op_device_type},
    {"prim::index", op_device_index},
    {NULL, NULL},
};
