import { errorMessage } from '../api/client';

/**
 * Short messages for the user ("Đã lưu.", errors of one-click actions), read by screen readers
 * through the live region of the layout (components/Announcer.tsx).
 */
type Listener = (n: { message: string; kind: 'success' | 'error' }) => void;
const listeners = new Set<Listener>();

export function onNotify(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function notify(message: string): void {
  listeners.forEach((l) => l({ message, kind: 'success' }));
}

export function notifyError(err: unknown): void {
  const message = errorMessage(err);
  listeners.forEach((l) => l({ message, kind: 'error' }));
}
