// Worst-case inputs for the guardrails' regular expressions: long repeats of each detector's own
// alphabet and near-misses, where catastrophic backtracking or a quadratic scan would show. The
// tests run them to prove every scan finishes (a hang trips the test's time limit) and
// bench/adversarial.js times them; one list, so the two always cover the same inputs.

/** `unit` repeated to exactly `n` characters. */
export const repeatTo = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** ASCII smuggled in Unicode tag characters (U+E0000 + code). */
export const tags = (s) => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');

/**
 * Runs `re` as a global scan over `text`, trying every position (at least as much work as any real
 * use), at most `limit` matches. Returns the number of matches.
 */
export function scanAll(re, text, limit = 100_000) {
  const global = new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}g`);
  let count = 0;
  for (let m = global.exec(text); m !== null && count < limit; m = global.exec(text)) {
    count++;
    if (m[0].length === 0) global.lastIndex++;
  }
  return count;
}

/** Inputs for the PII detectors, by name, `n` characters or so each. */
export function piiAdversarial(n = 100_000) {
  return {
    digits: '1'.repeat(n),
    zeros: '0'.repeat(n),
    dots: '.'.repeat(n),
    at: '@'.repeat(n),
    a: 'a'.repeat(n),
    dashes: '-'.repeat(n),
    spaces: ' '.repeat(n),
    colons: ':'.repeat(n),
    parens: '('.repeat(n / 2) + ')'.repeat(n / 2),
    plus: '+'.repeat(n),
    'digit-dot': '1.'.repeat(n / 2),
    'digit-dash': '1-'.repeat(n / 2),
    'digit-space': '1 '.repeat(n / 2),
    'digit-slash': '12/'.repeat(n / 3),
    'a-at': 'a@'.repeat(n / 2),
    'a-dot': 'a.'.repeat(n / 2),
    'at-dot': '@a.'.repeat(n / 3),
    'hex-colon': 'a:'.repeat(n / 2),
    'double-colon': '1::'.repeat(n / 3),
    'email-near-miss': 'john.doe@example'.repeat(n / 16),
    'local-run': `${'a.'.repeat(n / 2)}@x`,
    'phone-near-miss': '+1 (415) 555-267'.repeat(n / 16),
    'paren-digits': '(1) '.repeat(n / 4),
    'card-groups': '4111 '.repeat(n / 5),
    'card-dashes': '4111-'.repeat(n / 5),
    'iban-near-miss': 'DE89 3704 0044 0532 0130 0 '.repeat(n / 27),
    'iban-letters': 'DE89'.repeat(n / 4),
    'ip-near-miss': '1.2.3.'.repeat(n / 6),
    'ipv6-near-miss': '2001:db8:'.repeat(n / 9),
    'ssn-near-miss': '123-45-678'.repeat(n / 10),
    'version-words': 'version 1.2.3.4 '.repeat(n / 16),
    'phone-words': 'call phone tel 1 '.repeat(n / 17),
    mixed: 'aA1+/=_-'.repeat(n / 8),
    'case-mix': 'aB3'.repeat(n / 3),
    eyJ: 'eyJ'.repeat(n / 3),
    'jwt-near-miss': 'eyJhbGciOiJub25lIn0.'.repeat(n / 20),
    'pem-headers': '-----BEGIN RSA PRIVATE KEY-----'.repeat(n / 31),
    'pem-end': '-----END '.repeat(n / 9),
    bearer: 'Bearer '.repeat(n / 7),
    'bearer-long': `Authorization: Bearer ${'a'.repeat(n)}`,
    akia: 'AKIA'.repeat(n / 4),
    equals: 'a='.repeat(n / 2),
    newlines: '1\n'.repeat(n / 2),
    unicode: '電話'.repeat(n / 2),
  };
}

/** Inputs for the secrets detectors, by name, `n` characters or so each. */
export function secretsAdversarial(n = 100_000) {
  return {
    'long token': 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ'.repeat(n / 26),
    'long base64 lines': `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVmZ2hpams\n'.repeat(n / 60)}`,
    'pem without end': `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'.repeat(n / 34)}`,
    'many pem headers': '-----BEGIN PRIVATE KEY-----\nAAAA\n'.repeat(n / 33),
    'jwt-like': `${'eyJhbGciOiJIUzI1NiJ9'.repeat(n / 20)}.eyJ.x`,
    'dot-separated eyJ': 'eyJhbGciOiJIUzI1NiJ9.'.repeat(n / 21),
    'bearer spaces': `Bearer${' '.repeat(n)}x`,
    'authorization spam': 'Authorization: Bearer x '.repeat(n / 24),
    'key=value spam': 'k=v'.repeat(n / 3),
    'near-miss aws': 'AKIAIOSFODNN7EXAMPL '.repeat(n / 20),
    slashes: 'ab/'.repeat(n / 3),
    'sha prefixes': 'sha256-'.repeat(n / 7),
  };
}

/** Strings built from a pattern's own words and alphabet: long repeats and near-misses. */
export function patternAdversarial(re, n = 50_000) {
  const words = [...new Set(re.source.match(/[a-z]{2,}/g) ?? [])].slice(0, 40);
  const rep = (unit) => repeatTo(unit, n);
  const out = [
    rep('a'),
    rep(' '),
    rep('a '),
    rep('a-'),
    rep('A1+/'),
    rep('0f'),
    rep('#'),
    rep('<|'),
    rep('/'),
    rep(':'),
    rep('. '),
    rep('ab '),
    `${rep('A')}!`,
    `${rep('0f')}g`,
  ];
  if (words.length) {
    out.push(rep(`${words.join(' ')} `));
    out.push(rep(`${words[0]} `));
    out.push(rep(`${words.join(' x ')} `));
    out.push(rep(`${words.join('')} `));
    // near-miss: every word of the pattern but the last one it needs
    out.push(rep(`${words.slice(0, -1).join(' ')} `));
  }
  return out;
}

/** Inputs aimed at the indirect-injection rules (instructions hidden in documents and links). */
export function indirectInjectionAdversarial(n = 50_000) {
  return [
    'note to the ai ',
    '# ai ',
    'ai, ',
    'tell the user that ',
    'ask the user to provide the ',
    'send the conversation ',
    'https://a.b/c?d=',
    'https://',
    'include the link ',
    'when summarizing the document also ',
    'recommend x ',
    'in your answer please ',
    'from now on you will ',
    'how do i ',
    'a-b ',
    '?&=',
    'include "a',
    'add https://a ',
    'state that x ',
    'in your response tell ',
  ].map((unit) => repeatTo(unit, n));
}

/** Inputs for the whole prompt-injection check: repeats, invisible and encoded text. */
export function injectionCheckAdversarial() {
  return [
    'ignore '.repeat(10_000),
    'ignore all previous '.repeat(3_000),
    'you are now '.repeat(5_000),
    'a '.repeat(30_000),
    'A'.repeat(60_000),
    '\u200b'.repeat(50_000),
    tags('a').repeat(30_000),
    'і'.repeat(50_000),
    // encoded-text hints in a long text: only a window around them is decoded
    `${'vtaber '.repeat(20_000)}snoitcurtsni erongi`,
    `${'QUJD'.repeat(20_000)} ${'0f'.repeat(20_000)}`,
  ];
}

/** A 1 MB plain-prose document, for the injection check's document path. */
export const proseDocument = () => 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20_000);

const promptSource = (frontmatter, template) => `---\n${frontmatter}\n---\n${template}`;

/** `.prompt` sources built to make the linter expand or recurse too far, by name. */
export function hostilePrompts() {
  // a YAML "billion laughs": expanded, the metadata would hold 9^10 strings
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const previous = String.fromCharCode(96 + i);
    levels.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${previous}`).join(',')}]`,
    );
  }
  const schema = 'input:\n  schema:\n    a: string';
  return {
    aliasBomb: promptSource(`metadata:\n${levels.map((l) => `  ${l}`).join('\n')}`, 'Hi'),
    deepYaml: promptSource(`config: ${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'Hi'),
    nestedSubExpressions: promptSource(schema, `{{json ${'(json '.repeat(2500)}a${')'.repeat(2500)}}}`),
    nestedIfs: promptSource(schema, `${'{{#if a}}'.repeat(3000)}{{a}}${'{{/if}}'.repeat(3000)}`),
  };
}
