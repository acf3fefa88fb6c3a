/** "Họ tên - Chức vụ" lines of a textarea as records (empty lines skipped; the title may be empty). */
export function nameTitleLines(text: string): { fullName: string; title: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [fullName, ...rest] = l.split(' - ');
      return { fullName: fullName.trim(), title: rest.join(' - ').trim() };
    });
}
