namespace FlowMachine.Postgres;

// ---- 25 (the PostgreSQL schema number given to this change; renumbered at merge to follow the others): a rate token taken without walking its window ----
internal static partial class PostgresMigrations
{
    /// <summary>A rate token taken without walking its window when the window is far below its limit.</summary>
    private static readonly string[] RateTokens =
    [
        // 25: rate_take settles a window far below its limit from two index lookups. A key's tokens are taken in time
        // order under the key's lock (never one before the latest) and ids grow with every insert, so the window holds
        // at most the ids from its oldest token to the newest; only a window near its limit is counted. Tokens out of
        // their window go with every 64th token taken instead of each time (they count no more either way).
        """
        CREATE INDEX rate_tokens_order ON rate_tokens (key, taken_at, id);
        DROP INDEX rate_tokens_key;

        CREATE OR REPLACE FUNCTION rate_take(p_key text, p_limit integer, p_per bigint, p_now bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE back bigint; latest bigint; newest bigint; oldest bigint; taken bigint;
        BEGIN
            PERFORM set_config('synchronous_commit', 'off', true);
            PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || ':rate:' || p_key, 0));
            SELECT taken_at, id INTO latest, newest FROM rate_tokens WHERE key = p_key ORDER BY taken_at DESC, id DESC LIMIT 1;
            IF latest > p_now THEN
                RETURN latest;
            END IF;
            SELECT id INTO oldest FROM rate_tokens WHERE key = p_key AND taken_at > p_now - p_per ORDER BY taken_at, id LIMIT 1;
            IF oldest IS NULL OR newest - oldest + 1 < p_limit THEN
                INSERT INTO rate_tokens (key, taken_at) VALUES (p_key, p_now) RETURNING id INTO taken;
                IF taken % 64 = 0 THEN
                    DELETE FROM rate_tokens WHERE key = p_key AND taken_at <= p_now - p_per;
                END IF;
                RETURN NULL;
            END IF;
            DELETE FROM rate_tokens WHERE key = p_key AND taken_at <= p_now - p_per;
            SELECT taken_at + p_per INTO back FROM rate_tokens WHERE key = p_key ORDER BY taken_at DESC OFFSET p_limit - 1 LIMIT 1;
            IF back IS NOT NULL THEN
                RETURN back;
            END IF;
            INSERT INTO rate_tokens (key, taken_at) VALUES (p_key, p_now);
            RETURN NULL;
        END $$;
        """,
    ];
}
