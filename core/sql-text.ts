/**
 * The two ways text from code enters SQL: identifiers, always double-quoted here, and string
 * literals for contract constants (column names, reject reasons). Data values never come through
 * here: they are bound as parameters.
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Rows from one bound JSON parameter, one per element of its array, typed by `shape` (DuckDB's
 * JSON structure of one element: column → type): a question asked of many keys in one statement.
 * `param` is the parameter's name (`$asks`); the values themselves stay bound.
 */
export function jsonRowsSql(param: string, shape: Readonly<Record<string, string>>): string {
  return `(SELECT unnest(from_json(${param}, ${sqlLiteral(JSON.stringify([shape]))}), recursive := true))`;
}

const PLACEHOLDER = /\{\{('?)([a-z_][a-z0-9_]*)\1\}\}/g;

/**
 * A SQL file written once for many tables (one macro per list, `sql/views/list_at.sql`): what a
 * parameter cannot stand for — a table or macro name, a constant inside a macro's body — is a
 * placeholder filled here, `{{name}}` with the identifier quoted, `{{'name'}}` with the string
 * literal. A placeholder without a value, a value no placeholder uses, or a stray `{{` is an
 * error: a half-filled file never reaches DuckDB.
 */
export function fillSqlTemplate(sql: string, values: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const filled = sql.replace(PLACEHOLDER, (whole: string, quote: string, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`SQL placeholder ${whole} has no value`);
    used.add(name);
    const value = values[name]!;
    return quote ? sqlLiteral(value) : quoteIdent(value);
  });
  if (filled.includes('{{')) throw new Error('SQL template has a "{{" that is not a placeholder ({{name}} or {{\'name\'}})');
  const unused = Object.keys(values).filter((n) => !used.has(n));
  if (unused.length > 0) throw new Error(`SQL template has no placeholder for ${unused.join(', ')}`);
  return filled;
}
