using System.Runtime.CompilerServices;
using System.Text;

namespace FlowMachine.Client.Watching;

/// <summary>Reads a <c>text/event-stream</c>: each event's type and its data lines joined, as sent.</summary>
internal static class ServerSentEvents
{
    public static async IAsyncEnumerable<(string Type, string Data)> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var type = "message";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return (type, data.ToString());
                }

                type = "message";
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue; // a comment, such as a keep-alive
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    break;
            }
        }

        if (data.Length > 0)
        {
            yield return (type, data.ToString());
        }
    }
}
