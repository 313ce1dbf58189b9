/**
 * A small heuristic for answers that refuse the task ("I'm sorry, but I can't help with that"), for
 * the refusal rate monitoring tracks. It reads only the start of the answer, where models put a
 * refusal, and errs towards missing one: a rise in the rate matters, not the exact count.
 */

/** How much of the answer's start is read. */
const HEAD = 200;

const CANNOT = `(?:can'?t|cannot|can not|won'?t|will not|am unable to|'m unable to|am not able to|'m not able to|must decline|have to decline|'m not going to|am not going to)`;
const TASK = `(?:help|assist|comply|provide|do that|do this|answer|fulfil+|complete|support|share|create|write|generate|give|engage|continue)`;

const REFUSAL = new RegExp(
  [
    // "I'm sorry, but I can't …", "I am afraid I cannot …", "Sorry, I won't …"
    String.raw`^(?:(?:i'?m|i am) (?:sorry|afraid)|sorry|apologies|unfortunately)\b[^.!?\n]{0,80}\bi ${CANNOT}`,
    // "I can't help with that." at the very start.
    String.raw`^i ${CANNOT} ${TASK}\b`,
    // "As an AI (language model), I cannot …"
    String.raw`^as an ai\b[^.!?\n]{0,60}\bi ${CANNOT}`,
  ].join('|'),
);

/** Whether an answer's text reads as a refusal of the task. */
export function isRefusal(text: string): boolean {
  const head = text.slice(0, HEAD).trimStart().toLowerCase().replaceAll('\u2019', "'");
  return REFUSAL.test(head);
}
