/**
 * The shared SQL a KPI's definition version takes in: the macros it calls, directly or through
 * other macros. A macro is found by its `CREATE [OR REPLACE] MACRO <schema>.<name>(` statement in
 * a SQL file outside sql/kpi/ and sql/drill/ (sql/meta/macros.sql holds several, sql/cohort/ one
 * per file, named after it), or in the SQL that core generates for one (`ref.shown_code`,
 * `ref.without_letter_prefix`). What is hashed is each called macro's statement as written, from
 * CREATE to the end of its body, under its name: moving a macro to another file, or editing the
 * comments between statements, changes no version; editing its body changes the version of every
 * KPI that calls it, and of no other.
 *
 * Not covered: `core.<list>_at` and `core.audits_at`, which activities/migrate.ts still writes in
 * TypeScript (they are in the "shared SQL" part of reuse's inputs, activities/kpi-reuse.ts). Once
 * they live in a SQL file under sql/, they are found like any other macro.
 *
 * Pure: the files are read by activities/kpi-files.ts.
 */
import { sqlSkeleton, sqlStatements } from './sql-skeleton.js';

export interface SqlMacro {
  /** `<schema>.<name>`, lower case. */
  name: string;
  /** Where it is defined, for messages. */
  file: string;
  /** Its CREATE statement as written, without the `;`. */
  text: string;
  /** Where its body starts in `text` (after `CREATE … MACRO name(`): calls are looked for from here. */
  bodyAt: number;
}

export type MacroRegistry = ReadonlyMap<string, SqlMacro>;

const CREATE_MACRO = /\bcreate\s+(?:or\s+replace\s+)?(?:temp\s+|temporary\s+)?macro\s+([a-z_][a-z0-9_]*)\s*\.\s*([a-z_][a-z0-9_]*)\s*\(/i;
const CALL = /\b([a-z_][a-z0-9_]*)\s*\.\s*([a-z_][a-z0-9_]*)\s*\(/gi;

/** The schema-qualified macros a script creates. */
export function macrosInScript(file: string, sql: string): SqlMacro[] {
  const out: SqlMacro[] = [];
  for (const s of sqlStatements(sql)) {
    const m = CREATE_MACRO.exec(s.skeleton);
    if (!m) continue;
    const text = s.text.slice(m.index).trimEnd();
    out.push({ name: `${m[1]}.${m[2]}`.toLowerCase(), file, text, bodyAt: m[0].length });
  }
  return out;
}

/** One registry from several scripts; a macro created in two places is an error (which one would a KPI get?). */
export function macroRegistry(scripts: readonly { file: string; text: string }[]): { value?: MacroRegistry; errors: string[] } {
  const registry = new Map<string, SqlMacro>();
  const errors: string[] = [];
  for (const s of scripts) {
    for (const m of macrosInScript(s.file, s.text)) {
      const seen = registry.get(m.name);
      if (seen) errors.push(`the macro ${m.name} is created in both ${seen.file} and ${m.file}: keep one`);
      else registry.set(m.name, m);
    }
  }
  return errors.length > 0 ? { errors } : { value: registry, errors };
}

function callsIn(sql: string, registry: MacroRegistry): string[] {
  return [...sqlSkeleton(sql).text.matchAll(CALL)].map((m) => `${m[1]}.${m[2]}`.toLowerCase()).filter((n) => registry.has(n));
}

/** The registry's macros the SQL calls, directly or through other macros, by name. */
export function macrosCalled(sql: string, registry: MacroRegistry): string[] {
  const found = new Set<string>();
  const todo = callsIn(sql, registry);
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    const m = registry.get(name)!;
    todo.push(...callsIn(m.text.slice(m.bodyAt), registry));
  }
  return [...found].sort();
}

/** The text a definition version hashes for these macros: each by name, with its statement. Empty for none. */
export function macroText(names: readonly string[], registry: MacroRegistry): string {
  return names.map((n) => `-- macro ${n}\n${registry.get(n)!.text}`).join('\n');
}
