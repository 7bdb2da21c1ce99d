namespace FlowMachine.Storage;

/// <summary>
/// A time as the records hold it: UTC ticks in a <see cref="long"/> (8 bytes, where a nullable
/// <see cref="DateTimeOffset"/> takes 24), <see cref="None"/> for no time. A time comes back in UTC, the same instant.
/// </summary>
internal static class StoredTime
{
    public const long None = long.MinValue;

    public static long Of(DateTimeOffset? time) => time is { } t ? t.UtcTicks : None;

    public static DateTimeOffset? Read(long ticks) => ticks == None ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
