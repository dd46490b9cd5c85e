/**
 * Reading SQL text without being fooled by its comments and strings: the skeleton (comments
 * blanked, string literals emptied, every other character where it was) and the statements of a
 * script. Used to find which shared macros a KPI calls (core/kpi-macros.ts). Not a parser: it
 * knows `--` and `/* … *\/` comments, `'…'` strings (with `''` inside) and `;`, nothing else.
 */

/**
 * The SQL with each comment and each string literal's contents replaced by spaces, so that the
 * skeleton has the same length as the text and an index in one is the same place in the other.
 * `quotedNames`: the text uses a double-quoted name (`"…"`), which a reader of the skeleton may
 * want to refuse.
 */
export function sqlSkeleton(sql: string): { text: string; quotedNames: boolean } {
  let out = '';
  let quotedNames = false;
  for (let i = 0; i < sql.length; ) {
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (sql[i] === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      const stop = Math.min(j + 1, sql.length);
      out += `'${' '.repeat(Math.max(0, stop - i - 2))}${stop - i >= 2 ? "'" : ''}`;
      i = stop;
    } else {
      if (sql[i] === '"') quotedNames = true;
      out += sql[i];
      i++;
    }
  }
  return { text: out, quotedNames };
}

/** The statements of a script, each as written (comments inside it kept), without the `;` that ends it. */
export function sqlStatements(sql: string): { text: string; skeleton: string }[] {
  const { text: skeleton } = sqlSkeleton(sql);
  const out: { text: string; skeleton: string }[] = [];
  let start = 0;
  for (let i = 0; i <= skeleton.length; i++) {
    if (i === skeleton.length || skeleton[i] === ';') {
      if (skeleton.slice(start, i).trim() !== '') out.push({ text: sql.slice(start, i), skeleton: skeleton.slice(start, i) });
      start = i + 1;
    }
  }
  return out;
}
