namespace FlowMachine.Postgres;

// ---- 29: a rate key's tokens in one row, updated in place ----
internal static partial class PostgresMigrations
{
    /// <summary>A rate key's tokens within its window as one row of segments, so that a take is a heap-only update.</summary>
    private static readonly string[] RateBuckets =
    [
        // 29: rate_buckets keeps a key's tokens as segments, oldest first: ends[i] is the time of the latest token of
        // segment i and cum[i] the count of the key's tokens up to and including it (base: the count before the first
        // segment kept). A token joins the last segment when both fall in the same 1/64 of the window (the time divided
        // by per / 64), else starts one, and the segments that left the window go at the next take; so a row holds
        // about 65 segments at most. A segment's tokens count until its latest one leaves the window: tokens taken
        // within 1/64 of a window of each other may come back up to that much later, never earlier, and no window ever
        // holds more than the limit. The window's count is the last cum minus the cum before the window (width_bucket
        // over the sorted ends), so a take reads one row and writes it back in place (no indexed column changes:
        // heap-only), where a row per token cost an insert into two indexes and a delete. rate_take_locked (called by
        // limit_take_each and rate_take) decides from it as before; the tokens taken before are copied, each distinct
        // time a segment of its own, and rate_tokens is left empty for processes of the older version, whose calls go
        // through these functions too.
        """
        CREATE TABLE rate_buckets (
            key   text COLLATE "C" PRIMARY KEY,
            base  bigint   NOT NULL,
            ends  bigint[] NOT NULL,
            cum   bigint[] NOT NULL
        ) WITH (fillfactor = 50);
        INSERT INTO rate_buckets (key, base, ends, cum)
            SELECT key, 0, array_agg(taken_at ORDER BY taken_at), array_agg(cum ORDER BY taken_at)
            FROM (SELECT key, taken_at, sum(count(*)) OVER (PARTITION BY key ORDER BY taken_at)::bigint AS cum FROM rate_tokens GROUP BY key, taken_at) t
            GROUP BY key;
        DELETE FROM rate_tokens;

        CREATE OR REPLACE FUNCTION rate_take_locked(p_key text, p_limit integer, p_per bigint, p_now bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE b rate_buckets%ROWTYPE; last integer; gone integer; g bigint := greatest(p_per / 64, 1); j integer;
        BEGIN
            SELECT * INTO b FROM rate_buckets WHERE key = p_key;
            IF NOT FOUND THEN
                INSERT INTO rate_buckets (key, base, ends, cum) VALUES (p_key, 0, ARRAY[p_now], ARRAY[1::bigint]);
                RETURN NULL;
            END IF;
            last := cardinality(b.ends);
            IF b.ends[last] > p_now THEN
                RETURN b.ends[last];
            END IF;
            gone := width_bucket(p_now - p_per, b.ends);
            IF b.cum[last] - coalesce(b.cum[gone], b.base) < p_limit THEN
                IF b.ends[last] / g = p_now / g THEN
                    UPDATE rate_buckets SET base = coalesce(b.cum[gone], b.base), ends = b.ends[gone + 1 : last - 1] || p_now,
                        cum = b.cum[gone + 1 : last - 1] || (b.cum[last] + 1) WHERE key = p_key;
                ELSE
                    UPDATE rate_buckets SET base = coalesce(b.cum[gone], b.base), ends = b.ends[gone + 1 : last] || p_now,
                        cum = b.cum[gone + 1 : last] || (b.cum[last] + 1) WHERE key = p_key;
                END IF;
                RETURN NULL;
            END IF;
            -- The first segment after which the window holds at most p_limit - 1 tokens: when it leaves, one is due.
            j := least(width_bucket(b.cum[last] - p_limit, b.cum) + 1, last);
            RETURN b.ends[j] + p_per;
        END $$;
        """,
    ];
}
