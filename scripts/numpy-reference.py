"""numpy (OpenBLAS) counterparts of scripts/time-kernels.mjs, for side-by-side medians.

Run single-threaded: OPENBLAS_NUM_THREADS=1 python3 scripts/numpy-reference.py [gemm|step|ntk]
The RK4 step integrates the network and its linearisation (function space, on K0) as the
kernels do: per stage Z = X W^T, T = tanh Z, S = 1 - T^2, r = y - scale T a,
G = (scale/n) diag(a) (S o r)^T X, and r0 - K0 q / n.
"""
import sys
import time

import numpy as np


def timings(body, reps=9, min_s=0.2):
    """Median and minimum (ms) of `reps` timings after one warm-up, over at least min_s."""
    body()
    times = []
    start = time.perf_counter()
    while len(times) < reps or (time.perf_counter() - start < min_s and len(times) < 200):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1e3, times[0] * 1e3


def show(label, t, flops=0):
    def rate(ms):
        return f', {flops / ms / 1e6:.1f} GFLOP/s' if flops else ''
    print(f'{label}: median {t[0]:.3f} ms{rate(t[0])}; best {t[1]:.3f} ms{rate(t[1])}')


def time_gemm(m, n, k, trans_a=False, trans_b=False):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((k, m) if trans_a else (m, k))
    b = rng.standard_normal((n, k) if trans_b else (k, n))
    opa = a.T if trans_a else a
    opb = b.T if trans_b else b
    op = ('T' if trans_a else 'N') + ('T' if trans_b else 'N')
    show(f'numpy gemm {op} {m}x{k} * {k}x{n}', timings(lambda: opa @ opb), 2 * m * n * k)


def time_step(n, d, m):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = rng.standard_normal(n)
    half = rng.standard_normal((m // 2, d))
    w = np.vstack([half, half])
    a = np.concatenate([np.ones(m // 2), -np.ones(m // 2)])
    scale = 4 / np.sqrt(m)
    s0 = 1 - np.tanh(x @ w.T) ** 2
    k0 = scale ** 2 * (s0 @ s0.T) * (x @ x.T)
    r0 = y.copy()
    q = np.zeros(n)
    dt = 1e-3

    def field(w, q):
        t = np.tanh(x @ w.T)
        s = 1 - t * t
        r = y - scale * (t @ a)
        g = (scale / n) * ((s * r[:, None]).T @ x) * a[:, None]
        return g, r0 - k0 @ q / n

    def step():
        k1w, k1q = field(w, q)
        k2w, k2q = field(w + 0.5 * dt * k1w, q + 0.5 * dt * k1q)
        k3w, k3q = field(w + 0.5 * dt * k2w, q + 0.5 * dt * k2q)
        k4w, k4q = field(w + dt * k3w, q + dt * k3q)
        return (w + dt / 6 * (k1w + 2 * k2w + 2 * k3w + k4w),
                q + dt / 6 * (k1q + 2 * k2q + 2 * k3q + k4q))

    show(f'numpy rk4 step tanh n={n} d={d} M={m}', timings(step, 9, 0.5))


def time_ntk(n, d, m):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, d))
    s = rng.standard_normal((n, m))
    t = timings(lambda: 0.01 * (s @ s.T) * (x @ x.T), 5, 0.5)
    show(f'numpy ntk n={n} d={d} M={m} (n^2 (M + d) flops)', t, n * n * (m + d))


wanted = set(sys.argv[1:]) or {'gemm', 'step', 'ntk'}
if 'gemm' in wanted:
    for size in (256, 512, 1024):
        time_gemm(size, size, size)
    time_gemm(512, 4096, 32)
    time_gemm(1000, 2000, 20, trans_b=True)
    time_gemm(2000, 20, 1000, trans_a=True)
    time_gemm(256, 256, 256, True, True)
if 'step' in wanted:
    time_step(64, 5, 100)
    time_step(200, 10, 1000)
    time_step(1000, 20, 2000)
if 'ntk' in wanted:
    time_ntk(1000, 20, 2000)
