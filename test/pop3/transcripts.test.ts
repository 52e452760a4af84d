// File-based transcripts (STYLE.md habit 1): test/pop3/transcripts/*.pop3, "C:" lines are sent,
// "S:" lines are expected in order ('*' matches any text). Each file runs on a fresh server
// with the fixture described in basic.pop3.
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pop3TestClient, addUser, message, putInInbox, startTestServer } from './support/harness.js';
import { storeKinds } from './support/stores.js';

const dir = join(import.meta.dirname, 'transcripts');

function pattern(text: string): RegExp {
  return new RegExp('^' + text.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

for (const kind of await storeKinds()) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.pop3')).sort()) {
    test(`[${kind.name}] transcript ${file}`, async () => {
      const store = await kind.open();
      const t = await startTestServer(store);
      try {
        const alice = await addUser(store, 'alice@example.test');
        await putInInbox(store, alice, message('one', 'first line\r\n.dot line\r\nlast line') + '\r\n');
        await putInInbox(store, alice, message('two', 'second') + '\r\n');
        const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => /^[CS]:/.test(l));
        let c: Pop3TestClient | null = null;
        for (const [i, l] of lines.entries()) {
          const text = l.slice(3);
          if (c === null) {
            c = await Pop3TestClient.connect(t.port);
            if (!pattern(text).test(c.greeting)) throw new Error(`${file}:${i}: greeting ${c.greeting}`);
            continue;
          }
          if (l.startsWith('C:')) c.send(text);
          else await c.expect(pattern(text)).catch((e: Error) => { throw new Error(`${file}: line ${i + 1}: ${e.message}`); });
        }
        c?.close();
      } finally {
        await t.close();
      }
    });
  }
}
