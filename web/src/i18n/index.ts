import { vi, type Messages } from './vi';

/** The messages in use. An English file (`en.ts`, typed `Messages`) can be chosen here. */
export const m: Messages = vi;
export type { Messages };
