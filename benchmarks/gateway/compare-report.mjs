// Summarises compare.sh's rounds (one JSON line per round from open-loop.mjs, labelled TARGET/RATE/KIND/ROUND) into the
// table of medians and the issue 17 goals. "Added" is a gateway's latency minus the upstream's own (direct) in the same
// round, then the median over rounds. Usage: node compare-report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
for (const r of rows) {
  const [target, rate, kind, round] = r.label.split('/');
  Object.assign(r, { target, rate: Number(rate), kind, round: Number(round) });
}

const median = (values) => {
  const v = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const fmt = (x, digits = 1) => (x === null ? 'n/a' : x.toFixed(digits));
const ratio = (a, b) => (a === null || b === null || b <= 0 ? 'n/a' : (a / b).toFixed(2));
const sum = (values) => values.reduce((s, x) => s + x, 0);
const of = (target, rate, kind) => rows.filter((r) => r.target === target && r.rate === rate && r.kind === kind);
const gateways = [...new Set(rows.map((r) => r.target))].filter((t) => t !== 'direct');

// Per round, gateway minus direct of the same round, then the median over rounds.
function added(target, rate, kind, metric, p) {
  const direct = new Map(of('direct', rate, kind).map((r) => [r.round, r]));
  return median(of(target, rate, kind).map((r) => {
    const d = direct.get(r.round);
    return d && r[metric] && d[metric] ? r[metric][p] - d[metric][p] : null;
  }));
}

const cells = [...new Set(rows.map((r) => `${r.rate}/${r.kind}`))].map((c) => c.split('/')).map(([rate, kind]) => [Number(rate), kind]);
const goals = [];
console.log('Medians over rounds (ms). Added = gateway - direct upstream, same round. SSE: to the last byte; first byte in brackets.');
console.log('');
console.log('| Rate | Kind | Direct p50 / p99 | EAIO added p50 / p99 | Portkey added p50 / p99 | EAIO/Portkey p50 | EAIO/Portkey p99 | Over 100 ms (EAIO / Portkey / direct, of requests) | Errors (EAIO / Portkey / direct) | RSS max MB (EAIO / Portkey) | CPU ms a request (EAIO / Portkey) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [rate, kind] of cells) {
  const d = of('direct', rate, kind);
  const e = of('eaio', rate, kind);
  const p = of('portkey', rate, kind);
  const a = (t, m, q) => added(t, rate, kind, m, q);
  const sse = kind === 'sse';
  const first = (t, q) => (sse ? ` [${fmt(a(t, 'first_byte_ms', q))}]` : '');
  const eP50 = a('eaio', 'last_byte_ms', 'p50');
  const eP99 = a('eaio', 'last_byte_ms', 'p99');
  const pP50 = a('portkey', 'last_byte_ms', 'p50');
  const pP99 = a('portkey', 'last_byte_ms', 'p99');
  const over = (rs) => `${sum(rs.map((r) => r.over_100ms))}`;
  const count = (rs) => sum(rs.map((r) => r.requests));
  console.log(`| ${rate}/s | ${kind} | ${fmt(median(d.map((r) => r.last_byte_ms.p50)), 2)} / ${fmt(median(d.map((r) => r.last_byte_ms.p99)))} `
    + `| ${fmt(eP50, 2)}${first('eaio', 'p50')} / ${fmt(eP99)}${first('eaio', 'p99')} `
    + `| ${fmt(pP50, 2)}${first('portkey', 'p50')} / ${fmt(pP99)}${first('portkey', 'p99')} `
    + `| ${ratio(eP50, pP50)} | ${ratio(eP99, pP99)} `
    + `| ${over(e)} / ${over(p)} / ${over(d)} of ${count(e)} `
    + `| ${sum(e.map((r) => r.errors))} / ${sum(p.map((r) => r.errors))} / ${sum(d.map((r) => r.errors))} `
    + `| ${fmt(median(e.map((r) => r.rss_max_mb)), 0)} / ${fmt(median(p.map((r) => r.rss_max_mb)), 0)} `
    + `| ${fmt(median(e.map((r) => r.cpu_ms_per_request)), 2)} / ${fmt(median(p.map((r) => r.cpu_ms_per_request)), 2)} |`);
  goals.push([`${rate}/s ${kind}: EAIO added p50 <= Portkey's`, eP50 !== null && pP50 !== null && eP50 <= pP50, `${fmt(eP50, 2)} vs ${fmt(pP50, 2)} ms`]);
  goals.push([`${rate}/s ${kind}: EAIO added p99 <= Portkey's`, eP99 !== null && pP99 !== null && eP99 <= pP99, `${fmt(eP99)} vs ${fmt(pP99)} ms`]);
  goals.push([`${rate}/s ${kind}: no EAIO request over 100 ms`, sum(e.map((r) => r.over_100ms)) === 0,
    `${over(e)} (Portkey ${over(p)}, direct ${over(d)}; largest EAIO ${fmt(Math.max(...e.map((r) => r.last_byte_ms.max ?? 0)))} ms)`]);
}

for (const extra of gateways.filter((t) => t !== 'eaio' && t !== 'portkey')) {
  console.log('');
  console.log(`${extra} (diagnostic): added p50 / p99, over 100 ms, RSS max MB, CPU ms a request`);
  for (const [rate, kind] of cells) {
    const x = of(extra, rate, kind);
    console.log(`  ${rate}/s ${kind}: ${fmt(added(extra, rate, kind, 'last_byte_ms', 'p50'), 2)} / ${fmt(added(extra, rate, kind, 'last_byte_ms', 'p99'))} ms, `
      + `${sum(x.map((r) => r.over_100ms))} of ${sum(x.map((r) => r.requests))}, ${fmt(median(x.map((r) => r.rss_max_mb)), 0)}, `
      + `${fmt(median(x.map((r) => r.cpu_ms_per_request)), 2)}`);
  }
}

// Peak resident set of each gateway process over the whole run (VmHWM read after its last round).
const peak = (t) => Math.max(0, ...rows.filter((r) => r.target === t).map((r) => r.hwm_mb ?? 0));
const eaioPeak = peak('eaio');
const portkeyPeak = peak('portkey');
console.log('');
console.log(`Peak RSS over the run (VmHWM): EAIO ${eaioPeak} MB, Portkey ${portkeyPeak} MB, ratio ${ratio(eaioPeak, portkeyPeak)}`
  + gateways.filter((t) => t !== 'eaio' && t !== 'portkey').map((t) => `, ${t} ${peak(t)} MB`).join(''));
goals.push(['peak RSS <= 1.2 x Portkey\'s', portkeyPeak > 0 && eaioPeak <= 1.2 * portkeyPeak, `${eaioPeak} vs ${portkeyPeak} MB`]);

console.log('');
console.log('| Goal | Met | Figures |');
console.log('|---|---|---|');
for (const [goal, met, figures] of goals) console.log(`| ${goal} | ${met ? 'yes' : '**no**'} | ${figures} |`);
const loads = rows.map((r) => Number(r.loadavg.split(' ')[0]));
console.log('');
console.log(`Load average (1 min) at the end of the rounds: min ${Math.min(...loads).toFixed(2)}, median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}`);
