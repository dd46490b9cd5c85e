import { describe, expect, it } from 'vitest';
import { neutraliseFormula, toCsv } from '../core/csv-safe.js';

const BOM = '\uFEFF';

describe('toCsv', () => {
  it('starts with a UTF-8 BOM and ends every record with CRLF', () => {
    expect(toCsv([{ a: 1, b: 'x' }], ['a', 'b'])).toBe(`${BOM}a,b\r\n1,x\r\n`);
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    const rows = [{ v: '=SUM(A1)' }, { v: '+44 20 7946 0000' }, { v: '-2+3' }, { v: '@cmd' }, { v: '\tTAB' }, { v: '\rCR' }];
    const lines = toCsv(rows, ['v']).slice(BOM.length).split('\r\n');
    expect(lines.slice(1, 5)).toEqual(["'=SUM(A1)", "'+44 20 7946 0000", "'-2+3", "'@cmd"]);
    expect(toCsv([{ v: '\tTAB' }], ['v'])).toBe(`${BOM}v\r\n'\tTAB\r\n`);
    // A leading CR also needs quotes, since the field holds a CR.
    expect(toCsv([{ v: '\rCR' }], ['v'])).toBe(`${BOM}v\r\n"'\rCR"\r\n`);
  });

  it('keeps genuine negative numbers as numbers; a negative number written as text is neutralised', () => {
    expect(toCsv([{ n: -3.2, s: '-3.2' }], ['n', 's'])).toBe(`${BOM}n,s\r\n-3.2,'-3.2\r\n`);
  });

  it('quotes fields with quotes, commas or newlines and doubles the quotes (RFC 4180)', () => {
    const csv = toCsv([{ a: 'say "hi"', b: 'one, two', c: 'line1\nline2', d: 'crlf\r\nhere' }], ['a', 'b', 'c', 'd']);
    expect(csv).toBe(`${BOM}a,b,c,d\r\n"say ""hi""","one, two","line1\nline2","crlf\r\nhere"\r\n`);
  });

  it('quotes and neutralises together: a formula with a comma', () => {
    expect(toCsv([{ a: '=HYPERLINK("http://x","y")' }], ['a'])).toBe(`${BOM}a\r\n"'=HYPERLINK(""http://x"",""y"")"\r\n`);
  });

  it('writes null, undefined and missing keys as empty cells; booleans, bigints and dates plainly', () => {
    expect(toCsv([{ a: null, b: undefined, d: true, e: 10n, f: new Date(Date.UTC(2015, 1, 28)) }], ['a', 'b', 'c', 'd', 'e', 'f'])).toBe(
      `${BOM}a,b,c,d,e,f\r\n,,,true,10,2015-02-28T00:00:00.000Z\r\n`,
    );
  });

  it('refuses NaN and Infinity rather than writing them as text', () => {
    expect(() => toCsv([{ a: Number.NaN }], ['a'])).toThrow(/column "a" holds NaN/);
  });

  it('neutralises and quotes header names too, and keeps UTF-8 text', () => {
    expect(toCsv([], ['=x', 'café “quoted” £'])).toBe(`${BOM}'=x,café “quoted” £\r\n`);
    expect(neutraliseFormula('plain')).toBe('plain');
  });
});
