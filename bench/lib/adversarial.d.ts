// Types of adversarial.js for the TypeScript tests that share its inputs.
export declare const repeatTo: (unit: string, n: number) => string;
export declare const tags: (s: string) => string;
export declare function scanAll(re: RegExp, text: string, limit?: number): number;
export declare function piiAdversarial(n?: number): Record<string, string>;
export declare function secretsAdversarial(n?: number): Record<string, string>;
export declare function patternAdversarial(re: RegExp, n?: number): string[];
export declare function indirectInjectionAdversarial(n?: number): string[];
export declare function injectionCheckAdversarial(): string[];
export declare const proseDocument: () => string;
export declare function hostilePrompts(): Record<
  'aliasBomb' | 'deepYaml' | 'nestedSubExpressions' | 'nestedIfs',
  string
>;
