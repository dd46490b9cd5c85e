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
