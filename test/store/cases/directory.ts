/** Directory contract: domains, accounts (canonical comparison, default mailboxes),
 *  aliases with catch-all, forwards, lists, lookup, and the user errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ctx } from '../conformance.js';
import { freshAccount, reason } from './helpers.js';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

export function directoryCases(ctx: Ctx): void {
  test('domains: canonical names, duplicates and invalid names refused', async () => {
    const d = ctx.store().directory;
    const dom = await d.addDomain(`Mixed-${process.pid}.Example.TEST`);
    assert.equal(dom.name, `mixed-${process.pid}.example.test`);
    assert.equal(await reason(d.addDomain(`mixed-${process.pid}.example.test`)), 'duplicate');
    assert.equal(await reason(d.addDomain('not a domain')), 'invalid');
    assert.equal(await d.isLocalDomain(`MIXED-${process.pid}.example.test.`), true);
    assert.equal(await d.isLocalDomain('elsewhere.test'), false);
    assert.ok((await d.listDomains()).some((x) => x.name === dom.name));
    await d.removeDomain(dom.name);
    assert.equal(await d.isLocalDomain(dom.name), false);
    assert.equal(await reason(d.removeDomain(dom.name)), 'not-found');
  });

  test('accounts: unknown domain, duplicate in any case, default mailboxes', async () => {
    const s = ctx.store();
    const d = s.directory;
    assert.equal(await reason(d.addAccount({ address: 'x@nowhere.example.test', passwordHash: HASH })), 'not-found');
    assert.equal(await reason(d.addAccount({ address: 'not-an-address', passwordHash: HASH })), 'invalid');
    const acc = await freshAccount(s);
    const domain = acc.address.split('@')[1];
    assert.equal(await reason(d.addAccount({ address: acc.address.toUpperCase(), passwordHash: HASH })), 'duplicate');
    const got = await d.getAccount(acc.address.toLowerCase());
    assert.equal(got?.id, acc.id);
    assert.equal(got?.address, acc.address, 'kept as first written');
    assert.equal((await d.getAccountById(acc.id))?.address, acc.address);
    assert.deepEqual((await d.listAccounts(domain)).map((a) => a.id), [acc.id]);
    const boxes = await s.mail.listMailboxes(acc.id);
    const uses = Object.fromEntries(boxes.map((b) => [b.name, b.specialUse]));
    assert.deepEqual(uses, { Archive: '\\Archive', Drafts: '\\Drafts', INBOX: null, Junk: '\\Junk', Sent: '\\Sent', Trash: '\\Trash' });
    const upd = await d.updateAccount(acc.address, { quota: 1234, apopSecret: 'sekrit' });
    assert.equal(upd.quota, 1234);
    assert.equal(upd.apopSecret, 'sekrit');
    assert.equal(await reason(d.updateAccount(`nobody@${domain}`, { quota: 1 })), 'not-found');
    assert.equal(await reason(d.removeDomain(domain)), 'conflict');
    await d.removeAccount(acc.address);
    assert.equal(await d.getAccount(acc.address), null);
    assert.deepEqual(await s.mail.listMailboxes(acc.id), []);
    assert.equal(await reason(d.removeAccount(acc.address)), 'not-found');
    await d.removeDomain(domain);
  });

  test('aliases, catch-all, forwards and lists: lookup and duplicates', async () => {
    const s = ctx.store();
    const d = s.directory;
    const acc = await freshAccount(s);
    const domain = acc.address.split('@')[1];
    await d.addAlias(`Postmaster@${domain}`, [acc.address]);
    await d.addAlias(`postmaster@${domain}`, [acc.address.toLowerCase(), 'other@remote.test']);
    assert.deepEqual(await d.lookup(`POSTMASTER@${domain}`), { kind: 'alias', targets: [acc.address, 'other@remote.test'].sort((a, b) => a.toLowerCase() < b.toLowerCase() ? -1 : 1) });
    await d.addAlias(`@${domain}`, [acc.address]);
    assert.deepEqual(await d.lookup(`@${domain}`), { kind: 'alias', targets: [acc.address] });
    assert.equal(await d.lookup(`nobody@${domain}`), null, 'lookup does not apply the catch-all');
    assert.equal(await reason(d.addAlias(acc.address, ['x@remote.test'])), 'duplicate');
    assert.equal(await reason(d.addAlias('a@unknown-domain.test', ['x@remote.test'])), 'not-found');
    await d.removeAlias(`postmaster@${domain}`, ['other@remote.test']);
    assert.deepEqual(await d.lookup(`postmaster@${domain}`), { kind: 'alias', targets: [acc.address] });
    assert.ok((await d.listAliases()).some((a) => a.source === `@${domain}`));

    await d.addForward(`Moved@${domain}`, 'new@remote.test');
    assert.deepEqual(await d.lookup(`moved@${domain}`), { kind: 'forward', to: 'new@remote.test' });
    assert.equal(await reason(d.addForward(`moved@${domain}`, 'x@remote.test')), 'duplicate');
    assert.ok((await d.listForwards()).some((f) => f.address === `Moved@${domain}`));

    await d.createList({ address: `team@${domain}`, owner: acc.address, posting: 'members' });
    await d.addListMembers(`TEAM@${domain}`, ['a@remote.test', 'B@remote.test', 'a@REMOTE.test']);
    await d.removeListMembers(`team@${domain}`, ['b@remote.test']);
    const list = await d.getList(`team@${domain}`);
    assert.deepEqual(list, { address: `team@${domain}`, owner: acc.address, posting: 'members', members: ['a@remote.test'] });
    const hit = await d.lookup(`team@${domain}`);
    assert.equal(hit?.kind, 'list');
    assert.equal(await reason(d.addAccount({ address: `team@${domain}`, passwordHash: HASH })), 'duplicate');
    assert.equal(await reason(d.createList({ address: `moved@${domain}`, owner: acc.address, posting: 'anyone' })), 'duplicate');
    assert.equal((await d.lookup(acc.address))?.kind, 'account');

    assert.equal(await reason(d.removeDomain(domain)), 'conflict');
    await d.removeList(`team@${domain}`);
    assert.equal(await d.getList(`team@${domain}`), null);
    await d.removeForward(`moved@${domain}`);
    assert.equal(await reason(d.removeForward(`moved@${domain}`)), 'not-found');
    await d.removeAlias(`postmaster@${domain}`);
    await d.removeAlias(`@${domain}`);
    assert.equal(await reason(d.removeAlias(`@${domain}`)), 'not-found');
    await d.removeAccount(acc.address);
    await d.removeDomain(domain);
  });

  // The delivery path's reads may be memoized (sql/directory-cache.ts): a write made
  // through another store instance on the same database must still be seen at once.
  test('reads see writes made through another instance at once', async () => {
    const main = ctx.store().directory;
    const other = (await ctx.another()).directory;
    const domain = `seen-${process.pid}.example.test`;
    const address = `Late@${domain}`;
    assert.equal(await main.isLocalDomain(domain), false);
    assert.equal(await main.lookup(address), null);
    await other.addDomain(domain);
    assert.equal(await main.isLocalDomain(domain), true);
    const acc = await other.addAccount({ address, passwordHash: HASH });
    assert.equal((await main.lookup(address))?.kind, 'account');
    assert.equal((await main.getAccountById(acc.id))?.quota, null);
    await other.updateAccount(address, { quota: 1234 });
    assert.equal((await main.getAccountById(acc.id))?.quota, 1234);
    assert.equal((await main.getAccount(address))?.quota, 1234);
    await other.removeAccount(address);
    assert.equal(await main.lookup(address), null);
    assert.equal(await main.getAccountById(acc.id), null);
    await other.removeDomain(domain);
    assert.equal(await main.isLocalDomain(domain), false);
  });
}
