/*
 * rnn_impl.h: one LSTM/GRU layer-direction over a whole sequence,
 * instantiated by rnn.c for T = float and double. The input projection of
 * every time step is one GEMM up front; each step then does one small GEMM
 * for the hidden projection and the gate math.
 */
#define RCAT_(a, b) a##_##b
#define RCAT(a, b) RCAT_(a, b)
#define RFN(name) RCAT(name, SFX)

static inline T RFN(sigm)(T v) { return (T)1 / ((T)1 + EXP(-v)); }

/*
 * x: (S, B, I) time-major contiguous; out: (S, B, ostride) written at
 * column offset ocol; h (B, P) and c (B, H) hold the initial state and
 * receive the final one. P = H without projection, else w_hr is (P, H).
 * gx (S*B, 4H) and gh (B, 4H), hraw (B, H) are scratch.
 */
static void RFN(lstm_dir)(DType dt, const T *x, int64_t S, int64_t B, int64_t I, int64_t H,
                          int64_t P, const T *w_ih, const T *w_hh, const T *b_ih, const T *b_hh,
                          const T *w_hr, bool reverse, T *out, int64_t ostride, int64_t ocol,
                          T *h, T *c, T *gx, T *gh, T *hraw) {
    int64_t G = 4 * H;
    for (int64_t r = 0; r < S * B; r++)
        for (int64_t j = 0; j < G; j++)
            gx[r * G + j] = (b_ih ? b_ih[j] : 0) + (b_hh ? b_hh[j] : 0);
    /* gx (S*B, 4H) += x (S*B, I) . w_ih^T */
    nn_gemm(dt, false, true, S * B, G, I, 1.0, x, I, w_ih, I, 1.0, gx, G);
    for (int64_t step = 0; step < S; step++) {
        int64_t t = reverse ? S - 1 - step : step;
        memcpy(gh, gx + t * B * G, (size_t)(B * G) * sizeof(T));
        nn_gemm(dt, false, true, B, G, P, 1.0, h, P, w_hh, P, 1.0, gh, G);
        for (int64_t b = 0; b < B; b++) {
            const T *g = gh + b * G;
            T *cb = c + b * H, *hb = w_hr ? hraw + b * H : h + b * P;
            for (int64_t j = 0; j < H; j++) {
                T ig = RFN(sigm)(g[j]), fg = RFN(sigm)(g[H + j]);
                T gg = TANH(g[2 * H + j]), og = RFN(sigm)(g[3 * H + j]);
                T cn = fg * cb[j] + ig * gg;
                cb[j] = cn;
                hb[j] = og * TANH(cn);
            }
        }
        if (w_hr) /* h (B, P) = hraw (B, H) . w_hr^T */
            nn_gemm(dt, false, true, B, P, H, 1.0, hraw, H, w_hr, H, 0.0, h, P);
        for (int64_t b = 0; b < B; b++)
            memcpy(out + (t * B + b) * ostride + ocol, h + b * P, (size_t)P * sizeof(T));
    }
}

/* GRU (gates r, z, n): n = tanh(x_n + b_in + r * (h W_hn^T + b_hn)). */
static void RFN(gru_dir)(DType dt, const T *x, int64_t S, int64_t B, int64_t I, int64_t H,
                         const T *w_ih, const T *w_hh, const T *b_ih, const T *b_hh, bool reverse,
                         T *out, int64_t ostride, int64_t ocol, T *h, T *gx, T *gh) {
    int64_t G = 3 * H;
    for (int64_t r = 0; r < S * B; r++)
        for (int64_t j = 0; j < G; j++)
            gx[r * G + j] = b_ih ? b_ih[j] : 0;
    nn_gemm(dt, false, true, S * B, G, I, 1.0, x, I, w_ih, I, 1.0, gx, G);
    for (int64_t step = 0; step < S; step++) {
        int64_t t = reverse ? S - 1 - step : step;
        for (int64_t b = 0; b < B; b++)
            for (int64_t j = 0; j < G; j++)
                gh[b * G + j] = b_hh ? b_hh[j] : 0;
        nn_gemm(dt, false, true, B, G, H, 1.0, h, H, w_hh, H, 1.0, gh, G);
        for (int64_t b = 0; b < B; b++) {
            const T *xg = gx + (t * B + b) * G, *hg = gh + b * G;
            T *hb = h + b * H;
            for (int64_t j = 0; j < H; j++) {
                T rg = RFN(sigm)(xg[j] + hg[j]);
                T zg = RFN(sigm)(xg[H + j] + hg[H + j]);
                T ng = TANH(xg[2 * H + j] + rg * hg[2 * H + j]);
                hb[j] = ((T)1 - zg) * ng + zg * hb[j];
            }
            memcpy(out + (t * B + b) * ostride + ocol, hb, (size_t)H * sizeof(T));
        }
    }
}

#undef RFN
#undef RCAT
#undef RCAT_
