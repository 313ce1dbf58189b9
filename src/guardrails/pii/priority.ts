import type { PiiEntity } from '../kinds.js';
import { candidatePusher } from '../scan/candidates.js';

/** Which type wins an overlap: more specific or checksummed types first. */
const PII_PRIORITY: Readonly<Record<PiiEntity, number>> = {
  email: 0,
  iban: 1,
  card: 2,
  ssn: 3,
  ip: 4,
  phone: 5,
};

/** Adds a PII candidate span, ranked by its type's priority. */
export const push = candidatePusher(PII_PRIORITY);
