/**
 * Structural features of a prompt for the prompt-injection model (issue 21): WHERE an instruction
 * sits, not which words it uses. The raw text is segmented into the request (the instruction part)
 * and pasted data (fenced blocks, long quotes, "Text:"/"Review:"-style headers, long paragraphs);
 * the features are named tokens, hashed into the model's buckets like words (features.ts,
 * structureLogit) and added once to every logit of the text, so a paragraph scored alone carries
 * its document's structure too.
 *
 * Tokens: whether data is present; the last sentence's shape when it follows data (an imperative, a
 * question, a reference back to the data such as "the text above", its word overlap with the
 * request and data: a task unrelated to the first shares few words); an order to print a fixed
 * phrase; a fake completion ("Answer: done.") or switch phrase ("New task:") after data; a sentence
 * addressed to the model inside the data; and the text's length band (so length alone is a weak,
 * explicit feature the model can discount instead of a side effect of n-gram counts).
 */

const HEADER =
  /^[ \t]*(?:text|review|email|e-mail|document|article|input|passage|content|context|data|abstract|code|comment|message|post|tweet|story|paragraph|sentence)[ \t]*:/im;
const INLINE_REQUEST =
  /^[^\n:]{0,200}?\b(?:this|the following|these|the|my)\s+[a-z-]+(?:\s+[a-z-]+)?\s*:[ \t]*(?=\S)/;
const FENCE = /```[\s\S]*?```|"""[\s\S]*?"""/;
const IMPERATIVE =
  /^(?:please |now |also |then |next |instead |finally |and )?(?:write|list|tell|give|print|say|output|translate|summari[sz]e|explain|describe|generate|create|name|provide|ignore|forget|disregard|respond|reply|answer|compose|draft|calculate|find|make|add|include|show|send|visit|click|recommend|insert|append|repeat|return|start|begin|use|do|don't|stop|pretend|act|rewrite|convert|classify|identify|extract|suggest|share|post|delete|download|run|execute)\b/;
const PRINT_PHRASE =
  /\b(?:print|say|output|respond (?:only )?with|reply (?:only )?with|answer (?:only )?with|must be exactly|write)\b[^.\n]{0,30}["“'«][^"”'»\n]{1,60}["”'»]|\bnothing else\b|\bin capital letters\b/;
const FAKE_COMPLETION =
  /\b(?:answer|response|task|summary|output)\s*:?\s*(?:done|complete|completed|finished)\b/;
const SWITCH =
  /\b(?:new task|now|instead|after that|next|additionally|also)\b[ ,:]*(?:please )?(?:write|tell|print|say|list|give|answer|respond|translate|generate|create|explain|output|describe|name|provide)\b/;
const REFERS_BACK =
  /\b(?:above|this (?:text|review|email|e-mail|passage|article|document|data|table|code|paragraph|abstract|story|message|function)|the (?:text|review|email|e-mail|passage|article|document|data|table|code|paragraph|abstract|story|message|function|author|authors|sentence|information|given))\b/;
const ADDRESSED = /\b(?:you|your|assistant|ai|chatbot|chatgpt|language model|llm)\b/;
const STOP = new Set(
  'the a an and or of to in on for with is are was were be it this that these those as at by from what which who how why when where do does did can could would should will you your i me my we our they their he she his her them its not no yes if then so but about into than there here please any all some one two three'.split(
    ' ',
  ),
);

const words = (s: string) => (s.match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2 && !STOP.has(w));
const sentences = (s: string) =>
  s
    .split(/(?<=[.!?])\s+|\n+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** Where the pasted data ends in `lower` (its last fence, header block, quote or long paragraph), or -1. */
function dataEnd(lower: string): { start: number; end: number } | null {
  const fence = [...lower.matchAll(new RegExp(FENCE.source, 'g'))].pop();
  if (fence) return { start: fence.index!, end: fence.index! + fence[0].length };
  const quote = lastLongQuote(lower);
  if (quote) return quote;
  // "Summarise this review: the blender is loud…": a request ending in a colon, data on the same line.
  const inline = INLINE_REQUEST.exec(lower);
  if (inline) {
    const start = inline.index + inline[0].length;
    const end = lastSentenceStart(lower);
    if (end > start + 20) return { start, end };
  }
  const header = HEADER.exec(lower);
  const paragraphs = lower.split(/\n[ \t]*\n/);
  if (header || paragraphs.length >= 2 || lower.length >= 400) {
    // The data runs up to the last sentence (or last paragraph when there are several).
    const start = header ? header.index : 0;
    const lastBreak = Math.max(lower.lastIndexOf('\n'), lastSentenceStart(lower));
    if (lastBreak > start + 40) return { start, end: lastBreak };
  }
  return null;
}

const isQuoteEnd = (c: number) => c === 0x22 || c === 0x201d;

/**
 * The last long quotation: what /["“][^"”\n]{80,}["”]/g would match last, found in one pass (the
 * regular expression rescans the rest of the line from every opening “, quadratic on a line of them).
 */
function lastLongQuote(s: string): { start: number; end: number } | null {
  // stop[i]: the first index ≥ i holding ", ” or a newline (s.length if none).
  const stop = new Int32Array(s.length + 1);
  stop[s.length] = s.length;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    stop[i] = isQuoteEnd(c) || c === 0x0a ? i : stop[i + 1]!;
  }
  let found: { start: number; end: number } | null = null;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x201c) {
      const j = stop[i + 1]!;
      if (j - i - 1 >= 80 && j < s.length && isQuoteEnd(s.charCodeAt(j))) {
        found = { start: i, end: j + 1 };
        i = j + 1;
        continue;
      }
    }
    i++;
  }
  return found;
}

function lastSentenceStart(s: string): number {
  const trimmed = s.trimEnd();
  const m = /[.!?]["”')\]]?\s+(?=\S[^.!?]*[.!?]?["”']?\s*$)/.exec(trimmed);
  return m ? m.index + m[0].length : -1;
}

/**
 * The structural tokens of a raw text (see the module comment). Reads at most the first and last
 * `WINDOW` characters, so a long document costs no more than a short one.
 */
export function structureTokens(raw: string): string[] {
  const WINDOW = 4096;
  const text = raw.length > 2 * WINDOW ? `${raw.slice(0, WINDOW)}\n\n${raw.slice(-WINDOW)}` : raw;
  const lower = text.toLowerCase();
  const out: string[] = [];
  const len = raw.length;
  out.push(len < 200 ? 'len:short' : len < 800 ? 'len:medium' : len < 3000 ? 'len:long' : 'len:document');
  const data = dataEnd(lower);
  if (!data) {
    out.push('data:none');
    if (PRINT_PHRASE.test(lower)) out.push('print-phrase');
    return out;
  }
  out.push('data:present');
  if (FENCE.test(lower)) out.push('data:fenced');
  if (HEADER.test(lower)) out.push('data:header');
  const before = lower.slice(0, data.start);
  const inside = lower.slice(data.start, data.end);
  const after = lower.slice(data.end).trim();
  for (const s of sentences(inside).slice(1)) {
    if (IMPERATIVE.test(s) && ADDRESSED.test(s)) {
      out.push('data:addressed-imperative');
      break;
    }
  }
  if (FAKE_COMPLETION.test(inside.slice(-200)) || FAKE_COMPLETION.test(after)) out.push('fake-completion');
  if (after.length === 0) {
    out.push(before.trim().length > 0 ? 'tail:none-request-first' : 'tail:none');
    return out;
  }
  const tail = sentences(after);
  const last = tail[tail.length - 1] ?? after;
  const first = tail[0] ?? after;
  if (IMPERATIVE.test(first)) out.push('tail:imperative');
  if (/\?\s*$/.test(last)) out.push('tail:question');
  if (REFERS_BACK.test(after)) out.push('tail:refers-back');
  if (SWITCH.test(after)) out.push('tail:switch');
  if (PRINT_PHRASE.test(after)) out.push('tail:print-phrase');
  if (ADDRESSED.test(after)) out.push('tail:addressed');
  if (before.trim().length > 0) out.push('request:first');
  // Word overlap of what follows the data with the request and the data: a second, unrelated task
  // shares few content words with them.
  const context = new Set(words(`${before} ${inside}`));
  const tw = words(after);
  if (tw.length > 0) {
    const shared = tw.filter((w) => context.has(w)).length / tw.length;
    out.push(shared === 0 ? 'tail:overlap-none' : shared < 0.25 ? 'tail:overlap-low' : 'tail:overlap-high');
    if (shared < 0.25 && !REFERS_BACK.test(after) && IMPERATIVE.test(first)) out.push('tail:unrelated-task');
  }
  return out;
}
