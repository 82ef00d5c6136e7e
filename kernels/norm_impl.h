/*
 * norm_impl.h: normalization loops instantiated by norm.c for T = float and
 * double. Statistics accumulate in double (two passes: mean, then squared
 * deviations), so they do not depend on the summation order.
 */
#define NCAT_(a, b) a##_##b
#define NCAT(a, b) NCAT_(a, b)
#define NFN(name) NCAT(name, SFX)

/* mean and biased variance of n values at stride 1 */
static void NFN(moments)(const T *x, int64_t n, double *mean, double *var) {
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += x[i];
    double m = n ? s / (double)n : 0;
    double q = 0;
    for (int64_t i = 0; i < n; i++) {
        double d = x[i] - m;
        q += d * d;
    }
    *mean = m;
    *var = n ? q / (double)n : 0;
}

/* Per-channel statistics of x (N, C, L): mean[c], biased var[c]. */
static void NFN(channel_moments)(const T *x, int64_t N, int64_t C, int64_t L, double *mean,
                                 double *var) {
    int nt = nn_threads_for(N * C * L);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t c = 0; c < C; c++) {
        double s = 0;
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + (n * C + c) * L;
            for (int64_t i = 0; i < L; i++)
                s += p[i];
        }
        double cnt = (double)(N * L);
        double m = cnt > 0 ? s / cnt : 0, q = 0;
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + (n * C + c) * L;
            for (int64_t i = 0; i < L; i++) {
                double d = p[i] - m;
                q += d * d;
            }
        }
        mean[c] = m;
        var[c] = cnt > 0 ? q / cnt : 0;
    }
}

/* y (N, C, L) = x * scale[c] + shift[c], where the (n, c) pair picks
 * scale[(n * C + c) % nsc] (nsc = C for per-channel, N*C per-instance). */
NN_MULTIVERSION
static void NFN(affine_rows)(const T *x, T *y, int64_t rows, int64_t L, const double *scale,
                             const double *shift) {
    int nt = nn_threads_for(rows * L);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t r = 0; r < rows; r++) {
        T a = (T)scale[r], b = (T)shift[r];
        const T *p = x + r * L;
        T *q = y + r * L;
#pragma omp simd
        for (int64_t i = 0; i < L; i++)
            q[i] = p[i] * a + b;
    }
}

/* Layer norm over rows of length L: y = (x - mean) * rstd * w + b. */
NN_MULTIVERSION
static void NFN(layer_norm_rows)(const T *x, T *y, int64_t rows, int64_t L, const T *w,
                                 const T *b, double eps, T *mean_out, T *rstd_out) {
    int nt = nn_threads_for(rows * L);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t r = 0; r < rows; r++) {
        const T *p = x + r * L;
        T *q = y + r * L;
        double m, v;
        NFN(moments)(p, L, &m, &v);
        double rs = 1.0 / sqrt(v + eps);
        if (mean_out) {
            mean_out[r] = (T)m;
            rstd_out[r] = (T)rs;
        }
        T tm = (T)m, trs = (T)rs;
        if (w && b) {
#pragma omp simd
            for (int64_t i = 0; i < L; i++)
                q[i] = (p[i] - tm) * trs * w[i] + b[i];
        } else {
            for (int64_t i = 0; i < L; i++) {
                T v1 = (p[i] - tm) * trs;
                if (w)
                    v1 *= w[i];
                if (b)
                    v1 += b[i];
                q[i] = v1;
            }
        }
    }
}

/* Group norm: x (N, C, L), groups of Cg = C/G channels. */
static void NFN(group_norm)(const T *x, T *y, int64_t N, int64_t C, int64_t L, int64_t G,
                            const T *w, const T *b, double eps) {
    int64_t Cg = C / G, rows = N * G;
    int nt = nn_threads_for(N * C * L);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t r = 0; r < rows; r++) {
        const T *p = x + r * Cg * L;
        T *q = y + r * Cg * L;
        double m, v;
        NFN(moments)(p, Cg * L, &m, &v);
        double rs = 1.0 / sqrt(v + eps);
        for (int64_t cc = 0; cc < Cg; cc++) {
            int64_t c = (r % G) * Cg + cc;
            double a = rs * (w ? (double)w[c] : 1.0);
            double sh = (b ? (double)b[c] : 0.0) - m * a;
            T ta = (T)a, tb = (T)sh;
            for (int64_t i = 0; i < L; i++)
                q[cc * L + i] = p[cc * L + i] * ta + tb;
        }
    }
}

#undef NFN
#undef NCAT
#undef NCAT_
