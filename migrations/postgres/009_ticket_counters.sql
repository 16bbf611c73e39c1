-- The last ticket number issued per prefix (ITSM, APKT) and Jakarta day (src/tickets/pgTicketing.ts).
-- A filing increments its row and inserts the ticket in one statement, so filings of one day wait
-- for each other only while that statement runs. Before, each took an advisory lock and read
-- MAX(seq) in a transaction of several round trips, and under load "kirim" turns queued on it.
CREATE TABLE ticket_counters (
  prefix text NOT NULL,
  day    text NOT NULL,
  seq    integer NOT NULL,
  PRIMARY KEY (prefix, day)
);

INSERT INTO ticket_counters (prefix, day, seq) SELECT 'ITSM', day, MAX(seq) FROM itsm_tickets GROUP BY day;
INSERT INTO ticket_counters (prefix, day, seq) SELECT 'APKT', day, MAX(seq) FROM apkt_records GROUP BY day;

-- The next number of `p_prefix` on `p_day` for the filing of key `p_key` (column `p_key_column` of
-- `p_table`), or NULL when a filing of that key is there already. The counter row stays locked
-- until the caller's statement commits, so a filing of the same key that committed while this one
-- waited for the lock is seen here (a volatile function's statements each take a new snapshot),
-- and the counter is put back: racing filings of one key leave no gap in the day's numbers.
CREATE FUNCTION next_ticket_seq(p_prefix text, p_day text, p_table text, p_key_column text, p_key text)
RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_seq integer;
  v_taken boolean;
BEGIN
  INSERT INTO ticket_counters AS c (prefix, day, seq) VALUES (p_prefix, p_day, 1)
    ON CONFLICT (prefix, day) DO UPDATE SET seq = c.seq + 1
    RETURNING c.seq INTO v_seq;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', p_table, p_key_column) INTO v_taken USING p_key;
  IF v_taken THEN
    UPDATE ticket_counters SET seq = seq - 1 WHERE prefix = p_prefix AND day = p_day;
    RETURN NULL;
  END IF;
  RETURN v_seq;
END
$$;
