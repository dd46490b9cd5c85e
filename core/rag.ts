/** RAG status from target, amber bound and polarity (spec: kpis.md, after the catalogue). */
import type { KpiMeta } from './kpi-definition.js';

export type Rag = 'green' | 'amber' | 'red' | 'none';

export function ragStatus(value: number | null, m: Pick<KpiMeta, 'target' | 'amber' | 'amber_strict' | 'polarity'>): Rag {
  if (value === null || m.target === null) return 'none';
  const better = (a: number, b: number) => (m.polarity === 'higher' ? a >= b : a <= b);
  if (better(value, m.target)) return 'green';
  if (m.amber !== null) {
    const amber = m.amber_strict ? (m.polarity === 'higher' ? value > m.amber : value < m.amber) : better(value, m.amber);
    if (amber) return 'amber';
  }
  return 'red';
}
