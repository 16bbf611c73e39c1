import express, { type Router } from 'express';
import type { AgentAuth, AgentLocals } from './agentAuth.js';
import { statsCsv, type StatsRange, type SupervisorStatsStore } from './supervisorStats.js';

/**
 * The supervisor view's figures under /agent/api/supervisor: JSON for the charts, CSV for a
 * spreadsheet. A signed-in officer without the supervisor flag gets 403.
 */
export function createSupervisorRouter(options: { auth: AgentAuth; stats: SupervisorStatsStore; onError: (err: unknown) => void }): Router {
  const router = express.Router();
  const rangeOf = (value: unknown): StatsRange | null => (value === undefined || value === 'today' ? 'today' : value === '7d' ? '7d' : null);
  router.get('/agent/api/supervisor/:format', options.auth.requireSession, async (req, res) => {
    if (!(res.locals as AgentLocals).officer.supervisor) {
      res.status(403).json({ error: 'not_supervisor' });
      return;
    }
    const range = rangeOf(req.query.range);
    const format = req.params.format;
    if (!range || (format !== 'stats' && format !== 'stats.csv')) {
      res.status(format === 'stats' || format === 'stats.csv' ? 400 : 404).json({ error: range ? 'not_found' : 'bad_range' });
      return;
    }
    try {
      const stats = await options.stats.stats(range);
      res.setHeader('Cache-Control', 'no-store');
      if (format === 'stats') {
        res.json(stats);
        return;
      }
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="pln123-supervisor-${range}-${stats.to.slice(0, 10)}.csv"`);
      res.send(statsCsv(stats));
    } catch (err) {
      options.onError(err);
      res.status(500).json({ error: 'internal_error' });
    }
  });
  return router;
}
