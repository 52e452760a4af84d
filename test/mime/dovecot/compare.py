#!/usr/bin/env python3
"""Dev tool (not a test): compares mime/parse with Dovecot, the reference IMAP server.

Appends every message of dump.ts's JSON to a throw-away Maildir through Dovecot's imap binary
(PREAUTH on stdin/stdout, run as user nobody via setpriv), then compares per message:
BODYSTRUCTURE types, sizes and line counts, ENVELOPE, and the bytes of BODY[HEADER], [TEXT],
[n], [n.MIME], [n.HEADER], [n.TEXT]. Needs dovecot-imapd installed and root (for setpriv).

  npx tsx test/mime/dovecot/dump.ts > /tmp/mime.json && python3 test/mime/dovecot/compare.py /tmp/mime.json

Known, deliberate differences on malformed mail are listed in src/mime/parse.ts.
"""
import base64, json, os, re, shutil, subprocess, sys, tempfile

mine = json.load(open(sys.argv[1]))
home = tempfile.mkdtemp(prefix='mime-dovecot-')
for d in ('cur', 'new', 'tmp'):
    os.makedirs(f'{home}/md/{d}')
open(f'{home}/dovecot.conf', 'w').write(f'mail_location = maildir:{home}/md\nlog_path = {home}/log\nssl = no\n')
subprocess.run(['chown', '-R', 'nobody', home], check=True)
uid = subprocess.check_output(['id', '-u', 'nobody']).strip().decode()
gid = subprocess.check_output(['id', '-g', 'nobody']).strip().decode()
imap = subprocess.Popen(['setpriv', f'--reuid={uid}', f'--regid={gid}', '--clear-groups', 'env', 'USER=nobody',
                         f'HOME={home}', '/usr/lib/dovecot/imap', '-c', f'{home}/dovecot.conf'],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
buf = b''


def read_line():
    global buf
    while b'\r\n' not in buf:
        d = os.read(imap.stdout.fileno(), 65536)
        if not d:
            raise EOFError
        buf += d
    i = buf.index(b'\r\n')
    line, buf = buf[:i + 2], buf[i + 2:]
    return line


def read_n(n):
    global buf
    while len(buf) < n:
        buf += os.read(imap.stdout.fileno(), 65536)
    d, buf = buf[:n], buf[n:]
    return d


def command(tag, data):
    imap.stdin.write(data)
    imap.stdin.flush()
    untagged = []
    while True:
        line = read_line()
        while (m := re.search(rb'\{(\d+)\}\r\n$', line)):
            line = line + read_n(int(m.group(1))) + read_line()
        if line.startswith(tag + b' '):
            return untagged, line
        untagged.append(line)


def sexp(s, i=0):
    out = []
    while i < len(s):
        c = s[i:i + 1]
        if c == b' ':
            i += 1
        elif c == b'(':
            v, i = sexp(s, i + 1)
            out.append(v)
        elif c == b')':
            return out, i + 1
        elif c == b'"':
            j, v = i + 1, b''
            while s[j:j + 1] != b'"':
                if s[j:j + 1] == b'\\':
                    j += 1
                v += s[j:j + 1]
                j += 1
            out.append(v)
            i = j + 1
        elif c == b'{':
            j = s.index(b'}', i)
            n, start = int(s[i + 1:j]), j + 3
            out.append(s[start:start + n])
            i = start + n
        else:
            j = i
            while j < len(s) and s[j:j + 1] not in b' ()':
                j += 1
            out.append(s[i:j])
            i = j
    return out, i


def fetch(seq, item):
    untagged, _ = command(b'f', b'f FETCH %d (%s)\r\n' % (seq, item.encode()))
    line = b''.join(untagged)
    key = item.replace('.PEEK', '').encode()
    at = line.find(key + b' ')
    if at < 0:
        return None
    v = sexp(line[at + len(key) + 1:])[0][0]
    return None if v == b'NIL' else v


def dovecot_parts(bs):
    parts = {}

    def walk(b, prefix):
        if isinstance(b[0], list):
            k = 0
            while k < len(b) and isinstance(b[k], list):  # the children, before the subtype
                walk(b[k], f'{prefix}.{k + 1}' if prefix else str(k + 1))
                k += 1
            return
        path = prefix or '1'
        t, st = b[0].decode().lower(), b[1].decode().lower()
        lines = int(b[7]) if t == 'text' else None
        if t == 'message' and st in ('rfc822', 'global') and len(b) > 9 and isinstance(b[8], list):
            parts[path] = (t, st, int(b[6]), int(b[9]))
            walk(b[8], path if isinstance(b[8][0], list) else path + '.1')
            return
        parts[path] = (t, st, int(b[6]), lines)
    walk(bs, '')
    return parts


read_line()
seq = 0
for m in mine:
    raw = base64.b64decode(m['raw'])
    _, done = command(b'a', b'a APPEND INBOX {%d+}\r\n' % len(raw) + raw + b'\r\n')
    if b' OK ' in done:
        seq += 1
        m['seq'] = seq
    else:
        print(f"{m['name']}: Dovecot refused it: {done.decode().strip()}")
command(b's', b's SELECT INBOX\r\n')

differing = 0
for m in mine:
    if 'seq' not in m:
        continue
    problems = []
    theirs = dovecot_parts(fetch(m['seq'], 'BODYSTRUCTURE'))
    ours = {p['path']: p for p in m['parts']}
    for path, (t, st, size, lines) in theirs.items():
        p = ours.get(path)
        if not p:
            problems.append(f'part {path}: only in Dovecot')
            continue
        if (p['type'], p['subtype']) != (t, st):
            problems.append(f"part {path}: type {p['type']}/{p['subtype']} vs {t}/{st}")
        if p['size'] != size:
            problems.append(f"part {path}: size {p['size']} vs {size}")
        if lines is not None and p['lines'] != lines:
            problems.append(f"part {path}: lines {p['lines']} vs {lines}")
    for path, p in ours.items():
        if path not in theirs and p['type'] != 'multipart':
            problems.append(f'part {path}: only in ours')
    env = fetch(m['seq'], 'ENVELOPE')
    nil = lambda v: None if v in (None, b'NIL') else v.decode('utf-8', 'replace')
    addrs = lambda v: None if v in (None, b'NIL') else [[nil(x) for x in a] for a in v]
    keys = ['date', 'subject', 'from', 'sender', 'replyTo', 'to', 'cc', 'bcc', 'inReplyTo', 'messageId']
    for k, v in zip(keys, env):
        d = addrs(v) if isinstance(v, list) else nil(v)
        o = m['envelope'][k]
        if isinstance(o, list):
            o = [[a['name'], a['adl'], a['mailbox'], a['host']] for a in o]
        if o != d:
            problems.append(f'envelope {k}: {o!r} vs {d!r}')
    for sec, b64 in m['secs'].items():
        d = fetch(m['seq'], f'BODY.PEEK[{sec}]') or b''
        o = base64.b64decode(b64)
        if o != d:
            problems.append(f'BODY[{sec}]: {o[:40]!r}({len(o)}) vs {d[:40]!r}({len(d)})')
    if problems:
        differing += 1
        print(f"== {m['name']}")
        for p in problems:
            print('   ' + p)
print(f'{differing} of {seq} messages differ from Dovecot')
command(b'l', b'l LOGOUT\r\n')
shutil.rmtree(home, ignore_errors=True)
