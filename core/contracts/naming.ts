/** Warehouse column names: the contract's header names in snake_case, so analysts need no quoting. */
export function snakeCase(header: string): string {
  return header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
