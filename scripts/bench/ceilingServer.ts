/**
 * The ceiling of the turn benchmark: a bare Express 5 JSON endpoint, run as its own child process
 * (`node --import tsx scripts/bench/ceilingServer.ts`, PORT and HOST from the environment) and hit
 * by the same load generator with the same bodies as the service. It parses the body with the
 * same limit as the service's `/api/messages` (the photo turn is ~200 KB) and answers one reply.
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.post('/echo', express.json({ limit: '12mb' }), (_req, res) => {
  res.json({ activities: [{ type: 'message', text: 'ok' }] });
});

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
