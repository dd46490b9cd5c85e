/**
 * DfE's statistical neighbour file, wide CSV form (core/statistical-neighbours.ts): neighbours named
 * or coded, `-` for none, and each council's nearest within a region.
 */
import { describe, expect, it } from 'vitest';
import { nearestWithin, normaliseLaName, parseStatisticalNeighbours } from '../core/statistical-neighbours.js';

const header = ['old_la_code', 'la_name', ...Array.from({ length: 10 }, (_, i) => [`SN_${i + 1}`, `SN_${i + 1}P`]).flat()].join(',');
const line = (code: string, name: string, ns: [string, string][]) =>
  [code, name, ...Array.from({ length: 10 }, (_, i) => ns[i] ?? ['-', '-']).flat()].map((c) => (c.includes(',') ? `"${c}"` : c)).join(',');

const FILE = [
  header,
  // Barnet's neighbours by name; Enfield 3rd, Camden is not among them; Hertfordshire is not in the region.
  line('302', 'Barnet', [['Hertfordshire', 'Extremely Close'], ['Harrow', 'Very Close'], ['Enfield', 'Very Close']]),
  // Enfield's by code: 302 Barnet 1st, 202 Camden 2nd.
  line('308', 'Enfield', [['302', 'Very Close'], ['202', 'Close']]),
  line('202', 'Camden', []),
  line('810', 'Kingston upon Hull, City of', [['302', 'Somewhat Close']]),
].join('\r\n');

describe('statistical neighbours', () => {
  it('reads the wide CSV: neighbours nearest first with their closeness, none for "-"', () => {
    const { value, errors } = parseStatisticalNeighbours(`\uFEFF${FILE}\r\n`);
    expect(errors).toEqual([]);
    expect(value.find((e) => e.code === '302')).toEqual({
      code: '302',
      name: 'Barnet',
      neighbours: [
        { position: 1, ref: 'Hertfordshire', closeness: 'Extremely Close' },
        { position: 2, ref: 'Harrow', closeness: 'Very Close' },
        { position: 3, ref: 'Enfield', closeness: 'Very Close' },
      ],
    });
    expect(value.find((e) => e.code === '202')?.neighbours).toEqual([]);
  });

  it('names what is missing from a file that is not one', () => {
    expect(parseStatisticalNeighbours('la_code,name\n302,Barnet\n').errors).toEqual([
      'its header has no old_la_code, la_name, SN_1 column (expected old_la_code, la_name, SN_1, SN_1P … SN_10, SN_10P)',
    ]);
    expect(parseStatisticalNeighbours(`${header}\nBarnet,Barnet\n`).errors).toEqual(['line 2: old_la_code is not a 3-digit LA code']);
  });

  it('keeps each council’s neighbours that are in the region, by name or by code, in their order', () => {
    const { value } = parseStatisticalNeighbours(FILE);
    const region = [
      { id: 'barnet', name: 'London Borough of Barnet', laCode: 'E09000003' },
      { id: 'enfield', name: 'Enfield', laCode: '308' },
      { id: 'camden', name: 'Camden', laCode: '202' },
      { id: 'westminster', name: 'Westminster', laCode: '213' },
    ];
    const { value: nearest, notes } = nearestWithin(value, region);
    expect(nearest).toEqual([
      // Barnet is found by its name (its new code is not in the file); of its neighbours only Enfield is in the region.
      { council: 'barnet', nearest: [{ council: 'enfield', position: 3, closeness: 'Very Close' }] },
      {
        council: 'enfield',
        nearest: [
          { council: 'barnet', position: 1, closeness: 'Very Close' },
          { council: 'camden', position: 2, closeness: 'Close' },
        ],
      },
      { council: 'camden', nearest: [] },
      { council: 'westminster', nearest: [] },
    ]);
    expect(notes).toEqual(['Westminster (LA code 213) is not in the statistical neighbour file, so it has no neighbours here.']);
  });

  it('matches LA names the way DfE and councils write them', () => {
    expect(normaliseLaName('Kingston upon Hull, City of')).toBe(normaliseLaName('Kingston upon Hull City Council'));
    expect(normaliseLaName('Royal Borough of Kensington & Chelsea')).toBe(normaliseLaName('Kensington and Chelsea'));
  });
});
