namespace FlowMachine.Storage.Relational;

/// <summary>Statements of the cold path that read the same in every SQL dialect FlowMachine supports.</summary>
internal static class RelationalSql
{
    /// <summary>A waiting step holding the token <c>@token</c>, unless the token was taken already: <c>flow_id, key, started_at</c>.</summary>
    public const string FindResumeToken =
        "SELECT flow_id, key, started_at FROM steps WHERE resume_token = @token AND state = 'WAITING' " +
        "AND NOT EXISTS (SELECT 1 FROM used_resume_tokens WHERE token = @token) LIMIT 1";

    /// <summary>
    /// Stores step <c>@key</c>'s progress <c>@progress</c> (JSON text) at <c>@at</c> (Unix milliseconds) while the step is
    /// RUNNING and <c>@owner</c> holds flow <c>@flow</c>'s lease: one row by primary key, no index column named.
    /// </summary>
    public const string SaveProgress =
        "UPDATE steps SET progress = @progress, progress_at = @at WHERE flow_id = @flow AND key = @key AND state = 'RUNNING' " +
        "AND EXISTS (SELECT 1 FROM flows WHERE id = @flow AND lease_owner = @owner)";

    /// <summary>The progress columns the query role reads after the step columns (<see cref="RelationalRows.ReadStepWithProgress"/>).</summary>
    public const string ProgressColumns = ", progress, progress_at";

    /// <summary>The columns of a flow's event, as <see cref="RelationalRows.ReadEvent"/> reads them.</summary>
    public const string EventColumns = "id, flow_id, name, value, at, key";

    /// <summary>Adds user <c>@name</c> (admin flag <c>@admin</c>, created at <c>@at</c> in Unix milliseconds) unless the name is taken.</summary>
    public const string InsertUser = "INSERT INTO users (name, is_admin, created_at) VALUES (@name, @admin, @at) ON CONFLICT (name) DO NOTHING";

    /// <summary>A user row as <see cref="RelationalRows.ReadUser"/> reads it.</summary>
    public const string UserColumns = "name, is_admin, created_at";

    /// <summary>A schedule row as <see cref="RelationalRows.ReadSchedule"/> reads it.</summary>
    public const string ScheduleColumns =
        "name, owner, definition_json, paused, note, next_fire_at, last_slot, last_flow_id, buffered_slot, last_error, " +
        "lease_owner, lease_expires_at, created_at, updated_at";

    /// <summary>
    /// True when schedule <c>s</c>'s last flow has ended or is gone (or it has none): a buffered slot may fire.
    /// The terminal states of <see cref="StateNames.IsTerminal"/>. A scalar lookup by id, not EXISTS: a planner
    /// may turn EXISTS into a hash of every unfinished flow, read at each claim.
    /// </summary>
    public const string LastFlowEnded =
        "(COALESCE((SELECT f.state FROM flows f WHERE f.id = s.last_flow_id), 'COMPLETED') IN ('COMPLETED', 'FAILED', 'KILLED', 'CANCELLED'))";

    /// <summary>Every key row as <see cref="RelationalRows.ReadApiKey"/> reads it, by user, then oldest first.</summary>
    public const string ListApiKeys = "SELECT prefix, user_name, key_hash, created_at FROM api_keys ORDER BY user_name, created_at, prefix";

    /// <summary>Removes every key of user <c>@user</c>.</summary>
    public const string DeleteApiKeys = "DELETE FROM api_keys WHERE user_name = @user";

    /// <summary>The user a store is asked to add, checked the same way by every relational store.</summary>
    /// <exception cref="ArgumentException">The user has no name.</exception>
    public static UserRecord CheckedNewUser(UserRecord? user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrWhiteSpace(user.Name);
        return user;
    }

    /// <summary>Binds <see cref="InsertUser"/>'s parameters; <paramref name="admin"/> is the admin flag as the dialect stores it.</summary>
    public static void BindNewUser(System.Data.Common.DbCommand command, UserRecord user, object admin)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(user);
        Bind(command, "@name", user.Name);
        Bind(command, "@admin", admin);
        Bind(command, "@at", user.CreatedAt.ToUnixTimeMilliseconds());
    }

    private static void Bind(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
