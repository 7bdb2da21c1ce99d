namespace FlowMachine.Postgres;

// ---- 23: webhooks ----
internal static partial class PostgresMigrations
{
    /// <summary>Webhooks and the deliveries they received.</summary>
    private static readonly string[] Hooks =
    [
        // hooks: by unique name, with the secret that signs their deliveries, their owner and their action (JSON).
        // hook_deliveries: the delivery ids each hook received and the answer given (status and body NULL while the
        // first delivery is being handled), kept for HookProtocol.DeliveryKeep; deleted with their hook.
        """
        CREATE TABLE hooks (
            name        text COLLATE "C" NOT NULL PRIMARY KEY,
            secret      text   NOT NULL,
            owner       text COLLATE "C" NOT NULL,
            action_json text   NOT NULL,
            created_at  bigint NOT NULL,
            rotated_at  bigint
        );
        CREATE INDEX hooks_owner ON hooks (owner, name);
        CREATE TABLE hook_deliveries (
            hook        text COLLATE "C" NOT NULL,
            delivery    text COLLATE "C" NOT NULL,
            status      integer,
            body        text,
            received_at bigint NOT NULL,
            PRIMARY KEY (hook, delivery)
        );
        CREATE INDEX hook_deliveries_received ON hook_deliveries (received_at);
        """,
    ];
}
