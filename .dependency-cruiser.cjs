/** Import rules of ../shared/ARCHITECTURE.md ("Layers, and what may import what"). */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'protocol-is-sans-io',
      comment: 'protocol/ codecs import no sockets, no store, no config',
      severity: 'error',
      from: { path: layer('protocol') },
      to: { path: ['^node:(net|tls|fs|dgram|http|https)$', '^(net|tls|fs|dgram|http|https)$', layer('store'), layer('config'), layer('server'), layer('mail'), layer('mta'), layer('app'), layer('cli')] },
    },
    {
      name: 'only-app-picks-backend',
      comment: 'server/, mail/, mta/ see only store/types',
      severity: 'error',
      from: { path: ['^src/(server|mail|mta|protocol|mime|auth|api)/'] },
      to: { path: '^src/store/', pathNot: '^src/store/types\\.ts$' },
    },
    {
      name: 'servers-do-not-import-each-other',
      severity: 'error',
      from: { path: '^src/server/([^/]+)/' },
      to: { path: '^src/server/([^/]+)/', pathNot: ['^src/server/$1/', '^src/server/shared/'] },
    },
    {
      name: 'smtp-server-never-writes-mailboxes',
      comment: 'the SMTP server hands each message to mta/ingest',
      severity: 'error',
      from: { path: '^src/server/smtp/' },
      to: { path: '^src/mail/deliver' },
    },
    {
      name: 'lower-layers-do-not-import-upper',
      severity: 'error',
      from: { path: '^src/(lib|mime|auth|config|store|protocol)/' },
      to: { path: ['^src/(server|mta|mail|app|cli)/'] },
    },
    {
      name: 'lib-is-the-bottom',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/(?!lib/)' },
    },
    {
      name: 'only-app-and-cli-reach-app',
      severity: 'error',
      from: { path: '^src/(?!app/|cli/)' },
      to: { path: ['^src/app/', '^src/cli/'] },
    },
    {
      name: 'client-sits-below-cli',
      comment: 'the mail client (src/client) is used by the CLI only',
      severity: 'error',
      from: { path: '^src/(?!cli/|client/)' },
      to: { path: '^src/client/' },
    },
    {
      name: 'client-uses-codecs-only',
      comment: 'the mail client speaks the wire through protocol/ codecs; it never reaches into the server side',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/(server|mta|mail|store|app|config)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
