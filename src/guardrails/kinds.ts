/**
 * The kinds of personal data and secrets the built-in detectors find: one list, read by the
 * guardrail registry (to validate options, without loading the detectors) and by the detectors.
 */
export const PII_ENTITIES = ['email', 'phone', 'card', 'iban', 'ssn', 'ip'] as const;
export const SECRET_KINDS = ['aws-key', 'private-key', 'jwt', 'bearer-token', 'high-entropy'] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];
export type SecretKind = (typeof SECRET_KINDS)[number];
