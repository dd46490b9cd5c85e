/**
 * Column kinds of the source contracts. Each builder returns a zod schema for the typed value
 * with its loading metadata attached (`.meta()`), so one declaration gives the TypeScript type,
 * the JSON Schema and data dictionary entry, the DuckDB column type and the SQL row checks.
 */
import { z } from 'zod';

export type ColumnKind = 'text' | 'date' | 'flag' | 'code' | 'count' | 'fte' | 'org_role';

export interface ColumnMeta {
  kind: ColumnKind;
  /** The value must not be blank (and so the column must be in the header). */
  required: boolean;
  /**
   * The column must be in the header, though a row may leave it blank (a closure date while the
   * case is open, a conference date until it is held, a count that may be unknown): a KPI or
   * check reads it, so a file without it is not the list it claims to be and is rejected whole;
   * a blank cell does not reject the row. `required` implies it ({@link columnRequiredInHeader}).
   */
  headerRequired?: boolean;
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

function column(schema: z.ZodType, meta: ColumnMeta, o: Opts): z.ZodType {
  const s = meta.required ? schema : schema.nullable();
  return s.meta({ csc: o.headerRequired && !meta.required ? { ...meta, headerRequired: true } : meta });
}

/** Whether a file of the list must have the column in its header (required values or not). */
export function columnRequiredInHeader(meta: ColumnMeta): boolean {
  return meta.required || meta.headerRequired === true;
}

export function columnMeta(schema: z.ZodType): ColumnMeta {
  const meta = schema.meta() as { csc?: ColumnMeta } | undefined;
  if (!meta?.csc) throw new Error('schema is not a csc-kpi contract column');
  return meta.csc;
}

interface Opts {
  required?: boolean;
  /** The column must be in the header; blank values are allowed (see ColumnMeta.headerRequired). */
  headerRequired?: boolean;
  /** The column holds an identifier of a child, worker, case or audit (see ColumnMeta.identifier). */
  identifier?: boolean;
}

export const col = {
  text: (description: string, o: Opts = {}) =>
    column(z.string().min(1), { kind: 'text', required: !!o.required, description, duckdbType: 'VARCHAR', identifier: !!o.identifier }, o),
  date: (description: string, o: Opts & { notAfterExtract?: boolean } = {}) =>
    column(z.iso.date(), {
      kind: 'date',
      required: !!o.required,
      description,
      duckdbType: 'DATE',
      notAfterExtract: !!o.notAfterExtract,
    }, o),
  flag: (description: string, o: Opts = {}) =>
    column(z.boolean(), { kind: 'flag', required: !!o.required, description, duckdbType: 'BOOLEAN' }, o),
  code: (description: string, codes: readonly string[], o: Opts & { strict?: boolean } = {}) =>
    column(o.strict ? z.enum(codes as [string, ...string[]]) : z.string().min(1), {
      kind: 'code',
      required: !!o.required,
      description,
      duckdbType: 'VARCHAR',
      codes,
      codesAreStrict: !!o.strict,
    }, o),
  count: (description: string, o: Opts = {}) =>
    column(z.number().int().min(0), { kind: 'count', required: !!o.required, description, duckdbType: 'INTEGER' }, o),
  fte: (description: string, o: Opts = {}) =>
    column(z.number().gt(0).lte(1.5), { kind: 'fte', required: !!o.required, description, duckdbType: 'DECIMAL(18,12)' }, o),
  orgRole: (description: string, o: Opts = {}) =>
    column(z.number().int().min(1).max(6), {
      kind: 'org_role',
      required: !!o.required,
      description,
      duckdbType: 'TINYINT',
      codes: ORG_ROLES,
      codesAreStrict: true,
    }, o),
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
