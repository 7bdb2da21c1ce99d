namespace FlowMachine.Storage.Relational;

/// <summary>The webhooks (<see cref="IHookStore"/>) in SQL both relational stores run: times in Unix milliseconds.</summary>
public static class HookSql
{
    /// <summary>The columns a hook is read from, in <see cref="Read"/>'s order.</summary>
    private const string Columns = "name, secret, owner, action_json, created_at, rotated_at";

    /// <summary>Stores a new hook, unless the name is taken: one row or none.</summary>
    public const string Create = "INSERT INTO hooks (" + Columns + ") VALUES (@name, @secret, @owner, @action, @created, NULL) ON CONFLICT (name) DO NOTHING";

    /// <summary>The hook named <c>@name</c>.</summary>
    public const string Get = "SELECT " + Columns + " FROM hooks WHERE name = @name";

    /// <summary>Every hook, by name.</summary>
    public const string ListAll = "SELECT " + Columns + " FROM hooks ORDER BY name";

    /// <summary>The hooks of <c>@owner</c>, by name.</summary>
    public const string ListOwned = "SELECT " + Columns + " FROM hooks WHERE owner = @owner ORDER BY name";

    /// <summary>Replaces the secret of <c>@name</c> with <c>@secret</c> at <c>@at</c>.</summary>
    public const string Rotate = "UPDATE hooks SET secret = @secret, rotated_at = @at WHERE name = @name";

    /// <summary>Deletes the deliveries of hook <c>@name</c> (before the hook).</summary>
    public const string DeleteDeliveries = "DELETE FROM hook_deliveries WHERE hook = @name";

    /// <summary>Deletes hook <c>@name</c>.</summary>
    public const string Delete = "DELETE FROM hooks WHERE name = @name";

    /// <summary>Forgets the deliveries of <c>@hook</c> received before <c>@cutoff</c>.</summary>
    public const string ExpireDeliveries = "DELETE FROM hook_deliveries WHERE hook = @hook AND received_at < @cutoff";

    /// <summary>Claims delivery <c>@delivery</c> of <c>@hook</c> at <c>@at</c>, unless it is held: one row or none.</summary>
    public const string ClaimDelivery = "INSERT INTO hook_deliveries (hook, delivery, received_at) VALUES (@hook, @delivery, @at) ON CONFLICT (hook, delivery) DO NOTHING";

    /// <summary>The stored answer to delivery <c>@delivery</c> of <c>@hook</c>: status, body.</summary>
    public const string FindDelivery = "SELECT status, body FROM hook_deliveries WHERE hook = @hook AND delivery = @delivery";

    /// <summary>Stores the answer (<c>@status</c>, <c>@body</c>) to delivery <c>@delivery</c> of <c>@hook</c>.</summary>
    public const string CompleteDelivery = "UPDATE hook_deliveries SET status = @status, body = @body WHERE hook = @hook AND delivery = @delivery";

    /// <summary>Forgets delivery <c>@delivery</c> of <c>@hook</c>.</summary>
    public const string ForgetDelivery = "DELETE FROM hook_deliveries WHERE hook = @hook AND delivery = @delivery";

    /// <summary>Forgets every delivery received before <c>@cutoff</c>.</summary>
    public const string PurgeDeliveries = "DELETE FROM hook_deliveries WHERE received_at < @cutoff";

    /// <summary>Reads a hook from a row of <see cref="Get"/> or a list.</summary>
    public static HookRecord Read(System.Data.Common.DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new HookRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));
    }

    /// <summary>Reads a delivery from a row of <see cref="FindDelivery"/>.</summary>
    public static HookDelivery ReadDelivery(System.Data.Common.DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new HookDelivery(r.IsDBNull(0) ? null : r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1));
    }
}
