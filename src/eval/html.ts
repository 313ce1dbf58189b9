import type { SuiteResult } from './runner.js';

const esc = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const COLORS = { pass: '#1a7f37', fail: '#cf222e', error: '#9a6700' } as const;

/** An inline SVG bar chart of each suite's pass rate and mean score. */
function chart(results: readonly SuiteResult[]): string {
  const rowHeight = 26;
  const width = 520;
  const label = 180;
  const bar = width - label - 60;
  const rows = results.map((r, i) => {
    const y = i * rowHeight + 4;
    const score = r.cases.length === 0 ? 1 : r.cases.reduce((s, c) => s + c.score, 0) / r.cases.length;
    const color = r.isPassing ? COLORS.pass : COLORS.fail;
    return `<g data-suite="${esc(r.prompt)}">
  <text x="0" y="${y + 13}" font-size="12">${esc(r.prompt)}</text>
  <rect x="${label}" y="${y}" width="${bar}" height="9" fill="#eaeef2"/>
  <rect class="pass-rate" x="${label}" y="${y}" width="${(bar * r.passRate).toFixed(1)}" height="9" fill="${color}"><title>pass rate ${(r.passRate * 100).toFixed(1)}%</title></rect>
  <rect class="score" x="${label}" y="${y + 11}" width="${(bar * score).toFixed(1)}" height="5" fill="#0969da"><title>mean score ${score.toFixed(3)}</title></rect>
  <text x="${label + bar + 6}" y="${y + 13}" font-size="12">${(r.passRate * 100).toFixed(0)}%</text>
</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="pass rate and mean score per suite" width="${width}" height="${results.length * rowHeight + 8}">${rows.join('\n')}</svg>`;
}

/** One self-contained HTML page: summary, a chart, and every case with its assertions and answer. */
export function toHtml(results: readonly SuiteResult[], generatedAt = new Date().toISOString()): string {
  const cases = results.reduce((n, r) => n + r.cases.length, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const suites = results.map((r) => {
    const rows = r.cases.map(
      (c) => `<tr class="case ${c.status}">
  <td><span class="badge" style="background:${COLORS[c.status]}">${c.status.toUpperCase()}</span></td>
  <td>${esc(c.description)}</td>
  <td>${c.score.toFixed(2)}</td>
  <td>${c.latencyMs.toFixed(1)} ms</td>
  <td>${esc(c.reason)}<details><summary>assertions and answer</summary><ul>${c.assertions
    .map((a) => `<li>${a.pass ? '✓' : '✗'} <code>${esc(a.type)}</code> ${esc(a.reason)}</li>`)
    .join('')}</ul><pre>${esc(c.output)}</pre></details></td>
</tr>`,
    );
    return `<section class="suite" id="${esc(r.prompt)}">
<h2>${esc(r.prompt)} <small>${esc(r.description)}</small></h2>
<p>${r.passed}/${r.cases.length} passed, ${r.failed} failed, ${r.errors} errors; pass rate ${(r.passRate * 100).toFixed(1)}% (needs ${(r.threshold * 100).toFixed(0)}%); version ${esc(r.versionHash.slice(0, 12))}</p>
<table><thead><tr><th>status</th><th>case</th><th>score</th><th>latency</th><th>detail</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>promptops test report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.badge{color:#fff;border-radius:4px;padding:0 .4rem;font-size:12px}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem}
small{color:#656d76;font-weight:normal}
</style></head>
<body>
<h1>promptops test report</h1>
<p id="summary">${results.length} suites, ${cases} cases: ${cases - failed - errors} passed, ${failed} failed, ${errors} errors. Generated ${esc(generatedAt)}.</p>
${chart(results)}
${suites.join('\n')}
</body></html>
`;
}
