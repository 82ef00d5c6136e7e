/*
 * source.c: source texts shared by the nodes compiled from them, and the
 * location/caret rendering used by error messages.
 */
#include "ir.h"

#include <stdlib.h>
#include <string.h>

Source *source_new(const char *text, size_t len, const char *filename, int starting_line) {
    Source *s = xcalloc(1, sizeof *s);
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    s->text = xstrndup(text, len);
    s->filename = filename ? xstrdup(filename) : NULL;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    s->line_starts = xcalloc(lines, sizeof(size_t));
    if (!s->text || (filename && !s->filename) || !s->line_starts) {
        source_release(s);
        return NULL;
    }
    s->len = len;
    s->starting_line = starting_line;
    size_t k = 0;
    s->line_starts[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            s->line_starts[k++] = i + 1;
    s->nlines = k;
    return s;
}

void source_retain(Source *s) { atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed); }

void source_release(Source *s) {
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(s->text);
    free(s->filename);
    free(s->line_starts);
    free(s);
}

/* Index of the line containing offset (binary search). */
static size_t line_index(const Source *s, size_t offset) {
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void source_line_col(const Source *s, size_t offset, int *line, int *col) {
    if (offset > s->len)
        offset = s->len;
    size_t li = line_index(s, offset);
    *line = (int)li + s->starting_line;
    *col = (int)(offset - s->line_starts[li]) + 1;
}

void source_range_location(StrBuf *sb, SourceRange r) {
    if (!r.src) {
        sb_puts(sb, "<unknown>");
        return;
    }
    int line, col;
    source_line_col(r.src, r.start, &line, &col);
    sb_printf(sb, "%s:%d:%d", r.src->filename ? r.src->filename : "<string>", line, col);
}

void source_range_highlight(StrBuf *sb, SourceRange r) {
    if (!r.src)
        return;
    const Source *s = r.src;
    size_t start = r.start > s->len ? s->len : r.start;
    size_t li = line_index(s, start);
    size_t ls = s->line_starts[li];
    size_t le = ls;
    while (le < s->len && s->text[le] != '\n')
        le++;
    sb_putn(sb, s->text + ls, le - ls);
    sb_putc(sb, '\n');
    for (size_t i = ls; i < start; i++)
        sb_putc(sb, s->text[i] == '\t' ? '\t' : ' ');
    sb_putc(sb, '^');
    size_t end = r.end > le ? le : r.end;
    for (size_t i = start + 1; i < end; i++)
        sb_putc(sb, '~');
    sb_putc(sb, '\n');
}
