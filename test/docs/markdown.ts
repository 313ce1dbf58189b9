/** Fenced code blocks of a Markdown page, for the tests that check or run the docs' examples. */

export interface FencedBlock {
  /** The info string after the opening fence (`console`, `yaml`, … or '' for none). */
  lang: string;
  /** `file:line` of the opening fence. */
  where: string;
  /** The block's lines, each with the 1-based line number it has in the page. */
  lines: { text: string; line: number }[];
}

/** Every fenced block of `markdown`, in document order. */
export function fencedBlocks(markdown: string, file: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: FencedBlock | null = null;
  for (const [i, text] of markdown.split('\n').entries()) {
    if (text.startsWith('```')) {
      if (open) blocks.push(open);
      open = open ? null : { lang: text.slice(3).trim(), where: `${file}:${i + 1}`, lines: [] };
      continue;
    }
    open?.lines.push({ text, line: i + 1 });
  }
  return blocks;
}

/** The info strings of blocks that are shell sessions or scripts. */
export const SHELL_LANGS = ['sh', 'bash', 'console', 'shell'];
