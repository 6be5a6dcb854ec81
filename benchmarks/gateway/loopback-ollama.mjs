// A loopback Ollama for the gateway benchmark: answers POST /api/chat at once with a fixed reply (NDJSON when the
// request streams, one JSON object otherwise) and GET /api/tags, so that what the benchmark measures is the gateway
// and the router, not a model. Usage: node loopback-ollama.mjs PORT
import http from 'node:http';

const port = Number(process.argv[2] ?? 11500);
const final = (model, content) => JSON.stringify({
  model,
  created_at: new Date().toISOString(),
  message: { role: 'assistant', content },
  done: true,
  done_reason: 'stop',
  total_duration: 250000000,
  prompt_eval_count: 12,
  eval_count: 3,
}) + '\n';

http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/tags') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ models: [{ name: 'llama3.2:3b', model: 'llama3.2:3b' }] }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/api/chat') {
    res.writeHead(404);
    res.end('404 page not found');
    return;
  }
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(Buffer.concat(parts).toString('utf8')); } catch { /* answered like any other */ }
    const model = body.model ?? 'llama3.2:3b';
    if (body.stream === false) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(final(model, 'Local answer.'));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content: 'Local answer.' }, done: false }) + '\n');
    res.end(final(model, ''));
  });
}).listen(port, '127.0.0.1', () => console.log(`loopback ollama on http://127.0.0.1:${port}`));
