// The official OpenAI SDK for JavaScript against a running VScan Serve. Started by dev.vscan.deploy.OpenAiSdkIT,
// which installs this directory's package-lock.json into target/ and passes the service's address and the
// sample images in the environment. Uses node's own test runner: node --test openai-sdk.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: `${process.env.VSCAN_URL}/v1`,
  apiKey: 'not-needed-here',
  maxRetries: 0,
  timeout: 120_000,
});

const dataUrl = (path) => `data:image/png;base64,${readFileSync(path).toString('base64')}`;
const glyph = dataUrl(process.env.VSCAN_GLYPH_PNG);
const [left, right] = [dataUrl(process.env.VSCAN_COMPARE_1_PNG), dataUrl(process.env.VSCAN_COMPARE_2_PNG)];

async function servedModel() {
  const models = await client.models.list();
  assert.equal(models.data.length, 1);
  return models.data[0].id;
}

function ask(model, question, images, extra = {}) {
  return {
    model,
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: question },
          ...images.map((url) => ({ type: 'image_url', image_url: { url } })),
        ],
      },
    ],
    max_completion_tokens: 8,
    ...extra,
  };
}

test('a one-image question is answered as a chat.completion', async () => {
  const model = await servedModel();
  const completion = await client.chat.completions.create(ask(model, 'what letter is shown ?', [glyph]));
  assert.equal(completion.object, 'chat.completion');
  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.model, model);
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(typeof completion.choices[0].message.content, 'string');
  assert.ok(completion.choices[0].message.content.length > 0, 'the built-in model says something');
  assert.ok(['stop', 'length'].includes(completion.choices[0].finish_reason));
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);
  assert.ok(completion.usage.vscan.visual_tokens_in > 0);
});

test('a two-image question sees the visual tokens of both images', async () => {
  const model = await servedModel();
  const one = await client.chat.completions.create(ask(model, 'is the circle bigger ?', [left]));
  const two = await client.chat.completions.create(ask(model, 'is the circle bigger in the first ?', [left, right]));
  assert.equal(two.usage.vscan.visual_tokens_in, 2 * one.usage.vscan.visual_tokens_in);
  assert.ok(two.usage.prompt_tokens > one.usage.prompt_tokens);
  assert.equal(typeof two.choices[0].message.content, 'string');
});

test('a streamed answer concatenates to the non-streamed answer for the same seed', async () => {
  const model = await servedModel();
  const request = ask(model, 'what letter is shown ?', [glyph], { temperature: 0.8, seed: 42 });
  const whole = await client.chat.completions.create(request);
  const stream = await client.chat.completions.create({
    ...request, stream: true, stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant', 'the role comes first');
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, whole.choices[0].message.content);
  const finish = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
  assert.deepEqual(finish, [whole.choices[0].finish_reason]);
  const last = chunks[chunks.length - 1];
  assert.equal(last.choices.length, 0);
  assert.equal(last.usage.completion_tokens, whole.usage.completion_tokens);
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id));
});

test('an http image URL the URL policy refuses is a 400 BadRequestError', async () => {
  const model = await servedModel();
  await assert.rejects(
    client.chat.completions.create(ask(model, 'what is it ?', ['http://127.0.0.1:9/private.png'])),
    (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, `got ${e}`);
      assert.equal(e.status, 400);
      assert.equal(e.code, 'image_url_refused');
      assert.equal(e.type, 'invalid_request_error');
      return true;
    },
  );
});

test('a malformed request is a 400 BadRequestError naming the parameter', async () => {
  const model = await servedModel();
  await assert.rejects(client.chat.completions.create({ model, messages: [] }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, `got ${e}`);
    assert.equal(e.param, 'messages');
    return true;
  });
  await assert.rejects(client.chat.completions.create(ask(model, 'hi', [], { n: 2 })), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, `got ${e}`);
    assert.equal(e.param, 'n');
    return true;
  });
  await assert.rejects(client.chat.completions.create(ask('gpt-4o', 'hi', [])), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError, `got ${e}`);
    assert.equal(e.code, 'model_not_found');
    return true;
  });
});
