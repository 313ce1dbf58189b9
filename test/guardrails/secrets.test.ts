import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_KINDS } from '../../src/guardrails/kinds.js';
import { detectPii } from '../../src/guardrails/pii/detectors.js';
import { redactSpans, restorePlaceholders } from '../../src/guardrails/redact.js';
import { detectSecrets } from '../../src/guardrails/secrets/detectors.js';
import { expectedEntropy, looksRandom, shannonEntropy } from '../../src/guardrails/secrets/entropy.js';
import type { Span } from '../../src/guardrails/types.js';
import { REPO } from '../helpers.js';

function found(text: string, kind: string): string[] {
  return detectSecrets(text, [kind]).map((s) => text.slice(s.start, s.end));
}

function expectNone(kind: string, texts: string[]): void {
  for (const text of texts) expect(found(text, kind), `${kind} should not match: ${text}`).toEqual([]);
}

const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const b64url = (s: string) => Buffer.from(s).toString('base64url');

function pem(label: string, lines: string[], nl = '\n'): string {
  return `-----BEGIN ${label}-----${nl}${lines.join(nl)}${nl}-----END ${label}-----`;
}
const BODY = [
  'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0Bf6yQ1xtqG9ld0yGfS8gVs4Q',
  'kq3YyT1bq9bT6Qw+v8mD1f7yA0vE3yJ8yq5m1s9b0Q2W3z4X5c6V7b8N9m0L1k2J',
  'Hq8=',
];

describe('aws-key', () => {
  it('finds access key ids and secret keys near AWS context', () => {
    const text = `aws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\n`;
    expect(detectSecrets(text)).toEqual([
      { start: 20, end: 40, type: 'aws-key' },
      { start: 65, end: 105, type: 'aws-key' },
    ]);
    expect(
      found(`{"AccessKeyId":"ASIAY34FZKBOKMUTVV7A","SecretAccessKey":"${AWS_SECRET}"}`, 'aws-key'),
    ).toEqual(['ASIAY34FZKBOKMUTVV7A', AWS_SECRET]);
    expect(found(`export AWS_ACCESS_KEY_ID=${AWS_ID}`, 'aws-key')).toEqual([AWS_ID]);
  });

  it('rejects near misses', () => {
    expectNone('aws-key', [
      'AKIAIOSFODNN7EXAMPL',
      'AKIAIOSFODNN7EXAMPLEX',
      'akiaiosfodnn7example',
      'XAKIAIOSFODNN7EXAMPLE',
      'AKIAIOSFODNN7EXAMPL!',
      'AKIA_IOSFODNN7EXAMPL',
      `secret key ${AWS_SECRET} with no cloud word nearby`,
    ]);
  });

  it('leaves a 40-char key without AWS context to the high-entropy check', () => {
    expect(
      detectSecrets(`token: ${AWS_SECRET.replace(/EXAMPLEKEY$/, 'q7Zr2Lx9Pw')}`).map((s) => s.type),
    ).toEqual(['high-entropy']);
  });
});

describe('private-key', () => {
  it('spans PEM private key blocks from BEGIN to END', () => {
    for (const label of [
      'RSA PRIVATE KEY',
      'PRIVATE KEY',
      'EC PRIVATE KEY',
      'OPENSSH PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
      'DSA PRIVATE KEY',
      'PGP PRIVATE KEY BLOCK',
    ]) {
      const block = pem(label, BODY);
      const text = `Here is the key:\n${block}\nkeep it safe`;
      expect(detectSecrets(text), label).toEqual([
        { start: 17, end: 17 + block.length, type: 'private-key' },
      ]);
    }
  });

  it('handles JSON-escaped newlines and truncated blocks', () => {
    const escaped = pem('PRIVATE KEY', BODY, '\\n');
    const json = `{"private_key": "${escaped}\\n", "client_email": "x@example.iam.gserviceaccount.com"}`;
    expect(found(json, 'private-key')).toEqual([escaped]);
    const truncated = `-----BEGIN RSA PRIVATE KEY-----\n${BODY[0]}\n${BODY[1]}\n\nthat is all I have`;
    expect(found(truncated, 'private-key')).toEqual([
      `-----BEGIN RSA PRIVATE KEY-----\n${BODY[0]}\n${BODY[1]}`,
    ]);
  });

  it('skips certificates, public keys and their bodies', () => {
    for (const label of ['CERTIFICATE', 'PUBLIC KEY', 'RSA PUBLIC KEY']) {
      expect(detectSecrets(`cert:\n${pem(label, BODY)}\n`), label).toEqual([]);
    }
    expect(
      detectSecrets(
        'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDd3Pz7mQ2vRkXyT8pLq0Wn5sJ3hV6cF9gB2aZ4uE7 me@laptop',
      ),
    ).toEqual([]);
  });
});

describe('jwt', () => {
  it('finds three base64url segments whose header is JSON with "alg"', () => {
    expect(found(`session=${JWT}; Path=/`, 'jwt')).toEqual([JWT]);
    const none = `${b64url('{"alg":"none"}')}.${b64url('{"sub":"1"}')}.`;
    expect(found(`token ${none} end`, 'jwt')).toEqual([none]);
  });

  it('rejects look-alikes', () => {
    const noAlg = `${b64url('{"typ":"JWT"}')}.${b64url('{"sub":"1"}')}.c2ln`;
    const notJson = `${b64url('{"alg":"HS256"')}.${b64url('{"sub":"1"}')}.c2ln`;
    expectNone('jwt', [
      noAlg,
      notJson,
      `${JWT.split('.').slice(0, 2).join('.')}`,
      'eyJ is how base64 of {" starts',
      `x${JWT}`,
    ]);
  });
});

describe('bearer-token', () => {
  it('reports the token after Bearer', () => {
    const token = 'mF_9.B5f-4.1JqM8xTqZ0a2Lp7RkV';
    expect(found(`Authorization: Bearer ${token}`, 'bearer-token')).toEqual([token]);
    expect(found(`curl -H 'Authorization: Bearer ${token}' https://api.example.com`, 'bearer-token')).toEqual(
      [token],
    );
    expect(found('I sent BEARER Zx81kLmQ2pR7sT4vW9yB3nC6 and got 401', 'bearer-token')).toEqual([
      'Zx81kLmQ2pR7sT4vW9yB3nC6',
    ]);
    // shorter tokens only in an Authorization header
    expect(found('Authorization: Bearer q8Zr2Lx9Pw4m', 'bearer-token')).toEqual(['q8Zr2Lx9Pw4m']);
    expect(found('use Bearer q8Zr2Lx9Pw4m here', 'bearer-token')).toEqual([]);
  });

  it('is preferred over jwt when a JWT is sent as a bearer token', () => {
    const text = `Authorization: Bearer ${JWT}`;
    expect(detectSecrets(text)).toEqual([{ start: 22, end: 22 + JWT.length, type: 'bearer-token' }]);
  });

  it('skips prose and placeholders', () => {
    expectNone('bearer-token', [
      'the bearer of bad news',
      'Bearer tokens are sent in the Authorization header',
      'Authorization: Bearer YOUR_TOKEN_HERE',
      'Authorization: Bearer <token>',
      'Authorization: Bearer $API_TOKEN',
      'Authorization: Bearer {{token}}',
      'Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxx',
      'Authorization: Bearer ...',
    ]);
  });
});

describe('high-entropy', () => {
  const keys = [
    'Y4JXSqqx5VJOWRTjfPLm1AUW',
    'VH9uli31BU8wvzTXu4P4PraFnfgNE1ac',
    '4ZSC8s3OTC3W5u9MVCrlHR801upFauDMPmOjJfTz',
    'trmsa61s1flw1cm2y56fpix4',
    'lx1pjsge86vxq0af235eo8ozw6pgblz2wvm50nup',
    'N4IE0D3RBTDP3GOISM7P4WJCDGZXUAZ2',
    'vE/dCdhHgK0UMsu01OWY7poz6K+NvBhQ',
    'hwep8e4L22JLJQch2f+gLdayiffIeMijWsVGA6xOar7cbNkEhfkB6i1ZRYXdWvT/',
    'qyYqlZ7I-h7ONLYZNIlm4_ce',
    'pNvs1ZJ1pR_0li0XEJ-fl4vtxA7bQ5rYG_9_ZYxSIMQFygYv-pTYjmerjKXuPXnv',
    'aOFPwdwdsWGcbxwgJvRjNK1N==',
  ];

  it('finds random keys with exact spans, in configs, JSON and prose', () => {
    for (const key of keys) {
      for (const text of [`API_KEY=${key}`, `{"client_secret": "${key}"}`, `use ${key} for staging.`]) {
        const start = text.indexOf(key);
        expect(detectSecrets(text), text).toEqual([{ start, end: start + key.length, type: 'high-entropy' }]);
      }
    }
  });

  it('finds well-known provider tokens', () => {
    for (const token of [
      'ghp_Xb8wK2mQ9vL4sR7tY1nE3zC6hJ0fG5aD2uPq',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF',
      'sk_live_GhBlKNJaPOaNUNDAhRlMLVYe',
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'glpat-tjTnCaZnlixkZnxeLiGd',
      'AIzaSyD3x-8kQm2Lq9Zr7Vb4Nc1Wt6Yp0Xs5Hu2',
    ]) {
      expect(found(`token: ${token}`, 'high-entropy'), token).toEqual([token]);
    }
  });

  it('finds a random segment inside a URL path', () => {
    const key = 'YKCXHMdn3mgndn7KGiHwYiVJ2sQ';
    expect(found(`https://hooks.example.com/services/${key}`, 'high-entropy')).toEqual([key]);
  });

  it('does not flag hashes, UUIDs, identifiers, paths, words or public data', () => {
    expectNone('high-entropy', [
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'md5 D41D8CD98F00B204E9800998ECF8427E',
      'request 123e4567-e89b-12d3-a456-426614174000',
      'getUserAccountSettingsById and AbstractSingletonProxyFactoryBean',
      'MAX_RETRY_COUNT_FOR_UPLOADS_V2 and customer_lifetime_value_q3_2024_final',
      'x86_avx512fp16_mask_vcvtph2qq_512 and V4L2_CID_MPEG_VIDEO_H264_MAX_QP',
      'handleCheckoutSessionCompleted2024 and parseTableExpressionOrList',
      'src/guardrails/pii/detectors.test.ts and /var/log/nginx/access-20240305.log.gz',
      'https://docs.example.com/api/v2/orders/123456/items?page=2',
      'IMG_20240305_143210_HDR.jpg',
      'Pneumonoultramicroscopicsilicovolcanoconiosis',
      'Donaudampfschifffahrtsgesellschaftskapitän',
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"',
      'IBAN FR1420041010050500013M02606 and FR7630006000011234567890189',
      'token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa and 12345678901234567890123456789',
    ]);
  });

  it('scores entropy against the expectation for the alphabet', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2, 10);
    expect(shannonEntropy('xxabcdxx', 2, 6)).toBeCloseTo(2, 10);
    // 32 random chars over 62 symbols average ≈ 4.54 bits; the exact expectation is below log2(32)
    expect(expectedEntropy(32, 62)).toBeGreaterThan(4.4);
    expect(expectedEntropy(32, 62)).toBeLessThan(5);
    expect(expectedEntropy(256, 64)).toBeGreaterThan(5.7);
    const key = 'VH9uli31BU8wvzTXu4P4PraFnfgNE1ac';
    expect(looksRandom(key, 0, key.length)).toBe(true);
    expect(looksRandom(`xx${key}xx`, 2, key.length + 2)).toBe(true);
    expect(looksRandom(key.slice(0, 20), 0, 20)).toBe(false);
  });
});

describe('detectSecrets', () => {
  const text = [
    `aws_access_key_id=${AWS_ID}`,
    `Authorization: Bearer mF_9.B5f-4.1JqM8xTqZ0a2Lp7RkV`,
    `id_token=${JWT}`,
    'API_KEY=VH9uli31BU8wvzTXu4P4PraFnfgNE1ac',
    pem('EC PRIVATE KEY', BODY),
  ].join('\n');

  it('returns sorted, non-overlapping spans of every kind', () => {
    const spans = detectSecrets(text);
    expect(spans.map((s) => s.type)).toEqual([
      'aws-key',
      'bearer-token',
      'jwt',
      'high-entropy',
      'private-key',
    ]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('filters by kind without changing what each span is', () => {
    expect(detectSecrets(text, ['jwt', 'private-key']).map((s) => s.type)).toEqual(['jwt', 'private-key']);
    expect(detectSecrets(text, ['high-entropy']).map((s) => text.slice(s.start, s.end))).toEqual([
      'VH9uli31BU8wvzTXu4P4PraFnfgNE1ac',
    ]);
    expect(detectSecrets(text, [])).toEqual([]);
    expect(() => detectSecrets(text, ['password'])).toThrow(/unknown secret kind/);
    expect(SECRET_KINDS).toEqual(['aws-key', 'private-key', 'jwt', 'bearer-token', 'high-entropy']);
  });

  it('finds nothing in ordinary prose and code', () => {
    const prose =
      'Thanks for the quick reply! I tried version 2.4.1 on 2024-03-05 and the build (commit 3f78685) still ' +
      'fails in src/components/CheckoutSessionHandler.tsx with TypeError: cannot read getUserAccountSettingsById.';
    expect(detectSecrets(prose)).toEqual([]);
    expect(detectPii(prose)).toEqual([]);
  });

  it('redacts and restores secrets', () => {
    const { text: redacted, mapping } = redactSpans(text, detectSecrets(text));
    expect(redacted).toContain('aws_access_key_id=[AWS_KEY_1]');
    expect(redacted).toContain('Authorization: Bearer [BEARER_TOKEN_1]');
    expect(redacted).toContain('[PRIVATE_KEY_1]');
    expect(restorePlaceholders(redacted, mapping)).toBe(text);
  });
});

describe('generated set', () => {
  const rows = readFileSync(path.join(REPO, 'test/fixtures/pii/generated.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; spans: Span[] });

  it('scores F1 ≥ 0.97 for every secret kind (exact spans)', () => {
    for (const kind of SECRET_KINDS) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const row of rows) {
        const gold = new Set(row.spans.filter((s) => s.type === kind).map((s) => `${s.start}:${s.end}`));
        for (const s of detectSecrets(row.text, [kind])) {
          if (gold.delete(`${s.start}:${s.end}`)) tp++;
          else fp++;
        }
        fn += gold.size;
      }
      const f1 = (2 * tp) / (2 * tp + fp + fn);
      expect(f1, `${kind}: tp=${tp} fp=${fp} fn=${fn}`).toBeGreaterThanOrEqual(0.97);
    }
  });
});
