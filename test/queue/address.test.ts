/** --queue addresses: what is accepted, with its defaults, and the one-line refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueueAddress } from '../../src/queue/address.js';
import { UserError } from '../../src/util/errors.js';

test('redis:// addresses: host, port (default 6379), database, credentials, TLS; the password is never shown', () => {
  assert.deepEqual(parseQueueAddress('redis://127.0.0.1:6380'), { host: '127.0.0.1', port: 6380, db: 0, username: undefined, password: undefined, tls: false, shown: 'redis://127.0.0.1:6380' });
  const a = parseQueueAddress('redis://queue.lab');
  assert.equal(a.port, 6379);
  assert.equal(a.shown, 'redis://queue.lab:6379');
  assert.equal(parseQueueAddress('redis://h:1/3').db, 3);
  const auth = parseQueueAddress('rediss://alice:s%40cret@h:7000/2');
  assert.deepEqual([auth.username, auth.password, auth.tls, auth.db], ['alice', 's@cret', true, 2]);
  assert.equal(auth.shown, 'rediss://alice@h:7000/2');
  assert.ok(!auth.shown.includes('cret'));
  assert.equal(parseQueueAddress('redis://:pw@h:1').password, 'pw');
  assert.equal(parseQueueAddress('redis://[::1]:6379').host, '::1');
});

test('malformed addresses are one-line UserErrors naming --queue', () => {
  const cases: [string, RegExp][] = [
    ['', /empty address/],
    ['127.0.0.1:6379', /no scheme/],
    ['localhost', /no scheme/],
    ['redis://bad host:1', /not a URL/],
    ['http://127.0.0.1:6379', /scheme must be redis:\/\/ or rediss:\/\/, not http:/],
    ['redis://127.0.0.1:99999', /not a URL/],
    ['redis://127.0.0.1:0', /port 0/],
    ['redis://127.0.0.1:6379/queue', /database by its number/],
    ['redis://127.0.0.1:6379?db=1', /no \?query/],
    ['redis://', /no host/],
  ];
  for (const [text, why] of cases) {
    assert.throws(() => parseQueueAddress(text), (e: unknown) => {
      assert.ok(e instanceof UserError, `${text}: ${String(e)}`);
      assert.match(e.message, /^--queue /, text);
      assert.match(e.message, why, text);
      assert.ok(!e.message.includes('\n'), text);
      return true;
    });
  }
});
