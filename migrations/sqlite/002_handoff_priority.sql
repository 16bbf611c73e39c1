-- The officers' queue is ordered by priority, then by age (src/core/handoffReason.ts):
-- 0 urgent (account take-over, data leak), 1 stuck (the bot failed the customer repeatedly),
-- 2 asked for an officer or not understood. Handoffs already there get theirs from their reason.
ALTER TABLE handoffs ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;
UPDATE handoffs SET priority = CASE reason WHEN 'urgent' THEN 0 WHEN 'stuck' THEN 1 ELSE 2 END;
DROP INDEX IF EXISTS handoffs_status;
CREATE INDEX handoffs_queue ON handoffs (status, priority, requested_at, id);
-- History (closed handoffs, newest first) and a customer's earlier conversations.
CREATE INDEX handoffs_closed ON handoffs (closed_at) WHERE status = 'closed';
CREATE INDEX handoffs_conversation ON handoffs (conversation_key, id);
