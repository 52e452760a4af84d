import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerDkimCommands } from '../../src/cli/dkim.js';
import { loadDkimKeys } from '../../src/auth/dkim.js';

async function run(args: string[]): Promise<{ out: string; err: unknown }> {
  let out = '';
  const program = new Command('posthorn').option('--data <dir>').option('--json').exitOverride();
  registerDkimCommands(program, { io: { stdout: (t) => { out += t; } } });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err: null };
  } catch (err) {
    return { out, err };
  }
}

test('posthorn dkim keygen writes the key and prints the TXT record', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-cli-dkim-'));
  try {
    const ed = await run(['--data', dir, 'dkim', 'keygen', 'LocalISP.test', '--selector', 'mail']);
    assert.equal(ed.err, null);
    assert.match(ed.out, /^mail\._domainkey\.localisp\.test\. IN TXT "v=DKIM1; k=ed25519; p=[A-Za-z0-9+/=]+"$/m);
    const rsa = await run(['--data', dir, '--json', 'dkim', 'keygen', 'localisp.test', '--selector', 'r1', '--algorithm', 'rsa']);
    const j = JSON.parse(rsa.out) as { name: string; text: string; zone: string; file: string };
    assert.equal(j.name, 'r1._domainkey.localisp.test');
    assert.match(j.text, /^v=DKIM1; k=rsa; p=/);
    assert.match(j.zone, /" "/, 'the long RSA record is split into 255-octet strings');
    assert.deepEqual((await loadDkimKeys(dir)).get('localisp.test')?.map((k) => k.selector), ['mail', 'r1']);
    const again = await run(['--data', dir, 'dkim', 'keygen', 'localisp.test', '--selector', 'mail']);
    assert.match(String(again.err), /exists/);
    assert.match(String((await run(['--data', dir, 'dkim', 'keygen', 'bad_domain'])).err), /invalid domain/);
    assert.match(String((await run(['--data', dir, 'dkim', 'keygen', 'a.test', '--algorithm', 'dsa'])).err), /unknown algorithm/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
