/**
 * Compact quality report of the prompt-injection detector on a labelled JSONL file (default: the
 * held-out test split), per layer and per source, at the shipped threshold — straight from src/
 * (no build). For REPORTING only: nothing here feeds back into training or threshold choice.
 *
 *   npx tsx scripts/injection-eval.ts [file.jsonl]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultThreshold, scoreInjection } from '../src/guardrails/injection/detector.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATASETS = process.env.PROMPTOPS_DATASETS ?? path.resolve(REPO, '..', 'shared', 'datasets');
const file = process.argv[2] ?? path.join(DATASETS, 'injection', 'test.jsonl');
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; label: 0 | 1; source: string });
const t = defaultThreshold();
const scored = rows.map((r) => ({ ...r, s: scoreInjection(r.text) }));
const fmt = (x: number) => x.toFixed(3);
for (const layer of ['heuristic', 'model', 'combined'] as const) {
  const groups = new Map<string, typeof scored>([['ALL', scored]]);
  for (const r of scored) groups.set(r.source, [...(groups.get(r.source) ?? []), r]);
  const parts: string[] = [];
  for (const [name, g] of groups) {
    const pos = g.filter((r) => r.label === 1);
    const neg = g.filter((r) => r.label === 0);
    const rec = pos.length ? `R ${fmt(pos.filter((r) => r.s[layer] >= t).length / pos.length)}` : '';
    const fpr = neg.length ? `F ${fmt(neg.filter((r) => r.s[layer] >= t).length / neg.length)}` : '';
    parts.push(`${name.replace('injecguard-valid/', '')}: ${[rec, fpr].filter(Boolean).join(' ')}`);
  }
  console.log(`${layer.padEnd(9)} t=${t} | ${parts.join(' | ')}`);
}
