/*
 * pool_impl.h: pooling loops instantiated by pool.c for T = float, double
 * (and int64_t for average pooling only, POOL_AVG_ONLY). One plane is
 * (D, H, W); 1-D and 2-D pooling use size-1 leading dims. Planes run in
 * parallel.
 */
#define PCAT_(a, b) a##_##b
#define PCAT(a, b) PCAT_(a, b)
#define PFN(name) PCAT(name, SFX)

#ifndef POOL_AVG_ONLY
/* Max pooling; idx (may be NULL) gets the flat in-plane index of each max.
 * NaN wins (torch: `val > max || isnan(val)`). */
static void PFN(max_pool)(const PoolGeom *g, int64_t planes, const T *x, T *y, int64_t *idx) {
    int64_t Pin = g->in[0] * g->in[1] * g->in[2], Pout = g->out[0] * g->out[1] * g->out[2];
    int nt = nn_threads_for(planes * Pout * g->k[0] * g->k[1] * g->k[2]);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t pl = 0; pl < planes; pl++) {
        const T *xp = x + pl * Pin;
        T *yp = y + pl * Pout;
        int64_t *ip = idx ? idx + pl * Pout : NULL;
        for (int64_t od = 0; od < g->out[0]; od++)
            for (int64_t oh = 0; oh < g->out[1]; oh++)
                for (int64_t ow = 0; ow < g->out[2]; ow++) {
                    int64_t s0 = od * g->s[0] - g->p[0], s1 = oh * g->s[1] - g->p[1],
                            s2 = ow * g->s[2] - g->p[2];
                    int64_t e0 = s0 + (g->k[0] - 1) * g->d[0] + 1 < g->in[0] ? s0 + (g->k[0] - 1) * g->d[0] + 1 : g->in[0];
                    int64_t e1 = s1 + (g->k[1] - 1) * g->d[1] + 1 < g->in[1] ? s1 + (g->k[1] - 1) * g->d[1] + 1 : g->in[1];
                    int64_t e2 = s2 + (g->k[2] - 1) * g->d[2] + 1 < g->in[2] ? s2 + (g->k[2] - 1) * g->d[2] + 1 : g->in[2];
                    while (s0 < 0)
                        s0 += g->d[0];
                    while (s1 < 0)
                        s1 += g->d[1];
                    while (s2 < 0)
                        s2 += g->d[2];
                    int64_t best = (s0 * g->in[1] + s1) * g->in[2] + s2;
                    T m = -(T)INFINITY;
                    for (int64_t i0 = s0; i0 < e0; i0 += g->d[0])
                        for (int64_t i1 = s1; i1 < e1; i1 += g->d[1])
                            for (int64_t i2 = s2; i2 < e2; i2 += g->d[2]) {
                                int64_t at = (i0 * g->in[1] + i1) * g->in[2] + i2;
                                T v = xp[at];
                                if (v > m || v != v) {
                                    m = v;
                                    best = at;
                                }
                            }
                    int64_t o = (od * g->out[1] + oh) * g->out[2] + ow;
                    yp[o] = m;
                    if (ip)
                        ip[o] = best;
                }
    }
}

/* Adaptive max pooling: window [floor(o*in/out), ceil((o+1)*in/out)). */
static void PFN(adaptive_max)(const PoolGeom *g, int64_t planes, const T *x, T *y, int64_t *idx) {
    int64_t Pin = g->in[0] * g->in[1] * g->in[2], Pout = g->out[0] * g->out[1] * g->out[2];
    int nt = nn_threads_for(planes * Pin);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t pl = 0; pl < planes; pl++) {
        const T *xp = x + pl * Pin;
        for (int64_t od = 0; od < g->out[0]; od++)
            for (int64_t oh = 0; oh < g->out[1]; oh++)
                for (int64_t ow = 0; ow < g->out[2]; ow++) {
                    int64_t s[3], e[3], o3[3] = {od, oh, ow};
                    for (int q = 0; q < 3; q++) {
                        s[q] = o3[q] * g->in[q] / g->out[q];
                        e[q] = ((o3[q] + 1) * g->in[q] + g->out[q] - 1) / g->out[q];
                    }
                    int64_t best = (s[0] * g->in[1] + s[1]) * g->in[2] + s[2];
                    T m = -(T)INFINITY;
                    for (int64_t i0 = s[0]; i0 < e[0]; i0++)
                        for (int64_t i1 = s[1]; i1 < e[1]; i1++)
                            for (int64_t i2 = s[2]; i2 < e[2]; i2++) {
                                int64_t at = (i0 * g->in[1] + i1) * g->in[2] + i2;
                                T v = xp[at];
                                if (v > m || v != v) {
                                    m = v;
                                    best = at;
                                }
                            }
                    int64_t o = pl * Pout + (od * g->out[1] + oh) * g->out[2] + ow;
                    y[o] = m;
                    idx[o] = best;
                }
    }
}

/* Adaptive average pooling. */
static void PFN(adaptive_avg)(const PoolGeom *g, int64_t planes, const T *x, T *y) {
    int64_t Pin = g->in[0] * g->in[1] * g->in[2], Pout = g->out[0] * g->out[1] * g->out[2];
    int nt = nn_threads_for(planes * Pin);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t pl = 0; pl < planes; pl++) {
        const T *xp = x + pl * Pin;
        for (int64_t od = 0; od < g->out[0]; od++)
            for (int64_t oh = 0; oh < g->out[1]; oh++)
                for (int64_t ow = 0; ow < g->out[2]; ow++) {
                    int64_t s[3], e[3], o3[3] = {od, oh, ow};
                    for (int q = 0; q < 3; q++) {
                        s[q] = o3[q] * g->in[q] / g->out[q];
                        e[q] = ((o3[q] + 1) * g->in[q] + g->out[q] - 1) / g->out[q];
                    }
                    T sum = 0;
                    for (int64_t i0 = s[0]; i0 < e[0]; i0++)
                        for (int64_t i1 = s[1]; i1 < e[1]; i1++) {
                            const T *row = xp + (i0 * g->in[1] + i1) * g->in[2];
                            for (int64_t i2 = s[2]; i2 < e[2]; i2++)
                                sum += row[i2];
                        }
                    int64_t cnt = (e[0] - s[0]) * (e[1] - s[1]) * (e[2] - s[2]);
                    y[pl * Pout + (od * g->out[1] + oh) * g->out[2] + ow] = sum / (T)cnt;
                }
    }
}
#endif

/* Average pooling with torch's divisor rules: the window clipped to the
 * padded input counts when count_include_pad, else only the real elements;
 * divisor_override > 0 replaces both. */
static void PFN(avg_pool)(const PoolGeom *g, int64_t planes, const T *x, T *y) {
    int64_t Pin = g->in[0] * g->in[1] * g->in[2], Pout = g->out[0] * g->out[1] * g->out[2];
    int nt = nn_threads_for(planes * Pout * g->k[0] * g->k[1] * g->k[2]);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t pl = 0; pl < planes; pl++) {
        const T *xp = x + pl * Pin;
        for (int64_t od = 0; od < g->out[0]; od++)
            for (int64_t oh = 0; oh < g->out[1]; oh++)
                for (int64_t ow = 0; ow < g->out[2]; ow++) {
                    int64_t s[3], e[3], o3[3] = {od, oh, ow}, pool = 1;
                    for (int q = 0; q < 3; q++) {
                        s[q] = o3[q] * g->s[q] - g->p[q];
                        e[q] = s[q] + g->k[q];
                        if (e[q] > g->in[q] + g->p[q])
                            e[q] = g->in[q] + g->p[q];
                        pool *= e[q] - s[q];
                        if (s[q] < 0)
                            s[q] = 0;
                        if (e[q] > g->in[q])
                            e[q] = g->in[q];
                    }
                    T *dst = y + pl * Pout + (od * g->out[1] + oh) * g->out[2] + ow;
                    if (s[0] >= e[0] || s[1] >= e[1] || s[2] >= e[2]) {
                        *dst = 0;
                        continue;
                    }
                    T sum = 0;
                    for (int64_t i0 = s[0]; i0 < e[0]; i0++)
                        for (int64_t i1 = s[1]; i1 < e[1]; i1++) {
                            const T *row = xp + (i0 * g->in[1] + i1) * g->in[2];
                            for (int64_t i2 = s[2]; i2 < e[2]; i2++)
                                sum += row[i2];
                        }
                    int64_t div = g->divisor > 0         ? g->divisor
                                  : g->count_include_pad ? pool
                                                         : (e[0] - s[0]) * (e[1] - s[1]) * (e[2] - s[2]);
                    *dst = sum / (T)div;
                }
    }
}

#undef PFN
#undef PCAT
#undef PCAT_
