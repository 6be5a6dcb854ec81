// A fast OpenAI-compatible upstream for the gateway comparison (compare.sh): POST /v1/chat/completions (also
// /chat/completions) answers at once with a fixed short reply and its usage, as one JSON object or, when the request
// streams, as OpenAI's server-sent events (role chunk, two content chunks, the finish chunk, a usage chunk when
// stream_options.include_usage asks for it, [DONE]). GET /v1/models lists the model; GET /api/tags answers as an Ollama
// with one model would, so the EAIO gateway's health check (which looks at its local route) is green, though no request
// of the benchmark goes local. No model, no waiting, so what the benchmark measures is the gateway in front of it.
// Usage: node fast-openai.mjs PORT
import http from 'node:http';

const port = Number(process.argv[2] ?? 18090);
const usage = { prompt_tokens: 14, completion_tokens: 4, total_tokens: 18 };
let sequence = 0;

function chunk(id, created, model, delta, finish, extra) {
  return 'data: ' + JSON.stringify({
    id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...extra,
  }) + '\n\n';
}

function answer(res, body) {
  const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
  const id = `chatcmpl-bench${++sequence}`;
  const created = Math.floor(Date.now() / 1000);
  if (body.stream === true) {
    const withUsage = body.stream_options?.include_usage === true;
    let text = chunk(id, created, model, { role: 'assistant', content: '' }, null, withUsage ? { usage: null } : {})
      + chunk(id, created, model, { content: 'About 100 ' }, null, withUsage ? { usage: null } : {})
      + chunk(id, created, model, { content: 'kWh/m2.' }, null, withUsage ? { usage: null } : {})
      + chunk(id, created, model, {}, 'stop', withUsage ? { usage: null } : {});
    if (withUsage) {
      text += 'data: ' + JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench', choices: [], usage }) + '\n\n';
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(text + 'data: [DONE]\n\n');
    return;
  }

  const json = JSON.stringify({
    id, object: 'chat.completion', created, model, system_fingerprint: 'fp_bench',
    choices: [{ index: 0, message: { role: 'assistant', content: 'About 100 kWh/m2.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'bench' }] }));
    return;
  }
  if (req.method === 'GET' && path === '/api/tags') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ models: [{ name: 'llama3.2:3b', model: 'llama3.2:3b' }] }));
    return;
  }
  if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `${req.method} ${path}: not served here`, type: 'invalid_request_error' } }));
    return;
  }
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(parts).toString('utf8')); } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'the body is not JSON', type: 'invalid_request_error' } }));
      return;
    }
    answer(res, body);
  });
});
// Clients keep connections open between requests, as the gateways' HTTP clients do.
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`fast openai upstream on http://127.0.0.1:${port}`));
