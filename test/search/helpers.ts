import { randomBytes } from 'node:crypto';

/** A word no other test uses (letters only: whole-word search). */
export function marker(): string {
  return `mk${randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)])}`;
}

const step = (no: number) => ({ no, action: `Bước ${no}`, responsible: 'Bộ phận một cửa', duration: { value: 1, unit: 'working_days' } });

/** A procedure's structured content whose purpose is `purpose` (the words a search may look for). */
export const procedureContent = (purpose = 'Quy định trình tự.') => ({
  purpose,
  scope: 'Áp dụng tại đơn vị.',
  definitions: [],
  legalBases: [],
  dossier: [{ name: 'Đơn' }],
  steps: [step(1)],
  records: [{ name: 'Hồ sơ', keeper: 'Văn phòng', retention: '05 năm' }],
});
