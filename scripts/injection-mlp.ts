/**
 * Experiment (not shipped): a one-hidden-layer MLP over the injection model's hashed sparse
 * features (features.ts, the same vectors the logistic regression sees), used by
 * `MLP_CV=1 npx tsx scripts/train-injection.ts`.
 *
 *   h = act(W1ᵀx + b1)   (H hidden units, tanh or ReLU; W1 is BUCKETS × H, stored bucket-major)
 *   p = σ(w2·h + b2)
 *
 * Trained by mini-batch Adam on the weighted log-loss with lazy (touched-rows-only) updates and L2
 * of W1, seeded shuffles, single-threaded: deterministic for a given seed. Scored like the shipped
 * model: W1 quantised to int8 with one scale per hidden unit, texts longer than one window scored
 * in half-overlapping windows, highest logit wins.
 */
import { BUCKETS, featurize, MODEL_WINDOW, type SparseVector } from '../src/guardrails/injection/features.js';
import { prng } from './injection-synth.js';

export interface MlpOptions {
  hidden: number;
  act: 'tanh' | 'relu';
  epochs: number;
  batch: number;
  lr: number;
  l2: number;
  seed: number;
  /** Keep only this many buckets (largest W1 rows); 0: all seen in training. */
  keep?: number;
}

export interface Mlp {
  hidden: number;
  act: 'tanh' | 'relu';
  /** int8 W1, bucket-major (bucket * hidden + unit). */
  q: Int8Array;
  /** Per-unit dequantisation scale of W1. */
  scale: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
  /** Buckets with any non-zero int8 weight (what a model file would store). */
  usedBuckets: number;
}

function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits the MLP on sparse vectors `xs` with labels `ys` and sample weights `sw` (mean ≈ 1). */
export function trainMlp(xs: SparseVector[], ys: Uint8Array, sw: Float64Array, o: MlpOptions): Mlp {
  const H = o.hidden;
  const rand = prng(o.seed);
  const n = xs.length;
  // Inputs are L2-normalised, so a pre-activation's std equals W1's init std.
  const W1 = new Float32Array(BUCKETS * H);
  for (let i = 0; i < W1.length; i++) W1[i] = 0.5 * gauss(rand);
  const b1 = new Float64Array(H);
  const w2 = new Float64Array(H);
  for (let j = 0; j < H; j++) w2[j] = gauss(rand) / Math.sqrt(H);
  let b2 = 0;
  const m1 = new Float32Array(BUCKETS * H);
  const v1 = new Float32Array(BUCKETS * H);
  const g1 = new Float32Array(BUCKETS * H);
  const used = new Uint8Array(BUCKETS);
  const mark = new Uint8Array(BUCKETS);
  const touchedRows = new Int32Array(BUCKETS);
  const mb1 = new Float64Array(H);
  const vb1 = new Float64Array(H);
  const mw2 = new Float64Array(H);
  const vw2 = new Float64Array(H);
  let mb2 = 0;
  let vb2 = 0;
  const gb1 = new Float64Array(H);
  const gw2 = new Float64Array(H);
  const pre = new Float64Array(H);
  const hid = new Float64Array(H);
  const dpre = new Float64Array(H);
  const B1 = 0.9;
  const B2 = 0.999;
  const EPS = 1e-8;
  const relu = o.act === 'relu';
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let start = 0; start < n; start += o.batch) {
      const end = Math.min(n, start + o.batch);
      const bs = end - start;
      let nt = 0;
      gb1.fill(0);
      gw2.fill(0);
      let gb2 = 0;
      for (let s = start; s < end; s++) {
        const r = order[s]!;
        const x = xs[r]!;
        for (let j = 0; j < H; j++) pre[j] = b1[j]!;
        for (let k = 0; k < x.idx.length; k++) {
          const base = x.idx[k]! * H;
          const xv = x.val[k]!;
          for (let j = 0; j < H; j++) pre[j] += xv * W1[base + j]!;
        }
        let z = b2;
        for (let j = 0; j < H; j++) {
          const h = relu ? Math.max(pre[j]!, 0) : Math.tanh(pre[j]!);
          hid[j] = h;
          z += w2[j]! * h;
        }
        const err = ((sigmoid(z) - ys[r]!) * sw[r]!) / bs;
        gb2 += err;
        for (let j = 0; j < H; j++) {
          gw2[j] += err * hid[j]!;
          const d = relu ? (pre[j]! > 0 ? 1 : 0) : 1 - hid[j]! * hid[j]!;
          dpre[j] = err * w2[j]! * d;
          gb1[j] += dpre[j]!;
        }
        for (let k = 0; k < x.idx.length; k++) {
          const b = x.idx[k]!;
          if (!mark[b]) {
            mark[b] = 1;
            touchedRows[nt++] = b;
          }
          const base = b * H;
          const xv = x.val[k]!;
          for (let j = 0; j < H; j++) g1[base + j] += xv * dpre[j]!;
        }
      }
      step++;
      const c1 = 1 - B1 ** step;
      const c2 = 1 - B2 ** step;
      const lr = o.lr;
      for (let t = 0; t < nt; t++) {
        const b = touchedRows[t]!;
        mark[b] = 0;
        used[b] = 1;
        const base = b * H;
        for (let j = 0; j < H; j++) {
          const p = base + j;
          const g = g1[p]! + o.l2 * W1[p]!;
          g1[p] = 0;
          m1[p] = B1 * m1[p]! + (1 - B1) * g;
          v1[p] = B2 * v1[p]! + (1 - B2) * g * g;
          W1[p] = W1[p]! - (lr * (m1[p]! / c1)) / (Math.sqrt(v1[p]! / c2) + EPS);
        }
      }
      for (let j = 0; j < H; j++) {
        mb1[j] = B1 * mb1[j]! + (1 - B1) * gb1[j]!;
        vb1[j] = B2 * vb1[j]! + (1 - B2) * gb1[j]! * gb1[j]!;
        b1[j] = b1[j]! - (lr * (mb1[j]! / c1)) / (Math.sqrt(vb1[j]! / c2) + EPS);
        mw2[j] = B1 * mw2[j]! + (1 - B1) * gw2[j]!;
        vw2[j] = B2 * vw2[j]! + (1 - B2) * gw2[j]! * gw2[j]!;
        w2[j] = w2[j]! - (lr * (mw2[j]! / c1)) / (Math.sqrt(vw2[j]! / c2) + EPS);
      }
      mb2 = B1 * mb2 + (1 - B1) * gb2;
      vb2 = B2 * vb2 + (1 - B2) * gb2 * gb2;
      b2 -= (lr * (mb2 / c1)) / (Math.sqrt(vb2 / c2) + EPS);
    }
  }
  // Buckets never seen in training keep their random init; a model file would not store them, so
  // they score as 0 (an unseen bucket contributes nothing, as in the linear model). With `keep`,
  // only the `keep` buckets with the largest W1 rows (L2 norm) are kept (model-size limit).
  if (o.keep && o.keep > 0) {
    const norms: [number, number][] = [];
    for (let b = 0; b < BUCKETS; b++) {
      if (!used[b]) continue;
      let s = 0;
      for (let j = 0; j < H; j++) s += W1[b * H + j]! ** 2;
      norms.push([s, b]);
    }
    norms.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
    for (let k = o.keep; k < norms.length; k++) used[norms[k]![1]] = 0;
  }
  const scale = new Float32Array(H);
  for (let b = 0; b < BUCKETS; b++)
    if (used[b]) for (let j = 0; j < H; j++) scale[j] = Math.max(scale[j]!, Math.abs(W1[b * H + j]!));
  for (let j = 0; j < H; j++) scale[j] = scale[j]! / 127 || 1;
  const q = new Int8Array(BUCKETS * H);
  let usedBuckets = 0;
  for (let b = 0; b < BUCKETS; b++) {
    if (!used[b]) continue;
    let any = 0;
    for (let j = 0; j < H; j++) {
      q[b * H + j] = Math.round(W1[b * H + j]! / scale[j]!);
      any |= q[b * H + j]!;
    }
    if (any) usedBuckets++;
  }
  return {
    hidden: H,
    act: o.act,
    q,
    scale,
    b1: Float32Array.from(b1),
    w2: Float32Array.from(w2),
    b2,
    usedBuckets,
  };
}

const acc = new Float64Array(256);

/** The MLP's logit for one sparse vector (quantised weights). */
export function mlpLogit(m: Mlp, x: SparseVector): number {
  const H = m.hidden;
  acc.fill(0, 0, H);
  for (let k = 0; k < x.idx.length; k++) {
    const base = x.idx[k]! * H;
    const xv = x.val[k]!;
    for (let j = 0; j < H; j++) acc[j] += xv * m.q[base + j]!;
  }
  let z = m.b2;
  for (let j = 0; j < H; j++) {
    const p = m.b1[j]! + acc[j]! * m.scale[j]!;
    z += m.w2[j]! * (m.act === 'relu' ? Math.max(p, 0) : Math.tanh(p));
  }
  return z;
}

/** Probability for a normalised text, windowed exactly like modelProbability (max logit). */
export function mlpProbability(m: Mlp, text: string): number {
  const len = text.length;
  if (len === 0) return 0;
  let best = Number.NEGATIVE_INFINITY;
  if (len <= MODEL_WINDOW) best = mlpLogit(m, featurize(text, 0, len));
  else {
    const stride = MODEL_WINDOW / 2;
    for (let from = 0; ; from += stride) {
      const to = Math.min(len, from + MODEL_WINDOW);
      const start = to - from < MODEL_WINDOW ? len - MODEL_WINDOW : from;
      const z = mlpLogit(m, featurize(text, start, to));
      if (z > best) best = z;
      if (to === len) break;
    }
  }
  return sigmoid(best);
}

/** Model-file estimate: used-bucket bitmap/deltas (3 bytes) + H int8 per used bucket, base64. */
export function mlpFileBytes(m: Mlp): { raw: number; base64: number } {
  const raw = m.usedBuckets * (3 + m.hidden) + m.hidden * 12 + 8;
  return { raw, base64: Math.ceil(raw / 3) * 4 };
}
