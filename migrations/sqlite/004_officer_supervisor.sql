-- Officers who may open the supervisor view (queue, handoffs, tickets and the seller form's
-- funnel over time): `npm run officer -- add <name> --name "…" --supervisor`, or
-- `npm run officer -- supervisor <name> on|off`.
ALTER TABLE officers ADD COLUMN supervisor INTEGER NOT NULL DEFAULT 0;
