// The targets of issue 8, checked against one run's numbers.

/** `[value, min, profileCase, byCpu]` in the order `atLeast` takes them. */
function withProfile([value, byCpu], min, profileCase) {
  return [value, min, profileCase, byCpu];
}

export function evaluateTargets({ caseResults, scale, all }) {
  const rps = (caseId, id) => caseResults.find((c) => c.kase.id === caseId)?.participants.find((p) => p.contender.id === id)?.rps;
  const ratio = (caseId, a, b) => {
    const x = rps(caseId, a);
    const y = rps(caseId, b);
    return x === undefined || y === undefined ? undefined : x / y;
  };
  const cpu = (caseId, id) => caseResults.find((c) => c.kase.id === caseId)?.participants.find((p) => p.contender.id === id)?.cpuUsPerRequest;
  /** How many times less CPU per request `a` spends than `b` (b's µs / a's µs). */
  const cpuRatio = (caseId, a, b) => {
    const x = cpu(caseId, a);
    const y = cpu(caseId, b);
    return x === undefined || y === undefined ? undefined : y / x;
  };
  const targets = [];
  const atLeast = (text, value, min, profileCase, byCpu) =>
    targets.push({
      text,
      value,
      met: value === undefined ? null : value >= min,
      shown: value === undefined ? 'not measured in this run' : `${value.toFixed(2)}×`,
      metCpu: byCpu === undefined ? null : byCpu >= min,
      shownCpu: byCpu === undefined ? '' : `${byCpu.toFixed(2)}×`,
      profileCase,
    });
  const pair = (caseId, a, b) => [ratio(caseId, a, b), cpuRatio(caseId, a, b)];

  atLeast('crossauth on node:http (SQLite): preflight ≥ 0.9× bare', ...withProfile(pair('preflight', 'crossauth-sqlite', 'bare'), 0.9, 'preflight'));
  atLeast('crossauth on node:http (SQLite): authenticated GET ≥ 0.7× bare', ...withProfile(pair('me', 'crossauth-sqlite', 'bare'), 0.7, 'me'));
  atLeast('crossauth on node:http (SQLite): protected POST ≥ 0.6× bare', ...withProfile(pair('echo', 'crossauth-sqlite', 'bare'), 0.6, 'echo'));
  for (const adapter of all.filter((c) => c.kind === 'crossauth-adapter')) {
    const text = `${adapter.label} ≥ 0.85× ${adapter.baseline} (worst of preflight, GET, POST)`;
    if (adapter.unavailable !== undefined) {
      targets.push({ text, value: undefined, met: null, shown: `not measured: ${adapter.unavailable}` });
      continue;
    }
    const ratios = ['preflight', 'me', 'echo'].map((k) => ratio(k, adapter.id, adapter.baseline)).filter((r) => r !== undefined);
    const cpuRatios = ['preflight', 'me', 'echo'].map((k) => cpuRatio(k, adapter.id, adapter.baseline)).filter((r) => r !== undefined);
    atLeast(text, ratios.length === 0 ? undefined : Math.min(...ratios), 0.85, undefined, cpuRatios.length === 0 ? undefined : Math.min(...cpuRatios));
  }
  atLeast('authenticated GET ≥ 3× the fastify stack', ...withProfile(pair('me', 'crossauth-sqlite', 'fastify-stack'), 3, 'me'));
  atLeast('authenticated GET ≥ 10× better-auth', ...withProfile(pair('me', 'crossauth-sqlite', 'better-auth'), 10, 'me'));

  if (scale === null) {
    targets.push({ text: '100,000 live sessions: validation within 10% of 1,000', met: null, shown: 'skipped' });
    targets.push({ text: '100,000 live sessions: process memory within 50 MB of idle', met: null, shown: 'skipped' });
  } else {
    const n = scale.largeSessions.toLocaleString('en-US');
    targets.push({
      text: `${n} live sessions (SQLite): validation within 10% of 1,000`,
      value: scale.slowdown,
      met: scale.largeSessions >= 100_000 ? scale.slowdown <= 0.1 : null,
      shown: `${scale.slowdown >= 0 ? '+' : ''}${(scale.slowdown * 100).toFixed(1)}% (${(scale.smallNsPerValidation / 1000).toFixed(1)} µs → ${(scale.largeNsPerValidation / 1000).toFixed(1)} µs, median of paired rounds)`,
    });
    const mb = scale.rssGrowthBytes / 2 ** 20;
    targets.push({
      text: `${n} live sessions (SQLite): process memory within 50 MB of idle`,
      value: mb,
      met: scale.largeSessions >= 100_000 ? mb <= 50 : null,
      shown: `+${mb.toFixed(1)} MB RSS (${(scale.rssIdleBytes / 2 ** 20).toFixed(0)} MB idle → ${(scale.rssLargeBytes / 2 ** 20).toFixed(0)} MB)`,
    });
  }
  return targets;
}
