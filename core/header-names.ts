/**
 * How a header cell is matched to a contract column, for CSVs and workbook sheets alike: by its
 * name or one of the spellings `config/header-aliases.json` accepts for it (`Age` for `Age of
 * Child (Years)`), compared by {@link headerKey}. Pure: parsing and matching; reading the file is
 * activities/header-aliases-config.ts.
 *
 * The alias file is versioned and checked like the other configuration files: a column no list
 * has, or a spelling that would make one header cell two columns of a list, is an error that
 * stops the night (a misspelt alias that silently did not apply would reject a council's files).
 */
import { z } from 'zod';
import { CONTRACTS, type ListContract } from './contracts/lists.js';

export const HEADER_ALIASES_CONFIG = 'config/header-aliases.json';

/**
 * The form a header is compared in: case, surrounding and repeated spaces (line breaks and
 * non-breaking spaces too: Excel header cells often wrap), curly quotes, a `(Y/N)` marker and a
 * doubled bracket do not count. `Referral NFA? (Y/N)`, `referral  nfa?` and `Referral NFA?` match.
 */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/([()])\1+/g, '$1')
    .replace(/\(\s*y\s*\/\s*n\s*\)/gi, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([?)])/g, '$1')
    .trim()
    .toLowerCase();
}

export const headerAliasesConfig = z.strictObject({
  version: z.literal(1),
  /** Contract column name (any list that has it) → the other spellings its header may have. */
  columns: z.record(z.string().min(1), z.array(z.string().trim().min(1)).min(1)),
});

export type HeaderAliasesConfig = z.infer<typeof headerAliasesConfig>;

/** The accepted spellings, checked against the contracts. */
export interface HeaderNames {
  version: number;
  /** Contract column name → its aliases as the file spells them. */
  aliases: ReadonlyMap<string, readonly string[]>;
}

/** Names only: what a loader uses when it is given no alias file. */
export const NAMES_ONLY: HeaderNames = { version: 0, aliases: new Map() };

/** Problems of an alias file against the contracts, in words; [] when it can be used. */
function aliasProblems(cfg: HeaderAliasesConfig, file: string): string[] {
  const errors: string[] = [];
  for (const [column, aliases] of Object.entries(cfg.columns)) {
    const lists = [...CONTRACTS.values()].filter((c) => column in c.columns);
    if (lists.length === 0) {
      errors.push(`${file}: columns."${column}": no list has a column of that name (the names are in docs/data-dictionary.md, "header in the file")`);
      continue;
    }
    for (const alias of aliases) {
      for (const c of lists) {
        const other = Object.keys(c.columns).find((h) => h !== column && headerKey(h) === headerKey(alias));
        if (other) errors.push(`${file}: columns."${column}": "${alias}" is already the name of the column "${other}" of ${c.list}`);
      }
    }
  }
  // One spelling may not stand for two columns of one list.
  for (const c of CONTRACTS.values()) {
    const owner = new Map<string, string>();
    for (const [column, aliases] of Object.entries(cfg.columns)) {
      if (!(column in c.columns)) continue;
      for (const alias of aliases) {
        const before = owner.get(headerKey(alias));
        if (before && before !== column) errors.push(`${file}: "${alias}" is given to both "${before}" and "${column}", which are both columns of ${c.list}`);
        owner.set(headerKey(alias), column);
      }
    }
  }
  return [...new Set(errors)];
}

/** Parses the alias file's text; errors in words, never a throw. */
export function parseHeaderAliases(text: string, file = HEADER_ALIASES_CONFIG): { value?: HeaderNames; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = headerAliasesConfig.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  const errors = aliasProblems(parsed.data, file);
  if (errors.length > 0) return { errors };
  return { value: { version: parsed.data.version, aliases: new Map(Object.entries(parsed.data.columns)) }, errors: [] };
}

/** Each accepted header key of a list → its contract column (names first; aliases never shadow a name). */
export function columnsByKey(contract: ListContract, names: HeaderNames): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of Object.keys(contract.columns)) out.set(headerKey(h), h);
  for (const [column, aliases] of names.aliases) {
    if (!(column in contract.columns)) continue;
    for (const a of aliases) if (!out.has(headerKey(a))) out.set(headerKey(a), column);
  }
  return out;
}

/**
 * Every column name of every list and every alias, by key, in our own spelling (the contract's,
 * or the alias file's): the only header cells a reason may quote.
 */
export function knownHeaderSpellings(names: HeaderNames): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of CONTRACTS.values()) for (const h of Object.keys(c.columns)) out.set(headerKey(h), h);
  for (const aliases of names.aliases.values()) for (const a of aliases) if (!out.has(headerKey(a))) out.set(headerKey(a), a);
  return out;
}
