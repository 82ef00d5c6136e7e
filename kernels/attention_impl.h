/*
 * attention_impl.h: multi-head attention core, instantiated by attention.c
 * for T = float and double.
 */
#define ACAT_(a, b) a##_##b
#define ACAT(a, b) ACAT_(a, b)
#define AFN(name) ACAT(name, SFX)

/*
 * qkv (B*S, 3D) already projected (no bias yet). Adds the bias, scales q by
 * 1/sqrt(dh), and for each (batch, head) computes softmax(q k^T + mask) v
 * into ctx (B*S, D) at the head's columns. mask (bool, may be NULL) is
 * (B, S) key padding when mask4 is false, else (B, H, S, S). weights (may be
 * NULL) gets the probabilities (B, H, S, S); scores is (S, S) scratch.
 */
static void AFN(mha_core)(DType dt, T *qkv, const T *bias, int64_t B, int64_t S, int64_t D,
                          int64_t H, const bool *mask, bool mask4, T *ctx, T *weights, T *scores) {
    int64_t dh = D / H, ld = 3 * D;
    T inv = (T)1 / SQRT((T)dh);
    for (int64_t r = 0; r < B * S; r++) {
        T *row = qkv + r * ld;
        for (int64_t j = 0; j < ld; j++)
            row[j] += bias[j];
        for (int64_t j = 0; j < D; j++)
            row[j] *= inv;
    }
    for (int64_t b = 0; b < B; b++)
        for (int64_t h = 0; h < H; h++) {
            const T *q = qkv + b * S * ld + h * dh, *k = q + D, *v = q + 2 * D;
            T *p = weights ? weights + (b * H + h) * S * S : scores;
            /* p (S, S) = q (S, dh) . k^T */
            nn_gemm(dt, false, true, S, S, dh, 1.0, q, ld, k, ld, 0.0, p, S);
            for (int64_t i = 0; i < S; i++) {
                T *row = p + i * S;
                if (mask) {
                    const bool *m = mask4 ? mask + ((b * H + h) * S + i) * S : mask + b * S;
                    for (int64_t j = 0; j < S; j++)
                        if (m[j])
                            row[j] = -(T)INFINITY;
                }
                T mx = -(T)INFINITY;
                for (int64_t j = 0; j < S; j++)
                    mx = row[j] > mx ? row[j] : mx;
                T sum = 0;
                for (int64_t j = 0; j < S; j++) {
                    row[j] = EXP(row[j] - mx); /* all masked: NaN, as torch */
                    sum += row[j];
                }
                for (int64_t j = 0; j < S; j++)
                    row[j] /= sum;
            }
            /* ctx (S, dh) at columns h*dh = p (S, S) . v (S, dh) */
            nn_gemm(dt, false, false, S, dh, S, 1.0, p, S, v, ld, 0.0, ctx + b * S * D + h * dh, D);
        }
}

#undef AFN
#undef ACAT
#undef ACAT_
