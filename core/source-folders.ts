/**
 * The source folders of the landing folder, defined once (spec: shared/spec/sources.md). Pull reads
 * the files directly in these folders (activities/pull.ts); everything else in the landing folder —
 * a file in its root, a folder not named here (or named with capitals), a sub-folder, a file of a
 * kind its folder does not take — is listed as `ignored` with the reason, never passed over in
 * silence (activities/landing-walk.ts).
 *
 * A new kind of source is one more entry here: its folder name (also its `SourceKind`) and the file
 * extensions its folder takes. Pull's `classifyName` then says what a file name in it means, and
 * the compiler points at every table keyed by `SourceKind` that needs a word for it. Pure: no IO.
 */

export interface SourceFolder {
  /** The folder's name in the landing folder, lower case, and the source kind it holds. */
  readonly kind: string;
  /** File extensions (lower case, with the dot) the folder takes; any other file in it is ignored. */
  readonly extensions: readonly string[];
}

export const SOURCE_FOLDERS = [
  // .xlsx: the Annex A workbook (sources.md v2, `annex_a_<date>.xlsx`).
  { kind: 'case-system', extensions: ['.csv', '.xlsx'] },
  { kind: 'hr', extensions: ['.csv'] },
  { kind: 'audits', extensions: ['.xlsx', '.csv'] },
  // Managers' commentary, one file a month (`<YYYY-MM>.csv|md`, core/commentary.ts): not a list.
  { kind: 'commentary', extensions: ['.csv', '.md'] },
  // The improvement plan tracker (any name, an optional `_YYYY-MM-DD` date, core/plan-file.ts): not a list of children.
  { kind: 'plan', extensions: ['.xlsx', '.csv'] },
] as const satisfies readonly SourceFolder[];

export type SourceKind = (typeof SOURCE_FOLDERS)[number]['kind'];

export const SOURCE_KINDS: readonly SourceKind[] = SOURCE_FOLDERS.map((s) => s.kind);

export function sourceFolder(kind: SourceKind): SourceFolder {
  return SOURCE_FOLDERS.find((s) => s.kind === kind)!;
}

/** The source folders as a reason names them: `case-system/, hr/ and audits/`. */
export function sourceFolderList(): string {
  const names = SOURCE_KINDS.map((k) => `${k}/`);
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
