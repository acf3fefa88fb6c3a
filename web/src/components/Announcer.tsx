import { Notification, Portal } from '@mantine/core';
import { useEffect, useState } from 'react';
import { m } from '../i18n';
import { onNotify } from './notify';

/** Shows notify()/notifyError() messages as a toast and in an aria-live region. */
export function Announcer() {
  const [items, setItems] = useState<{ id: number; message: string; kind: 'success' | 'error' }[]>([]);
  useEffect(
    () =>
      onNotify((n) => {
        const id = Date.now() + Math.random();
        setItems((list) => [...list.slice(-2), { id, ...n }]);
        setTimeout(() => setItems((list) => list.filter((i) => i.id !== id)), n.kind === 'error' ? 10_000 : 4000);
      }),
    [],
  );
  return (
    <Portal>
      <div aria-live="polite" role="status" style={{ position: 'fixed', bottom: 16, right: 16, left: 16, zIndex: 1000, display: 'flex', flexDirection: 'column', alignItems: 'flex-end', gap: 8, pointerEvents: 'none' }}>
        {items.map((i) => (
          <Notification
            key={i.id}
            color={i.kind === 'error' ? 'red' : 'green'}
            style={{ pointerEvents: 'auto', maxWidth: 420, width: '100%' }}
            closeButtonProps={{ 'aria-label': m.app.close }}
            onClose={() => setItems((list) => list.filter((x) => x.id !== i.id))}
          >
            {i.message}
          </Notification>
        ))}
      </div>
    </Portal>
  );
}
