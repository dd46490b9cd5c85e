/**
 * Which character separates a CSV's values, read from its header line before anything reads its
 * rows. A file separated by semicolons (Excel with European list settings) or tabs ("Text (Tab
 * delimited)" renamed .csv) is rejected whole, naming what was found, instead of as a file
 * missing its columns. The header's cells are the line split on commas (activities/csv-header.ts),
 * so a comma file has many cells; a semicolon file has one (or a few, when a name holds a comma)
 * with the semicolons inside. Pure: no IO.
 */

const OTHERS = [
  { char: ';', words: 'semicolons (;)' },
  { char: '\t', words: 'tabs' },
  { char: '|', words: 'vertical bars (|)' },
] as const;

function count(cells: readonly string[], char: string): number {
  return cells.reduce((n, c) => n + c.split(char).length - 1, 0);
}

/** Why the file is not comma-separated, or null when commas separate its header best. */
export function delimiterProblem(header: readonly string[]): string | null {
  const commas = header.length - 1;
  let best: (typeof OTHERS)[number] | null = null;
  let most = commas;
  for (const o of OTHERS) {
    const n = count(header, o.char);
    if (n > most) {
      best = o;
      most = n;
    }
  }
  return best ? `the file is separated by ${best.words}, not commas: export it as CSV (comma delimited)` : null;
}
