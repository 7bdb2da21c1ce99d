namespace FlowMachine.Storage.Relational;

/// <summary>The command receipts (<see cref="ICommandReceiptStore"/>) in SQL both relational stores run: times in Unix milliseconds.</summary>
public static class CommandReceiptSql
{
    /// <summary>Forgets the receipts made before <c>@cutoff</c>.</summary>
    public const string Expire = "DELETE FROM command_receipts WHERE created_at < @cutoff";

    /// <summary>Claims <c>@key</c> for <c>@request</c> at <c>@at</c>, unless the key is held: one row or none.</summary>
    public const string Claim = "INSERT INTO command_receipts (key, request, created_at) VALUES (@key, @request, @at) ON CONFLICT (key) DO NOTHING";

    /// <summary>The receipt under <c>@key</c>: request, status, body.</summary>
    public const string Find = "SELECT request, status, body FROM command_receipts WHERE key = @key";

    /// <summary>Stores the answer (<c>@status</c>, <c>@body</c>) under <c>@key</c>.</summary>
    public const string Complete = "UPDATE command_receipts SET status = @status, body = @body WHERE key = @key";

    /// <summary>Forgets the receipt under <c>@key</c>.</summary>
    public const string Forget = "DELETE FROM command_receipts WHERE key = @key";
}
