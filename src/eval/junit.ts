import type { SuiteResult } from './runner.js';

// XML 1.0 cannot carry most control characters, so they are dropped rather than escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

const xml = (text: string) =>
  text
    .replace(CONTROL, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML, as CI systems read it: one testsuite per prompt, FAIL as <failure>, ERROR as <error>. */
export function toJunit(results: readonly SuiteResult[]): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const suites = results.map((suite) => {
    const cases = suite.cases.map((c) => {
      const open = `    <testcase classname="${xml(suite.prompt)}" name="${xml(c.description)}" time="${seconds(c.latencyMs)}"`;
      if (c.status === 'pass') return `${open}/>`;
      const tag = c.status === 'fail' ? 'failure' : 'error';
      return `${open}>\n      <${tag} message="${xml(c.reason)}">${xml(c.output)}</${tag}>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(suite.prompt)}" tests="${suite.cases.length}" failures="${suite.failed}" errors="${suite.errors}" time="${seconds(suite.durationMs)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = results.reduce((n, s) => n + s.cases.length, 0);
  const failures = results.reduce((n, s) => n + s.failed, 0);
  const errors = results.reduce((n, s) => n + s.errors, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="promptops" tests="${total}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}
