/**
 * Column kinds of the source contracts. Each builder returns a zod schema for the typed value
 * with its loading metadata attached (`.meta()`), so one declaration gives the TypeScript type,
 * the JSON Schema and data dictionary entry, the DuckDB column type and the SQL row checks.
 */
import { z } from 'zod';

export type ColumnKind = 'text' | 'date' | 'flag' | 'code' | 'count' | 'fte' | 'org_role';

export interface ColumnMeta {
  kind: ColumnKind;
  required: boolean;
  /**
   * The file must carry the column although a cell may be blank (a date that is blank until
   * something happens, a count that may be unknown): a missing column rejects the file, a blank
   * cell does not reject the row. `required` implies it.
   */
  inHeader?: boolean;
  description: string;
  /** DuckDB type of the typed column in `core`. */
  duckdbType: string;
  /** Known values for coded columns (compared case-insensitively, Annex A letter prefix ignored). */
  codes?: readonly string[];
  /** A value outside `codes` is a row error (otherwise it is kept for the baseline detector). */
  codesAreStrict?: boolean;
  /** A date after the file's extract date is a row error. */
  notAfterExtract?: boolean;
  /**
   * An identifier of a person or case (child, worker, audit): its value stays in the warehouse
   * and is never printed by tools that report on files (`csc-kpi validate`).
   */
  identifier?: boolean;
}

export type Column = z.ZodType & { readonly __column?: true };

function column(schema: z.ZodType, meta: ColumnMeta): z.ZodType {
  const s = meta.required ? schema : schema.nullable();
  return s.meta({ csc: meta });
}

export function columnMeta(schema: z.ZodType): ColumnMeta {
  const meta = schema.meta() as { csc?: ColumnMeta } | undefined;
  if (!meta?.csc) throw new Error('schema is not a csc-kpi contract column');
  return meta.csc;
}

interface Opts {
  required?: boolean;
  /** The header must carry the column, though its cells may be blank (see ColumnMeta.inHeader). */
  inHeader?: boolean;
  /** The column holds an identifier of a child, worker, case or audit (see ColumnMeta.identifier). */
  identifier?: boolean;
}

/** Only set when asked for, so the metadata of every other column stays exactly as it was. */
const inHeader = (o: Opts): { inHeader?: true } => (o.inHeader ? { inHeader: true } : {});

/** The file must have this column (a missing one rejects the file): required, or required in the header only. */
export function mustBeInHeader(meta: ColumnMeta): boolean {
  return meta.required || !!meta.inHeader;
}

export const col = {
  text: (description: string, o: Opts = {}) =>
    column(z.string().min(1), { kind: 'text', required: !!o.required, ...inHeader(o), description, duckdbType: 'VARCHAR', identifier: !!o.identifier }),
  date: (description: string, o: Opts & { notAfterExtract?: boolean } = {}) =>
    column(z.iso.date(), {
      kind: 'date',
      required: !!o.required,
      ...inHeader(o),
      description,
      duckdbType: 'DATE',
      notAfterExtract: !!o.notAfterExtract,
    }),
  flag: (description: string, o: Opts = {}) =>
    column(z.boolean(), { kind: 'flag', required: !!o.required, ...inHeader(o), description, duckdbType: 'BOOLEAN' }),
  code: (description: string, codes: readonly string[], o: Opts & { strict?: boolean } = {}) =>
    column(o.strict ? z.enum(codes as [string, ...string[]]) : z.string().min(1), {
      kind: 'code',
      required: !!o.required,
      ...inHeader(o),
      description,
      duckdbType: 'VARCHAR',
      codes,
      codesAreStrict: !!o.strict,
    }),
  count: (description: string, o: Opts = {}) =>
    column(z.number().int().min(0), { kind: 'count', required: !!o.required, ...inHeader(o), description, duckdbType: 'INTEGER' }),
  fte: (description: string, o: Opts = {}) =>
    column(z.number().gt(0).lte(1.5), { kind: 'fte', required: !!o.required, description, duckdbType: 'DECIMAL(18,12)' }),
  orgRole: (description: string, o: Opts = {}) =>
    column(z.number().int().min(1).max(6), {
      kind: 'org_role',
      required: !!o.required,
      description,
      duckdbType: 'TINYINT',
      codes: ORG_ROLES,
      codesAreStrict: true,
    }),
};

/** DfE workforce census Org Role, numbered 1–6 (index + 1). */
export const ORG_ROLES = [
  'Senior Manager',
  'Middle Manager',
  'First Line Manager',
  'Senior Practitioner',
  'Case Holder',
  'Qualified Without Cases',
] as const;
