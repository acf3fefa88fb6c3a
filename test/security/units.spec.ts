import { jsonNestsDeeperThan } from '../../src/common/body-limits.js';
import { requestIds } from '../../src/common/request-id.middleware.js';
import { forbiddenTextProblem } from '../../src/common/validation.js';
import { passwordProblem } from '../../src/identity/password-policy.js';
import { addressKey, storeKey } from '../../src/identity/throttle.js';
import { withExtensionOf } from '../../src/storage/http-files.js';

describe('security: pure rules', () => {
  it('measures JSON nesting without parsing, ignoring brackets in strings', () => {
    expect(jsonNestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":{"c":1}}}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"[[[[[[\\"[[[[","b":[1]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('['.repeat(100_000), 64)).toBe(true);
  });

  it('throttles IPv6 clients by /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('198.51.100.2')).toBe('198.51.100.2');
    expect(addressKey(null)).toBe('unknown');
    // Store keys cannot be forged from usernames: separators and globs are encoded.
    expect(storeKey({ kind: 'login', subject: 'a:b*', address: '1.2.3.4' })).toMatch(/^login:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
  });

  it('accepts only UUID request ids from clients; keeps anything else apart, printable and short', () => {
    const id = '6f1c1a52-1f7e-4b7e-9a0b-0d2f0c7b6a11';
    expect(requestIds(id)).toEqual({ requestId: id, clientRequestId: null });
    const other = requestIds('abc\u0000def'.padEnd(300, 'x'));
    expect(other.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.clientRequestId).toBe('abcdef'.padEnd(128, 'x'));
    expect(requestIds(undefined).clientRequestId).toBeNull();
  });

  it('refuses control and bidi characters; tab and line breaks only in multi-line text; secrets only NUL', () => {
    const single = { multiline: false, secret: false };
    const multi = { multiline: true, secret: false };
    expect(forbiddenTextProblem('Quy trình cấp phép', single)).toBeNull();
    expect(forbiddenTextProblem('a\u0085b', single)).toMatch(/U\+0085/);
    expect(forbiddenTextProblem('a\u007fb', single)).toMatch(/U\+007F/);
    expect(forbiddenTextProblem('a\u2066b', multi)).toMatch(/bidirectional/);
    expect(forbiddenTextProblem('a\r\n\tb', multi)).toBeNull();
    expect(forbiddenTextProblem('a\nb', single)).toMatch(/single line/);
    expect(forbiddenTextProblem('mật\u0007khẩu', { multiline: false, secret: true })).toBeNull();
    expect(forbiddenTextProblem('a\u0000', { multiline: true, secret: true })).toMatch(/NUL/);
  });

  it('gives a file name the extension of its real type', () => {
    expect(withExtensionOf('Tờ khai.pdf.exe', 'pdf')).toBe('Tờ khai.pdf');
    expect(withExtensionOf('virus.exe', 'docx')).toBe('virus.docx');
    expect(withExtensionOf('ảnh.JPG', 'jpeg')).toBe('ảnh.JPG');
    expect(withExtensionOf('ảnh.png', 'jpeg')).toBe('ảnh.jpg');
    expect(withExtensionOf('Số 12.2024', 'pdf')).toBe('Số 12.2024.pdf');
    expect(withExtensionOf('.exe', 'pdf')).toBe('file.pdf');
    expect([...withExtensionOf('x'.repeat(255) + '.exe', 'pdf')].length).toBeLessThanOrEqual(255);
  });

  it('passwords: 12 characters at least, not common, not built from common words or the user', () => {
    expect(passwordProblem('Đồng hồ cát tím 2031')).toBeNull();
    expect(passwordProblem('short-pw-11')).not.toBeNull();
    for (const weak of ['password1234', 'Password1234!', 'qwertyuiop123', '1qaz2wsx3edc', 'iloveyou1234']) expect([weak, passwordProblem(weak)]).toEqual([weak, expect.any(String)]);
    expect(passwordProblem('tranthibinh-1990', ['tranthibinh', 'Trần Thị Bình'])).not.toBeNull();
  });
});
