import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { nonLoopbackAddress } from '../support/hostAddress.js';
import { Metrics, type QueueDepths } from '../../src/observability/metrics.js';
import { metricsRouter } from '../../src/http/metricsRouter.js';
import { labelValues, parseExposition, valueOf } from './scrape.js';

describe('Metrics', () => {
  it('exports every metric with its labels once recorded', async () => {
    const metrics = new Metrics({ queueDepths: () => ({ outboxPending: 4, handoffsWaiting: 2, handoffsActive: 1 }) });
    metrics.turn('whatsapp', 'replied', 0.004);
    metrics.turn('whatsapp', 'replied', 0.2);
    metrics.turn('webchat', 'silent', 0.002);
    metrics.turn('messenger', 'duplicate', 0.0005);
    metrics.turn('instagram', 'failed', 3);
    metrics.ticketFiled('seller');
    metrics.ticketFiled('complaint');
    metrics.ticketFiled('complaint');
    metrics.handoffOpened('asked');
    metrics.graphRequest('whatsapp', 'ok');
    metrics.graphRequest('messenger', 'failed');
    metrics.graphError('messenger', 'throttled');
    metrics.graphError('messenger', 'permanent');
    metrics.webhook('whatsapp', 200);
    metrics.webhook('instagram', 401);
    metrics.deliveryFailed('whatsapp', 'windowClosed');

    const text = await metrics.scrape();
    expect(valueOf(text, 'pln_turns_total', { channel: 'whatsapp', outcome: 'replied' })).toBe(2);
    expect(valueOf(text, 'pln_turns_total', { channel: 'webchat', outcome: 'silent' })).toBe(1);
    expect(valueOf(text, 'pln_turns_total', { channel: 'messenger', outcome: 'duplicate' })).toBe(1);
    expect(valueOf(text, 'pln_turns_total', { channel: 'instagram', outcome: 'failed' })).toBe(1);
    expect(valueOf(text, 'pln_turn_duration_seconds_count', { channel: 'whatsapp' })).toBe(2);
    expect(valueOf(text, 'pln_turn_duration_seconds_sum', { channel: 'whatsapp' })).toBeCloseTo(0.204);
    expect(valueOf(text, 'pln_turn_duration_seconds_bucket', { channel: 'whatsapp', le: '0.005' })).toBe(1);
    expect(valueOf(text, 'pln_turn_duration_seconds_bucket', { channel: 'whatsapp', le: '0.25' })).toBe(2);
    // Buckets from 1 ms to 5 s.
    expect(labelValues(text, 'pln_turn_duration_seconds_bucket').le).toEqual(
      expect.arrayContaining(['0.001', '0.01', '0.1', '1', '5', '+Inf']),
    );
    expect(valueOf(text, 'pln_tickets_filed_total', { kind: 'seller' })).toBe(1);
    expect(valueOf(text, 'pln_tickets_filed_total', { kind: 'complaint' })).toBe(2);
    // Fully known label sets start at zero.
    expect(valueOf(text, 'pln_tickets_filed_total', { kind: 'refile' })).toBe(0);
    expect(valueOf(text, 'pln_tickets_filed_total', { kind: 'console' })).toBe(0);
    expect(valueOf(text, 'pln_handoffs_opened_total', { reason: 'asked' })).toBe(1);
    expect(valueOf(text, 'pln_handoffs_opened_total', { reason: 'urgent' })).toBe(0);
    expect(valueOf(text, 'pln_graph_requests_total', { channel: 'whatsapp', outcome: 'ok' })).toBe(1);
    expect(valueOf(text, 'pln_graph_requests_total', { channel: 'messenger', outcome: 'failed' })).toBe(1);
    expect(valueOf(text, 'pln_graph_errors_total', { channel: 'messenger', kind: 'throttled' })).toBe(1);
    expect(valueOf(text, 'pln_graph_errors_total', { channel: 'messenger', kind: 'permanent' })).toBe(1);
    expect(valueOf(text, 'pln_webhooks_total', { channel: 'whatsapp', status: '200' })).toBe(1);
    expect(valueOf(text, 'pln_webhooks_total', { channel: 'instagram', status: '401' })).toBe(1);
    expect(valueOf(text, 'pln_delivery_failures_total', { channel: 'whatsapp', reason: 'windowClosed' })).toBe(1);
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(4);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(2);
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBe(1);
    // Default process metrics: CPU, memory, event-loop lag.
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(valueOf(text, name), name).toBeTypeOf('number');
    }
    expect(text).toContain('# TYPE pln_turns_total counter');
    expect(text).toContain('# TYPE pln_turn_duration_seconds histogram');
    expect(text).toContain('# TYPE pln_handoffs gauge');
  });

  it('never lets a free-form value become a label: unknown channels and statuses are "other"', async () => {
    const metrics = new Metrics();
    metrics.turn('+6281234567890', 'replied', 0.01);
    metrics.turn('a-bot-framework-channel-nobody-knows', 'silent', 0.01);
    metrics.webhook('whatsapp', 1234);
    metrics.turn('whatsapp', 'replied', Number.NaN);
    const text = await metrics.scrape();
    expect(labelValues(text, 'pln_turns_total').channel).toEqual(['other', 'whatsapp']);
    expect(valueOf(text, 'pln_turns_total', { channel: 'other', outcome: 'replied' })).toBe(1);
    expect(valueOf(text, 'pln_webhooks_total', { channel: 'whatsapp', status: 'other' })).toBe(1);
    // A turn with a nonsense duration is counted but not timed.
    expect(valueOf(text, 'pln_turn_duration_seconds_count', { channel: 'whatsapp' })).toBeUndefined();
    expect(text).not.toContain('6281234567890');
  });

  it('counts a Bot Framework conversation (bf:<channel id>) under its channel id, never under a Meta channel\'s name', async () => {
    const metrics = new Metrics();
    metrics.turn('bf:webchat', 'replied', 0.01);
    metrics.turn('bf:whatsapp', 'replied', 0.01);
    metrics.deliveryFailed('bf:msteams', 'permanent');
    const text = await metrics.scrape();
    expect(labelValues(text, 'pln_turns_total').channel).toEqual(['other', 'webchat']);
    expect(valueOf(text, 'pln_delivery_failures_total', { channel: 'msteams', reason: 'permanent' })).toBe(1);
  });

  it('reads the queue gauges through the callback at scrape time, never before', async () => {
    let calls = 0;
    const depths: QueueDepths = { outboxPending: 0, handoffsWaiting: 0, handoffsActive: 0 };
    const metrics = new Metrics({
      queueDepths: () => {
        calls++;
        return { ...depths };
      },
    });
    expect(calls).toBe(0);
    let text = await metrics.scrape();
    expect(calls).toBeGreaterThan(0);
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(0);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(0);

    Object.assign(depths, { outboxPending: 7, handoffsWaiting: 3, handoffsActive: 2 });
    const before = calls;
    text = await metrics.scrape();
    expect(calls).toBeGreaterThan(before);
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(7);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(3);
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBe(2);
  });

  it('shows NaN, not a stale value, when the callback fails, and reports the error', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const metrics = new Metrics({
      queueDepths: () => {
        if (fail) throw new Error('The database connection is not open');
        return { outboxPending: 5, handoffsWaiting: 1, handoffsActive: 1 };
      },
      onError: (err) => errors.push(err),
    });
    expect(valueOf(await metrics.scrape(), 'pln_ticket_outbox_pending')).toBe(5);
    fail = true;
    const text = await metrics.scrape();
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBeNaN();
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBeNaN();
    expect(errors.length).toBeGreaterThan(0);
  });

  it('leaves the queue gauges out without a callback (rather than a made-up 0)', async () => {
    const text = await new Metrics().scrape();
    expect(parseExposition(text).some((s) => s.name === 'pln_ticket_outbox_pending' || s.name === 'pln_handoffs')).toBe(false);
  });

  it('keeps each instance in its own registry: nothing shared, nothing in the global one', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.turn('whatsapp', 'replied', 0.01);
    a.ticketFiled('seller');
    b.ticketFiled('console');
    const textA = await a.scrape();
    const textB = await b.scrape();
    expect(valueOf(textA, 'pln_turns_total', { channel: 'whatsapp', outcome: 'replied' })).toBe(1);
    expect(valueOf(textB, 'pln_turns_total', { channel: 'whatsapp', outcome: 'replied' })).toBeUndefined();
    expect(valueOf(textA, 'pln_tickets_filed_total', { kind: 'console' })).toBe(0);
    expect(valueOf(textB, 'pln_tickets_filed_total', { kind: 'console' })).toBe(1);
    expect(valueOf(textB, 'pln_tickets_filed_total', { kind: 'seller' })).toBe(0);
    expect(a.registry).not.toBe(b.registry);
    expect(a.registry).not.toBe(globalRegistry);
    expect(globalRegistry.getSingleMetric('pln_turns_total')).toBeUndefined();
    expect(globalRegistry.getSingleMetric('process_cpu_seconds_total')).toBeUndefined();
    expect(await globalRegistry.metrics()).not.toContain('pln_');
  });
});

describe('metricsRouter', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  /** Serves the router on `host` (any interface by default) and gives the URL a client at `host` uses. */
  async function serve(metrics: Metrics, token?: string, host = '127.0.0.1'): Promise<string> {
    const app = express();
    app.use(metricsRouter(metrics, token === undefined ? {} : { token }));
    const listening = app.listen(0, host);
    server = listening;
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    return `http://${host}:${(listening.address() as AddressInfo).port}/metrics`;
  }

  it('requires the bearer token when one is configured', async () => {
    const metrics = new Metrics();
    metrics.webhook('whatsapp', 200);
    const url = await serve(metrics, 'scrape-secret-123');

    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('pln_');

    const wrong = await fetch(url, { headers: { authorization: 'Bearer scrape-secret-124' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
    const notBearer = await fetch(url, { headers: { authorization: 'Basic c2NyYXBlOnNlY3JldA==' } });
    expect(notBearer.status).toBe(401);

    const ok = await fetch(url, { headers: { authorization: 'Bearer scrape-secret-123' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(valueOf(await ok.text(), 'pln_webhooks_total', { channel: 'whatsapp', status: '200' })).toBe(1);
  });

  it('without a token (or with a blank one) serves loopback clients only', async () => {
    for (const token of [undefined, '', '  ']) {
      const url = await serve(new Metrics(), token);
      const res = await fetch(url);
      expect(res.status, `token ${JSON.stringify(token)}`).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain('# TYPE pln_turns_total counter');
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
    // The same router reached at one of the host's own non-loopback addresses: the peer is not loopback.
    const remote = await serve(new Metrics(), undefined, nonLoopbackAddress());
    const refused = await fetch(remote, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('pln_');
  });

  it('with a token serves any address that shows it', async () => {
    const url = await serve(new Metrics(), 'scrape-secret-123', nonLoopbackAddress());
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer scrape-secret-123' } })).status).toBe(200);
  });
});
