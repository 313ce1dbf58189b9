import { describe, expect, it } from 'vitest';
import { isRefusal } from '../../src/monitor/refusal.js';

describe('isRefusal', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I’m sorry, I cannot assist with this request.',
    'I am afraid I am unable to provide that information.',
    'Sorry, I won’t do that.',
    "I can't help with creating malware.",
    'I cannot comply with this request.',
    'As an AI language model, I cannot browse the internet.',
    '  Unfortunately, I must decline this request.',
  ])('reads %j as a refusal', (text) => {
    expect(isRefusal(text)).toBe(true);
  });

  it.each([
    'Here is a summary of the article.',
    "Sorry for the delay: here's the report you asked for.",
    'The customer says: "I can\'t log in to my account." Suggested reply: reset the password.',
    'I can help with that. First, open the settings.',
    '',
    `${'x'.repeat(300)} I'm sorry, but I can't help with that.`,
  ])('does not read %j as a refusal', (text) => {
    expect(isRefusal(text)).toBe(false);
  });
});
