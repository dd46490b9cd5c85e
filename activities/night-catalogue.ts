/**
 * One KPI catalogue per night. Compute reads it (sql/kpi/, the shared macros, the code mappings:
 * activities/kpi-files.ts) and returns the hash that names it (ComputeResult `catalogue`); detect
 * baselines, the alert and publish are given that hash and take the definitions from this
 * worker's memory. The hash crosses Temporal, not the definitions: 20 KPIs' SQL, metadata and shared
 * macros are about 70 KB and grow with the catalogue, and a payload is for paths, hashes and counts.
 *
 * A worker that does not hold the catalogue (another worker took the step, or this one restarted)
 * reads the files again and goes on only if they give the same hash. If they do not, the
 * definitions were edited during the night: its figures, baseline events and snapshot would not
 * agree, so the step fails and says to re-run the night.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { NightCatalogue } from './kpi-files.js';

/** Catalogues kept per worker: a worker serving several councils may hold a few at once. */
const KEPT = 8;

export class NightCatalogues {
  private readonly kept = new Map<string, NightCatalogue>();

  constructor(private readonly read: () => Promise<NightCatalogue>) {}

  /** Compute's read: the files as they are now, kept for the night's later steps. */
  async readForCompute(): Promise<NightCatalogue> {
    const c = await this.read();
    this.keep(c);
    return c;
  }

  /** The definitions tonight's figures were computed under (`hash` from compute; absent for a night computed before it was passed). */
  async definitionsOf(hash: string | undefined): Promise<KpiDefinition[]> {
    if (hash === undefined) return (await this.read()).defs;
    const kept = this.kept.get(hash);
    if (kept) return kept.defs;
    const now = await this.read();
    if (now.hash !== hash) {
      throw ApplicationFailure.nonRetryable(
        "The KPI definitions changed after tonight's figures were computed (a file in sql/kpi/ or sql/cohort/, a shared macro or config/code-mappings.json was edited during the night): re-run the night, so that its figures, baseline events and snapshot use one set of definitions.",
        'KpiCatalogueChanged',
      );
    }
    this.keep(now);
    return now.defs;
  }

  private keep(c: NightCatalogue): void {
    this.kept.delete(c.hash);
    this.kept.set(c.hash, c);
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= KEPT) break;
      this.kept.delete(oldest);
    }
  }
}
