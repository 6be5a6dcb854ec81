// Open-loop load for the gateway comparison (compare.sh): sends POST chat completions at a fixed rate whatever the
// answers do, and measures each request from the moment it was due to be sent, so a stall in the server (or in this
// process) shows up in every request that waited behind it rather than thinning the load (no coordinated omission).
// Keeps as many keep-alive connections as the requests in flight need, as many independent clients would.
//
// Usage: node open-loop.mjs --url URL --rate N --seconds S --kind json|sse --model M [--header 'name: value']...
//                           [--pid PID] [--label TEXT]
// Prints one JSON line: requests, errors (with the first few reasons), achieved rate, latency percentiles in ms
// (json: to the last byte; sse: to the last byte and to the first body byte), requests over 100 ms, and, with --pid,
// that process's CPU time per request, its largest resident set seen while sampling every 100 ms and its peak (VmHWM)
// at the end.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    kind: { type: 'string', default: 'json' },
    model: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    pid: { type: 'string' },
    label: { type: 'string', default: '' },
  },
});
for (const name of ['url', 'rate', 'seconds', 'model']) {
  if (!args[name]) {
    console.error(`open-loop: --${name} is required (usage at the top of open-loop.mjs)`);
    process.exit(2);
  }
}
if (args.kind !== 'json' && args.kind !== 'sse') {
  console.error(`open-loop: --kind '${args.kind}' is not valid; allowed: json, sse`);
  process.exit(2);
}

const url = new URL(args.url);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const stream = args.kind === 'sse';
const total = Math.round(rate * seconds);
const timeoutMs = 30_000;
// A public, personal-data-free question, small output limit; the stream asks for usage as OpenAI clients do.
const body = Buffer.from(JSON.stringify({
  model: args.model,
  max_tokens: 64,
  messages: [{ role: 'user', content: 'What is a typical annual energy use intensity for an office building, in kWh per square metre?' }],
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
}));
const headers = { 'content-type': 'application/json', 'content-length': body.length };
for (const h of args.header) {
  const at = h.indexOf(':');
  headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 4096, maxFreeSockets: 4096, scheduling: 'lifo' });

const total_ms = [];
const first_ms = [];
const reasons = new Map();
let errors = 0;
let done = 0;
let over100 = 0;

function fail(reason) {
  errors++;
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}

function send(due) {
  let first = -1;
  let finished = false;
  const finish = (error) => {
    if (finished) return;
    finished = true;
    done++;
    if (error) {
      fail(error);
      return;
    }
    const elapsed = performance.now() - due;
    total_ms.push(elapsed);
    if (stream) first_ms.push(first - due);
    if (elapsed > 100) over100++;
  };
  const req = http.request({
    host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent, timeout: timeoutMs,
  }, (res) => {
    const parts = [];
    res.on('data', (d) => {
      if (first < 0) first = performance.now();
      parts.push(d);
    });
    res.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      if (res.statusCode !== 200) {
        finish(`HTTP ${res.statusCode}: ${text.slice(0, 160)}`);
      } else if (stream ? !text.trimEnd().endsWith('data: [DONE]') || !text.includes('"usage":{') : !text.includes('"choices"')) {
        finish(`incomplete ${args.kind} body: ${text.slice(-160)}`);
      } else {
        finish(null);
      }
    });
    res.on('error', (e) => finish(`response: ${e.message}`));
  });
  req.on('timeout', () => { req.destroy(new Error(`no answer in ${timeoutMs} ms`)); });
  req.on('error', (e) => finish(`request: ${e.message}`));
  req.end(body);
}

// Resident set of the gateway's process, sampled while the load runs.
let rssMaxKb = 0;
function status() {
  try {
    const text = readFileSync(`/proc/${args.pid}/status`, 'utf8');
    const kb = (name) => Number((text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm')) ?? [])[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}
// CPU time the process used (user + system, in clock ticks of 10 ms: Linux's USER_HZ is 100), so the cost per request
// can be told apart from waiting on cores shared with other work.
function cpuTicks() {
  try {
    const fields = readFileSync(`/proc/${args.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
const cpuAtStart = args.pid ? cpuTicks() : 0;
const sampler = args.pid ? setInterval(() => { rssMaxKb = Math.max(rssMaxKb, status().rss); }, 100) : null;

const start = performance.now() + 20;
const interval = 1000 / rate;
let sent = 0;
function tick() {
  const now = performance.now();
  while (sent < total && start + sent * interval <= now) {
    send(start + sent * interval);
    sent++;
  }
  if (sent < total) {
    setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
  }
}
setTimeout(tick, 20);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank] * 100) / 100;
}
function summary(values) {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

const waitUntil = start + seconds * 1000 + timeoutMs + 1000;
const check = setInterval(() => {
  if (done < total && performance.now() < waitUntil) return;
  clearInterval(check);
  if (sampler) clearInterval(sampler);
  const elapsed = (start + sent * interval - start) / 1000;
  if (done < total) fail(`${total - done} requests still open at the end`);
  const end = args.pid ? status() : null;
  console.log(JSON.stringify({
    label: args.label,
    kind: args.kind,
    rate,
    seconds,
    requests: total,
    achieved_rate: Math.round(sent / elapsed),
    ok: total_ms.length,
    errors,
    error_reasons: Object.fromEntries([...reasons].slice(0, 5)),
    over_100ms: over100,
    last_byte_ms: summary(total_ms),
    first_byte_ms: stream ? summary(first_ms) : null,
    cpu_ms_per_request: args.pid ? Math.round(((cpuTicks() - cpuAtStart) * 10 / total) * 1000) / 1000 : null,
    rss_max_mb: args.pid ? Math.round(Math.max(rssMaxKb, end.rss) / 1024) : null,
    hwm_mb: args.pid ? Math.round(end.hwm / 1024) : null,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  }));
  agent.destroy();
}, 50);
