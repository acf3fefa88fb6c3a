import { KeyedIndex } from '../../src/identity/live-caches.js';

describe('KeyedIndex (the caches\' values with a reverse index by owner)', () => {
  it('forgetting an owner drops every value it owns, and only those', () => {
    const x = new KeyedIndex<string>(100);
    x.set('s1', 'a', ['u1']);
    x.set('s2', 'b', ['u1', null]);
    x.set('s3', 'c', ['u2']);
    x.forgetOwner('u1');
    expect([x.get('s1'), x.get('s2'), x.get('s3')]).toEqual([undefined, undefined, 'c']);
    expect(x.owners).toBe(1);
  });

  it('a value overwritten under other owners is no longer forgotten with the old ones', () => {
    const x = new KeyedIndex<string>(100);
    x.set('k', 'old', ['d1', 'p1']);
    x.set('k', 'new', ['d2']);
    x.forgetOwner('d1');
    expect(x.get('k')).toBe('new');
    x.forgetOwner('d2');
    expect(x.get('k')).toBeUndefined();
    expect(x.owners).toBe(0);
  });

  it('a deleted value leaves the reverse index too (expired sessions do not pile up in it)', () => {
    const x = new KeyedIndex<string>(1_000_000);
    for (let i = 0; i < 10_000; i++) {
      x.set(`s${i}`, 'p', [`u${i}`]);
      x.delete(`s${i}`);
    }
    expect(x.owners).toBe(0);
  });

  it('is emptied when it holds its limit', () => {
    const x = new KeyedIndex<string>(2);
    x.set('a', '1', ['o']);
    x.set('b', '2', ['o']);
    x.set('c', '3', ['o']);
    expect([x.get('a'), x.get('b'), x.get('c')]).toEqual([undefined, undefined, '3']);
    expect(x.owners).toBe(1);
  });
});
