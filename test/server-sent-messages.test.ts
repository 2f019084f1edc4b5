// The server's record of what it sent: unacknowledged messages are kept for resending; an acknowledged
// answer keeps only its length (for msg_detailed_info), not its bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SentMessages, bodySize, type Queued } from '../src/server/sent-messages.ts';

function answer(reqMsgId: bigint, msgId: bigint, bytes: number): Queued {
  return { body: new Uint8Array(bytes), content: true, kind: 'response', answers: reqMsgId, msgId };
}

test('an acknowledged answer lets go of its bytes but keeps its length', () => {
  const sent = new SentMessages();
  const big = answer(10n, 100n, 1 << 20);
  sent.answerQueued(big);
  sent.sent(big);
  assert.equal(sent.unackedBytes, 1 << 20);
  assert.ok(sent.has(100n));
  sent.ack([100n]);
  assert.equal(sent.unackedBytes, 0);
  assert.equal(sent.has(100n), false);
  const kept = sent.answerTo(10n)!;
  assert.equal(kept.acked, true);
  assert.equal((kept.body as Uint8Array).length, 0);
  assert.equal(bodySize(kept), 1 << 20);
  assert.deepEqual(sent.takeForResend([100n]), []);
});

test('an unacknowledged answer keeps its bytes for resending', () => {
  const sent = new SentMessages();
  const a = answer(11n, 101n, 300);
  sent.answerQueued(a);
  sent.sent(a);
  const again = sent.takeForResend([101n]);
  assert.equal(again.length, 1);
  assert.equal((again[0].body as Uint8Array).length, 300);
});
