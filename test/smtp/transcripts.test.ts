// File transcripts (STYLE.md habit 1): test/smtp/transcripts/*.txt, played over a socket.
// `C: text` is sent with CRLF; `D: text` is sent as written with \r and \n escapes;
// `S: prefix` expects the next reply to start with it (code, enhanced code, text).
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmtpClient } from './support/client.js';
import { startTestServer } from './support/harness.js';

const dir = fileURLToPath(new URL('./transcripts/', import.meta.url));

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`transcript ${file}`, async () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const mode = /^# mode: (mx|submission)$/m.exec(text)?.[1] === 'submission' ? 'submission' : 'mx';
    const s = await startTestServer({ mode });
    const c = await SmtpClient.connect(s.port);
    try {
      for (const [n, line] of text.split('\n').entries()) {
        if (line.startsWith('C:')) c.send(line.slice(3));
        else if (line.startsWith('D: ')) c.write(line.slice(3).replace(/\\r/g, '\r').replace(/\\n/g, '\n'));
        else if (line.startsWith('S: ')) {
          await c.expect(line.slice(3)).catch((e: Error) => {
            throw new Error(`${file}:${n + 1}: ${e.message}`);
          });
        }
      }
    } finally {
      c.close();
      await s.close();
    }
  });
}
