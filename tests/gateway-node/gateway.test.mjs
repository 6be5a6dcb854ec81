// Drives the EAIO gateway with the official `openai` npm package, as a JavaScript team would: chat, streams, privacy,
// budget, keys, and tools (a manual tool loop, runTools with parallel calls, a streamed tool call); then the Vercel AI
// SDK and LangChain JS's ChatOpenAI (invoke, stream, bindTools, an agent loop with a tool result).
// Started by GatewayNodeClientTests (dotnet test), which runs the gateway and loopback providers and passes:
//   EAIO_GATEWAY_URL (…/v1), EAIO_PUBLIC_KEY, EAIO_PRIVATE_KEY, EAIO_TINY_BUDGET_KEY, EAIO_PRIVATE_MARKER.
// Exits 0 when every check passed; prints one line per check.
import assert from 'node:assert/strict';
import { generateText, streamText, tool, stepCountIs } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool as langChainTool } from '@langchain/core/tools';
// EAIO_OPENAI_PACKAGE picks the client: 'openai' (6.x) or 'openai-7' (7.x, an npm alias of openai@7).
const clientPackage = process.env.EAIO_OPENAI_PACKAGE ?? 'openai';
const { default: OpenAI } = await import(clientPackage);
const { VERSION } = await import(`${clientPackage}/version`);

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
};

const baseURL = env('EAIO_GATEWAY_URL');
// No retries: a refusal must be seen once, exactly as the gateway sent it.
const client = (apiKey) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 20_000 });
const publicClient = client(env('EAIO_PUBLIC_KEY'));
const privateClient = client(env('EAIO_PRIVATE_KEY'));
const tinyClient = client(env('EAIO_TINY_BUDGET_KEY'));
const marker = env('EAIO_PRIVATE_MARKER');

const checks = [];
const check = (name, fn) => checks.push([name, fn]);

check('non-streaming chat returns OpenAI\'s shape, the route in headers and the eaio field', async () => {
  const { data, response } = await publicClient.chat.completions
    .create({ model: 'eaio-auto', messages: [{ role: 'user', content: 'Three tips for office lighting?' }], max_tokens: 100 })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0].message.content, 'OpenAI answer.');
  assert.equal(data.usage.prompt_tokens, 11);
  assert.equal(response.headers.get('x-eaio-provider'), 'openai');
  assert.equal(response.headers.get('x-eaio-model'), 'gpt-4o-mini');
  assert.ok(Number(response.headers.get('x-eaio-cost-usd')) > 0, 'an external call costs something');
  assert.equal(data.eaio.provider, 'openai');
  assert.equal(Number(data.eaio.cost_usd), Number(response.headers.get('x-eaio-cost-usd')));
});

check('streaming chat with include_usage yields the text, the usage and the eaio field on the last chunk', async () => {
  const stream = await publicClient.chat.completions.create({
    model: 'eaio-auto',
    messages: [{ role: 'user', content: 'Say hello.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let last;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
    last = chunk;
  }
  assert.ok(chunks >= 3, `expected several chunks, got ${chunks}`);
  assert.equal(text, 'OpenAI answer.');
  assert.equal(last.choices.length, 0);
  assert.equal(last.usage.completion_tokens, 3);
  assert.equal(last.eaio.provider, 'openai');
  assert.ok(Number(last.eaio.cost_usd) > 0);
});

check('logprobs and top_logprobs come back as the upstream gave them, whole and streamed', async () => {
  const data = await publicClient.chat.completions.create({
    model: 'eaio-auto',
    messages: [{ role: 'user', content: 'What is a kWh?' }],
    logprobs: true,
    top_logprobs: 2,
  });
  const tokens = data.choices[0].logprobs.content;
  assert.equal(tokens.map((t) => t.token).join(''), data.choices[0].message.content);
  assert.equal(tokens[0].logprob, -0.25);
  assert.deepEqual(tokens[0].bytes, [...Buffer.from(tokens[0].token, 'utf8')]);
  assert.deepEqual(tokens[0].top_logprobs.map((t) => t.token), ['alt1', 'alt2']);

  const stream = await publicClient.chat.completions.create({
    model: 'eaio-auto',
    messages: [{ role: 'user', content: 'What is a kWh?' }],
    logprobs: true,
    stream: true,
  });
  let text = '';
  const streamed = [];
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
  }
  assert.equal(streamed.map((t) => t.token).join(''), text);
  assert.deepEqual(streamed.map((t) => t.logprob), streamed.map((_, i) => -0.25 * (i + 1)));
});

check('logprobs on a request that must stay local are refused with 400 on logprobs', async () => {
  await assert.rejects(
    privateClient.chat.completions.create({ model: 'eaio-auto', messages: [{ role: 'user', content: `${marker}: how much did we use?` }], logprobs: true }),
    (err) => err instanceof OpenAI.BadRequestError && err.param === 'logprobs' && err.code === 'unsupported_parameter' && /PRIVATE/.test(err.message),
  );
});

check('a PRIVATE key\'s question is answered by the local model', async () => {
  const { data, response } = await privateClient.chat.completions
    .create({ model: 'eaio-auto', messages: [{ role: 'user', content: `${marker}: summarise the chiller readings of building 7.` }] })
    .withResponse();
  assert.equal(response.headers.get('x-eaio-provider'), 'ollama');
  assert.equal(data.choices[0].message.content, 'Local answer.');
  assert.equal(data.eaio.tier, 'local');
  assert.equal(data.eaio.privacy, 'private');
});

check('a PRIVATE key streaming its question is answered by the local model', async () => {
  const stream = await privateClient.chat.completions.create({
    model: 'eaio-auto',
    messages: [{ role: 'user', content: `${marker}: and the boiler?` }],
    stream: true,
  });
  let text = '';
  let last;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    last = chunk;
  }
  assert.equal(text, 'Local answer.');
  assert.equal(last.eaio.provider, 'ollama');
});

check('a PRIVATE key may not pin an external model (403)', async () => {
  await assert.rejects(
    privateClient.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `${marker}: try to go out` }] }),
    (err) => err instanceof OpenAI.PermissionDeniedError && err.status === 403 && err.code === 'privacy_blocked',
  );
});

check('a tenant over its budget is refused with 402 budget_exceeded', async () => {
  await assert.rejects(
    tinyClient.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Write a long essay.' }] }),
    (err) => err instanceof OpenAI.APIError && err.status === 402 && err.code === 'budget_exceeded' && /budget/.test(err.message),
  );
});

check('a wrong key is refused with 401', async () => {
  await assert.rejects(
    client('not-a-configured-key-000000').chat.completions.create({ model: 'eaio-auto', messages: [{ role: 'user', content: 'hi' }] }),
    (err) => err instanceof OpenAI.AuthenticationError && err.status === 401 && err.code === 'invalid_api_key',
  );
});

check('the model list has eaio-auto and pinnable catalogue models', async () => {
  const ids = [];
  for await (const model of publicClient.models.list()) {
    ids.push(model.id);
  }
  assert.equal(ids[0], 'eaio-auto');
  assert.ok(ids.includes('ollama/llama3.2:3b') && ids.includes('openai/gpt-4o-mini'), ids.join(', '));
});

const email = 'jane.doe@example.com';
const building = 'Panther_office_Hannah';
const sendReport = {
  type: 'function',
  function: {
    name: 'send_report',
    description: 'Sends a building\'s energy report to a recipient.',
    parameters: { type: 'object', properties: { to: { type: 'string' }, building: { type: 'string' } }, required: ['to', 'building'] },
  },
};
const weatherParameters = { type: 'object', properties: { site: { type: 'string' } }, required: ['site'] };

check('a manual tool loop gets the caller\'s e-mail back in the arguments and the building restored in the answer', async () => {
  const messages = [{ role: 'user', content: `Email the energy report of ${building} to ${email}.` }];
  const first = await publicClient.chat.completions.create({ model: 'eaio-auto', messages, tools: [sendReport], tool_choice: 'required' });
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  assert.equal(first.choices[0].message.content, null);
  const [call] = first.choices[0].message.tool_calls;
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'send_report');
  assert.deepEqual(JSON.parse(call.function.arguments), { to: email, building });

  messages.push(first.choices[0].message);
  messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ status: 'sent', building }) });
  const second = await publicClient.chat.completions.create({ model: 'eaio-auto', messages, tools: [sendReport] });
  assert.equal(second.choices[0].finish_reason, 'stop');
  assert.equal(second.choices[0].message.content, `Sent the report on ${building}.`);
});

check('runTools runs parallel tool calls and returns the final answer', async () => {
  const sites = [];
  const runner = publicClient.chat.completions.runTools({
    model: 'eaio-auto',
    messages: [{ role: 'user', content: 'How cold is it at Heron and at Bobcat?' }],
    tools: [{
      type: 'function',
      function: {
        name: 'site_weather',
        parameters: weatherParameters,
        parse: JSON.parse,
        function: ({ site }) => { sites.push(site); return { site, temperatureC: site === 'Heron' ? 3 : 11 }; },
      },
    }],
  });
  assert.equal(await runner.finalContent(), 'Weather noted.');
  assert.deepEqual(sites, ['Heron', 'Bobcat']);
});

check('a streamed tool call arrives in OpenAI\'s chunk shape and assembles into whole calls', async () => {
  const stream = await publicClient.chat.completions.create({
    model: 'eaio-auto',
    messages: [{ role: 'user', content: 'How cold is it at Heron and at Bobcat?' }],
    tools: [{ type: 'function', function: { name: 'site_weather', parameters: weatherParameters } }],
    stream: true,
  });
  const calls = [];
  let finish;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    finish = choice?.finish_reason ?? finish;
    for (const part of choice?.delta?.tool_calls ?? []) {
      if (part.id) {
        assert.equal(part.function.arguments, '', 'the opening chunk of a call has empty arguments');
        calls[part.index] = { id: part.id, name: part.function.name, arguments: '' };
      } else {
        calls[part.index].arguments += part.function.arguments;
      }
    }
  }
  assert.equal(finish, 'tool_calls');
  assert.equal(calls.length, 2);
  assert.notEqual(calls[0].id, calls[1].id);
  assert.deepEqual(calls.map((c) => [c.name, JSON.parse(c.arguments).site]), [['site_weather', 'Heron'], ['site_weather', 'Bobcat']]);

  const final = await publicClient.chat.completions
    .stream({ model: 'eaio-auto', messages: [{ role: 'user', content: 'How cold is it at Heron and at Bobcat?' }], tools: [{ type: 'function', function: { name: 'site_weather', parameters: weatherParameters } }] })
    .finalChatCompletion();
  assert.deepEqual(final.choices[0].message.tool_calls.map((c) => JSON.parse(c.function.arguments).site), ['Heron', 'Bobcat']);
});

check('responses.create returns the text, the usage and the provider\'s model', async () => {
  const response = await publicClient.responses.create({ model: 'eaio-auto', input: 'Three tips for office lighting?', instructions: 'Be brief.' });
  assert.equal(response.object, 'response');
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, 'OpenAI answer.');
  assert.equal(response.usage.input_tokens, 11);
  assert.equal(response.usage.output_tokens, 3);
  assert.equal(response.model, 'openai/gpt-4o-mini');
});

check('a streamed responses.create follows the Responses event sequence and ends with the usage', async () => {
  const stream = await publicClient.responses.create({ model: 'eaio-auto', input: 'Say hello.', stream: true });
  const types = [];
  let text = '';
  let completed;
  for await (const event of stream) {
    if (event.type !== 'response.output_text.delta') types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert.deepEqual(types, ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
  assert.equal(text, 'OpenAI answer.');
  assert.equal(completed.usage.output_tokens, 3);
  assert.equal(completed.eaio.provider, 'openai');
});

check('embeddings.create embeds PUBLIC text with the external model', async () => {
  const input = 'kWh per square metre';
  const result = await publicClient.embeddings.create({ model: 'text-embedding-3-small', input });
  assert.deepEqual(Array.from(result.data[0].embedding), [input.length, 1, 0.5]);
  assert.equal(result.model, 'openai/text-embedding-3-small');
  assert.ok(Number(result.eaio.cost_usd) > 0, 'an external embedding costs something');
});

check('embeddings.create on a PRIVATE key embeds locally', async () => {
  const input = `${marker}: meter 7 readings`;
  const result = await privateClient.embeddings.create({ model: 'eaio-auto', input });
  assert.deepEqual(Array.from(result.data[0].embedding), [0.25, input.length, 2]);
  assert.equal(result.model, 'ollama/nomic-embed-text');
});

// The AI SDK's default OpenAI provider calls /v1/responses.
const aiSdk = createOpenAI({ baseURL, apiKey: env('EAIO_PUBLIC_KEY') });

check('AI SDK generateText answers through /v1/responses with the usage', async () => {
  const { text, usage, finishReason } = await generateText({ model: aiSdk('eaio-auto'), prompt: 'Say hello.', maxRetries: 0 });
  assert.equal(text, 'OpenAI answer.');
  assert.equal(finishReason, 'stop');
  assert.equal(usage.inputTokens, 11);
  assert.equal(usage.outputTokens, 3);
});

check('AI SDK streamText streams the text through /v1/responses', async () => {
  const result = streamText({ model: aiSdk('eaio-auto'), prompt: 'Say hello.', maxRetries: 0 });
  let text = '';
  for await (const part of result.textStream) text += part;
  assert.equal(text, 'OpenAI answer.');
  assert.equal((await result.usage).outputTokens, 3);
});

// With its defaults (store left out, so true), the AI SDK sends an earlier assistant answer back as an item_reference to the
// output item's id, which the gateway replaces by the answer it kept for this key.
check('AI SDK, default settings: a two-turn conversation references the first answer and gets the second', async () => {
  const bodies = [];
  const recording = createOpenAI({
    baseURL,
    apiKey: env('EAIO_PUBLIC_KEY'),
    fetch: async (url, init) => { bodies.push(JSON.parse(init.body)); return fetch(url, init); },
  });
  const model = recording('openai/gpt-4o-mini');
  const messages = [{ role: 'user', content: 'What is a kWh?' }];
  const first = await generateText({ model, messages, maxRetries: 0 });
  assert.equal(first.text, 'OpenAI answer.');
  messages.push(...first.response.messages, { role: 'user', content: 'And a MWh?' });

  const second = await generateText({ model, messages, maxRetries: 0 });

  assert.equal(second.text, 'OpenAI answer.');
  assert.equal(bodies.length, 2);
  assert.notEqual(bodies[1].store, false, 'the AI SDK\'s default: store left out, which OpenAI takes as true');
  assert.deepEqual(bodies[1].input.map((item) => item.type ?? item.role), ['user', 'item_reference', 'user']);
  assert.equal(bodies[1].input[1].id, first.response.body.output[0].id);
});

check('AI SDK logprobs come back on /v1/responses and on /v1/chat/completions', async () => {
  const responses = await generateText({
    model: aiSdk('eaio-auto'),
    prompt: 'What is a kWh?',
    maxRetries: 0,
    providerOptions: { openai: { logprobs: 2 } },
  });
  const [part] = responses.providerMetadata.openai.logprobs;
  assert.equal(part.map((t) => t.token).join(''), responses.text);
  assert.deepEqual(part[0].top_logprobs.map((t) => t.token), ['alt1', 'alt2']);

  const chat = await generateText({
    model: aiSdk.chat('eaio-auto'),
    prompt: 'What is a kWh?',
    maxRetries: 0,
    providerOptions: { openai: { logprobs: true } },
  });
  assert.equal(chat.providerMetadata.openai.logprobs.map((t) => t.token).join(''), chat.text);
});

check('AI SDK tools: parallel calls run and the final answer follows their results', async () => {
  const sites = [];
  const { text, steps } = await generateText({
    model: aiSdk('eaio-auto'),
    prompt: 'How cold is it at Heron and at Bobcat?',
    maxRetries: 0,
    stopWhen: stepCountIs(3),
    tools: {
      site_weather: tool({
        description: 'The weather at a site.',
        inputSchema: z.object({ site: z.string() }),
        execute: async ({ site }) => { sites.push(site); return { site, temperatureC: site === 'Heron' ? 3 : 11 }; },
      }),
    },
  });
  assert.deepEqual(sites, ['Heron', 'Bobcat']);
  assert.equal(steps.length, 2);
  assert.equal(text, 'Weather noted.');
});

// LangChain JS (ChatOpenAI from @langchain/openai 0.6, the line that runs on Node.js 18+), on /v1/chat/completions.
const langChain = (options = {}) => new ChatOpenAI({
  model: 'eaio-auto',
  apiKey: env('EAIO_PUBLIC_KEY'),
  configuration: { baseURL },
  maxRetries: 0,
  ...options,
});

check('LangChain ChatOpenAI invoke answers with the text and the usage', async () => {
  const message = await langChain().invoke('Three tips for office lighting?');
  assert.equal(message.content, 'OpenAI answer.');
  assert.equal(message.usage_metadata?.input_tokens, 11);
});

check('LangChain ChatOpenAI stream yields the whole text', async () => {
  let text = '';
  for await (const chunk of await langChain().stream('Say hello.')) {
    text += chunk.content;
  }
  assert.equal(text, 'OpenAI answer.');
});

check('LangChain ChatOpenAI with logprobs gets them in the response metadata', async () => {
  const message = await langChain({ logprobs: true, topLogprobs: 1 }).invoke('What is a kWh?');
  const tokens = message.response_metadata.logprobs.content;
  assert.equal(tokens.map((t) => t.token).join(''), message.content);
  assert.equal(tokens[0].top_logprobs[0].token, 'alt1');
});

check('LangChain bindTools gets both parallel tool calls back, parsed', async () => {
  const weather = {
    type: 'function',
    function: { name: 'site_weather', description: 'The outdoor temperature at a site.', parameters: weatherParameters },
  };
  const message = await langChain().bindTools([weather]).invoke('What is the weather at Heron and Bobcat?');
  assert.deepEqual(message.tool_calls.map((call) => [call.name, call.args.site]), [['site_weather', 'Heron'], ['site_weather', 'Bobcat']]);
});

check('a LangChain agent loop runs the tool with the caller\'s e-mail and answers with the building restored', async () => {
  // A LangChain tool (zod schema), bound to the model; its invocation with the model's tool call returns the ToolMessage.
  const sent = [];
  const sendReportTool = langChainTool(
    async ({ to, building: id }) => { sent.push([to, id]); return JSON.stringify({ status: 'sent', building: id }); },
    {
      name: 'send_report',
      description: 'Sends a building\'s energy report to a recipient.',
      schema: z.object({ to: z.string(), building: z.string() }),
    },
  );
  const model = langChain().bindTools([sendReportTool]);
  const messages = [new HumanMessage(`Email the energy report of ${building} to ${email}.`)];

  const first = await model.invoke(messages);
  assert.equal(first.tool_calls.length, 1);
  assert.equal(first.tool_calls[0].name, 'send_report');
  assert.deepEqual(first.tool_calls[0].args, { to: email, building });
  messages.push(first);
  for (const call of first.tool_calls) {
    const result = await sendReportTool.invoke(call);
    assert.ok(result instanceof ToolMessage, 'invoking a tool with a tool call returns a ToolMessage');
    assert.equal(result.tool_call_id, call.id);
    messages.push(result);
  }

  const final = await model.invoke(messages);
  assert.deepEqual(sent, [[email, building]]);
  assert.equal(final.tool_calls.length, 0);
  assert.equal(final.content, `Sent the report on ${building}.`);
});

check('an unknown path answers 404 in OpenAI\'s error shape, naming the endpoints', async () => {
  await assert.rejects(
    publicClient.files.list(),
    (err) => err instanceof OpenAI.NotFoundError && err.code === 'unknown_url' && /POST \/v1\/chat\/completions/.test(err.message),
  );
});

let failed = 0;
for (const [name, fn] of checks) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err?.stack ?? err}`);
  }
}
console.log(`openai ${VERSION} on Node.js ${process.version}: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
