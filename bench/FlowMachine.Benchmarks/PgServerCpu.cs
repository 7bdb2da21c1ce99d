using System.Globalization;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// The CPU time (user and system) of every process of a PostgreSQL server on this machine, from /proc: the
/// postmaster, its live children (backends, background writer, WAL writer, …) and the children it has
/// reaped (a backend whose connection closed). Null when the server is not a process here (another
/// machine, or /proc unreadable).
/// </summary>
internal sealed class PgServerCpu
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on Linux builds for every common architecture

    private readonly int postmaster;

    private PgServerCpu(int postmaster) => this.postmaster = postmaster;

    public static async Task<PgServerCpu?> FindAsync(string connectionString)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var fields = Read(backend);
        if (fields is null || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent))
        {
            return null;
        }

        var comm = File.Exists($"/proc/{parent}/comm") ? File.ReadAllText($"/proc/{parent}/comm").Trim() : "";
        return comm.StartsWith("postgres", StringComparison.Ordinal) ? new PgServerCpu(parent) : null;
    }

    /// <summary>The server's CPU time so far.</summary>
    public TimeSpan Total()
    {
        long ticks = 0;
        if (Read(postmaster) is { } own)
        {
            ticks += Ticks(own, 11) + Ticks(own, 12) + Ticks(own, 13) + Ticks(own, 14);
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) || pid == postmaster)
            {
                continue;
            }

            if (Read(pid) is { } f && f[1] == postmaster.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(f, 11) + Ticks(f, 12);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    // The fields of /proc/PID/stat after the command name (which may hold spaces): [0] state, [1] ppid,
    // [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static string[]? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // the process ended meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Ticks(string[] fields, int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
}
