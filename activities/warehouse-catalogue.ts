/**
 * A warehouse's own catalogue — its tables, views, columns (with types) and macros, as DuckDB
 * lists them (`duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`, `duckdb_functions()`) — for
 * the data dictionary (core/data-dictionary.ts), and a scratch warehouse migrated to the current
 * layout to read it from. Reads names and types only, never rows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCUMENTED_SCHEMAS, type WarehouseCatalogue } from '../core/data-dictionary.js';
import { installDrillMacros } from './compute.js';
import { migrate } from './migrate.js';
import { Warehouse } from './warehouse.js';

export async function readCatalogue(w: Warehouse): Promise<WarehouseCatalogue> {
  const schemas = `[${DOCUMENTED_SCHEMAS.map((s) => `'${s}'`).join(', ')}]`;
  const relations = await w.rows<{ schema_name: string; name: string; kind: 'table' | 'view' }>(
    `SELECT schema_name, table_name AS name, 'table' AS kind FROM duckdb_tables()
       WHERE database_name = current_database() AND NOT temporary AND list_contains(${schemas}, schema_name)
     UNION ALL
     SELECT schema_name, view_name, 'view' FROM duckdb_views()
       WHERE database_name = current_database() AND NOT internal AND NOT temporary AND list_contains(${schemas}, schema_name)
     ORDER BY 1, 2`,
  );
  const columns = await w.rows<{ schema_name: string; table_name: string; column_name: string; data_type: string; is_nullable: boolean }>(
    `SELECT schema_name, table_name, column_name, data_type, is_nullable FROM duckdb_columns()
     WHERE database_name = current_database() AND list_contains(${schemas}, schema_name)
     ORDER BY schema_name, table_name, column_index`,
  );
  const macros = await w.rows<{ schema_name: string; function_name: string; function_type: string; parameters: string[] }>(
    `SELECT DISTINCT schema_name, function_name, function_type, parameters FROM duckdb_functions()
     WHERE database_name = current_database() AND NOT internal AND function_type IN ('macro', 'table_macro') AND list_contains(${schemas}, schema_name)
     ORDER BY 1, 2`,
  );
  return {
    relations: relations.map((r) => ({
      schema: r.schema_name,
      name: r.name,
      kind: r.kind,
      columns: columns
        .filter((c) => c.schema_name === r.schema_name && c.table_name === r.name)
        .map((c) => ({ name: c.column_name, type: c.data_type, nullable: Boolean(c.is_nullable) })),
    })),
    macros: macros.map((m) => ({ schema: m.schema_name, name: m.function_name, table: m.function_type === 'table_macro', parameters: m.parameters })),
  };
}

/** The catalogue of a fresh warehouse, migrated as a night migrates it, with the tables and macros compute adds. */
export async function currentCatalogue(): Promise<WarehouseCatalogue> {
  const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-catalogue-'));
  try {
    return await Warehouse.with(join(dir, 'warehouse.duckdb'), async (w) => {
      await migrate(w);
      await w.runFile('meta/code_mappings.sql');
      await installDrillMacros(w);
      return readCatalogue(w);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
