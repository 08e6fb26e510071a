// Layering of the workspaces (see DEVELOPERS.md): protocol depends on nothing of ours,
// engine only on protocol and never on I/O, terminal and gateway never import each
// other, and nothing but tests imports the hardware simulator.
const workspaces = ['protocol', 'engine', 'gateway', 'terminal', 'hardware-sim'];
const others = (allowed) => `^(${workspaces.filter((w) => !allowed.includes(w)).join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'protocol-is-the-bottom',
      comment: 'protocol is the contract; it depends on no other workspace',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: others(['protocol']) },
    },
    {
      name: 'engine-only-on-protocol',
      severity: 'error',
      from: { path: '^engine/src/' },
      to: { path: others(['engine', 'protocol']) },
    },
    {
      name: 'engine-is-pure',
      comment: 'no clock or I/O in the engine: no fs, net, child processes, timers modules',
      severity: 'error',
      from: { path: '^engine/src/', pathNot: '^engine/src/cli/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|dgram|tls|os|worker_threads|timers)' },
    },
    {
      name: 'protocol-has-no-io',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'terminal-not-gateway-or-sim',
      severity: 'error',
      from: { path: '^terminal/' },
      to: { path: '^(gateway|hardware-sim)/' },
    },
    {
      name: 'gateway-not-terminal-or-sim',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: '^(terminal|hardware-sim)/' },
    },
    {
      name: 'sim-not-terminal-or-gateway',
      severity: 'error',
      from: { path: '^hardware-sim/' },
      to: { path: '^(terminal|gateway|engine)/' },
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
    exclude: { path: '(^|/)(node_modules|dist|test)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
