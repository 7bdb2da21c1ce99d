namespace FlowMachine.Storage.Relational;

/// <summary>Statements of the cold path that read the same in every SQL dialect FlowMachine supports.</summary>
internal static class RelationalSql
{
    /// <summary>A waiting step holding the token <c>@token</c>, unless the token was taken already: <c>flow_id, key, started_at</c>.</summary>
    public const string FindResumeToken =
        "SELECT flow_id, key, started_at FROM steps WHERE resume_token = @token AND state = 'WAITING' " +
        "AND NOT EXISTS (SELECT 1 FROM used_resume_tokens WHERE token = @token) LIMIT 1";

    /// <summary>A user row as <see cref="RelationalRows.ReadUser"/> reads it.</summary>
    public const string UserColumns = "name, is_admin, created_at";

    /// <summary>Every key row as <see cref="RelationalRows.ReadApiKey"/> reads it, by user, then oldest first.</summary>
    public const string ListApiKeys = "SELECT prefix, user_name, key_hash, created_at FROM api_keys ORDER BY user_name, created_at, prefix";

    /// <summary>Removes every key of user <c>@user</c>.</summary>
    public const string DeleteApiKeys = "DELETE FROM api_keys WHERE user_name = @user";
}
