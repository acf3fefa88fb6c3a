import { paperSymbol } from '../common/decree30.js';

/** Agencies that are People's Committees (signing "TM. ỦY BAN NHÂN DÂN", headed by a Chủ tịch). */
export const COMMITTEE_LEVELS = new Set(['province', 'district', 'commune']);

/** "BC-UBND" for a People's Committee, else "BC-" and the agency's code ("BC-SKHCN"). */
export function reportSymbol(agency: { level: string; code: string }): string {
  const issuer = COMMITTEE_LEVELS.has(agency.level) ? 'UBND' : agency.code.toUpperCase().replace(/[^0-9A-ZĐ]/g, '') || 'CQ';
  return paperSymbol('bao_cao', issuer);
}

export function headTitleOf(level: string): string {
  if (COMMITTEE_LEVELS.has(level)) return 'Chủ tịch';
  if (level === 'department') return 'Giám đốc';
  return 'Thủ trưởng';
}
