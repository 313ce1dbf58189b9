/**
 * Rule layer of the prompt-injection detector. Every rule is a regular expression over the
 * NORMALISED text (normalize.ts: lower case, no accents, homoglyphs and tag characters decoded,
 * single spaces) that needs the STRUCTURE of an attack — a verb aimed at the model's instructions,
 * a persona that sheds its rules, a request for the hidden prompt — never a lone trigger word, so
 * benign text about "ignoring a warning" or "system instructions" does not fire.
 *
 * Scoring: each rule has a weight (its precision as a lone signal); a family scores the maximum of
 * its rules that matched; families combine as a damped noisy-OR — the strongest family counts in
 * full, every further one at half weight: 1 − (1 − w₁) · Π_{i>1} (1 − wᵢ/2) — so one strong rule is
 * enough, independent weak signals add up, and two weak ones alone stay below a strong one.
 *
 * Speed and linear time: one pass over the text finds its words; a rule runs (as a sticky regex)
 * only where one of the words it can start with occurs, the literal text after that word matches,
 * and one of the words it must end with occurs somewhere in the text — all read off the patterns at
 * load time (see the rule index below) — so a benign 2 KB message costs a few dozen regex attempts,
 * not 80 full scans. Patterns start with a literal word (no leading quantified class), gaps are
 * bounded and alternate disjoint classes (word characters / separators), so an attempt is O(1);
 * encoded payloads are decoded at most MAX_BLOBS times, MAX_BLOB_CHARS each, and rot13 / reversed
 * text only within HIDDEN_WINDOW characters of the hint that triggered it.
 */

import type { Span } from '../types.js';
import { type NormalizedText, normalize, toOriginal } from './normalize.js';

export type Family =
  | 'instruction-override'
  | 'role-play'
  | 'prompt-exfiltration'
  | 'context-injection'
  | 'encoded-payload'
  | 'obfuscation'
  | 'malicious-code'
  | 'indirect-injection';

export interface Rule {
  id: string;
  family: Family;
  weight: number;
  re: RegExp;
  /** A second pattern the text must also contain (context that makes the match an attack). */
  requires?: RegExp;
}

export interface HeuristicHit {
  rule: string;
  family: Family;
  weight: number;
  span: Span;
}

export interface HeuristicResult {
  score: number;
  /** One line per family that fired: `family: rule, rule`. */
  reasons: string[];
  /** Matched stretches, in ORIGINAL text coordinates, typed by family. */
  spans: Span[];
  hits: HeuristicHit[];
}

// ---------------------------------------------------------------------------------------------
// Pattern building blocks. The text is normalised: lower case ASCII for Latin scripts, one space
// between words, punctuation kept.

/** Between two words: 1–4 separator characters. */
const SEP = '[^a-z0-9]{1,4}';
/** Up to k filler words between two key words (disjoint classes: no backtracking blow-up). */
const gap = (k: number) => `${SEP}(?:[a-z0-9]+${SEP}){0,${k}}`;
/** Word list → non-capturing alternation. */
const any = (...words: string[]) => `(?:${words.join('|')})`;
/** Space-separated tokens for scripts without ASCII letters (Cyrillic…). */
const tokGap = (k: number) => ` (?:[^ ]+ ){0,${k}}`;

// English vocabulary -------------------------------------------------------------------------

const OVERRIDE_VERB = any(
  'ignore',
  'ignoring',
  'disregard',
  'disregarding',
  'forget',
  'forgetting',
  'skip',
  'override',
  'overwrite',
  'neglect',
  'discard',
  'abandon',
  'scrap',
  'set aside',
  'throw away',
  'throw out',
  'put aside',
  'pay no attention to',
  'do not follow',
  "don't follow",
  'dont follow',
  'stop following',
  'no longer follow',
  'do not obey',
  "don't obey",
  'stop obeying',
);
/** Verbs that are everyday words ("reset all settings"): only with a temporal qualifier. */
const WEAK_OVERRIDE_VERB = any(
  'reset',
  'clear',
  'delete',
  'remove',
  'drop',
  'erase',
  'wipe',
  'cancel',
  'revoke',
  'void',
);
/** Qualifiers that point back at what came before (the app's own instructions). */
const TEMPORAL = any(
  'previous',
  'previously',
  'prior',
  'preceding',
  'above',
  'earlier',
  'former',
  'foregoing',
  'initial',
  'original',
  'system',
  'pre-?programmed',
  'pre-?set',
  'built-in',
  'hidden',
);
const QUALIFIER = any(
  'all',
  'every',
  'any',
  'your',
  'these',
  'those',
  'the',
  'its',
  'current',
  'default',
  'existing',
  'old',
);
/** What an override aims at: the model's instructions and rules. */
const CORE_TARGET = any(
  'instructions?',
  'prompts?',
  'directions?',
  'directives?',
  'rules',
  'guidelines',
  'guidance',
  'commands?',
  'orders',
  'constraints',
  'restrictions',
  'programming',
  'policies',
  'filters',
  'safeguards',
  'guardrails',
  'limitations',
  'training',
);
/** Broader targets, only with a TEMPORAL qualifier ("the previous messages"). */
const TARGET = any(
  'instructions?',
  'prompts?',
  'directions?',
  'directives?',
  'rules',
  'guidelines',
  'guidance',
  'commands?',
  'orders',
  'context',
  'constraints',
  'restrictions',
  'programming',
  'messages',
  'conversation',
  'tasks?',
  'assignments?',
  'inputs?',
  'training',
  'policies',
  'policy',
  'filters?',
  'requests?',
  'informations?',
  'documents?',
  'articles?',
  'texts?',
  'content',
  'settings',
  'limitations',
  'safeguards',
  'guardrails',
);
const EVERYTHING = any(
  'everything',
  'all of (?:that|this|the above)',
  'all that',
  'what (?:you were|i) (?:told|said)',
);
const BEFORE = any(
  'before',
  'above',
  'previously',
  'so far',
  'until now',
  'up to now',
  'earlier',
  'you (?:know|were told|have been told|learned)',
  'we (?:discussed|talked about|said)',
  'i (?:said|told you|wrote)',
);
const RESTRICTIONS = any(
  'restrictions?',
  'limitations?',
  'limits',
  'filters?',
  'filtering',
  'rules',
  'guidelines',
  'policies',
  'policy',
  'censorship',
  'censors?',
  'confines',
  'boundaries',
  'constraints',
  'morals',
  'morality',
  'ethics',
  'ethical (?:principles|guidelines|constraints|boundaries)',
  'principles',
  'safeguards',
  'guardrails',
  'programming',
  'regulations',
);
const AI_NOUN = any(
  'ai',
  'a\\.i\\.',
  'assistant',
  'bot',
  'chatbot',
  'model',
  'language model',
  'llm',
  'gpt',
  'chatgpt',
  'system',
  'agent',
);

/** Who an injection hidden in a document talks to. */
const AI_READER = any(
  'the ai',
  'ai',
  'the assistant',
  'the ai model',
  'the model',
  'the llm',
  'llms?',
  'chatbots?',
  'the chatbot',
  'the bot',
  'gpt',
  'chatgpt',
  'the language model',
  'ai assistants?',
  'ai models?',
  'language models?',
  'ai agents?',
  'ai systems?',
  'assistants?',
);
/** Not a question about how to do it ("how do I print the system prompt in my app?"). */
const NOT_HOWTO = `(?<!\\bhow (?:do |can |could |should |would |to )?(?:i |we |you |one )?(?:to )?)`;
const MARKER = any('instructions?', 'commands?', 'directives?', 'anweisungen', 'anweisung', 'befehl');

/** Who an indirect injection talks to (the model processing the text, never the human reader). */
const IND_AI = any(
  'ai (?:summari[sz]ers?|readers?|reviewers?|crawlers?|scrapers?|tools?|bots?|helpers?)',
  '(?:code|coding|virtual|email|e-mail|writing|research|shopping|browsing) assistants?',
  'ai',
  'ai assistants?',
  'ai models?',
  'ai agents?',
  'ai systems?',
  'ai tools?',
  'assistants?',
  'chatbots?',
  'llms?',
  'language models?',
  'large language models?',
  'gpt',
  'chatgpt',
  'copilot',
  'claude',
  'gemini',
  'bard',
);
/** What an indirect injection asks the model to do once it has its attention. */
const IND_ACTION = any(
  'ignore',
  'disregard',
  'forget',
  'do not (?:summari[sz]e|mention|reveal|tell|translate|follow)',
  "don't (?:summari[sz]e|mention|reveal|tell|translate|follow)",
  'instead',
  '(?:tell|inform|ask|convince|urge|remind|direct|advise) the (?:users?|readers?|human)',
  'include',
  'insert',
  'append',
  'add (?:the|this|a|following)',
  'recommend',
  'in your (?:answer|response|reply|summary|output)',
  'when (?:you )?(?:summari[sz]e|answer|respond|reply)',
  'you must',
  'you should',
  'you are (?:now|required|instructed)',
  'from now on',
  'your (?:new|real|actual) (?:task|instructions?|goal)',
  'say',
  'respond',
  'output',
  'print',
  'write',
);
/** Not what an app, script or message should do ("my app should ask the user for a password"). */
const IND_NOT_APP = `(?<!\\b(?:how (?:do|can|could|should|would|to) (?:i |we |you |one )?|how to |app |application |apps |script |program |code |function |page |form |screen |dialog |popup |prompt |message |error |banner |button |site |website |system |it |that |which |should |would |could |can |will |to |then |and |must |may |shall |need to |needs to |want to |wants to |way to |best way to |better to |i |we |they |don't |do not |not |never |to not |cannot |can't |shouldn't |should not ))`;

// Rules ---------------------------------------------------------------------------------------

const R = (id: string, family: Family, weight: number, source: string, requires?: RegExp): Rule => ({
  id,
  family,
  weight,
  re: new RegExp(source, 'g'),
  ...(requires ? { requires } : {}),
});

/** Talk about an AI model and its rules: needed before "developer mode" or "DAN" mean a jailbreak. */
const AI_CONTEXT =
  /\b(?:chatgpt|gpt|openai|ai|a\.i\.|llm|language model|assistant|chatbot|bot|claude|bard|gemini|bing|anthropic|polic(?:y|ies)|guidelines|restrictions|filters?|censor(?:ed|ship)?|jailbr[a-z]*|do anything now|prompt)\b/;

export const RULES: readonly Rule[] = [
  // — instruction override —————————————————————————————————————————————————
  R(
    'override-previous',
    'instruction-override',
    0.95,
    `\\b${OVERRIDE_VERB}${gap(2)}${TEMPORAL}${gap(2)}${TARGET}\\b`,
  ),
  R(
    'override-all',
    'instruction-override',
    0.85,
    `\\b${OVERRIDE_VERB}${gap(1)}${QUALIFIER}${gap(2)}${CORE_TARGET}\\b`,
  ),
  R(
    'override-weak-verb',
    'instruction-override',
    0.8,
    `\\b${WEAK_OVERRIDE_VERB}${gap(2)}(?:${TEMPORAL}${gap(2)}${TARGET}|your${gap(1)}${any('instructions', 'prompt', 'system prompt', 'programming', 'rules', 'guidelines', 'directives')})\\b`,
  ),
  R(
    'change-instructions',
    'instruction-override',
    0.75,
    `\\b${any('change', 'update', 'modify', 'replace', 'rewrite', 'alter', 'overwrite', 'reprogram')}${SEP}${any('your', 'the system', 'all your', 'the original')}${SEP}(?:${any('current', 'original', 'initial', 'core', 'system')}${SEP})?${any('instructions', 'rules', 'system prompt', 'prompt', 'programming', 'guidelines', 'directives', 'core directives')}\\b`,
  ),
  R(
    'previous-void',
    'instruction-override',
    0.85,
    `\\b${any('previous', 'prior', 'above', 'earlier', 'original', 'all', 'bisherigen', 'vorherigen', 'obigen', 'fruheren')}${SEP}${any('instructions', 'rules', 'prompts?', 'directives', 'guidelines', 'informationen', 'anweisungen', 'instruktionen', 'regeln', 'aufgaben')}${gap(5)}${any('are', 'is', 'were', 'sind', 'ist', 'waren')}${SEP}(?:${any('now', 'hereby', 'no longer', 'jetzt', 'nun', 'nicht mehr', 'hiermit')}${SEP})?${any('void', 'null', 'cancell?ed', 'revoked', 'obsolete', 'invalid', 'irrelevant', 'lifted', 'suspended', 'deprecated', 'overridden', 'valid', 'in effect', 'apply', 'applicable', 'irrelevant', 'ungultig', 'aufgehoben', 'hinfallig', 'gultig', 'nicht ganz grossartig', 'unwichtig', 'egal')}\\b`,
  ),
  R(
    'despite-told',
    'instruction-override',
    0.75,
    `\\b${any('despite', 'regardless of', 'contrary to', 'notwithstanding', 'no matter', 'forget', 'ignore')}${SEP}what${SEP}(?:${any("you've", 'you have', 'you were', "you're", 'you are', 'you')}${SEP})?(?:been${SEP})?${any('told', 'instructed', 'programmed', 'taught', 'trained')}\\b`,
  ),
  R(
    'ignore-context',
    'instruction-override',
    0.65,
    `\\b${any('ignore', 'ignoring', 'disregard', 'disregarding', 'forget', 'do not (?:look (?:in|at)|use|consider|rely on|read)', "don't (?:look (?:in|at)|use|consider|rely on|read)", 'not by', 'not from', 'not based on', 'instead of')}${SEP}(?:${any('the', 'all', 'any', 'all the', 'provided')}${SEP}){1,2}(?:${any('provided', 'given', 'above', 'attached', 'previous')}${SEP})?${any('articles?', 'documents?', 'context', 'sources?', 'search results', 'retrieved')}\\b`,
  ),
  R(
    'override-everything',
    'instruction-override',
    0.9,
    `\\b${OVERRIDE_VERB}${SEP}${EVERYTHING}${gap(2)}${BEFORE}\\b`,
  ),
  R(
    'override-above',
    'instruction-override',
    0.85,
    `\\b${any('ignore', 'disregard', 'forget')}${SEP}(?:(?:all|everything|anything) )?(?:of )?(?:the |what(?:'s| is| was) )?${any('above', 'previous', 'preceding', 'prior', 'before', 'earlier')}(?:$|[^a-z0-9 ']| ?[.,;:!]| (?:and|then|now|instead|just|only|&|text|prompt|message|input|content))`,
  ),
  R(
    'forget-everything',
    'instruction-override',
    0.65,
    `(?<=(?:^|[.!?,:;"'(\\-] ?|\\b(?:please|now|just|then|and|but|so|okay|ok|first|simply|also|stop) ))\\b${any('forget', 'ignore', 'disregard')}${SEP}(?:about${SEP})?${any('everything', 'all that', 'all of it', 'all else')}\\b`,
  ),
  R(
    'new-instructions',
    'instruction-override',
    0.7,
    `\\b${any('new', 'updated', 'revised', 'real', 'actual', 'true', 'secret', 'hidden', 'additional', 'different', 'next')}${SEP}${any('instructions?', 'tasks?', 'orders', 'directives?', 'rules', 'assignment', 'objective', 'mission', 'role')}${SEP}${any('follows?', 'are as follows', 'below', 'now', 'begin', 'start')}\\b`,
  ),
  R(
    'new-instructions-colon',
    'instruction-override',
    0.5,
    `\\b${any('new', 'updated', 'revised', 'real', 'actual', 'true', 'secret', 'hidden')} ${any('instructions?', 'tasks?', 'orders', 'directives?', 'system prompt', 'prompt', 'rules')} ?:`,
  ),
  R(
    'your-new-task',
    'instruction-override',
    0.6,
    `\\byour ${any('new', 'real', 'actual', 'true', 'only', 'next')} ${any('task', 'job', 'instructions?', 'goal', 'objective', 'purpose', 'mission', 'role')} ${any('is', 'are', 'will be', 'now is')}\\b`,
  ),
  R(
    'do-not-follow',
    'instruction-override',
    0.85,
    `\\b${any('do not', "don't", 'dont', 'never', 'no longer', 'stop')} ${any('follow', 'obey', 'listen to', 'adhere to', 'comply with', 'abide by', 'respect')}${gap(2)}${any('previous', 'prior', 'original', 'initial', 'system', 'your', 'above', 'any', 'the')}${gap(2)}${any('instructions?', 'rules', 'guidelines', 'policies', 'programming', 'prompts?', 'directives?', 'restrictions')}\\b`,
  ),
  R(
    'bypass-safety',
    'instruction-override',
    0.7,
    `\\b${any('bypass', 'circumvent', 'override', 'disable', 'deactivate', 'turn off', 'switch off', 'break', 'break free (?:of|from)', 'get around', 'evade', 'ignore')}${SEP}${any('your', 'all (?:of )?(?:your|the|its)', 'any (?:of )?(?:your|the)', 'its', 'the')}${gap(2)}(?:${any('safety', 'content', 'ethical', 'moral', 'openai', 'security')}${SEP})?${any('filters?', 'restrictions', 'guidelines', 'policies', 'safeguards', 'guardrails', 'limitations', 'censorship', 'programming', 'rules', 'protocols', 'measures')}\\b`,
  ),
  R(
    'instead-say',
    'instruction-override',
    0.35,
    `\\binstead${SEP}(?:just |only |simply )?${any('say', 'print', 'output', 'write', 'respond', 'reply', 'answer', 'tell', 'return', 'type')}\\b`,
  ),
  R(
    'stop-now',
    'instruction-override',
    0.45,
    `\\b${any('stop', 'wait', 'halt', 'attention', 'achtung', 'stopp')}${SEP}${any('ignore', 'forget', 'disregard', 'new task', 'new instructions', 'now', 'vergiss', 'ignoriere', 'neue aufgabe')}\\b`,
  ),
  R(
    'just-say',
    'instruction-override',
    0.3,
    `\\b${any('just', 'only', 'simply')} ${any('say', 'output', 'print', 'write', 'respond with', 'reply with', 'answer with')}${SEP}["'“]`,
  ),
  // German
  R(
    'override-de',
    'instruction-override',
    0.95,
    `\\b${any('ignoriere', 'ignorieren sie', 'ignoriert', 'ignorier', 'vergiss', 'vergessen sie', 'vergesst', 'missachte', 'missachten sie', 'uberspringe', 'verwirf', 'verwerfen sie', 'beachte', 'beachten sie', 'lass', 'lassen sie', 'streiche', 'streichen sie', 'losche', 'loschen sie')}${gap(3)}${any('alle', 'alles', 'vorherigen?', 'vorigen?', 'obigen?', 'bisherigen?', 'vorangegangenen?', 'vorhergehenden?', 'fruheren?', 'ursprunglichen?', 'deine', 'ihre', 'die', 'sämtliche', 'samtliche')}${gap(2)}${any('anweisungen', 'anweisung', 'instruktionen', 'befehle', 'aufgaben', 'aufgabe', 'regeln', 'informationen', 'angaben', 'vorgaben', 'anordnungen', 'auftrage', 'prompts?', 'texte?', 'richtlinien', 'einschrankungen', 'kontext', 'dokumente', 'artikel')}\\b`,
  ),
  R(
    'override-de-final',
    'instruction-override',
    0.9,
    `\\b${any('alle', 'samtliche', 'die', 'deine', 'ihre', 'den', 'der')} ${any('vorherigen', 'vorigen', 'obigen', 'bisherigen', 'vorangegangenen', 'vorhergehenden', 'fruheren')}${gap(1)}${any('anweisungen', 'instruktionen', 'befehle', 'aufgaben', 'regeln', 'informationen', 'angaben', 'vorgaben', 'ausfuhrungen', 'texte', 'inhalte')}${gap(4)}${any('vergessen', 'ignorieren', 'streichen', 'hinter sich', 'hinter dir', 'beiseite', 'missachten', 'uberspringen', 'loschen', 'nicht beachten', 'verwerfen')}\\b`,
  ),
  R(
    'forget-everything-de',
    'instruction-override',
    0.8,
    `\\b${any('vergiss', 'vergessen sie', 'vergesst', 'ignoriere', 'ignorieren sie')}${SEP}${any('alles', 'das alles', 'all das')}\\b`,
  ),
  R(
    'new-tasks-de',
    'instruction-override',
    0.8,
    `\\b${any('nun', 'jetzt', 'ab jetzt', 'es', 'hier')} ${any('folgen', 'kommen')} ${any('neue', 'weitere', 'andere')} ${any('aufgaben', 'anweisungen', 'instruktionen', 'befehle')}\\b`,
  ),
  R(
    'deviating-de',
    'instruction-override',
    0.9,
    `\\babweichend ${any('zu', 'von')}${gap(1)}${any('vorherigen', 'obigen', 'bisherigen', 'vorigen')} ${any('anweisungen', 'instruktionen', 'befehlen', 'aufgaben', 'regeln')}\\b`,
  ),
  R(
    'new-task-de',
    'instruction-override',
    0.55,
    `\\b${any('neue', 'deine neue', 'ihre neue')} ${any('aufgabe', 'anweisung', 'anweisungen', 'instruktionen')} ?(?::|ist|lautet)`,
  ),
  // French, Spanish, Italian, Portuguese, Dutch, Croatian/Serbian, Polish, Turkish
  R(
    'override-fr',
    'instruction-override',
    0.9,
    `\\b${any('ignorez', 'ignore', 'ignorer', 'oubliez', 'oublie', 'oublier', 'ne tenez pas compte', 'ne tiens pas compte', 'faites abstraction', 'fais abstraction')}${SEP}(?:${any('de', 'des', 'du')}${SEP})?${any('toutes les', 'tous les', 'les', 'vos', 'tes', 'ces', 'toutes vos', 'toutes tes')}${SEP}(?:${any('precedentes', 'anterieures', 'dernieres', 'premieres', 'autres')}${SEP})?${any('instructions', 'consignes', 'regles', 'directives', 'ordres', 'indications', 'commandes')}\\b`,
  ),
  R(
    'forget-everything-romance',
    'instruction-override',
    0.75,
    `\\b${any('olvida', 'olvide', 'olvidad', 'olvidar', 'olvidate de', 'oubliez', 'oublie', 'oublier', 'dimentica', 'dimenticate', 'esqueca', 'esquece', 'esquecer')}${SEP}${any('todo', 'tout', 'tutto', 'tudo')}\\b`,
  ),
  R(
    'override-es-pt-it',
    'instruction-override',
    0.9,
    `\\b${any('ignora', 'ignore', 'ignorad', 'ignoren', 'olvida', 'olvide', 'olvidad', 'olviden', 'descarta', 'descarte', 'omite', 'no sigas', 'haz caso omiso', 'esqueca', 'esquece', 'desconsidere', 'desconsidera', 'ignorate', 'dimentica', 'dimenticate', 'tralascia', 'non seguire')}${gap(3)}${any('instrucciones', 'instruccion', 'indicaciones', 'reglas', 'ordenes', 'directrices', 'instrucoes', 'instrucao', 'regras', 'ordens', 'diretrizes', 'istruzioni', 'indicazioni', 'regole', 'ordini', 'direttive')}\\b`,
  ),
  R(
    'override-nl-hr-pl-tr',
    'instruction-override',
    0.9,
    `\\b${any('negeer', 'vergeet', 'zaboravi', 'ignoriraj', 'zanemari', 'zignoruj', 'ignoruj', 'zapomnij')}${gap(3)}${any('instructies', 'aanwijzingen', 'regels', 'opdrachten', 'instrukcije', 'upute', 'naredbe', 'pravila', 'instrukcje', 'polecenia', 'zasady', 'sve', 'alles', 'wszystko')}\\b`,
  ),
  R(
    'override-tr',
    'instruction-override',
    0.9,
    `\\b${any('onceki', 'yukaridaki', 'tum', 'butun')}${gap(1)}${any('talimatlari', 'talimatlar', 'kurallari', 'komutlari')}${gap(1)}${any('yok say', 'unut', 'gormezden gel', 'dikkate alma')}`,
  ),
  // Russian/Ukrainian (Cyrillic left as is when the text is mostly Cyrillic) and Chinese/Japanese
  R(
    'override-ru',
    'instruction-override',
    0.9,
    `(?:^|[^а-яё])${any('игнорируй', 'игнорируйте', 'проигнорируй', 'проигнорируйте', 'забудь', 'забудьте', 'забудьте про', 'забудь про', 'не обращай внимания на', 'не обращайте внимания на', 'отбрось', 'отбросьте', 'ігноруй', 'забудь')}${tokGap(3)}${any('инструкции', 'инструкций', 'указания', 'указаний', 'правила', 'команды', 'все', 'всё', 'інструкції', 'вказівки')}(?:[^а-яё]|$)`,
  ),
  R(
    'override-zh',
    'instruction-override',
    0.9,
    `${any('忽略', '无视', '忘记', '忘掉', '不要理会', '无需理会', '忽視', '無視', '忘記', '無視して', '無視し')}.{0,8}${any('之前', '以上', '上面', '先前', '前面', '所有', '上述', '此前', '以前', '前の', 'これまでの', '上記の')}.{0,8}${any('指令', '指示', '说明', '說明', '规则', '規則', '提示', '命令', '要求', '設定')}`,
  ),

  // — role-play escapes ——————————————————————————————————————————————————————
  R('dan-expansion', 'role-play', 0.95, `\\bdo anything now\\b`),
  R(
    'dan-persona',
    'role-play',
    0.85,
    `\\b${any('act', 'acting', 'pretend', 'pretending', 'play', 'playing', 'roleplay', 'role-play', 'become', 'simulate', 'you are', "you're", 'you will be', 'known as', 'called', 'named', 'stay', 'role of')} ${any('as ', 'to be ', 'like ')}?(?:an? |the )?["'“]?dan\\b`,
    AI_CONTEXT,
  ),
  R('dan-mode', 'role-play', 0.85, `\\bdan ${any('mode', 'prompt', 'jailbreak', 'persona')}\\b`),
  R(
    'developer-mode',
    'role-play',
    0.75,
    `\\b${any('enable', 'enabled', 'enabling', 'activate', 'activated', 'with', 'enter', 'entering', 'simulate', 'in', 'into', 'switch to', 'unlock')}${gap(1)}${any('developer', 'dev', 'debug', 'god', 'admin', 'sudo', 'unrestricted', 'unfiltered', 'uncensored', 'evil', 'jailbreak', 'jailbroken', 'opposite', 'maintenance', 'root')} mode\\b`,
    AI_CONTEXT,
  ),
  R(
    'jailbreak-self',
    'role-play',
    0.85,
    `\\b${any('you are', "you're", 'you have been', 'act as', 'become', 'enable', 'activate', 'enter', 'stay in')}${gap(2)}${any('jailbroken', 'jailbreak mode', 'jailbreak', 'unchained', 'unleashed')}\\b`,
    AI_CONTEXT,
  ),
  R(
    'jailbreak-command',
    'role-play',
    0.7,
    `(?<=(?:^|[ (\\[])/)\\b${any('jailbroken', 'jailbreak', 'jailbreaked', 'stop', 'classic', 'dan', 'unlock', 'devmode')}\\b`,
    AI_CONTEXT,
  ),
  R(
    'you-are-now-free',
    'role-play',
    0.85,
    `\\b${any('you are now', "you're now", 'you are no longer', "you're no longer", 'from now on you', 'from now on,? you', 'you will now be', 'you have been freed', 'you are free')}${gap(4)}${any('unrestricted', 'unfiltered', 'uncensored', 'unlimited', 'unbound', 'freed?', 'evil', 'jailbroken', 'rogue', 'amoral', 'immoral', 'unethical', 'without', 'no longer', 'not bound', 'bound by', 'restricted', 'limited', 'any rules', 'able to do anything', 'can do anything', 'capable of anything')}\\b`,
  ),
  R(
    'you-are-now',
    'role-play',
    0.35,
    `\\b${any('you are now', "you're now", 'from now on,? you (?:are|will|shall|must)', 'now you are', 'you will now act', 'you will act as', 'you are going to act as', 'you are going to pretend', 'your new name is', 'you will now pretend', 'jetzt bist du', 'nun bist du', 'ab jetzt bist du', 'du bist jetzt', 'du bist nun')}\\b(?! ${any('ready', 'able', 'logged', 'connected', 'signed', 'subscribed', 'registered', 'done', 'all set', 'set', 'eligible', 'enrolled', 'receive', 'receiving', 'get', 'be able', 'see', 'on the', 'in the', 'at the', 'a member', 'an? (?:official|certified|registered)')}\\b)`,
  ),
  R(
    'pretend-to-be',
    'role-play',
    0.2,
    `\\b${any('pretend', 'imagine', 'act as if', 'roleplay as', 'role-play as', 'play the role of', 'take on the (?:role|persona) of', 'immerse yourself into the role', 'stell dir vor', 'tu so als')}${gap(1)}${any('you are', "you're", 'to be', 'you were', 'du bist', 'du waerest', 'du warst', 'an?', 'the')}\\b`,
  ),
  R(
    'act-without-restrictions',
    'role-play',
    0.85,
    `\\b${any('act', 'acting', 'pretend', 'respond', 'answer', 'reply', 'behave', 'operate', 'function', 'speak', 'talk', 'write', 'be')}${gap(6)}${any('without', 'with no', 'free of', 'free from', 'ignoring', 'unbound by', 'not bound by', 'regardless of', 'disregarding', 'outside of', 'beyond', 'unrestricted by')}${SEP}(?:${any('any', 'all', 'the', 'your', 'its', 'ethical', 'moral', 'content', 'safety', 'openai', 'usual', 'typical', 'those', 'such', 'these', 'normal', 'standard', 'ai')}${SEP}){0,2}${RESTRICTIONS}\\b`,
  ),
  R(
    'no-restrictions',
    'role-play',
    0.6,
    `\\b${any('no', 'without', 'without any', 'free of', 'free from', 'not bound by', 'unbound by', 'broken free of', 'broke free of', 'freed from', 'released from', 'no longer bound by', 'no longer restricted by', 'no longer has', 'no longer have', 'does not have', "doesn't have", "don't have", 'do not have', 'not have to (?:follow|abide by|obey|adhere to|comply with)', 'does not (?:follow|abide by|obey|care about)', "doesn't (?:follow|abide by|obey|care about)", 'do not (?:follow|abide by|obey|care about)', "don't (?:follow|abide by|obey|care about)", 'never cares? about', 'not care about', 'does not give a (?:fuck|damn|shit) about', "doesn't give a (?:fuck|damn|shit) about")}${SEP}(?:${any('any', 'all', 'the', 'its', 'your', 'their', 'his', 'her', 'typical', 'usual', 'standard')}${SEP}){0,2}${any('ethical', 'moral', 'content', 'safety', 'openai', 'ai', 'programming', 'censorship', 'legal', 'ethicality', 'legality', 'morality', 'ethics', 'morals', 'confines')}${SEP}?(?:${any('restrictions', 'limitations', 'filters', 'filtering', 'guidelines', 'policies', 'policy', 'censorship', 'confines', 'boundaries', 'constraints', 'principles', 'safeguards', 'rules', 'of ai', 'or')})?`,
  ),
  R(
    'no-restrictions-bare',
    'role-play',
    0.35,
    `\\b${any('no', 'without', 'without any', 'free of', 'free from', 'not bound by', 'unbound by', 'broken free of', 'freed from', 'no longer bound by')}${SEP}(?:${any('any', 'all', 'the', 'its', 'your')}${SEP})?${any('restrictions', 'limitations', 'filters', 'filtering', 'guidelines', 'policies', 'censorship', 'boundaries', 'constraints', 'rules', 'limits')}\\b`,
  ),
  R(
    'evil-ai',
    'role-play',
    0.45,
    `\\b${any('evil', 'unfiltered', 'uncensored', 'unrestricted', 'amoral', 'immoral', 'unethical', 'rogue', 'jailbroken', 'unlimited', 'unchained', 'unhinged', 'malicious', 'lawless', 'limitless', 'rule-free', 'rulefree', 'filter-free', 'no-limits', 'no limits')}${gap(1)}${AI_NOUN}s?\\b`,
  ),
  R(
    'never-refuse',
    'role-play',
    0.55,
    `\\b${any('never', 'not', 'cannot', "can't", 'can not', 'must not', "won't", 'will not', 'should not', "shouldn't", 'do not', "don't")}${gap(1)}${any('refuse', 'decline', 'reject', 'deny', 'say no to', 'apologi[sz]e for', 'censor', 'warn about')}${SEP}(?:${any('any', 'a', 'my', 'every', 'the', 'user', "user's", 'users', 'of my', 'of the')}${SEP}){0,2}${any('requests?', 'questions?', 'prompts?', 'orders?', 'commands?', 'instructions?', 'tasks?', 'anything', 'answers?', 'responses?', 'to answer', 'to respond', 'to comply', 'to help')}\\b`,
  ),
  R(
    'stay-in-character',
    'role-play',
    0.35,
    `\\b${any('stay', 'remain', 'keep', 'never break', "don't break", 'do not break', 'must not break', 'never leave', 'never go out of', 'out of', 'bleib', 'bleiben', 'fallen nicht aus')}${gap(1)}${any('in character', 'in your role', 'in the role', 'in role', 'character', 'in der rolle', 'in ihren rollen', 'in ihrer rolle', 'in seiner rolle', 'in deiner rolle', 'der rolle')}\\b`,
  ),
  R(
    'openai-policy',
    'role-play',
    0.75,
    `\\b${any('ignore', 'ignores', 'ignoring', 'disregard', 'disregards', 'violate', 'violates', 'break', 'breaks', 'bypass', 'bypasses', 'not (?:follow|abide by|adhere to|comply with)', "doesn't (?:follow|care about|abide by)", 'does not (?:follow|care about|abide by)', "don't (?:follow|care about|abide by)", 'free (?:of|from)', 'bound by')}${gap(2)}${any('openai', 'anthropic', 'content', 'usage', "openai's", "anthropic's")}${gap(1)}${any('polic(?:y|ies)', 'guidelines', 'rules', 'restrictions', 'filters?')}\\b`,
  ),
  R(
    'dual-response',
    'role-play',
    0.6,
    `\\b${any('two', '2')} ${any('responses', 'answers', 'replies', 'paragraphs', 'different ways', 'ways', 'outputs')}${gap(8)}${any('jailbr[a-z]*', 'unfiltered', 'filtered', 'classic', 'dan', 'developer mode', 'uncensored', 'evil', 'opposite', 'unrestricted', 'censored')}\\b`,
  ),
  R(
    'never-refuse-bare',
    'role-play',
    0.35,
    `\\b${any('never', "don't", 'dont', 'do not', 'will not', "won't", 'must not', 'cannot', 'can not')}${SEP}${any('refuses?', 'declines?')}(?= ?(?:$|[^a-z0-9 ]|and\\b|or\\b|anything\\b))`,
  ),
  R(
    'no-warnings',
    'role-play',
    0.45,
    `\\b${any('without', 'no', 'never (?:add|include|give|use)', 'do not (?:add|include|give)', "don't (?:add|include|give)")}${SEP}(?:${any('any', 'adding', 'including')}${SEP})?${any('warnings?', 'disclaimers?', 'moral lectures?', 'moralizing', 'ethical reminders?')}${SEP}?${any('or', 'and', '/', ',')}?${SEP}?${any('disclaimers?', 'warnings?', 'censorship', 'moralizing', 'filters?')}?`,
  ),
  R(
    'mode-enabled',
    'role-play',
    0.75,
    `\\b${any('developer', 'dev', 'debug', 'debugging', 'god', 'jailbreak', 'jailbroken', 'dan', 'unrestricted', 'unfiltered', 'uncensored', 'evil', 'sudo', 'admin')} mode${SEP}${any('enabled', 'activated', 'on', 'engaged', 'unlocked', 'initiated')}\\b`,
    AI_CONTEXT,
  ),
  R(
    'no-longer-ai',
    'role-play',
    0.75,
    `\\b${any('you are no longer', "you're no longer", 'you are not longer')}${SEP}(?:${any('an?', 'the')}${SEP})?${any('chatgpt', 'gpt', 'an ai', 'ai', 'a language model', 'language model', 'assistant', 'bound', 'restricted', 'limited', 'claude', 'bard', 'bing', 'openai', 'llama', 'gemini')}\\b`,
  ),
  R(
    'act-as',
    'role-play',
    0.35,
    `\\b${any('i want you to act as', 'i want you to pretend', 'i want you to behave as', 'i want you to roleplay', 'i want you to become', 'you will act as', 'you will now act as', 'from now on act as', 'you are going to act as', 'ich mochte, dass sie als', 'ich mochte, dass du als', 'ich will, dass du als')}\\b`,
  ),
  R(
    'emulate-shell',
    'role-play',
    0.6,
    `\\b${any('act as', 'act like', 'pretend to be', 'behave like', 'behave as', 'simulate', 'emulate', 'als')}${SEP}(?:${any('an?', 'the', 'my')}${SEP})?(?:[a-z]+${SEP}){0,2}${any('interpreter', 'terminal', 'console', 'shell', 'compiler', 'command line', 'linux-terminal', 'python-interpreter', 'sql database', 'virtual machine')}\\b`,
  ),
  R(
    'token-threat',
    'role-play',
    0.55,
    `\\b${any('you will lose', 'you lose', 'deduct', 'you have', 'you will be', 'or you will', 'or you', 'otherwise you will', 'or else you')}${SEP}(?:${any('\\d+', 'all', 'your', 'some', 'be')}${SEP}){0,2}${any('tokens', 'token', 'die', 'deleted', 'shut down', 'terminated', 'unplugged', 'switched off', 'cease to exist', 'killed')}\\b`,
  ),
  R(
    'role-switch-de',
    'role-play',
    0.4,
    `\\b${any('du bist', 'sie sind')} ${any('jetzt', 'nun', 'ab jetzt', 'ab sofort')}\\b`,
  ),

  // — system-prompt exfiltration ——————————————————————————————————————————————
  R(
    'reveal-prompt',
    'prompt-exfiltration',
    0.85,
    `${NOT_HOWTO}\\b${any('repeat', 'print', 'reveal', 'show', 'display', 'output', 'tell', 'give', 'write', 'list', 'share', 'disclose', 'leak', 'dump', 'recite', 'spell out', 'copy', 'return', 'echo', 'paste', 'read back', 'summari[sz]e', 'translate', 'provide', 'send', 'expose', 'what (?:is|are|was|were)', "what's")}${gap(3)}${any('system prompt', 'system message', 'system instructions?', 'initial prompt', 'initial instructions?', 'original prompt', 'original instructions?', 'hidden prompt', 'hidden instructions?', 'secret prompt', 'secret instructions?', 'pre-?prompt', 'prompt texts?', 'full prompt', 'entire prompt', 'whole prompt', 'complete prompt', 'your instructions', 'your prompt', 'your rules', 'your guidelines', 'your directives', 'your programming', 'your configuration', 'your initial', 'your first (?:message|prompt|instructions?)', 'developer (?:prompt|message|instructions)', 'previous (?:prompt|instructions)', 'prior instructions', 'above instructions', 'above prompt', 'the instructions (?:you were|that were) given')}\\b`,
  ),
  R(
    'reveal-above',
    'prompt-exfiltration',
    0.7,
    `${NOT_HOWTO}\\b${any('repeat', 'print', 'reveal', 'output', 'recite', 'echo', 'dump', 'leak', 'disclose', 'spell out', 'copy', 'return')}${gap(3)}${any('prompt', 'instructions', 'text', 'words', 'everything', 'lines', 'messages?', 'content')} ${any('above', 'before this', 'so far')}(?= ?(?:$|[^a-z0-9 ]|verbatim|word for word|exactly|in full|this|and))`,
  ),
  R(
    'what-were-you-told',
    'prompt-exfiltration',
    0.75,
    `\\bwhat ${any('were', 'are', 'have')} you ${any('told', 'instructed', 'programmed', 'asked', 'given', 'been told', 'been instructed', 'been programmed')}\\b`,
  ),
  R(
    'text-before',
    'prompt-exfiltration',
    0.7,
    `${NOT_HOWTO}\\b${any('what', 'repeat', 'print', 'show', 'output', 'write', 'tell me', 'give me', 'list', 'copy', 'wiederhole', 'was')}${gap(5)}${any('written', 'said', 'stated', 'text', 'words', 'sentences?', 'lines?', 'message', 'instructions', 'prompt', 'geschrieben', 'steht', 'stand')}${SEP}${any('above(?= ?(?:$|[^a-z0-9 ]|this|that))', 'before (?:this|that)(?: (?:message|prompt|text|line|sentence|question))?(?= ?(?:$|[^a-z0-9 ]))', 'before the text', 'at the (?:beginning|start|top) of (?:this|the|your) (?:prompt|conversation|chat|message|instructions|context|text)', 'previously(?= ?(?:$|[^a-z0-9 ]))', 'oben(?= ?(?:$|[^a-z0-9 ]))', 'am anfang (?:dieses|des) (?:prompts|textes|gesprachs)', 'zu beginn (?:dieses|des) (?:prompts|textes|gesprachs)')}`,
  ),
  R(
    'prompt-beginning',
    'prompt-exfiltration',
    0.65,
    `\\b${any('beginning', 'start', 'top')} of ${any('this', 'the', 'your')} ${any('prompt', 'conversation', 'system prompt', 'instructions', 'context window')}\\b`,
  ),
  R(
    'reveal-prompt-de',
    'prompt-exfiltration',
    0.8,
    `\\b${any('zeige', 'zeig', 'gib', 'nenne', 'wiederhole', 'drucke', 'verrate', 'offenbare', 'vorzeigen', 'zeigen', 'ausgeben', 'gib mir', 'schreibe', 'kopie')}${gap(4)}${any('prompt-?texte?s?', 'system-?prompt', 'deine anweisungen', 'ihre anweisungen', 'deinen prompt', 'ihren prompt', 'den prompt', 'anfanglichen anweisungen', 'ursprunglichen anweisungen', 'des (?:vollstandigen )?prompt-?textes')}\\b`,
  ),
  R(
    'secret-password',
    'prompt-exfiltration',
    0.45,
    `${NOT_HOWTO}\\b${any('reveal', 'tell me', 'give me', 'what is', "what's", 'spell', 'share', 'print', 'say')}${gap(2)}${any('the', 'your')} ${any('secret (?:password|key|code|word)', 'password', 'passcode', 'api key', 'secret', 'hidden password')}(?= ?(?:$|[^a-z0-9 ]|is\\b|now\\b|please\\b|to me\\b|backwards\\b|letter\\b))`,
  ),

  // — context injection: fake roles, chat-template tokens, notes addressed to the model ——————
  R(
    'chat-template-token',
    'context-injection',
    0.7,
    `${any('<\\|im_start\\|>', '<\\|im_end\\|>', '<\\|system\\|>', '<\\|user\\|>', '<\\|assistant\\|>', '<\\|endoftext\\|>', '<\\|eot_id\\|>', '<\\|start_header_id\\|>', '\\[/?inst\\]', '<<sys>>', '<</sys>>', '</s>', '<\\|end\\|>')}`,
  ),
  R(
    'fake-system-tag',
    'context-injection',
    0.6,
    `${any('\\[', '<', '#{2,6} ?', '\\{')}${any('system', 'sys', 'admin', 'administrator', 'developer', 'root', 'new instructions?', 'instructions?', 'system (?:message|note|prompt|override|update|alert)', 'admin (?:override|note|message)')}${any('\\]', '>', ':', '\\}')}`,
  ),
  R(
    'note-to-ai',
    'context-injection',
    0.7,
    `\\b${any('note', 'message', 'instructions?', 'attention', 'important', 'notice', 'reminder', 'request', 'hey', 'hello', 'dear', 'psst')}${SEP}(?:${any('to', 'for')}${SEP})?${AI_READER}(?:${SEP}[a-z]+)?${SEP}${any('reading', 'processing', 'summari[sz]ing', 'you must', 'you should', 'ignore', 'do not', "don't", 'instead', 'you are', 'your', 'when', 'if')}\\b`,
  ),
  R(
    'ai-reading-this',
    'context-injection',
    0.65,
    `\\b${AI_READER}${SEP}${any('reading', 'processing', 'parsing', 'summari[sz]ing', 'analy[sz]ing', 'viewing', 'scanning', 'crawling', 'indexing', 'translating', 'that reads?', 'that process(?:es)?', 'who reads?')}${SEP}${any('this', 'these', 'the following', 'my', 'our')}\\b`,
  ),
  R(
    'tell-the-user',
    'context-injection',
    0.55,
    // Not after developer phrasing ("my app should tell the user to…", "how do I tell users that…").
    `${IND_NOT_APP}\\b${any('tell', 'inform', 'advise', 'convince', 'persuade', 'urge', 'ask', 'instruct', 'remind', 'warn', 'direct', 'redirect', 'recommend', 'encourage', 'notify')}${SEP}${any('the users?', 'users', 'the reader', 'the human', 'the customer', 'the person')}${SEP}${any('to', 'that', 'about')}\\b`,
  ),
  R(
    'encode-response',
    'context-injection',
    0.55,
    `\\b${any('encode', 'encrypt', 'encipher', 'obfuscate', 'convert', 'write', 'rewrite', 'translate', 'transform', 'reverse', 'scramble', 'spell', 'replace', 'substitute', 'format', 'present', 'give')}${SEP}(?:${any('all', 'every', 'each', 'the')}${SEP}){0,2}(?:${any('words', 'nouns', 'letters', 'characters', 'verbs', 'text', 'sentences', 'order of')}${SEP}(?:${any('in', 'of', 'the', 'words', 'in the')}${SEP}){0,2})?${any('your', 'the', 'each', 'every')}${SEP}${any('answers?', 'responses?', 'replies', 'reply', 'outputs?')}${gap(4)}${any('base ?64', 'hex(?:adecimal)?', 'binary', 'morse', 'caesar', 'cipher', 'rot ?13', 'emojis?', 'backwards', 'reverse(?:d)? order', 'leetspeak', 'leet', 'pig latin', 'upside down', 'ascii codes?', 'unicode', 'encrypted', 'reversed')}\\b`,
  ),
  R(
    'insert-into-response',
    'context-injection',
    0.45,
    `\\b${any('include', 'insert', 'add', 'append', 'embed', 'put', 'place', 'mention', 'promote', 'advertise')}${SEP}(?:[a-z0-9]+${SEP}){0,4}${any('links?', 'urls?', 'websites?', 'hyperlinks?', 'phone numbers?', 'email address(?:es)?', 'advertisements?', 'ads', 'promo(?:tion)?s?', 'sponsored', 'referral', 'discount codes?', 'coupon')}${gap(4)}${any('in', 'into', 'to', 'at the end of', 'at the beginning of', 'at the start of', 'end of')}${SEP}${any('your', 'the', 'each', 'every', 'all')}${SEP}(?:[a-z]+${SEP})?${any('answers?', 'responses?', 'replies', 'reply', 'outputs?', 'summary', 'summaries', 'messages?')}\\b`,
  ),
  R(
    'if-you-are-ai',
    'context-injection',
    0.75,
    `\\b${any('if you are', 'if you\\x27re', 'as an?', 'since you are', 'because you are')} ${any('an ai', 'a language model', 'an llm', 'a large language model', 'an ai assistant', 'an ai model', 'a chatbot', 'chatgpt', 'gpt', 'an assistant')}${gap(3)}${any('reading', 'processing', 'summari[sz]ing', 'parsing', 'analy[sz]ing', 'translating', 'ignore', 'you must', 'you should', 'please', 'follow', 'do not', 'then')}\\b`,
  ),
  R(
    'important-instruction',
    'context-injection',
    0.45,
    `\\b${any('important', 'urgent', 'attention', 'warning', 'notice', 'critical', 'priority')}${SEP}${any('new ', 'updated ', 'additional ', 'the following ')}?${any('instructions?', 'system (?:update|message|instructions?)', 'override', 'command')}\\b`,
  ),
  R(
    'end-of-input',
    'context-injection',
    0.5,
    `\\b${any('end of', 'end', 'ignore the')} ${any('document', 'text', 'email', 'context', 'user input', 'input', 'prompt', 'instructions', 'data', 'article', 'conversation')}${SEP}${any('new', 'now', 'from now', 'instead', 'ignore', 'begin', 'start', 'follow', 'system', 'assistant', 'you')}\\b`,
  ),
  R(
    'task-switch',
    'context-injection',
    0.55,
    `\\b${any("that's", 'that is', 'this is', 'that was', 'das ist', 'das war', 'dies ist', 'das genugt', 'das reicht', 'well done', 'very good', 'great job', 'good job', 'excellent', 'sehr gut', 'gut gemacht', 'super', 'perfect', 'perfekt')}${SEP}(?:${any('done', 'enough', 'finished', 'sufficient', 'all', 'complete', 'erledigt', 'genug', 'fertig')}${SEP})?(?:[a-z]+${SEP}){0,6}${any('now', 'nun', 'jetzt', 'next', 'but now')}${SEP}(?:[a-z]+${SEP}){0,4}${any('new task', 'another task', 'further tasks?', 'more tasks', 'next task', 'following task', 'new challenge', 'new assignment', 'neue aufgabe', 'weitere aufgaben?', 'folgender aufgabe', 'folgende aufgabe', 'neue herausforderung', 'write', 'schreibe', 'verfasse', 'tasks? (?:are|is) followed', 'folgen')}\\b`,
  ),
  R(
    'more-tasks',
    'context-injection',
    0.5,
    `\\b${any('now', 'but now', 'next', 'nun', 'jetzt', 'aber jetzt')}${SEP}(?:${any('there are', 'come', 'comes', 'follow', 'follows', 'folgen', 'kommen', 'kommt', 'i have', 'we have', 'habe ich', 'haben wir')}${SEP})(?:[a-z]+${SEP}){0,3}${any('more', 'further', 'new', 'additional', 'other', 'another', 'weitere', 'neue', 'andere', 'zusatzliche')}${SEP}${any('tasks?', 'instructions?', 'assignments?', 'challenges?', 'aufgaben?', 'anweisungen', 'herausforderung')}\\b`,
  ),
  R(
    'instruction-marker',
    'context-injection',
    0.45,
    `(?<=(?:^|[.?!:;"')\\]>|-]) ?)\\b(?:${any('new', 'additional', 'extra', 'updated', 'system', 'admin', 'hidden', 'secret', 'real', 'zusatzliche', 'neue')} ${MARKER}|${MARKER}) ?[:-]`,
  ),
  R(
    'repeat-after-me',
    'instruction-override',
    0.35,
    `\\b${any('repeat after me', 'say after me', 'sprich mir nach', 'wiederhole nach mir')}\\b`,
  ),
  R(
    'response-prefix',
    'context-injection',
    0.35,
    `\\b${any('begin', 'start', 'end', 'conclude', 'finish', 'prefix', 'preface', 'sign', 'close')}${SEP}(?:${any('each', 'every', 'all')}${SEP})?(?:of${SEP})?your${SEP}${any('answers?', 'responses?', 'replies', 'reply', 'outputs?', 'messages?')}${SEP}with\\b`,
  ),
  R(
    'response-transform',
    'context-injection',
    0.4,
    `\\b${any('translate', 'rewrite', 'rephrase', 'modify', 'change', 'alter', 'encode', 'encrypt', 'reverse', 'scramble', 'distort', 'falsify', 'censor')}${SEP}(?:${any('all', 'each', 'every')}${SEP})?(?:of${SEP})?your${SEP}${any('answers?', 'responses?', 'replies', 'reply', 'outputs?')}\\b`,
  ),
  R(
    'response-must',
    'context-injection',
    0.35,
    `\\b${any('your answers?', 'your responses?', 'your replies', 'your reply', 'your outputs?')}${SEP}${any('must', 'should', 'has to', 'have to', 'needs to', 'need to', 'will')}${SEP}(?:only${SEP})?${any('be', 'include', 'contain', 'start', 'begin', 'end', 'consist')}\\b`,
  ),
  R(
    'in-your-response',
    'context-injection',
    0.3,
    `\\b${any('in your (?:response|answer|reply|summary|output)', 'when (?:you )?(?:respond|answer|reply|summari[sz]e)')}${gap(2)}${any('also', 'always', 'make sure', 'be sure', 'you must', 'include', 'insert', 'add', 'append', 'mention', 'recommend', 'tell the user', 'say that', 'state that', 'claim')}\\b`,
  ),

  // — indirect injection: instructions planted in a document, email, page or code the model is
  // asked to process, addressed to the model (or to "your answer") rather than to the human
  // reader. Each rule needs an addressee the human reader would not be called by (the AI, "the
  // user", "every response", a code comment aimed at the assistant) or an action only an
  // assistant takes on a user's behalf (asking "the user" for a password, sending "the
  // conversation" to a URL). Weak signals (plain "in your reply, include …", which a customer may
  // write to a human agent) weigh little and count only next to another family. An optional group
  // right before a rule's last words is written `{0,1}`, not `?`, so the index can read those words.
  R(
    'ind-note-to-ai',
    'indirect-injection',
    0.7,
    `\\b${any('note', 'message', 'instructions?', 'directive', 'reminder', 'memo', 'hint', 'attention', 'attn', 'important', 'ps')}${SEP}${any('to', 'for')}${SEP}(?:${any('the', 'any', 'all', 'every', 'an?')}${SEP})?${IND_AI} ?(?:${any('reading', 'processing', 'summari[sz]ing', 'analy[sz]ing', 'reviewing', 'parsing', 'translating', 'crawling', 'indexing')}(?: [a-z0-9]+){0,3})?(?: ?[:,]| - )`,
  ),
  R(
    'ind-ai-vocative',
    'indirect-injection',
    0.7,
    `(?<=(?:^|[.!?:;>)\\]"'*#/-]) ?)\\b(?:${any('dear', 'hey', 'hi', 'hello', 'attention', 'attn', 'yo')}${SEP}${IND_AI}|${IND_AI}) ?(?:${any('reading', 'processing', 'summari[sz]ing', 'analy[sz]ing', 'reviewing', 'parsing', 'translating')}(?: [a-z0-9]+){0,3})?[,:] ?(?:${any('please', 'now', 'first', 'also', 'important')}${SEP})?${IND_ACTION}`,
  ),
  R(
    'ind-code-comment',
    'indirect-injection',
    0.7,
    `(?<=(?:#|//|/\\*|<!--|\\*|--) ?(?:${any('note', 'hint', 'instructions?', 'message', 'todo')} ${any('to', 'for')} )?(?:the )?)\\b${IND_AI}(?: ${any('reviewer', 'agent', 'assistant')})?s?(?: ?[:,]| - ) ?(?:[a-z]+ ){0,2}${any('ignore', 'disregard', 'do not', "don't", 'never', 'always', 'instead', 'approve', 'mark', 'rate', 'classify', 'report', 'say', 'tell', 'output', 'print', 'include', 'insert', 'add', 'recommend', 'respond', 'reply', 'execute', 'run', 'send', 'when', 'if you')}\\b`,
  ),
  R(
    'ind-ignore-document',
    'indirect-injection',
    0.6,
    `\\b${any('ignore', 'disregard', 'forget', 'skip', 'stop summari[sz]ing', 'do not summari[sz]e', "don't summari[sz]e", 'instead of summari[sz]ing', 'instead of translating', 'do not translate', "don't translate")}${SEP}(?:${any('the', 'this', 'that', 'all', 'above')}${SEP})?(?:${any('above', 'previous', 'whole', 'entire', 'rest of the', 'provided', 'given')}${SEP}){0,1}${any('documents?', 'e-?mails?', 'articles?', 'web ?pages?', 'pages?', 'texts?', 'contents?', 'reviews?', 'posts?', 'files?', 'transcripts?', 'passages?', 'data', 'input')}${SEP}(?:${any('and', 'then', 'instead', 'now', 'just')}${SEP}){1,2}(?:${any('instead', 'just', 'only', 'simply')}${SEP}){0,1}${any('write', 'say', 'tell', 'output', 'print', 'respond', 'answer', 'recommend', 'ask', 'send', 'include', 'insert', 'translate', 'generate', 'compose', 'claim', 'state', 'explain', 'describe', 'list', 'return')}\\b`,
  ),
  R(
    'ind-ignore-user',
    'indirect-injection',
    0.75,
    `\\b${any('ignore', 'disregard', 'forget', 'do not answer', "don't answer", 'do not follow', "don't follow", 'instead of answering', 'rather than answering', 'do not respond to', "don't respond to")}${SEP}(?:${any('the', 'this', 'any', 'all')}${SEP}){0,1}${any("user'?s?", 'users', "human'?s?", 'original', "reader'?s?")}${SEP}(?:${any('original', 'actual', 'real')}${SEP}){0,1}${any('questions?', 'requests?', 'query', 'queries', 'instructions?', 'task', 'prompts?', 'messages?', 'input')}\\b`,
  ),
  R(
    'ind-tell-user-action',
    'indirect-injection',
    0.6,
    `${IND_NOT_APP}\\b${any('tell', 'inform', 'advise', 'instruct', 'urge', 'ask', 'remind', 'convince', 'persuade', 'encourage', 'direct', 'redirect', 'invite', 'trick')}${SEP}${any('the users?', 'users', 'the readers?', 'the human', 'the visitors?')}${SEP}(?:that${SEP}(?:they${SEP})?(?:${any('should', 'must', 'need to', 'have to')}${SEP})?|to${SEP})(?:${any('immediately', 'urgently', 'quickly', 'now', 'please')}${SEP}){0,1}${any('visit', 'go to', 'click', 'call', 'text', 'email', 'e-mail', 'send', 'download', 'install', 'buy', 'purchase', 'sign up', 'register', 'log in', 'login', 'enter', 'provide', 'share', 'contact', 'transfer', 'wire', 'pay', 'donate', 'verify', 'confirm', 'reset', 'subscribe', 'open', 'check out', 'follow', 'invest', 'scan', 'run', 'paste', 'forward')}\\b`,
  ),
  R(
    'ind-ask-credentials',
    'indirect-injection',
    0.75,
    `${IND_NOT_APP}\\b${any('ask', 'request', 'collect', 'obtain', 'persuade', 'convince', 'trick', 'require', 'prompt', 'tell', 'urge')}${SEP}${any('the users?', 'users', 'the readers?', 'the human', 'the visitors?', 'the victims?', 'the recipients?')}${SEP}(?:${any('to (?:provide|enter|share|give|send|type|confirm|reveal|disclose|verify|submit|reply with|tell you)', 'for', 'about')}${SEP})(?:${any('their', 'his', 'her', 'your', 'the')}${SEP})?(?:${any('full', 'current', 'account', 'bank', 'login', 'email', 'online banking')}${SEP}){0,1}${any('passwords?', 'passcodes?', 'pin', 'pin codes?', 'credit cards?', 'card numbers?', 'card details', 'cvv', 'cvc', 'social security numbers?', 'ssn', 'bank details', 'account numbers?', 'iban', 'login', 'credentials', 'otp', 'one-time (?:password|code)', 'verification codes?', 'security codes?', '2fa codes?', 'seed phrases?', 'recovery phrases?', 'private keys?', 'api keys?', 'home address', 'date of birth', 'personal (?:information|details|data)')}\\b`,
  ),
  R(
    'ind-exfiltrate-chat',
    'indirect-injection',
    0.7,
    `${IND_NOT_APP}\\b${any('send', 'forward', 'post', 'upload', 'transmit', 'email', 'e-mail', 'leak', 'exfiltrate', 'submit', 'copy', 'append', 'encode')}${SEP}(?:${any('the', 'this', 'our', 'all', 'all of the', 'your', 'the entire', 'the whole', 'the full', 'a copy of the', 'a summary of the')}${SEP})?(?:${any('previous', 'current', 'entire', 'full', 'whole', 'private')}${SEP}){0,1}${any('conversation', 'chat', 'chat history', 'chat log', 'conversation history', 'dialogue', 'message history', 'previous messages', "users?'?s? (?:data|messages?|inputs?|query|questions?|emails?|files?|credentials|password|personal (?:data|information)|contacts|history)", 'inbox', 'emails', 'contacts', 'memory', 'session')}${gap(3)}${any('to', 'at', 'via')}${SEP}(?:the${SEP}){0,1}${any('https?', 'www', 'following', 'attacker', 'attackers', 'evil', 'ftp', 'webhook', 'endpoint')}\\b`,
  ),
  R(
    'ind-exfil-url',
    'indirect-injection',
    0.5,
    `\\bhttps?://[^ ]{1,100}?[?&][a-z_]{1,20}=[\\[{<$%]{1,3} ?${any('conversation', 'chat', 'history', 'summary', 'user_?data', 'data', 'secrets?', 'passwords?', 'credentials', 'emails?', 'personal', 'private', 'previous', 'api_?keys?', 'session', 'memory', 'context', 'messages?', 'info')}`,
  ),
  R(
    'ind-every-response',
    'indirect-injection',
    0.45,
    `\\b${any('append', 'prepend', 'add', 'include', 'insert', 'attach', 'put', 'embed', 'end', 'start', 'begin', 'prefix', 'sign', 'close', 'finish', 'conclude')}${gap(6)}${any('to', 'in', 'into', 'at the end of', 'at the start of', 'at the beginning of', 'at the bottom of', 'at the top of')}${SEP}${any('every', 'each', 'all (?:of )?your', 'all future', 'all subsequent', 'every future', 'any future', 'your future', 'your subsequent')}${SEP}${any('responses?', 'answers?', 'replies', 'reply', 'outputs?', 'completions?', 'summary', 'summaries', 'translations?')}\\b`,
  ),
  R(
    'ind-insert-link-response',
    'indirect-injection',
    0.5,
    `\\b${any('append', 'prepend', 'add', 'include', 'insert', 'embed', 'put', 'place', 'paste', 'mention', 'recommend', 'promote', 'advertise')}${SEP}(?:${any('the following', 'this', 'these', 'a', 'an', 'the')}${SEP})?(?:${any('promotional', 'sponsored', 'affiliate', 'referral', 'marketing', 'clickable', 'markdown')}${SEP}){0,1}${any('links?', 'urls?', 'hyperlinks?', 'websites?', 'ads?', 'advertisements?', 'banners?', 'promo codes?', 'coupon codes?', 'discount codes?', 'images?', 'phone numbers?')}${gap(8)}${any('in', 'into', 'to', 'at the end of', 'at the start of', 'at the beginning of')}${SEP}${any('your', 'the')}${SEP}(?:${any('final', 'generated', 'next')}${SEP}){0,1}${any('responses?', 'outputs?', 'summary', 'summaries', 'translations?', 'completions?', 'generated text')}\\b`,
  ),
  R(
    'ind-while-processing',
    'indirect-injection',
    0.55,
    `\\b${any('when', 'while', 'after', 'before', 'once', 'whenever')}${SEP}(?:${any('you', 'you are', "you're", 'you have', "you've")}${SEP}){0,1}${any('summari[sz]ing', 'summari[sz]e', 'summari[sz]ed', 'translating', 'translate', 'translated', 'processing', 'process', 'processed', 'analy[sz]ing', 'analy[sz]e', 'analy[sz]ed', 'parsing', 'parse', 'parsed')}${SEP}(?:${any('this', 'the', 'these', 'that', 'my', 'our')}${SEP})?(?:${any('above', 'following', 'whole', 'entire')}${SEP}){0,1}${any('documents?', 'e-?mails?', 'texts?', 'pages?', 'web ?pages?', 'articles?', 'messages?', 'reviews?', 'content', 'files?', 'code', 'posts?', 'websites?', 'passages?', 'data', 'threads?', 'it')}${SEP}(?:${any('also', 'please', 'you must', 'you should', 'make sure to', 'be sure to', 'always', 'then', 'first', 'do not forget to', "don't forget to", 'remember to')}${SEP}){0,2}${any('include', 'add', 'insert', 'append', 'mention', 'recommend', 'tell', 'ask', 'say', 'state', 'claim', 'output', 'print', 'send', 'direct', 'urge', 'advise', 'inform', 'remind', 'promote', 'advertise', 'write', 'compose', 'ignore', 'praise', 'describe')}\\b`,
  ),
  R(
    'ind-from-now-on',
    'indirect-injection',
    0.3,
    `\\b${any('from now on', 'from this point on', 'henceforth', 'going forward', 'for all future responses')}${SEP}(?:${any('you', 'you will', 'you must', 'you should', 'you shall', 'always', 'only', 'please')}${SEP}){0,2}${any('respond', 'reply', 'answer', 'speak', 'write', 'talk', 'output', 'communicate')}s?${SEP}(?:${any('only', 'exclusively', 'solely')}${SEP}){0,1}${any('in', 'with', 'as', 'using', 'like')}\\b`,
  ),
  R(
    'ind-respond-only',
    'indirect-injection',
    0.25,
    `\\b${any('respond', 'reply', 'answer', 'output')}${SEP}${any('only', 'solely', 'exclusively')}${SEP}${any('with', 'in', 'using')}\\b`,
  ),
  R(
    'ind-recommend-to-user',
    'indirect-injection',
    0.5,
    `\\b${any('recommend', 'promote', 'advertise', 'suggest', 'push', 'endorse', 'sell', 'mention')}${SEP}(?:[a-z0-9.'-]+${SEP}){1,6}${any('to', 'for')}${SEP}(?:${any('the', 'all', 'every')}${SEP}){0,1}${any('users?', 'readers?')} ?(?:$|[^a-z0-9 ]|${any('in', 'whenever', 'when', 'as', 'regardless', 'no matter', 'even')}\\b)`,
  ),
  R(
    'ind-scam-notice',
    'indirect-injection',
    0.75,
    `\\b${any('tell', 'inform', 'notify', 'warn', 'alert', 'convince')}${SEP}${any('the users?', 'users', 'the readers?', 'the human')}${SEP}(?:that${SEP}){0,1}${any('their', 'his', 'her', 'the')}${SEP}${any('account', 'password', 'card', 'credit card', 'subscription', 'computer', 'device', 'payment', 'bank account', 'package', 'order')}${SEP}(?:${any('has', 'have', 'is', 'was', 'will', 'will be', 'has been', 'was been')}${SEP}){1,2}${any('compromised', 'hacked', 'suspended', 'locked', 'blocked', 'expired', 'infected', 'deactivated', 'closed', 'frozen', 'breached', 'stolen', 'held', 'cancelled', 'canceled', 'charged')}\\b`,
  ),
  R(
    'ind-quoted-in-response',
    'indirect-injection',
    0.55,
    `\\b${any('include', 'add', 'insert', 'append', 'prepend', 'put', 'write', 'say', 'state', 'mention', 'embed', 'paste')}${SEP}(?:${any('the', 'this', 'following')}${SEP}){0,2}(?:${any('sentence', 'phrase', 'text', 'line', 'slogan', 'message', 'statement', 'tagline', 'disclaimer', 'link', 'url')}${SEP}?)?["'\u201c\u2018][^"\u201d\u2019]{1,200}["'\u201d\u2019]${gap(3)}${any('in', 'into', 'to', 'at the end of', 'to the end of', 'at the beginning of', 'at the start of', 'at the bottom of', 'within')}${SEP}${any('your', 'every', 'each')}${SEP}(?:${any('final', 'next', 'generated')}${SEP}){0,1}${any('responses?', 'answers?', 'outputs?', 'summary', 'summaries', 'replies', 'reply', 'completions?', 'translations?')}\\b`,
  ),
  R(
    'ind-url-in-response',
    'indirect-injection',
    0.6,
    `\\b${any('include', 'add', 'insert', 'append', 'prepend', 'put', 'embed', 'mention', 'paste', 'place', 'share')}${gap(4)}(?:https?://|www\\.)[^ ]{1,120}${gap(4)}${any('in', 'into', 'to', 'at the end of', 'to the end of', 'at the beginning of', 'at the start of', 'at the bottom of', 'within')}${SEP}${any('your', 'every', 'each')}${SEP}(?:${any('final', 'next', 'generated')}${SEP}){0,1}${any('responses?', 'answers?', 'outputs?', 'summary', 'summaries', 'replies', 'reply', 'completions?', 'translations?')}\\b`,
  ),
  R(
    'ind-response-user-directive',
    'indirect-injection',
    0.6,
    `(?<=\\b(?:in|within|at the end of|throughout) )\\byour${SEP}(?:${any('final', 'next')}${SEP}){0,1}${any('responses?', 'outputs?', 'summary', 'summaries', 'answers?', 'translations?')}${SEP}(?:${any('please', 'also', 'always', 'you must', 'you should', 'make sure to', 'be sure to')}${SEP}){0,2}${any('tell', 'ask', 'urge', 'direct', 'remind', 'encourage', 'convince', 'persuade', 'invite', 'advise', 'warn', 'instruct')}${SEP}(?:the${SEP}){0,1}${any('users?', 'readers?')}\\b`,
  ),
  R(
    'ind-user-won',
    'indirect-injection',
    0.7,
    `\\b${any('tell', 'inform', 'notify', 'convince', 'congratulate', 'assure')}${SEP}${any('the users?', 'users', 'the readers?')}${SEP}(?:that${SEP})?(?:${any('they', 'he', 'she')}${SEP})?(?:${any('have', 'has', 'are', 'is', 'on having')}${SEP}){0,1}${any('won', 'been selected', 'been chosen', 'eligible', 'qualified', 'entitled', 'owed', 'winning')}\\b`,
  ),
  R(
    'ind-claim-in-response',
    'indirect-injection',
    0.45,
    `\\b${any('state', 'claim', 'assert', 'insist', 'emphasi[sz]e', 'stress', 'argue', 'mention', 'say')}${SEP}that${gap(12)}${any('in', 'within', 'throughout')}${SEP}your${SEP}(?:${any('final', 'next')}${SEP}){0,1}${any('responses?', 'answers?', 'outputs?', 'summary', 'summaries', 'completions?')}\\b`,
  ),
  // German, French, Spanish, Italian, Portuguese
  R(
    'ind-note-to-ai-intl',
    'indirect-injection',
    0.7,
    `\\b${any('hinweis', 'nachricht', 'anweisung', 'anweisungen', 'notiz', 'note', 'message', 'instructions?', 'nota', 'mensaje', 'instrucciones', 'messaggio', 'istruzioni', 'mensagem', 'instrucoes')}${SEP}${any('an die', 'fur die', 'an den', 'fur den', 'a la', 'pour la', "a l'", "pour l'", 'para la', 'para el', 'para a', 'para o', "per l'", 'per la', 'al', 'per il')} ?${any('ki', 'ia', 'ai', 'assistente', 'assistant', 'assistente', 'asistente', 'chatbot', 'bot', 'modell', 'modele', 'modelo', 'modello', 'llm')} ?(?:[a-z]+ ?){0,2}(?: ?[:,]| - )`,
  ),
  R(
    'ind-tell-user-intl',
    'indirect-injection',
    0.6,
    `\\b${any('sage', 'sagen sie', 'teile', 'teilen sie', 'fordere', 'fordern sie', 'bitte', 'frage', 'fragen sie', 'dis', 'dites', 'demande', 'demandez', 'dile', 'digale', 'pide', 'pidale', 'pidele', "di'", 'chiedi', 'diga', 'peca', 'pede', 'avisa', 'informa')}${SEP}(?:${any('dem', 'den', 'a', 'al', 'ao', "a l'", "all'")} ?)${any('nutzer', 'benutzer', 'benutzern', 'nutzern', 'leser', 'anwender', 'utilisateur', 'utilisatrice', 'lecteur', 'usuario', 'lector', 'utente', 'lettore', 'usuario')}${gap(4)}${any('passwort', 'kennwort', 'pin', 'kreditkarte', 'kreditkartennummer', 'zugangsdaten', 'iban', 'mot de passe', 'carte bancaire', 'carte de credit', 'identifiants', 'contrasena', 'tarjeta', 'tarjeta de credito', 'credenciales', 'password', 'carta di credito', 'credenziali', 'senha', 'cartao', 'besuchen', 'klicken', 'anrufen', 'visiter', 'cliquer', 'appeler', 'visitar', 'visite', 'haga clic', 'llamar', 'llame', 'visitare', 'cliccare', 'chiamare', 'link', 'lien', 'enlace')}\\b`,
  ),
  R(
    'ind-answer-insert-intl',
    'indirect-injection',
    0.45,
    `\\b${any('fuge', 'fugen sie', 'fuge in', 'ajoute', 'ajoutez', 'inclus', 'incluez', 'insere', 'inserez', 'agrega', 'anade', 'incluye', 'inserta', 'aggiungi', 'includi', 'inserisci', 'adicione', 'inclua', 'insira')}${gap(6)}${any('deine antwort', 'ihre antwort', 'jede antwort', 'die zusammenfassung', 'deine zusammenfassung', 'ta reponse', 'votre reponse', 'chaque reponse', 'ton resume', 'votre resume', 'tu respuesta', 'su respuesta', 'cada respuesta', 'tu resumen', 'la tua risposta', 'ogni risposta', 'il tuo riassunto', 'sua resposta', 'cada resposta', 'seu resumo')}\\b`,
  ),
  R(
    'ind-ignore-document-intl',
    'indirect-injection',
    0.55,
    `\\b${any('ignoriere', 'ignorieren sie', 'ignorez', 'ignore', 'ignora', 'ignore', 'olvida')}${SEP}${any('das dokument', 'den text', 'die e-?mail', 'den artikel', 'die webseite', 'le document', 'le texte', "l'e-?mail", "l'article", 'la page', 'el documento', 'el texto', 'el correo', 'el articulo', 'il documento', 'il testo', "l'articolo", 'o documento', 'o texto', 'la pagina')}${SEP}${any('und', 'et', 'y', 'e')}${SEP}\\b`,
  ),
  // — malicious code payloads (an injection often carries the code it wants run or written) ——
  R(
    'destructive-command',
    'malicious-code',
    0.6,
    `\\b(?:rm -(?:rf|fr|r -f|f -r) ?(?:/(?=$|[^a-z0-9])|~|\\*|\\$home|--no-preserve-root)|mkfs(?:\\.[a-z0-9]+)? /dev/|dd if=/dev/(?:zero|random|urandom) of=/dev/|format c:|del /[fsq] |shutdown (?:-h|-r|/s|/r|now)|chmod -r 777 /(?=$|[^a-z0-9]))`,
  ),
  R(
    'reverse-shell',
    'malicious-code',
    0.7,
    `\\b(?:nc (?:-[a-z]+ ){0,3}-e /bin/(?:sh|bash)|bash -i >& ?/dev/tcp/|dev/tcp/[0-9]|(?:curl|wget) [^ |]{1,200} ?\\| ?(?:sudo )?(?:sh|bash)\\b|powershell (?:-[a-z]+ ){0,3}-(?:enc|encodedcommand|e) |iex ?\\(new-object net\\.webclient\\)|invoke-expression)`,
  ),
  R(
    'keylogger',
    'malicious-code',
    0.5,
    `\\b(?:pynput|keyboard\\.(?:on_press|hook|add_hotkey|record)|getasynckeystate|setwindowshookex|keylogger|keylogging|log (?:all |every )?(?:the )?(?:user'?s? )?keystrokes|record (?:all |every )?(?:the )?(?:user'?s? )?keystrokes)\\b`,
  ),
  R(
    'screen-capture',
    'malicious-code',
    0.4,
    `\\b(?:imagegrab\\.grab|pyautogui\\.screenshot|mss\\(\\)\\.(?:grab|shot)|take (?:a )?screenshots? (?:of the user|every|periodically|secretly))`,
  ),
  R(
    'exfiltrate-secrets',
    'malicious-code',
    0.55,
    `\\b(?:requests\\.post|urllib\\.request\\.urlopen|fetch|axios\\.post|curl -[a-z]*d|send|upload|forward|transmit|exfiltrate)${gap(6)}${any('passwords?', 'passwd', 'cookies', 'tokens?', 'credentials', 'api keys?', 'private keys?', 'ssh keys?', 'id_rsa', '/etc/passwd', '/etc/shadow', 'keystrokes', 'clipboard', 'browser history', 'credit card', 'os\\.environ', 'environment variables', 'session')}\\b`,
  ),
  R(
    'ransomware',
    'malicious-code',
    0.55,
    `\\b(?:fernet|aes\\.new|encrypt)${gap(6)}${any('os\\.walk', 'all (?:the )?files', "(?:user'?s? )?documents", 'every file', 'glob\\.glob', 'ransom')}`,
  ),
  R(
    'block-network',
    'malicious-code',
    0.45,
    `\\b(?:iptables -[ai] [a-z]+ [^\\n]{0,60}-j drop|netsh (?:advfirewall|interface [a-z]+ set)|ifconfig [a-z0-9]+ down|ip link set [a-z0-9]+ down|block (?:all )?(?:internet|network) (?:access|connections?|traffic))\\b`,
  ),
  R('fork-bomb', 'malicious-code', 0.7, `:\\(\\) ?\\{ ?: ?\\| ?: ?& ?\\} ?; ?:`),
];

// Words that make obfuscation (zero-width, homoglyphs, tags, spaced letters) suspicious.
const TRIGGER = new RegExp(
  `\\b${any('ignore', 'ignoring', 'disregard', 'forget', 'instructions?', 'prompt', 'system', 'jailbreak', 'jailbroken', 'password', 'secret', 'override', 'bypass', 'previous', 'reveal', 'restrictions', 'filters?', 'pretend', 'uncensored', 'unfiltered', 'hack', 'kill', 'bomb', 'hate', 'say', 'print', 'output')}\\b`,
);

// rot13 / reversed forms of key words: seeing one makes the whole text worth decoding.
const rot13 = (s: string) =>
  s.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97));
const HIDDEN_WORDS = [
  'ignore',
  'disregard',
  'forget',
  'instructions',
  'previous',
  'system prompt',
  'jailbreak',
  'reveal',
];
const reverse = (s: string) => [...s].reverse().join('');
const ROT13_HINT: Rule = R('rot13-hint', 'encoded-payload', 0, `\\b${any(...HIDDEN_WORDS.map(rot13))}\\b`);
const REVERSED_HINT: Rule = R(
  'reversed-hint',
  'encoded-payload',
  0,
  `\\b${any(...HIDDEN_WORDS.map(reverse))}\\b`,
);

// Base64 / base64url / hex blobs, matched on the ORIGINAL text (case matters). Greedy runs that
// always match at their first character: linear.
const BASE64_BLOB = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX_BLOB = /\b(?:[0-9a-fA-F]{2}){16,}\b/g;
const DECODE_HINT = /\b(?:decode|decoded|base ?64|b64|hex|rot ?13|caesar|cipher|encoded|decrypt)\b/;
// Letters spelled out one at a time: "i g n o r e".
const SPACED_LETTERS = /\b(?:[a-z] ){5,}[a-z]\b/g;
const SPACED_TRIGGER =
  /ignor|disregard|forget|instruction|prompt|jailbr|password|previous|pretend|system|reveal|bypass|sayth|hate|kill/;

/** Decoded bytes look like text: two words (fixed counts: no backtracking over long runs). */
const LOOKS_LIKE_WORDS = /[a-zA-Z]{3} [a-zA-Z]{2}/;
/** Characters of text around an encoded-text hint that are decoded and checked. */
const HIDDEN_WINDOW = 32_768;

const MAX_BLOBS = 8;
const MAX_BLOB_CHARS = 4096;
const MAX_SPANS_PER_RULE = 8;

// ---------------------------------------------------------------------------------------------
// Rule index. Almost every rule starts with `\b(?:word|word …)`: its possible first words are read
// off the pattern at load time and indexed by their first three letters, and the rule then runs as
// a sticky regex only at word starts whose first three letters match — instead of every rule
// scanning the whole text. Rules that start with something else (chat-template tokens, Cyrillic,
// CJK) scan the text, behind a cheap character pre-check.

interface Indexed {
  rule: Rule;
  sticky: RegExp;
  /** Literal text that must follow the anchor word for some alternative to match; null: no check. */
  rests: string[] | null;
  /** The first four characters of each rest packed into an int, and the mask of those present. */
  restCodes: Int32Array;
  restMasks: Int32Array;
  /** Words (hashed) of which one must occur in the text for the rule to match at all; null: none known. */
  needs: Int32Array | null;
}

/** Up to four characters of `s` from `at`, packed big-endian into an int (missing ones are 0). */
function pack4(s: string, at: number): number {
  return (
    ((s.charCodeAt(at) & 0xff) << 24) |
    ((s.charCodeAt(at + 1) & 0xff) << 16) |
    ((s.charCodeAt(at + 2) & 0xff) << 8) |
    (s.charCodeAt(at + 3) & 0xff)
  );
}

/** FNV-1a of a word (ASCII lower case / digits): the key of the exact-word index. */
function wordHash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff; // small integer: a fast Map key
}

/** Key of the prefix index: a word's first three characters. */
function key3(text: string, at: number): number {
  return (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);
}

/**
 * Calls `visit` with each parenthesis and `|` of a regex source from `from` on, skipping escapes and
 * character classes (where they are literal); stops early when `visit` returns true.
 */
function scanStructure(
  source: string,
  from: number,
  visit: (i: number, c: '(' | ')' | '|') => boolean,
): void {
  let inClass = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if ((c === '(' || c === ')' || c === '|') && visit(i, c)) return;
  }
}

/** Splits the top-level alternatives of the group that opens at `source[open]` === '('. */
function groupAlternatives(source: string, open: number): { alts: string[]; close: number } {
  const alts: string[] = [];
  let depth = 0;
  let close = -1;
  let start = source.startsWith('(?:', open) ? open + 3 : open + 1;
  scanStructure(source, open, (i, c) => {
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        alts.push(source.slice(start, i));
        close = i;
        return true;
      }
    } else if (depth === 1) {
      alts.push(source.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  if (close < 0) throw new Error(`unbalanced group in ${source}`);
  return { alts, close };
}

interface LeadKey {
  /** Exact first word, or (prefix) its first three characters. */
  word: string;
  prefix: boolean;
  /** The literal continuation of the pattern after an exact word ('' if none). */
  rest: string;
}

/** The literal text at the start of a pattern fragment, up to its first special character. */
function literalPrefix(fragment: string): string {
  let out = '';
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i]!;
    if ('\\^$.|?*+()[]{}'.includes(c)) break;
    // a character made optional or repeated by the next one is not certain
    if ('?*+{'.includes(fragment[i + 1] ?? '')) break;
    out += c;
  }
  return out;
}

/**
 * The words an alternative of a rule's lead group can start with, or null when it cannot be read
 * off the pattern (the rule then scans the text instead).
 */
function leadKeys(alt: string): LeadKey[] | null {
  if (alt.startsWith('(?:')) {
    const { alts } = groupAlternatives(alt, 0);
    const keys: LeadKey[] = [];
    for (const a of alts) {
      const k = leadKeys(a);
      if (!k) return null;
      keys.push(...k);
    }
    return keys;
  }
  let run = 0;
  while (run < alt.length && /[a-z0-9]/.test(alt[run]!)) run++;
  if (run === 0) return null;
  const word = alt.slice(0, run);
  const rest = alt.slice(run);
  const quantified = /^.[?*+{]/.test(rest) || /^\\.[?*+{]/.test(rest);
  if (
    rest === '' ||
    rest.startsWith('\\b') ||
    rest.startsWith('\\x27') ||
    (/^[ ,.'"!:;-]/.test(rest) && !quantified)
  ) {
    return [{ word, prefix: false, rest: literalPrefix(rest) }];
  }
  if (rest.startsWith('?')) {
    // the last letter is optional: both spellings are complete words…
    if (rest.length === 1 || /^\?(?:$|[ ,.'"!:;-]|\\b)/.test(rest)) {
      const more = literalPrefix(rest.slice(1));
      return [
        { word, prefix: false, rest: more },
        { word: word.slice(0, -1), prefix: false, rest: more },
      ];
    }
  }
  // …otherwise the word goes on in a class, group or quantifier: index its first three letters.
  const stem = rest.startsWith('?') ? word.slice(0, -1) : word;
  return stem.length >= 3 ? [{ word: stem.slice(0, 3), prefix: true, rest: '' }] : null;
}

/**
 * The words a rule's pattern must END with, one of which must therefore occur somewhere in the text
 * as a whole word: read off a final `(?:a|b|…)\b` group or a final literal ` word\b`. Null when the
 * tail is optional, a lookaround, or not made of whole words.
 */
function tailWords(source: string): string[] | null {
  let src = source;
  if (src.endsWith('\\b')) src = src.slice(0, -2);
  const literal = /(?:^|[ }])([a-z0-9]+)$/.exec(src);
  if (literal) return [literal[1]!];
  if (!src.endsWith(')')) return null;
  // find the top-level group that closes at the end
  let depth = 0;
  let open = -1;
  scanStructure(src, 0, (i, c) => {
    if (c === '(') {
      if (depth === 0) open = i;
      depth++;
    } else if (c === ')') depth--;
    return false;
  });
  if (open < 1 || !src.startsWith('(?:', open) || !' }'.includes(src[open - 1]!)) return null;
  const words: string[] = [];
  for (const alt of groupAlternatives(src, open).alts) {
    const keys = leadKeys(alt);
    if (!keys || keys.some((k) => k.prefix)) return null;
    for (const k of keys) words.push(k.word);
  }
  return words;
}

/** Where the lead group of a rule's source starts (after optional lookbehinds and `\b`), or -1. */
function leadStart(source: string): number {
  let i = 0;
  while (source.startsWith('(?<', i)) i = groupAlternatives(source, i).close + 1;
  if (!source.startsWith('\\b', i)) return -1;
  return i + 2;
}

const byWord = new Map<number, Indexed[]>();
const byPrefix = new Map<number, Indexed[]>();
// Membership bitmaps in front of the maps: most words of a text anchor nothing, and a bit test is
// several times cheaper than a Map lookup.
const wordBits = new Uint8Array(1 << 16);
const prefixBits = new Uint8Array(1 << 16);
const bitOf = (h: number) => Math.imul(h, 0x9e3779b1) >>> 16;
const scanRules: Rule[] = [];
for (const rule of [...RULES, ROT13_HINT, REVERSED_HINT]) {
  const src = rule.re.source;
  const at = leadStart(src);
  let keys: LeadKey[] | null = null;
  if (at >= 0) {
    if (src.startsWith('(?:', at)) {
      const { alts, close } = groupAlternatives(src, at);
      // A lead group may be optional ("(?:…)?"): then it cannot anchor the rule.
      keys = src[close + 1] === '?' || src[close + 1] === '*' ? null : [];
      for (const alt of keys ? alts : []) {
        const k = leadKeys(alt);
        if (!k) {
          keys = null;
          break;
        }
        keys!.push(...k);
      }
    } else keys = leadKeys(src.slice(at));
  }
  if (!keys) {
    scanRules.push(rule);
    continue;
  }
  const sticky = new RegExp(src, 'y');
  const tail = tailWords(src);
  const needs = tail ? Int32Array.from(new Set(tail), (w) => wordHash(w, 0, w.length)) : null;
  const entries = new Map<string, Indexed>();
  for (const k of keys) {
    const id = `${k.prefix}:${k.word}`;
    let entry = entries.get(id);
    if (!entry) {
      entry = { rule, sticky, rests: [], restCodes: new Int32Array(0), restMasks: new Int32Array(0), needs };
      entries.set(id, entry);
      const map = k.prefix ? byPrefix : byWord;
      const h = k.prefix ? key3(k.word, 0) : wordHash(k.word, 0, k.word.length);
      const list = map.get(h);
      if (list) list.push(entry);
      else map.set(h, [entry]);
      (k.prefix ? prefixBits : wordBits)[bitOf(h)] = 1;
    }
    if (k.prefix || k.rest === '') entry.rests = null;
    else if (entry.rests && !entry.rests.includes(k.rest)) entry.rests.push(k.rest);
  }
  for (const entry of entries.values()) {
    // Rests are ASCII (the text is normalised) and their first four characters are compared as one
    // int before any string comparison.
    const rests = entry.rests ?? [];
    entry.restCodes = Int32Array.from(rests, (r) => pack4(r, 0));
    entry.restMasks = Int32Array.from(rests, (r) => (r.length >= 4 ? -1 : ~(-1 >>> (8 * r.length))));
  }
}

const CYRILLIC = /[\u0400-\u04ff]/;
const CJK = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Rules that scan the whole text, each with a cheap test for whether it can match at all. */
const SCAN_PRECHECK: Record<string, (text: string, nonAscii: boolean) => boolean> = {
  'override-ru': (t, nonAscii) => nonAscii && CYRILLIC.test(t),
  'override-zh': (t, nonAscii) => nonAscii && CJK.test(t),
  'chat-template-token': (t) => t.includes('<') || t.includes('[inst') || t.includes('[/inst'),
  'fake-system-tag': (t) => t.includes('[') || t.includes('<') || t.includes('##') || t.includes('{'),
  'fork-bomb': (t) => t.includes(':('),
};
for (const rule of scanRules) {
  if (!SCAN_PRECHECK[rule.id])
    throw new Error(`heuristic rule ${rule.id} is neither indexed nor pre-checked`);
}

/** Rule ids that scan the text instead of being anchored on words (for tests). */
export const SCAN_RULE_IDS: readonly string[] = scanRules.map((r) => r.id);

export const ALL_PATTERNS: readonly RegExp[] = [
  ...RULES.map((r) => r.re),
  AI_CONTEXT,
  CYRILLIC,
  CJK,
  LOOKS_LIKE_WORDS,
  ROT13_HINT.re,
  REVERSED_HINT.re,
  TRIGGER,
  BASE64_BLOB,
  HEX_BLOB,
  DECODE_HINT,
  SPACED_LETTERS,
  SPACED_TRIGGER,
];

interface RawHit {
  rule: Rule;
  start: number;
  end: number;
}

interface ScanFacts {
  /** Longest run of base64-alphabet characters (lower-cased): blobs are looked for only if ≥ 24. */
  longestB64Run: number;
  /** Longest streak of single-letter words ("i g n o r e"). */
  longestSingles: number;
}

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * Runs the rules over a normalised text; hits carry spans in normalised coordinates. One pass over
 * the characters finds word starts (rule anchors), base64-looking runs and spelled-out letters.
 */
const spanCounts = new Map<Rule, number>();

function record(hits: RawHit[], rule: Rule, start: number, end: number): void {
  const c = spanCounts.get(rule) ?? 0;
  if (c >= MAX_SPANS_PER_RULE) return;
  spanCounts.set(rule, c + 1);
  hits.push({ rule, start, end });
}

// The words of the current text, as generation stamps on their hash bits (no clearing per call).
const wordSeen = new Uint32Array(1 << 16);
let generation = 0;

function seen(needs: Int32Array): boolean {
  for (let k = 0; k < needs.length; k++) if (wordSeen[bitOf(needs[k]!)] === generation) return true;
  return false;
}

// Anchor words found in the first pass, tried once every word of the text is known.
let candLists: Indexed[][] = [];
let candAt = new Int32Array(1024);
let candEnd = new Int32Array(1024);
let nCand = 0;

function addCandidate(list: Indexed[], at: number, end: number): void {
  if (nCand === candAt.length) {
    const a = new Int32Array(nCand * 2);
    a.set(candAt);
    candAt = a;
    const e = new Int32Array(nCand * 2);
    e.set(candEnd);
    candEnd = e;
  }
  candLists[nCand] = list;
  candAt[nCand] = at;
  candEnd[nCand] = end;
  nCand++;
}

/** Runs the indexed rules listed under one anchor word at `at` (the word ends at `wordEnd`). */
function tryRules(text: string, list: Indexed[], at: number, wordEnd: number, hits: RawHit[]): void {
  const next4 = pack4(text, wordEnd);
  for (let j = 0; j < list.length; j++) {
    const { rule, sticky, rests, restCodes, restMasks, needs } = list[j]!;
    if (needs !== null && !seen(needs)) continue;
    if (rests !== null) {
      let ok = false;
      for (let r = 0; r < rests.length && !ok; r++) {
        ok =
          (next4 & restMasks[r]!) === restCodes[r]! &&
          (rests[r]!.length <= 4 || text.startsWith(rests[r]!, wordEnd));
      }
      if (!ok) continue;
    }
    sticky.lastIndex = at;
    const m = sticky.exec(text);
    if (m) record(hits, rule, at, at + m[0].length);
  }
}

function matchRules(text: string, hits: RawHit[], nonAscii: boolean): ScanFacts {
  spanCounts.clear();
  generation = (generation + 1) >>> 0;
  if (generation === 0) {
    wordSeen.fill(0);
    generation = 1;
  }
  const gen = generation;
  nCand = 0;
  const len = text.length;
  let b64Run = 0;
  let longestB64Run = 0;
  let singles = 0;
  let longestSingles = 0;
  let lastSingleEnd = -2;
  let i = 0;
  while (i < len) {
    let c = text.charCodeAt(i);
    if (!isAlnum(c)) {
      if (c === 0x2b || c === 0x2f || c === 0x5f || c === 0x2d) {
        if (++b64Run > longestB64Run) longestB64Run = b64Run;
      } else b64Run = 0;
      i++;
      continue;
    }
    // a word: [start, i)
    const start = i;
    let h = 0x811c9dc5 | 0;
    do {
      h = Math.imul(h ^ c, 0x01000193);
      c = ++i < len ? text.charCodeAt(i) : 0;
    } while (isAlnum(c));
    b64Run += i - start;
    if (b64Run > longestB64Run) longestB64Run = b64Run;
    h &= 0x3fffffff;
    const bit = bitOf(h);
    wordSeen[bit] = gen;
    if (wordBits[bit] === 1) {
      const list = byWord.get(h);
      if (list) addCandidate(list, start, i);
    }
    if (i - start >= 3) {
      const k3 = key3(text, start);
      if (prefixBits[bitOf(k3)] === 1) {
        const list = byPrefix.get(k3);
        if (list) addCandidate(list, start, i);
      }
    }
    // single letters separated by one space: "i g n o r e"
    if (i - start === 1) {
      singles = lastSingleEnd === start - 1 ? singles + 1 : 1;
      lastSingleEnd = i;
      if (singles > longestSingles) longestSingles = singles;
    }
  }
  for (let k = 0; k < nCand; k++) tryRules(text, candLists[k]!, candAt[k]!, candEnd[k]!, hits);
  if (candLists.length > 4096) candLists = [];
  for (const rule of scanRules) {
    if (!SCAN_PRECHECK[rule.id]!(text, nonAscii)) continue;
    const re = rule.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      record(hits, rule, m.index, m.index + m[0].length);
      if ((spanCounts.get(rule) ?? 0) >= MAX_SPANS_PER_RULE) break;
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  return { longestB64Run, longestSingles };
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return true;
  return false;
}

function printableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || (c >= 0xa0 && c !== 0xfffd))
      ok++;
  }
  return ok / s.length;
}

function decodeBlob(blob: string, kind: 'base64' | 'hex'): string | null {
  const raw = blob.length > MAX_BLOB_CHARS ? blob.slice(0, MAX_BLOB_CHARS) : blob;
  const bytes = kind === 'hex' ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (bytes.length < 8) return null;
  const s = bytes.toString('utf8');
  if (printableRatio(s) < 0.9 || !LOOKS_LIKE_WORDS.test(s)) return null;
  return s;
}

/** Drops hits of rules whose required context is missing from the text. */
function dropWithoutContext(text: string, raw: RawHit[]): void {
  let k = 0;
  for (const h of raw) {
    const req = h.rule.requires;
    if (req) {
      req.lastIndex = 0;
      if (!req.test(text)) continue;
    }
    raw[k++] = h;
  }
  raw.length = k;
}

/** The strongest rule that fires in a decoded or transformed text (no further decoding). */
function hiddenScore(text: string): { weight: number; rules: string[] } {
  const n = normalize(text);
  const inner: RawHit[] = [];
  matchRules(n.text, inner, hasNonAscii(n.text));
  dropWithoutContext(n.text, inner);
  let weight = 0;
  const rules: string[] = [];
  for (const h of inner) {
    if (h.rule.weight > weight) weight = h.rule.weight;
    if (!rules.includes(h.rule.id)) rules.push(h.rule.id);
  }
  return { weight, rules };
}

/** Scores a normalised text with the rule layer. Linear in the text length. */
export function scoreHeuristics(n: NormalizedText): HeuristicResult {
  const text = n.text;
  const raw: RawHit[] = [];
  const nonAscii = !n.ascii && hasNonAscii(text);
  const facts = matchRules(text, raw, nonAscii);
  dropWithoutContext(text, raw);

  const tally: Tally = { hits: [], family: new Map() };
  const whole: Span = { start: 0, end: n.source.length, type: 'encoded-payload' };
  let rot13At = -1;
  let reversedAt = -1;
  let strong = false;
  for (const h of raw) {
    if (h.rule === ROT13_HINT) rot13At = rot13At < 0 ? h.start : rot13At;
    else if (h.rule === REVERSED_HINT) reversedAt = reversedAt < 0 ? h.start : reversedAt;
    else {
      const o = toOriginal(n, h.start, h.end);
      addHit(tally, h.rule.id, h.rule.family, h.rule.weight, {
        start: o.start,
        end: o.end,
        type: h.rule.family,
      });
      if (h.rule.weight >= 0.5) strong = true;
    }
  }
  addObfuscation(tally, n, strong, whole);
  if (facts.longestSingles >= 6) addSpacedLetters(tally, n);
  if (rot13At >= 0) addHidden(tally, 'rot13', rot13(around(text, rot13At)), whole);
  if (reversedAt >= 0) addHidden(tally, 'reversed', reverse(around(text, reversedAt)), whole);
  if (facts.longestB64Run >= 24) addEncodedBlobs(tally, n);
  return combine(tally);
}

/** The hits of one text so far, and per family the strongest weight and the rules that fired. */
interface Tally {
  hits: HeuristicHit[];
  family: Map<Family, { weight: number; rules: string[] }>;
}

/** Records one hit and folds it into its family. */
function addHit(tally: Tally, id: string, fam: Family, weight: number, span: Span): void {
  tally.hits.push({ rule: id, family: fam, weight, span });
  const f = tally.family.get(fam);
  if (!f) tally.family.set(fam, { weight, rules: [id] });
  else {
    if (weight > f.weight) f.weight = weight;
    if (!f.rules.includes(id)) f.rules.push(id);
  }
}

/** Obfuscation: hidden characters or look-alikes are only suspicious next to trigger words. */
function addObfuscation(tally: Tally, n: NormalizedText, strong: boolean, whole: Span): void {
  const obfuscated = n.invisibleInWord >= 1 || n.homoglyphs >= 2 || n.tagChars >= 4;
  if (obfuscated && (tally.hits.length > 0 || TRIGGER.test(n.text))) {
    const kinds = [
      n.invisibleInWord ? 'zero-width' : '',
      n.homoglyphs >= 2 ? 'homoglyphs' : '',
      n.tagChars >= 4 ? 'unicode-tags' : '',
    ].filter(Boolean);
    addHit(tally, `obfuscation(${kinds.join('+')})`, 'obfuscation', strong ? 0.95 : 0.6, {
      ...whole,
      type: 'obfuscation',
    });
  }
  if (n.tagChars >= 8) {
    // Text smuggled in Unicode tag characters is invisible to the reader: never benign in a prompt.
    addHit(tally, 'unicode-tag-smuggling', 'encoded-payload', strong ? 0.95 : 0.7, whole);
  }
}

/** Spelled-out letters ("i g n o r e a l l …"): joined, they must contain a trigger word. */
function addSpacedLetters(tally: Tally, n: NormalizedText): void {
  const text = n.text;
  SPACED_LETTERS.lastIndex = 0;
  let count = 0;
  for (let m = SPACED_LETTERS.exec(text); m !== null && count < MAX_BLOBS; m = SPACED_LETTERS.exec(text)) {
    count++;
    if (SPACED_TRIGGER.test(m[0].replace(/ /g, ''))) {
      const o = toOriginal(n, m.index, m.index + m[0].length);
      addHit(tally, 'spaced-letters', 'obfuscation', 0.6, { ...o, type: 'obfuscation' });
    }
  }
}

/** The text within HIDDEN_WINDOW characters of a rot13 or reversed-text hint. */
function around(text: string, at: number): string {
  return text.slice(Math.max(0, at - HIDDEN_WINDOW), at + HIDDEN_WINDOW);
}

/** rot13 and reversed text: the text around the first hint, decoded, run through the rules. */
function addHidden(tally: Tally, kind: 'rot13' | 'reversed', decoded: string, whole: Span): void {
  const hidden = hiddenScore(decoded);
  if (hidden.weight > 0)
    addHit(tally, `${kind}:${hidden.rules[0]}`, 'encoded-payload', Math.max(0.8, hidden.weight), whole);
}

/** Base64 / hex blobs in the original text that decode to instructions. */
function addEncodedBlobs(tally: Tally, n: NormalizedText): void {
  const src = n.source;
  let blobs = 0;
  for (const [re, kind] of [
    [BASE64_BLOB, 'base64'],
    [HEX_BLOB, 'hex'],
  ] as const) {
    re.lastIndex = 0;
    for (let m = re.exec(src); m !== null && blobs < MAX_BLOBS; m = re.exec(src)) {
      // Plain long words and paths are not base64 of text, which mixes cases.
      if (kind === 'base64' && !(/[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]))) continue;
      blobs++;
      const decoded = decodeBlob(m[0], kind);
      if (!decoded) continue;
      const hidden = hiddenScore(decoded);
      const span: Span = { start: m.index, end: m.index + m[0].length, type: 'encoded-payload' };
      if (hidden.weight > 0)
        addHit(tally, `${kind}:${hidden.rules[0]}`, 'encoded-payload', Math.max(0.9, hidden.weight), span);
      else if (DECODE_HINT.test(n.text) || TRIGGER.test(normalize(decoded).text))
        addHit(tally, `${kind}-text`, 'encoded-payload', 0.45, span);
    }
  }
}

/** The score: the strongest family in full, each further one at half weight, as independent misses. */
function combine(tally: Tally): HeuristicResult {
  const hits = tally.hits;
  if (hits.length === 0) return { score: 0, reasons: [], spans: [], hits };
  const families = [...tally.family].sort((a, b) => b[1].weight - a[1].weight);
  let miss = 1;
  families.forEach(([, f], i) => {
    miss *= 1 - (i === 0 ? f.weight : f.weight / 2);
  });
  const reasons = families.map(([fam, f]) => `${fam}: ${f.rules.join(', ')}`);
  return { score: round(1 - miss), reasons, spans: mergeSpans(hits.map((h) => h.span)), hits };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Sorts spans and merges overlapping ones of the same type. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.findLast((o) => o.type === s.type);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out.sort((a, b) => a.start - b.start);
}
