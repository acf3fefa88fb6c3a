/** A line diff (the API's hunks) laid out in two columns, as auditors compare revisions. */
/** Pairs the lines of a hunk into rows: equal lines side by side, removed runs beside added runs. */
export function sideBySide(lines: { op: 'equal' | 'added' | 'removed'; text: string }[]): { left?: string; right?: string; kind: 'equal' | 'change' }[] {
  const rows: { left?: string; right?: string; kind: 'equal' | 'change' }[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) rows.push({ left: removed[i], right: added[i], kind: 'change' });
    removed = [];
    added = [];
  };
  for (const l of lines) {
    if (l.op === 'equal') {
      flush();
      rows.push({ left: l.text, right: l.text, kind: 'equal' });
    } else if (l.op === 'removed') removed.push(l.text);
    else added.push(l.text);
  }
  flush();
  return rows;
}
